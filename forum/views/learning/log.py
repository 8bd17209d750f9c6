"""The learning log at /account/learning: the member's entries by appraisal year, adding,
editing and deleting them, and exporting a range of dates (docs/learning-log.md).

Every address is the signed-in member's own log: an entry of anyone else is a 404, for
staff too, and there is no address for another member's export.
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from forum import policy, queries
from forum.errors import ServiceError, attach_to_form
from forum.extensions import limiter
from forum.forms.learning import EntryForm, ExportForm
from forum.links import external_url
from forum.models import LearningEntry, utcnow
from forum.queries import learning as log_reads
from forum.queries import site as site_reads
from forum.queries.library import get_resource_or_404
from forum.services.learning import entries as log_entries
from forum.services.learning import report as log_report
from forum.services.learning.pdf import render_pdf
from forum.services.learning.word import render_docx
from forum.views.submission import save
from forum.web.auth import signed_in_member

bp = Blueprint("learning", __name__, url_prefix="/account/learning")

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
}


@bp.before_request
def members_only() -> None:
    if not policy.can_keep_learning_log(current_user):
        abort(404)


def _year() -> log_reads.AppraisalYear:
    start_month = site_reads.site_settings().appraisal_year_start_month
    asked = request.args.get("year", type=int)
    if asked is not None and 2000 <= asked <= 2100:
        return log_reads.AppraisalYear(asked, start_month)
    return log_reads.year_of(utcnow().date(), start_month)


@bp.get("")
def index() -> str:
    year = _year()
    entries = log_reads.entries_between(current_user.id, year.start, year.end)
    settings = site_reads.site_settings()
    export = ExportForm(formdata=None, start=year.start, end=year.end)
    return render_template(
        "learning/index.html",
        year=year,
        this_year=log_reads.year_of(utcnow().date(), year.start_month),
        entries=entries,
        totals=log_reads.totals(entries, settings.learning_credits_per_hour),
        credits_per_hour=settings.learning_credits_per_hour,
        contributions=log_reads.contributions(current_user.id, year.start, year.end),
        export_form=export,
    )


# Adding and editing ------------------------------------------------------------------------


def _details(form: EntryForm) -> log_entries.EntryDetails:
    kind, source_id = form.source_parts()
    return log_entries.EntryDetails(
        learned_on=form.learned_on.data or utcnow().date(),
        title=form.title.data or "",
        minutes=form.minutes.data or 0,
        link=form.link.data or "",
        learned=form.learned.data or "",
        practice_change=form.practice_change.data or "",
        follow_up=form.follow_up.data or "",
        source_kind=kind,
        source_id=source_id,
    )


def _prefill(form: EntryForm) -> str:
    """Fill the form from the thread, post or resource the member came from; what it is."""
    form.learned_on.data = utcnow().date()
    for kind in ("post", "thread", "resource"):
        number = request.args.get(kind, type=int)
        if number is not None:
            title, link = _source(kind, number)
            form.title.data, form.link.data = title, link
            form.source.data = f"{kind}:{number}"
            return kind
    return ""


def _source(kind: str, number: int) -> tuple[str, str]:
    """The title and address of something the member can see (404 otherwise)."""
    if kind == "thread":
        thread = queries.get_thread_or_404(number, current_user)
        return thread.title, external_url("threads.show", thread_id=thread.id, slug=thread.slug)
    if kind == "post":
        post = queries.get_post_or_404(number, current_user)
        title = f"{post.thread.title}: reply by {post.author_name}"
        if post.post_number == 1:
            title = post.thread.title
        return title[:200], external_url("posts.show", post_id=post.id)
    resource = get_resource_or_404(number, current_user)
    return resource.title, external_url("library.show", resource_id=resource.id)


def _entry_page(form: EntryForm, entry: LearningEntry | None, status: int, source: str = ""):
    return render_template(
        "learning/entry.html", form=form, entry=entry, source=source, pii_private=True
    ), status


@bp.route("/new", methods=["GET", "POST"])
def new() -> BaseResponse | tuple[str, int]:
    form = EntryForm()
    if request.method == "GET":
        return _entry_page(form, None, 200, _prefill(form))
    added = save(
        form,
        lambda: log_entries.add_entry(
            current_user, _details(form), pii_confirmed=form.pii_confirmations()
        ),
    )
    if added and added.result:
        flash("Added to your learning log.", "success")
        return _back_to_year(added.result.learned_on)
    return _entry_page(form, None, 422)


def _back_to_year(day: date) -> BaseResponse:
    year = log_reads.year_of(day, site_reads.site_settings().appraisal_year_start_month)
    return redirect(url_for("learning.index", year=year.first, _anchor="entries"))


@bp.route("/<id:entry_id>/edit", methods=["GET", "POST"])
def edit(entry_id: int) -> BaseResponse | tuple[str, int]:
    entry = log_reads.get_entry_or_404(entry_id, current_user)
    if request.method == "GET":
        return _entry_page(EntryForm(obj=entry), entry, 200)
    form = EntryForm()
    edited = save(
        form,
        lambda: log_entries.edit_entry(
            current_user, entry, _details(form), pii_confirmed=form.pii_confirmations()
        ),
    )
    if edited and edited.result:
        flash("The entry is saved.", "success")
        return _back_to_year(edited.result.learned_on)
    return _entry_page(form, log_reads.get_entry_or_404(entry_id, current_user), 422)


@bp.post("/<id:entry_id>/delete")
def delete(entry_id: int) -> BaseResponse:
    entry = log_reads.get_entry_or_404(entry_id, current_user)
    day = entry.learned_on
    if save(None, lambda: log_entries.delete_entry(current_user, entry)):
        flash("The entry is deleted.", "success")
    return _back_to_year(day)


# Exports ---------------------------------------------------------------------------------------


def _export_limit() -> str:
    return current_app.config["RATELIMIT_LEARNING_EXPORT"]


@bp.get("/export")
@limiter.limit(_export_limit, exempt_when=lambda: not request.args)
def export() -> Response | tuple[str, int]:
    """The form, or (when it is sent) the file."""
    if not request.args:
        year = _year()
        form = ExportForm(formdata=None, start=year.start, end=year.end)
        return render_template("learning/export.html", form=form), 200
    form = ExportForm(request.args)
    if not form.validate():
        return render_template("learning/export.html", form=form), 422
    try:
        report = log_report.build_report(
            current_user, signed_in_member(), form.start.data, form.end.data
        )
    except ServiceError as refusal:
        attach_to_form(form, refusal)
        return render_template("learning/export.html", form=form), 422
    return _download(report, form.format.data)


def _download(report: log_report.LogReport, kind: str) -> Response:
    render = {"pdf": render_pdf, "docx": render_docx, "csv": log_report.render_csv}[kind]
    return Response(
        render(report),
        mimetype=MIMETYPES[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{report.filename(kind)}"',
            "Cache-Control": "private, no-store",
        },
    )
