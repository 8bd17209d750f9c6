"""Post actions: hide, restore, delete, edit with a reason, and (admins) purge."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.forms.moderation import OptionalReasonForm, ReasonForm, StaffEditForm
from forum.models import Post
from forum.queries import moderation as moderation_reads
from forum.services.guidance import citations as cited
from forum.services.moderation import posts as moderation_posts
from forum.views.discussions.composer import flash_citation_note
from forum.views.submission import save

bp = Blueprint("mod_posts", __name__, url_prefix="/mod/posts")


def _post(post_id: int) -> Post:
    post = queries.get_post_or_404(post_id, current_user)
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


def _done(post_id: int, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("mod_posts.show", post_id=post_id))


@bp.post("/<id:post_id>/hide")
def hide(post_id: int) -> Any:
    post = _post(post_id)
    form = ReasonForm(prefix="hide")
    if save(form, lambda: moderation_posts.hide_post(current_user, post, reason=form.reason.data)):
        return _done(post_id, "The post is hidden. Its author sees your reason.")
    return _render(_post(post_id), 422, hide_form=form)


@bp.post("/<id:post_id>/restore")
def restore(post_id: int) -> Any:
    post = _post(post_id)
    form = OptionalReasonForm(prefix="restore")
    if save(
        form,
        lambda: moderation_posts.restore_post(current_user, post, reason=form.reason.data or ""),
    ):
        return _done(post_id, "The post is visible again.")
    return _render(_post(post_id), 422, restore_form=form)


@bp.post("/<id:post_id>/delete")
def delete(post_id: int) -> Any:
    post = _post(post_id)
    form = ReasonForm(prefix="delete")
    if save(
        form, lambda: moderation_posts.delete_post(current_user, post, reason=form.reason.data)
    ):
        return _done(post_id, "The post is deleted. Its author sees your reason.")
    return _render(_post(post_id), 422, delete_form=form)


@bp.post("/<id:post_id>/purge")
def purge(post_id: int) -> Any:
    post = _post(post_id)
    policy.require(policy.can_purge_post(current_user, post))
    form = ReasonForm(prefix="purge")
    purged = save(
        form, lambda: moderation_posts.purge_post(current_user, post, reason=form.reason.data)
    )
    if purged:
        flash("The post has been removed permanently.", "success")
        if purged.result is None:
            return redirect(url_for("mod.queue"))
        return redirect(url_for("threads.show", thread_id=purged.result))
    return _render(_post(post_id), 422, purge_form=form)


@bp.route("/<id:post_id>/edit", methods=["GET", "POST"])
def edit(post_id: int) -> Any:
    post = _post(post_id)
    if post.is_deleted:
        flash("Deleted posts cannot be edited.", "error")
        return redirect(url_for("mod_posts.show", post_id=post_id))
    form = StaffEditForm(data={"body": post.body_source})
    del form.warn
    edited = save(
        form,
        lambda: moderation_posts.staff_edit_post(
            current_user, post, body=form.body.data, reason=form.reason.data
        ),
    )
    if edited:
        flash_citation_note(cited.unknown_in_saved(post.body_source, post_id=post_id))
        return _done(post_id, "Saved. The old text is kept in the post's history.")
    if edited.refusal:
        post = _post(post_id)  # as stored: the refusal was rolled back
    status = 422 if form.is_submitted() else 200
    return render_template("moderation/edit_post.html", post=post, item=None, form=form), status
