"""The health page: is the forum running as it should? Admins only (404 for others);
read-only but for sending failed email again. ``/readyz`` stays the machine-readable check."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.models import utcnow
from forum.policy import can_view_health
from forum.queries import health
from forum.queries import members as member_queries
from forum.redis_client import redis_for, redis_state
from forum.services.library import uploads
from forum.services.operations import outbox
from forum.uploads import clamd
from forum.views.submission import save

bp = Blueprint("admin_health", __name__, url_prefix="/admin")


@bp.before_request
def admins_only() -> None:
    if not can_view_health(current_user):
        abort(404)


def _report() -> health.HealthReport:
    config = current_app.config
    client = redis_for(current_app)
    return health.HealthReport(
        now=utcnow(),
        database=health.database_facts(),
        heads=health.schema_heads(current_app.extensions["migrate"].directory),
        workers=health.worker_heartbeats(),
        poll_seconds=float(config["WORKER_POLL_SECONDS"]),
        outbox=health.outbox(),
        review=health.review_queue(),
        join_requests=member_queries.pending_join_request_count(),
        backup=health.last_backup(),
        storage=uploads.usage(),
        clamd=clamd.status(config.get("CLAMD_SOCKET")),
        redis=None if client is None else redis_state(client),
    )


@bp.get("/health")
def index() -> str:
    return render_template("admin/health/index.html", report=_report())


@bp.post("/health/retry-mail")
def retry_mail() -> Response:
    retried = save(None, lambda: outbox.retry_failed_messages(current_user))
    if retried and retried.result:
        count = retried.result
        flash(
            f"{count} failed message{'' if count == 1 else 's'} queued again: the job worker "
            f"sends {'it' if count == 1 else 'them'} on its next run.",
            "success",
        )
    elif retried:
        flash("There were no failed messages to send again.", "info")
    return redirect(url_for("admin_health.index", _anchor="email"))
