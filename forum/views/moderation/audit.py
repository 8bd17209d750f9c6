"""The audit log: who did what, when, from where. Read-only: there is no edit or delete."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from forum import policy
from forum.cards.times import uk_time_tag
from forum.forms.moderation import AuditFilterForm, choices
from forum.models import utcnow
from forum.queries import Page
from forum.queries import audit_log as moderation_audit
from forum.queries.audit_log import AuditFilters
from forum.queries.audit_targets import targets_named
from forum.text.audit_actions import action_choices, action_name, changes
from forum.web.paging import page_arg

bp = Blueprint("mod_audit", __name__, url_prefix="/mod/audit")
PER_PAGE = 50


@bp.before_request
def staff_only() -> None:
    policy.require(policy.can_view_audit_log(current_user))


def _filters() -> tuple[AuditFilterForm, AuditFilters]:
    form = AuditFilterForm(formdata=request.args)
    actions = choices(*action_choices(moderation_audit.known_actions()))
    form.action.choices = [*form.action.choices, *actions]
    valid = form.validate()
    filters = AuditFilters(
        actor=(form.actor.data or "")[:80],
        action=form.action.data or "",
        member=(form.member.data or "")[:40],
        since=form.since.data if valid else None,
        until=form.until.data if valid else None,
    )
    return form, filters


@bp.get("/")
def index() -> tuple[str, int]:
    form, filters = _filters()
    number = page_arg()
    entries, total = moderation_audit.audit_page(current_user, filters, number, PER_PAGE)
    return render_template(
        "moderation/audit/index.html",
        form=form,
        page=Page(entries, number, PER_PAGE, total),
        members=moderation_audit.members_named(entries),
        targets=targets_named(entries),
        action_name=action_name,
        changes=changes,
        when=uk_time_tag,
        filter_args={k: v for k, v in request.args.items() if k != "page" and v},
    ), (200 if not form.errors else 422)


@bp.get("/export.csv")
def export() -> Response:
    _, filters = _filters()
    body = moderation_audit.export_csv(current_user, filters)
    name = f"audit-log-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
