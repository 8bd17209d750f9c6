"""Admin pages for categories: list and order, add, edit, archive, delete.

Admins only: for everyone else these pages do not exist (404).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from forum.errors import ServiceError
from forum.forms.categories import CategoryForm, DeleteCategoryForm
from forum.models import Category
from forum.policy import can_manage_categories
from forum.queries import categories as category_reads
from forum.services.discussions import categories
from forum.views.submission import save

bp = Blueprint("admin_categories", __name__, url_prefix="/admin/categories")

DIRECTIONS = ("up", "down")


@bp.before_request
def admins_only() -> None:
    if not can_manage_categories(current_user):
        abort(404)


@bp.get("")
def index() -> str:
    listed = category_reads.all_categories()
    moved = request.args.get("moved", type=int)
    return render_template(
        "admin/categories/index.html",
        categories=listed,
        focus=_focus(listed, moved, request.args.get("direction", "")),
    )


def _focus(listed: list[Category], moved: int | None, direction: str) -> tuple[int, str] | None:
    """The button focused after a move: the same one, or the other way at either end."""
    ids = [c.id for c in listed]
    if moved not in ids or direction not in DIRECTIONS or len(ids) < 2:
        return None
    at = ids.index(moved)
    if direction == "up" and at == 0:
        direction = "down"
    elif direction == "down" and at == len(ids) - 1:
        direction = "up"
    return moved, direction


def _details(form: CategoryForm) -> categories.CategoryDetails:
    flags = categories.CategoryFlags(**{name: bool(form[name].data) for name in form.FLAGS})
    return categories.CategoryDetails(
        name=form.name.data or "",
        description=form.description.data or "",
        slug=form.slug.data or "",
        flags=flags,
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response | tuple[str, int]:
    form = CategoryForm()
    added = save(form, lambda: categories.create_category(current_user, _details(form)))
    if added:
        flash(f"The category “{added.result.name}” is added at the end of the list.", "success")
        return redirect(url_for(".index"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/categories/form.html", form=form, category=None), status


@bp.route("/<id:category_id>/edit", methods=["GET", "POST"])
def edit(category_id: int) -> str | Response | tuple[str, int]:
    category = category_reads.get_category_by_id_or_404(category_id)
    form = CategoryForm(obj=category)
    if save(form, lambda: categories.update_category(current_user, category, _details(form))):
        flash(f"The category “{category.name}” is saved.", "success")
        return redirect(url_for(".index"))
    status = 422 if form.is_submitted() else 200
    category = category_reads.get_category_by_id_or_404(category_id)  # as stored
    return render_template("admin/categories/form.html", form=form, category=category), status


@bp.post("/<id:category_id>/move")
def move(category_id: int) -> Response:
    category = category_reads.get_category_by_id_or_404(category_id)
    direction = request.form.get("direction", "")
    if direction not in DIRECTIONS:
        raise BadRequest("Move a category up or down.")
    name = category.name
    moved = save(None, lambda: categories.move_category(current_user, category, direction))
    if moved and moved.result is not None:
        where = "above" if direction == "up" else "below"
        flash(f"“{name}” moved {direction}, {where} “{moved.result.name}”.", "success")
    elif moved:
        end = "top" if direction == "up" else "bottom"
        flash(f"“{name}” is already at the {end} of the list.", "info")
    return redirect(url_for(".index", moved=category_id, direction=direction))


def _archived(category: Category, archive: bool) -> Response:
    action = categories.archive_category if archive else categories.unarchive_category
    name = category.name
    if save(None, lambda: action(current_user, category)):
        if archive:
            message = f"“{name}” is archived: read-only, and listed apart on the home page."
        else:
            message = f"“{name}” is open again for new threads and replies."
        flash(message, "success")
    return redirect(url_for(".index"))


@bp.post("/<id:category_id>/archive")
def archive(category_id: int) -> Response:
    return _archived(category_reads.get_category_by_id_or_404(category_id), True)


@bp.post("/<id:category_id>/unarchive")
def unarchive(category_id: int) -> Response:
    return _archived(category_reads.get_category_by_id_or_404(category_id), False)


def _delete_form(category: Category) -> DeleteCategoryForm:
    form = DeleteCategoryForm()
    others = [c for c in category_reads.all_categories() if c.id != category.id]
    form.destination.choices = [("", "Choose a category")] + [
        (str(c.id), c.name + (" (archived)" if c.archived_at else "")) for c in others
    ]
    return form


@bp.route("/<id:category_id>/delete", methods=["GET", "POST"])
def delete(category_id: int) -> str | Response | tuple[str, int]:
    category = category_reads.get_category_by_id_or_404(category_id)
    form = _delete_form(category)
    name = category.name
    deleted = save(
        form,
        lambda: categories.delete_category(current_user, category, destination=_chosen(form)),
    )
    if deleted:
        moved = deleted.result or 0
        where = f" Its {moved} thread{'' if moved == 1 else 's'} moved." if moved else ""
        flash(f"The category “{name}” is deleted.{where}", "success")
        return redirect(url_for(".index"))
    status = 422 if form.is_submitted() else 200
    category = category_reads.get_category_by_id_or_404(category_id)
    return render_template(
        "admin/categories/delete.html",
        category=category,
        form=form,
        threads=category_reads.thread_rows(category),
    ), status


def _chosen(form: DeleteCategoryForm) -> Category | None:
    """The destination chosen on ``form`` (None if none); a refusal if it names nothing."""
    chosen, sent = form.destination.data, form.destination.raw_data or [""]
    if chosen is None and sent != [""]:
        raise ServiceError("Choose a category from the list.", "destination")
    destination = category_reads.get_category_or_none(chosen)
    if chosen is not None and destination is None:
        raise ServiceError("That category no longer exists: choose another.", "destination")
    return destination
