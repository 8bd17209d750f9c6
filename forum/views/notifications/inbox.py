"""The member's notifications: the list, marking one or all read."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum.extensions import db
from forum.queries import notifications as notification_queries
from forum.services.notifications import inbox as notifications
from forum.web.paging import page_arg
from forum.web.security import safe_next_url

bp = Blueprint("notifications", __name__)

PER_PAGE = 30


@bp.get("/notifications")
def index() -> str:
    page = notification_queries.notifications_page(current_user, page_arg(), PER_PAGE)
    return render_template("notifications/index.html", page=page)


@bp.post("/notifications/<id:notification_id>/read")
def mark_read(notification_id: int) -> Response:
    notification = notification_queries.own_notification_or_404(current_user, notification_id)
    notifications.mark_read(current_user, notification)
    db.session.commit()
    flash("Marked as read.", "success")
    return redirect(_back())


@bp.post("/notifications/read")
def mark_all_read() -> Response:
    notifications.mark_all_read(current_user)
    db.session.commit()
    flash("All your notifications are marked as read.", "success")
    return redirect(_back())


def _back() -> str:
    return safe_next_url(request.form.get("next"), url_for("notifications.index"))
