"""Reading a thread and replying to it."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import queries
from forum.errors import ServiceError, attach_to_form
from forum.extensions import db, limiter
from forum.forms.posts import ReplyForm
from forum.models import Thread
from forum.services import discussions
from forum.views.categories import posting_limit
from forum.views.paging import page_arg

bp = Blueprint("threads", __name__)


def _render_thread(thread: Thread, page_number: int, form: ReplyForm) -> str:
    per_page = current_app.config["POSTS_PER_PAGE"]
    page = queries.thread_posts(thread, page_number, per_page)
    return render_template("threads/show.html", thread=thread, page=page, form=form)


@bp.get("/t/<id:thread_id>")
@bp.get("/t/<id:thread_id>/<slug>")
def show(thread_id: int, slug: str | None = None) -> str:
    thread = queries.get_thread_or_404(thread_id, current_user)
    return _render_thread(thread, page_arg(), ReplyForm())


@bp.post("/t/<id:thread_id>/reply")
@limiter.limit(posting_limit)
def reply(thread_id: int) -> Response | tuple[str, int]:
    thread = queries.get_thread_or_404(thread_id, current_user)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            post = discussions.reply_to_thread(current_user, thread, body=form.body.data)
        except ServiceError as error:
            attach_to_form(form, error)
        else:
            db.session.commit()
            return redirect(url_for("posts.show", post_id=post.id))
    per_page = current_app.config["POSTS_PER_PAGE"]
    last_page = max(1, -(-thread.last_post_number // per_page))
    return _render_thread(thread, last_page, form), 422
