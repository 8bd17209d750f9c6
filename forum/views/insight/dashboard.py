"""/insight: the programme's figures for staff, and for Cancer Alliance leads their own alliance.

Anyone else gets 404. Every page reads the rollups (docs/insight.md) in a fixed number of
statements, whatever the range; every table has its CSV export with the same suppression.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from forum import queries
from forum.alliances import ALLIANCES
from forum.forms.insight import InsightFilterForm
from forum.models import utcnow
from forum.policy import can_view_insight, insight_alliances, is_staff
from forum.queries.insight import figures, reads
from forum.queries.insight.reads import Scope
from forum.stats import charts
from forum.text.spreadsheets import spreadsheet_cell

bp = Blueprint("insight", __name__, url_prefix="/insight")

#: The default range, and the longest one a reader may ask for.
DEFAULT_DAYS = 28
MAX_DAYS = 3 * 366
TABLES = ("alliances", "categories", "trend", "tags", "guidelines", "recommendations",
          "downloads", "unanswered")  # fmt: skip


@bp.before_request
def readers_only() -> None:
    if not can_view_insight(current_user):
        abort(404)


def _today() -> date:
    return datetime.now(UTC).date()


def _form(categories: list) -> InsightFilterForm:
    args = request.args.copy()
    if not args.get("start") and not args.get("end"):
        args["start"] = (_today() - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
        args["end"] = _today().isoformat()
    form = InsightFilterForm(args)
    allowed = insight_alliances(current_user)
    names = ALLIANCES if allowed is None else sorted(allowed)
    everyone = [("", "Every Cancer Alliance")] if allowed is None else []
    form.alliance.choices = [*everyone, *((name, name) for name in names)]
    form.category.choices = [("", "Every category")] + [(str(c.id), c.name) for c in categories]
    return form


def _check(form: InsightFilterForm) -> bool:
    """Validate the filter; the errors land on the form's fields."""
    valid = form.validate()
    if valid and form.end.data < form.start.data:
        form.end.errors = ["The last day must be on or after the first day."]
        valid = False
    elif valid and (form.end.data - form.start.data).days >= MAX_DAYS:
        form.end.errors = [f"Choose a range of at most {MAX_DAYS} days."]
        valid = False
    for select in (form.alliance, form.category):
        if (select.data or "") not in {"", *(value for value, _ in select.choices)}:
            select.errors = [f"Choose one of the listed {select.label.text.lower()} options."]
            valid = False
    return valid


def _scope(form: InsightFilterForm, categories: list, valid: bool) -> Scope:
    allowed = insight_alliances(current_user)
    start, end = form.start.data, form.end.data
    if not valid:
        start, end = _today() - timedelta(days=DEFAULT_DAYS - 1), _today()
    alliance = form.alliance.data if valid and form.alliance.data else ""
    if allowed is not None:
        alliance = next(iter(allowed))
    category = int(form.category.data) if valid and form.category.data else None
    ids = None if is_staff(current_user) else tuple(c.id for c in categories)
    return Scope(start, end, allowed, alliance, ids, category)


def _load() -> tuple[InsightFilterForm, Scope, list, int]:
    categories = list(queries.visible_categories(current_user))
    form = _form(categories)
    valid = _check(form)
    return form, _scope(form, categories, valid), categories, 200 if valid else 400


def _page(template: str, **context: object) -> tuple[str, int]:
    form, scope, categories, status = _load()
    body = render_template(
        template, form=form, scope=scope, query=request.args.to_dict(), **context,
        **_content(template, scope, categories),
    )  # fmt: skip
    return body, status


def _content(template: str, scope: Scope, categories: list) -> dict[str, object]:
    if template.endswith("overview.html"):
        overview = figures.overview(scope, categories)
        return {"overview": overview, "charts": _charts(overview)}
    if template.endswith("topics.html"):
        return {"tables": figures.topics(scope)}
    rows = reads.unanswered(scope, current_user, utcnow())
    return {"table": figures.unanswered_table(rows), "rows": rows[: reads.UNANSWERED_LIMIT],
            "more": len(rows) > reads.UNANSWERED_LIMIT}  # fmt: skip


def _charts(overview: figures.Overview) -> dict[str, charts.Chart]:
    drawn = {}
    for table in (overview.trend, overview.alliances):
        rows = [(label, now.value, now.text, before.value, before.text)
                for label, now, before in table.series
                if table.name == "trend" or now.value != 0 or before.value != 0]  # fmt: skip
        described = f"{table.caption}: this period beside the previous period of the same length."
        if len(rows) < len(table.series):
            described += " Rows with none in either period are left out."
        drawn[table.name] = charts.paired_bars(table.caption, described, rows)
    return drawn


@bp.get("")
def overview() -> tuple[str, int]:
    return _page("insight/overview.html")


@bp.get("/topics")
def topics() -> tuple[str, int]:
    return _page("insight/topics.html")


@bp.get("/unanswered")
def unanswered() -> tuple[str, int]:
    return _page("insight/unanswered.html")


@bp.get("/<name>.csv")
def export(name: str) -> Response:
    if name not in TABLES:
        abort(404)
    _, scope, categories, status = _load()
    if status != 200:
        abort(400, "Choose a valid range and filters, then export again.")
    table = _table(name, scope, categories)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in [table.headers, *table.rows, *([table.total] if table.total else [])]:
        writer.writerow([spreadsheet_cell(value) for value in row])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    filename = f"insight-{name}-{scope.start}-to-{scope.end}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _table(name: str, scope: Scope, categories: list) -> figures.Table:
    if name == "unanswered":
        return figures.unanswered_table(reads.unanswered(scope, current_user, utcnow()))
    if name in ("alliances", "categories", "trend"):
        return getattr(figures.overview(scope, categories), name)
    return next(table for table in figures.topics(scope) if table.name == name)
