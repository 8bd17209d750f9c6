"""Staff pages for the guideline register: the list, adding a guideline, its details, and
recording a new version (which marks the posts citing what it changed for review).

Staff only (404 for others), like the rest of ``/admin``. docs/answers.md
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.forms.guidance import GuidelineDetailsForm, NewGuidelineForm, VersionForm
from forum.models import Guideline
from forum.policy import can_manage_guidelines
from forum.queries import guidelines
from forum.services.guidance import register
from forum.views.submission import save

bp = Blueprint("admin_guidelines", __name__, url_prefix="/admin/guidelines")

Page = str | Response | tuple[str, int]


@bp.before_request
def staff_only() -> None:
    if not can_manage_guidelines(current_user):
        abort(404)


def _status(form: object) -> int:
    return 422 if form.is_submitted() else 200  # type: ignore[attr-defined]


def _details(form: GuidelineDetailsForm) -> register.Details:
    return register.Details(
        code=form.code.data or "",
        title=form.title.data or "",
        publisher=form.publisher.data or "",
        url=form.url.data or "",
    )


@bp.get("")
def index() -> str:
    return render_template(
        "admin/guidelines/index.html", rows=guidelines.register(with_citations=True)
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> Page:
    form = NewGuidelineForm()
    added = save(
        form,
        lambda: register.create_guideline(
            current_user,
            _details(form),
            published_on=form.published_on.data,
            recommendations=register.rows_from_lines(form.recommendations.data or ""),
        ),
    )
    if added:
        flash(f"{added.result.code} is added to the register.", "success")
        return redirect(url_for("admin_guidelines.show", code=added.result.code))
    return render_template("admin/guidelines/new.html", form=form), _status(form)


@bp.get("/<code>")
def show(code: str) -> str:
    guideline = guidelines.get_guideline_or_404(code)
    versions = guidelines.versions_of(guideline)
    return render_template("admin/guidelines/show.html", guideline=guideline, versions=versions)


@bp.route("/<code>/edit", methods=["GET", "POST"])
def edit(code: str) -> Page:
    guideline = guidelines.get_guideline_or_404(code)
    form = GuidelineDetailsForm(obj=guideline)
    if save(form, lambda: register.update_guideline(current_user, guideline, _details(form))):
        flash(f"{guideline.code} is saved.", "success")
        return redirect(url_for("admin_guidelines.show", code=guideline.code))
    guideline = guidelines.get_guideline_or_404(code)  # again: a refusal rolled back
    page = render_template("admin/guidelines/edit.html", guideline=guideline, form=form)
    return page, _status(form)


def _version_form(guideline: Guideline) -> VersionForm:
    """The form, its rows filled from the current version on first showing."""
    form = VersionForm()
    if not form.is_submitted():
        current = guidelines.current_version(guideline)
        rows = [
            {"number": r.number, "title": r.title, "status": "unchanged", "change_note": ""}
            for r in (current.recommendations if current else [])
            if r.status != "withdrawn"
        ]
        form = VersionForm(formdata=None, data={"rows": rows})
    return form


def _rows(form: VersionForm) -> list[register.RecommendationRow]:
    given = [
        register.RecommendationRow(
            number=row.form.number.data or "",
            title=row.form.title.data or "",
            status=row.form.status.data or "unchanged",
            change_note=row.form.change_note.data or "",
        )
        for row in form.rows
    ]
    return given + register.rows_from_lines(
        form.new_recommendations.data or "", "new_recommendations"
    )


@bp.route("/<code>/versions/new", methods=["GET", "POST"])
def new_version(code: str) -> Page:
    guideline = guidelines.get_guideline_or_404(code)
    form = _version_form(guideline)
    recorded = save(
        form,
        lambda: register.record_version(
            current_user, guideline, form.published_on.data, form.summary.data or "", _rows(form)
        ),
    )
    if recorded:
        version, marked = recorded.result
        posts = "1 post" if marked == 1 else f"{marked} posts"
        flash(
            f"Version {version.sequence} of {code.upper()} is recorded. {posts} citing what it "
            f"changed or withdrew {'is' if marked == 1 else 'are'} marked for review.",
            "success",
        )
        return redirect(url_for("admin_guidelines.show", code=code.upper()))
    guideline = guidelines.get_guideline_or_404(code)
    page = render_template("admin/guidelines/new_version.html", guideline=guideline, form=form)
    return page, _status(form)
