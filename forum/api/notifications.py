"""The member's notifications: the list, and marking them read."""

from __future__ import annotations

from flask import Response
from flask_login import current_user

from forum.api import schemas
from forum.api.core import body, bp, cursor_page, etagged, next_cursor, run
from forum.api.spec import PAGED, operation
from forum.queries import notifications as notification_queries
from forum.services.notifications import inbox


@bp.get("/v1/notifications")
@operation(
    "Your notifications, newest first, a thread's grouped together",
    "notifications",
    response=schemas.NotificationList,
    query=PAGED,
)
def notifications() -> Response:
    number, limit = cursor_page()
    page = notification_queries.notifications_page(current_user, number, limit)
    items = [schemas.notification(row) for row in page.items]
    return etagged({"items": items, "next_cursor": next_cursor(number, page.has_next)})


@bp.post("/v1/notifications/read")
@operation(
    "Mark notifications read: the ids named, or all",
    "notifications",
    body=schemas.MarkRead,
    status=204,
)
def mark_read() -> Response:
    wanted = body(schemas.MarkRead)
    if wanted.all:
        outcome = run(lambda: inbox.mark_all_read(current_user))
    else:
        outcome = run(lambda: _mark(wanted.ids))
    return outcome if isinstance(outcome, Response) else Response(status=204)


def _mark(ids: list[int]) -> None:
    for notification_id in ids:
        notification = notification_queries.own_notification_or_404(current_user, notification_id)
        inbox.mark_read(current_user, notification)
