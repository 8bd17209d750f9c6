"""Post actions: hide, restore, delete, edit with a reason, and (admins) purge."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import policy
from forum.errors import ServiceError, attach_to_form
from forum.extensions import db
from forum.forms.moderation import OptionalReasonForm, ReasonForm, StaffEditForm
from forum.models import Post
from forum.queries import moderation as moderation_reads
from forum.services.moderation import posts as moderation_posts

bp = Blueprint("mod_posts", __name__, url_prefix="/mod/posts")


def _post(post_id: int) -> Post:
    post = moderation_reads.get_post_or_404(post_id, current_user)
    policy.require(policy.can_moderate_post(current_user, post))
    return post


def _render(post: Post, status: int = 200, **forms: Any) -> tuple[str, int]:
    defaults = {
        "hide_form": ReasonForm(formdata=None, prefix="hide"),
        "restore_form": OptionalReasonForm(formdata=None, prefix="restore"),
        "delete_form": ReasonForm(formdata=None, prefix="delete"),
        "purge_form": ReasonForm(formdata=None, prefix="purge"),
    }
    return render_template(
        "moderation/posts/show.html",
        post=post,
        items=moderation_reads.items_for_post(post),
        revisions=moderation_reads.revisions_of(post),
        **{**defaults, **forms},
    ), status


@bp.get("/<id:post_id>")
def show(post_id: int) -> tuple[str, int]:
    return _render(_post(post_id))


def _saved(post_id: int, message: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("mod_posts.show", post_id=post_id))


def _act(post_id: int, name: str, form: Any, action: Any, message: str) -> Any:
    post = _post(post_id)
    if form.validate_on_submit():
        try:
            action(current_user, post, reason=form.reason.data or "")
        except ServiceError as error:
            db.session.rollback()
            attach_to_form(form, error)
        else:
            return _saved(post_id, message)
    return _render(_post(post_id), 422, **{f"{name}_form": form})


@bp.post("/<id:post_id>/hide")
def hide(post_id: int) -> Any:
    return _act(
        post_id,
        "hide",
        ReasonForm(prefix="hide"),
        moderation_posts.hide_post,
        "The post is hidden. Its author sees your reason.",
    )


@bp.post("/<id:post_id>/restore")
def restore(post_id: int) -> Any:
    return _act(
        post_id,
        "restore",
        OptionalReasonForm(prefix="restore"),
        moderation_posts.restore_post,
        "The post is visible again.",
    )


@bp.post("/<id:post_id>/delete")
def delete(post_id: int) -> Any:
    return _act(
        post_id,
        "delete",
        ReasonForm(prefix="delete"),
        moderation_posts.delete_post,
        "The post is deleted. Its author sees your reason.",
    )


@bp.post("/<id:post_id>/purge")
def purge(post_id: int) -> Any:
    post = _post(post_id)
    policy.require(policy.can_purge_post(current_user, post))
    form = ReasonForm(prefix="purge")
    if form.validate_on_submit():
        try:
            thread_id = moderation_posts.purge_post(current_user, post, reason=form.reason.data)
        except ServiceError as error:
            db.session.rollback()
            attach_to_form(form, error)
        else:
            db.session.commit()
            flash("The post has been removed permanently.", "success")
            if thread_id is None:
                return redirect(url_for("mod.queue"))
            return redirect(url_for("threads.show", thread_id=thread_id))
    return _render(_post(post_id), 422, purge_form=form)


@bp.route("/<id:post_id>/edit", methods=["GET", "POST"])
def edit(post_id: int) -> Any:
    post = _post(post_id)
    if post.is_deleted:
        flash("Deleted posts cannot be edited.", "error")
        return redirect(url_for("mod_posts.show", post_id=post_id))
    form = StaffEditForm(data={"body": post.body_source})
    del form.warn
    if form.validate_on_submit():
        try:
            moderation_posts.staff_edit_post(
                current_user, post, body=form.body.data, reason=form.reason.data
            )
        except ServiceError as error:
            db.session.rollback()
            attach_to_form(form, error)
            post = _post(post_id)
        else:
            return _saved(post_id, "Saved. The old text is kept in the post's history.")
    status = 422 if form.is_submitted() else 200
    return render_template("moderation/edit_post.html", post=post, item=None, form=form), status
