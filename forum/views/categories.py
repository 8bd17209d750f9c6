"""A category's thread list and starting a thread in it."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.errors import ServiceError, attach_to_form
from forum.extensions import db, limiter
from forum.forms.posts import NewThreadForm
from forum.services import discussions
from forum.views.paging import page_arg

bp = Blueprint("categories", __name__)


def posting_limit() -> str:
    return current_app.config["RATELIMIT_POSTING"]


@bp.get("/c/<slug>")
def show(slug: str) -> str:
    category = queries.get_category_or_404(slug, current_user)
    page = queries.category_threads(
        category, current_user, page_arg(), current_app.config["THREADS_PER_PAGE"]
    )
    return render_template("categories/show.html", category=category, page=page)


@bp.route("/c/<slug>/new", methods=["GET", "POST"])
@limiter.limit(posting_limit, methods=["POST"])
def new_thread(slug: str) -> str | Response | tuple[str, int]:
    category = queries.get_category_or_404(slug, current_user)
    policy.require(policy.can_create_thread(current_user, category))
    form = NewThreadForm()
    if form.validate_on_submit():
        try:
            thread = discussions.create_thread(
                current_user, category, title=form.title.data, body=form.body.data
            )
        except ServiceError as error:
            attach_to_form(form, error)
        else:
            db.session.commit()
            return redirect(url_for("threads.show", thread_id=thread.id, slug=thread.slug))
    status = 422 if form.is_submitted() else 200
    return render_template("categories/new_thread.html", category=category, form=form), status
