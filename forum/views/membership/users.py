"""Member profiles."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from forum import queries
from forum.queries import groups as group_queries

bp = Blueprint("users", __name__)


@bp.get("/u/<username>")
def show(username: str) -> str | Response:
    try:
        user = queries.get_user_or_404(username)
    except NotFound:
        # "@handle" in a post links to /u/handle; a group's handle is never a username.
        if (group := group_queries.find_mentionable_group(username)) is None:
            raise
        return redirect(url_for("groups.show", handle=group.handle))
    posts = queries.recent_posts_by(user, current_user)
    return render_template("membership/users/show.html", user=user, posts=posts)
