"""Thread actions: lock, pin, rename, move, merge and split."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from forum import policy, queries
from forum.errors import ServiceError
from forum.extensions import db
from forum.forms.moderation import (
    MergeForm,
    MoveForm,
    OptionalReasonForm,
    PinForm,
    RenameForm,
    SplitForm,
    thread_ref,
)
from forum.models import Thread
from forum.queries import moderation as moderation_reads
from forum.services.moderation import threads as moderation_threads
from forum.views.submission import save
from forum.web.paging import page_arg
from forum.web.security import safe_next_url

bp = Blueprint("mod_threads", __name__, url_prefix="/mod/threads")


def _thread(thread_id: int) -> Thread:
    thread = queries.get_thread_or_404(thread_id, current_user)
    policy.require(policy.can_moderate_thread(current_user, thread))
    return thread


def _destinations(thread: Thread | None = None) -> list[SelectChoice]:
    return [
        SelectChoice(c.id, c.name)
        for c in moderation_reads.moderated_categories(current_user)
        if thread is None or c.id != thread.category_id
    ]


def _forms(thread: Thread, **given: Any) -> dict[str, Any]:
    forms = {
        "lock_form": OptionalReasonForm(formdata=None, prefix="lock"),
        "pin_form": PinForm(formdata=None, prefix="pin"),
        "rename_form": RenameForm(formdata=None, prefix="rename", data={"title": thread.title}),
        "move_form": MoveForm(formdata=None, prefix="move"),
        "merge_form": MergeForm(formdata=None, prefix="merge"),
        **given,
    }
    forms["move_form"].category.choices = _destinations(thread)
    return forms


def _render(thread: Thread, status: int = 200, **given: Any) -> tuple[str, int]:
    return render_template(
        "moderation/threads/show.html", thread=thread, **_forms(thread, **given)
    ), status


@bp.get("/<id:thread_id>")
def show(thread_id: int) -> tuple[str, int]:
    return _render(_thread(thread_id))


def _done(thread_id: int, message: str) -> Response:
    flash(message, "success")
    default = url_for("mod_threads.show", thread_id=thread_id)
    return redirect(safe_next_url(request.form.get("next"), default))


@bp.post("/<id:thread_id>/<any(lock, unlock):verb>")
def lock(thread_id: int, verb: str) -> Any:
    thread = _thread(thread_id)
    form = OptionalReasonForm(prefix="lock")
    if save(
        form,
        lambda: moderation_threads.set_locked(
            current_user, thread, verb == "lock", reason=form.reason.data or ""
        ),
    ):
        return _done(thread_id, f"The thread is {verb}ed.")
    return _render(_thread(thread_id), 422, lock_form=form)


@bp.post("/<id:thread_id>/pin")
def pin(thread_id: int) -> Any:
    thread = _thread(thread_id)
    form = PinForm(prefix="pin")
    if save(
        form,
        lambda: moderation_threads.pin_thread(
            current_user, thread, scope=form.scope.data, reason=form.reason.data or ""
        ),
    ):
        return _done(thread_id, "The thread is pinned.")
    return _render(_thread(thread_id), 422, pin_form=form)


@bp.post("/<id:thread_id>/unpin")
def unpin(thread_id: int) -> Any:
    thread = _thread(thread_id)
    form = OptionalReasonForm(prefix="lock")
    if save(
        form,
        lambda: moderation_threads.unpin_thread(
            current_user, thread, reason=form.reason.data or ""
        ),
    ):
        return _done(thread_id, "The thread is no longer pinned.")
    return _render(_thread(thread_id), 422, lock_form=form)


@bp.post("/<id:thread_id>/rename")
def rename(thread_id: int) -> Any:
    thread = _thread(thread_id)
    form = RenameForm(prefix="rename")
    if save(
        form,
        lambda: moderation_threads.rename_thread(
            current_user, thread, title=form.title.data, reason=form.reason.data or ""
        ),
    ):
        return _done(thread_id, "The thread is renamed.")
    return _render(_thread(thread_id), 422, rename_form=form)


@bp.post("/<id:thread_id>/move")
def move(thread_id: int) -> Any:
    thread = _thread(thread_id)
    form = MoveForm(prefix="move")
    form.category.choices = _destinations(thread)
    if not form.validate_on_submit():
        return _render(thread, 422, move_form=form)
    destination = moderation_reads.get_category_or_404(form.category.data, current_user)
    policy.require(policy.can_move_thread(current_user, thread, destination))
    moderation_threads.move_thread(current_user, thread, destination, reason=form.reason.data or "")
    db.session.commit()
    return _done(thread_id, f"The thread is now in {destination.name}.")


def _merge_target(thread: Thread, target_id: int | None) -> Thread:
    if target_id is None:
        raise ServiceError("That is not a thread address or number.", "target")
    if target_id == thread.id:
        raise ServiceError("Choose a different thread to merge into.", "target")
    try:
        target = queries.get_thread_or_404(target_id, current_user)
    except NotFound as error:
        raise ServiceError(
            "There is no thread with that number that you can see.", "target"
        ) from error
    if not policy.can_merge_threads(current_user, thread, target):
        raise ServiceError(
            "You cannot moderate that thread, so you cannot merge into it.", "target"
        )
    return target


def _merge(thread: Thread, form: MergeForm) -> int:
    """Merge ``thread`` into the thread the form names; that thread's id."""
    target = _merge_target(thread, thread_ref(form.target.data))
    moderation_threads.merge_threads(current_user, thread, target, reason=form.reason.data or "")
    return target.id


@bp.post("/<id:thread_id>/merge")
def merge(thread_id: int) -> Any:
    thread = _thread(thread_id)
    form = MergeForm(prefix="merge")
    if merged := save(form, lambda: _merge(thread, form)):
        flash("The threads are merged: every post is now in this thread.", "success")
        return redirect(url_for("threads.show", thread_id=merged.result))
    return _render(_thread(thread_id), 422, merge_form=form)


def _split(thread: Thread, form: SplitForm) -> Thread:
    """A new thread of the chosen posts, in the chosen category."""
    destination = moderation_reads.get_category_or_404(form.category.data, current_user)
    return moderation_threads.split_thread(
        current_user,
        thread,
        form.posts.data or [],
        title=form.title.data,
        destination=destination,
        reason=form.reason.data or "",
    )


@bp.route("/<id:thread_id>/split", methods=["GET", "POST"])
def split(thread_id: int) -> Any:
    thread = _thread(thread_id)
    number = page_arg()
    per_page = current_app.config["POSTS_PER_PAGE"]
    form = SplitForm(data={"category": thread.category_id})
    form.category.choices = _destinations()
    split_off = save(form, lambda: _split(thread, form))
    if split_off:
        flash("The chosen posts are now a thread of their own.", "success")
        return redirect(url_for("threads.show", thread_id=split_off.result.id))
    if split_off.refusal:
        thread = _thread(thread_id)  # as stored: the refusal was rolled back
    posts = moderation_reads.thread_posts_for_split(thread, number, per_page)
    pages = max(1, -(-thread.last_post_number // per_page))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "moderation/threads/split.html",
        thread=thread,
        posts=posts,
        form=form,
        number=number,
        pages=pages,
    ), status
