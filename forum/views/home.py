"""Home page and health checks."""

import logging

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from forum import queries
from forum.database import ping
from forum.extensions import db
from forum.queries import listings
from forum.redis_client import redis_for, redis_state

log = logging.getLogger(__name__)

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    return render_template(
        "home/index.html",
        categories=queries.visible_categories(current_user),
        latest=queries.latest_threads(current_user, limit=10),
        pinned=queries.pinned_site_wide(current_user),
        unread=listings.unread_by_category(current_user),
    )


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> tuple[dict[str, str], int]:
    """Ready for traffic: the database answers, and Redis too when the forum uses it."""
    checks = {"database": _database_state()}
    client = redis_for(current_app)
    if client is not None:
        checks["redis"] = redis_state(client)
    ready = all(state == "ok" for state in checks.values())
    return {"status": "ready" if ready else "unavailable", **checks}, 200 if ready else 503


def _database_state() -> str:
    try:
        ping(db.session())
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("readiness: database unavailable (%s)", type(error).__name__)
        return "unavailable"
    return "ok"
