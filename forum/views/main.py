"""Home page and health checks."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import text

from forum import queries
from forum.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    return render_template(
        "main/index.html",
        categories=queries.visible_categories(current_user),
        latest=queries.latest_threads(current_user, limit=10),
    )


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> tuple[dict[str, str], int]:
    db.session.execute(text("SELECT 1"))
    return {"status": "ready", "database": "ok"}, 200
