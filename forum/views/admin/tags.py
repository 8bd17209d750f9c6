"""Staff pages for questions: the tag list (and the old address of the case template page,
now a flag on each category's form).

Staff only (404 for others), like the rest of ``/admin``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.extensions import db
from forum.forms.answers import TagForm
from forum.policy import can_view_staff_pages
from forum.queries import listings
from forum.services.discussions import tags
from forum.views.submission import save

bp = Blueprint("admin_tags", __name__, url_prefix="/admin")


@bp.before_request
def staff_only() -> None:
    if not can_view_staff_pages(current_user):
        abort(404)


def _tags_page(form: TagForm, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "admin/tags/index.html", tags=listings.tags_with_counts(current_user), form=form
    )
    return page, status


@bp.get("/tags")
def index() -> tuple[str, int]:
    return _tags_page(TagForm(formdata=None))


@bp.post("/tags")
def create() -> Response | tuple[str, int]:
    form = TagForm()
    added = save(
        form,
        lambda: tags.create_tag(
            current_user, name=form.name.data, description=form.description.data or ""
        ),
    )
    if added:
        flash(f"The tag “{added.result.name}” is added.", "success")
        return redirect(url_for("admin_tags.index"))
    return _tags_page(form, 422)


@bp.route("/tags/<id:tag_id>/edit", methods=["GET", "POST"])
def edit(tag_id: int) -> str | Response | tuple[str, int]:
    tag = listings.get_tag_or_404(tag_id)
    form = TagForm(obj=tag)
    if save(
        form,
        lambda: tags.update_tag(
            current_user, tag, name=form.name.data, description=form.description.data or ""
        ),
    ):
        flash(f"The tag “{tag.name}” is saved.", "success")
        return redirect(url_for("admin_tags.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/tags/edit.html", tag=tag, form=form), status


@bp.post("/tags/<id:tag_id>/delete")
def delete(tag_id: int) -> Response:
    tag = listings.get_tag_or_404(tag_id)
    name = tag.name
    tags.delete_tag(current_user, tag)
    db.session.commit()
    flash(f"The tag “{name}” is removed from the list and from every thread.", "success")
    return redirect(url_for("admin_tags.index"))


@bp.get("/case-template")
def case_template() -> Response:
    """The case template is a flag on each category's form now."""
    return redirect(url_for("admin_categories.index"), 301)
