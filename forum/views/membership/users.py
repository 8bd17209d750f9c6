"""Member profiles."""

from flask import Blueprint, render_template
from flask_login import current_user

from forum import queries

bp = Blueprint("users", __name__)


@bp.get("/u/<username>")
def show(username: str) -> str:
    user = queries.get_user_or_404(username)
    posts = queries.recent_posts_by(user, current_user)
    return render_template("membership/users/show.html", user=user, posts=posts)
