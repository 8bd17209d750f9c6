"""Site settings (admins) and the site's pages, published as versions (staff read them)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.forms.site import SitePageForm, SiteSettingsForm
from forum.policy import can_change_site_settings, can_view_site_page_history
from forum.queries import site as site_reads
from forum.services.site import pages as site_pages
from forum.services.site import settings as site_settings
from forum.text.revision_diff import diff_texts
from forum.text.site_pages import DEFAULT_DESCRIPTION, DEFAULT_PAGES, DEFAULT_WELCOME, PAGE_TITLES
from forum.views.submission import save

bp = Blueprint("admin_settings", __name__, url_prefix="/admin/settings")


@bp.before_request
def staff_only() -> None:
    if not can_view_site_page_history(current_user):
        abort(404)


def _prefill(form: SiteSettingsForm) -> None:
    row = site_reads.settings_row()
    form.name.data = row.name if row else current_app.config["SITE_NAME"]
    form.description.data = row.description if row else DEFAULT_DESCRIPTION
    form.welcome.data = row.welcome_source if row else DEFAULT_WELCOME
    form.contact_email.data = row.contact_email if row else ""
    form.answer_review_months.data = row.answer_review_months if row else 12
    form.appraisal_month.data = str(row.appraisal_year_start_month if row else 4)
    form.credits_per_hour.data = row.learning_credits_per_hour if row else 1


def _details(form: SiteSettingsForm) -> site_settings.SiteDetails:
    return site_settings.SiteDetails(
        name=form.name.data or "",
        description=form.description.data or "",
        welcome=form.welcome.data or "",
        contact_email=form.contact_email.data or "",
        answer_review_months=_months(form),
        appraisal_year_start_month=int(form.appraisal_month.data or 4),
        learning_credits_per_hour=_credits(form),
    )


def _credits(form: SiteSettingsForm) -> float:
    """Left empty, the credits for an hour stay as they were."""
    if form.credits_per_hour.data is not None:
        return float(form.credits_per_hour.data)
    return site_reads.site_settings().learning_credits_per_hour


def _months(form: SiteSettingsForm) -> int:
    """Left empty, the review period stays as it was."""
    if form.answer_review_months.data is not None:
        return int(form.answer_review_months.data)
    row = site_reads.settings_row()
    return row.answer_review_months if row else 12


@bp.route("", methods=["GET", "POST"])
def index() -> str | Response | tuple[str, int]:
    if not can_change_site_settings(current_user):
        abort(404)
    form = SiteSettingsForm()
    if request.method == "GET":
        _prefill(form)
    elif save(form, lambda: site_settings.save_site_settings(current_user, _details(form))):
        site_reads.forget_site_settings()
        flash("The site settings are saved: every page shows them now.", "success")
        return redirect(url_for("admin_settings.index"))
    page = render_template(
        "admin/settings/index.html",
        form=form,
        row=site_reads.settings_row(),
        versions=site_reads.current_versions(),
        titles=PAGE_TITLES,
    )
    return page, 422 if request.method == "POST" else 200


@bp.route("/pages/<page>", methods=["GET", "POST"])
def page(page: str) -> str | Response | tuple[str, int]:
    page = site_reads.page_or_404(page)
    current = site_reads.current_page(page)
    form = SitePageForm()
    if request.method == "GET":
        form.text.data = current.source if current else DEFAULT_PAGES[page]
    else:
        published = save(
            form,
            lambda: site_pages.publish_page(
                current_user, page, form.text.data or "", form.note.data or ""
            ),
        )
        if published:
            number = published.result.version
            flash(f"Version {number} of “{PAGE_TITLES[page]}” is published.", "success")
            return redirect(url_for("admin_settings.page", page=page))
    return render_template(
        "admin/settings/page.html",
        page=page,
        title=PAGE_TITLES[page],
        form=form,
        current=current,
        versions=site_reads.page_versions(page),
    ), 422 if request.method == "POST" else 200


@bp.get("/pages/<page>/versions/<id:version>")
def version(page: str, version: int) -> str:
    page = site_reads.page_or_404(page)
    shown = site_reads.get_page_version_or_404(page, version)
    previous = site_reads.page_version(page, version - 1)
    return render_template(
        "admin/settings/version.html",
        page=page,
        title=PAGE_TITLES[page],
        shown=shown,
        body_html=site_reads.page_html(shown),
        latest=site_reads.current_page(page),
        changes=diff_texts(previous.source, shown.source) if previous else None,
    )
