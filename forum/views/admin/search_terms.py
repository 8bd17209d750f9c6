"""Staff pages for the search thesaurus: groups of terms a search treats as one
(docs/search.md#the-thesaurus). Staff only (404 for others), like the rest of ``/admin``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.extensions import db
from forum.forms.search_terms import SearchTermsForm
from forum.policy import can_manage_search_terms
from forum.queries import search_terms as reads
from forum.services.search import terms
from forum.views.submission import save

bp = Blueprint("admin_search_terms", __name__, url_prefix="/admin/search-terms")


@bp.before_request
def staff_only() -> None:
    if not can_manage_search_terms(current_user):
        abort(404)


def _index_page(form: SearchTermsForm, status: int = 200) -> tuple[str, int]:
    find = (request.args.get("find") or "").strip()[:80]
    groups = reads.groups(find)
    page = render_template("admin/search_terms/index.html", groups=groups, form=form, find=find)
    return page, status


@bp.get("/")
def index() -> tuple[str, int]:
    return _index_page(SearchTermsForm(formdata=None))


@bp.post("/")
def create() -> Response | tuple[str, int]:
    form = SearchTermsForm()
    added = save(
        form,
        lambda: terms.create_group(current_user, terms=form.terms.data, note=form.note.data or ""),
    )
    if added:
        flash(f"Searches now treat {', '.join(added.result.terms_text)} as one.", "success")
        return redirect(url_for("admin_search_terms.index"))
    return _index_page(form, 422)


@bp.route("/<id:group_id>/edit", methods=["GET", "POST"])
def edit(group_id: int) -> str | Response | tuple[str, int]:
    group = reads.group_or_404(group_id)
    form = SearchTermsForm(data={"terms": ", ".join(group.terms_text), "note": group.note})
    if request.method == "POST":
        form = SearchTermsForm()
    updated = save(
        form,
        lambda: terms.update_group(
            current_user, group, terms=form.terms.data, note=form.note.data or ""
        ),
    )
    if updated:
        flash("The group is saved; searches use it at once.", "success")
        return redirect(url_for("admin_search_terms.index"))
    status = 422 if form.is_submitted() else 200
    group = reads.group_or_404(group_id)
    return render_template("admin/search_terms/edit.html", group=group, form=form), status


@bp.post("/<id:group_id>/delete")
def delete(group_id: int) -> Response:
    group = reads.group_or_404(group_id)
    shown = ", ".join(group.terms_text)
    terms.delete_group(current_user, group)
    db.session.commit()
    flash(f"The group {shown} is removed: searches match those terms only as typed.", "success")
    return redirect(url_for("admin_search_terms.index"))
