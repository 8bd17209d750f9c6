"""A single post: permalink, edit and delete."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.extensions import db
from forum.forms.posts import EditPostForm, offer_bases
from forum.models import BASIS_NAMES, Post
from forum.services.confidentiality import holds as confidentiality_holds
from forum.services.discussions import posting as discussions
from forum.services.guidance import citations as cited
from forum.views.discussions.composer import flash_citation_note, form_preview, wants_preview
from forum.views.library.uploads import attach_composer_file
from forum.views.submission import save

bp = Blueprint("posts", __name__)


def _location(post: Post) -> str:
    page = queries.page_of_post(post, current_app.config["POSTS_PER_PAGE"])
    thread = post.thread
    args = {"page": page} if page > 1 else {}
    return (
        url_for("threads.show", thread_id=thread.id, slug=thread.slug, **args)
        + f"#post-{post.post_number}"
    )


@bp.get("/p/<id:post_id>")
def show(post_id: int) -> Response:
    return redirect(_location(queries.get_post_or_404(post_id, current_user)))


@bp.route("/p/<id:post_id>/edit", methods=["GET", "POST"])
def edit(post_id: int) -> str | Response | tuple[str, int]:
    post = queries.get_post_or_404(post_id, current_user)
    policy.require(policy.can_edit_post(current_user, post))
    form = EditPostForm(
        data={
            "body": post.body_source,
            "title": post.thread.title,
            "edit_count": post.edit_count,
            "basis": post.basis,
        }
    )
    offer_bases(form, BASIS_NAMES)
    conflict = False
    if wants_preview():
        attach_composer_file(form)
        post = queries.get_post_or_404(post_id, current_user)  # after the file's commit
        preview = form_preview(form, post.thread.category, form.body.data or "", post=post)
        page = render_template(
            "discussions/posts/edit.html", post=post, form=form, conflict=False, preview=preview
        )
        return page, 200
    if attach_composer_file(form):
        edited = save(form, lambda: _edit(post, form))
        if edited:
            flash("Your changes are saved.", "success")
            if check := confidentiality_holds.writer_note(post):
                flash(check, "info")
            if note := form.pii_nudge_note():
                flash(note, "info")
            flash_citation_note(cited.unknown_in_saved(post.body_source, post_id=post.id))
            return redirect(_location(post))
        if edited.refusal:
            post = queries.get_post_or_404(post_id, current_user)  # as stored: rolled back
        if isinstance(edited.refusal, discussions.EditConflict):
            form.edit_count.data, conflict = str(post.edit_count), True
    status = (409 if conflict else 422) if form.is_submitted() else 200
    page = render_template("discussions/posts/edit.html", post=post, form=form, conflict=conflict)
    return page, status


def _edit(post: Post, form: EditPostForm) -> None:
    discussions.edit_post(
        current_user,
        post,
        body=form.body.data,
        title=form.title.data if post.post_number == 1 else None,
        reason=form.reason.data or "",
        base_edit_count=int(form.edit_count.data) if form.edit_count.data else None,
        pii_confirmed=form.pii_confirmations(),
        basis=None if post.post_number == 1 else form.basis.data or "",
    )


@bp.post("/p/<id:post_id>/delete")
def delete(post_id: int) -> Response:
    post = queries.get_post_or_404(post_id, current_user)
    discussions.delete_post(current_user, post)
    db.session.commit()
    flash("The post was deleted.", "success")
    if post.thread.deleted_at is not None:
        return redirect(url_for("categories.show", slug=post.thread.category.slug))
    return redirect(_location(post))
