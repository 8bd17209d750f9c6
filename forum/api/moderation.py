"""The review queue for staff: the list and deciding an item. Needs the ``moderate`` scope
(forum/api/core.py) on top of the policy's own rule."""

from __future__ import annotations

from flask import Response, request
from flask_login import current_user

from forum import policy
from forum.api import schemas
from forum.api.core import body, bp, cursor_page, etagged, next_cursor, run
from forum.api.spec import PAGED, operation
from forum.paging import Page
from forum.queries import moderation as moderation_reads
from forum.services.moderation import decisions
from forum.services.moderation import queue as moderation_queue
from forum.services.moderation.filters import Filters


@bp.before_request
def _staff_only() -> None:
    if request.path.startswith("/api/v1/mod/"):
        policy.require(policy.can_access_moderation(current_user))


@bp.get("/v1/mod/queue")
@operation(
    "The review queue, oldest first",
    "moderation",
    response=schemas.QueueList,
    query=PAGED,
    scope="moderate",
)
def queue() -> Response:
    number, limit = cursor_page()
    entries, total = moderation_queue.queue_page(current_user, Filters(), number, limit)
    page = Page(entries, number, limit, total)
    items = [
        schemas.QueueEntry(
            subject=e.subject,
            id=e.subject_id,
            kind=getattr(e.obj, "kind", e.subject),
            post_id=getattr(e.obj, "post_id", None),
            created_at=e.created_at,
        ).model_dump(mode="json")
        for e in entries
    ]
    return etagged({"items": items, "next_cursor": next_cursor(number, page.has_next)})


@bp.post("/v1/mod/items/<id:item_id>/decide")
@operation(
    "Decide a queue item: approve or reject a held post, resolve reports",
    "moderation",
    body=schemas.Decision,
    status=204,
    scope="moderate",
)
def decide(item_id: int) -> Response:
    item = moderation_reads.get_item_or_404(item_id, current_user)
    policy.require(policy.can_moderate_post(current_user, item.post))
    sent = body(schemas.Decision)
    if sent.decision == "approve":
        done = run(lambda: decisions.approve_post(current_user, item, note=sent.note))
    elif sent.decision == "reject":
        done = run(lambda: decisions.reject_post(current_user, item, reason=sent.reason))
    else:
        done = run(
            lambda: decisions.resolve_reports(
                current_user, item, outcome=sent.outcome, reason=sent.reason
            )
        )
    return done if isinstance(done, Response) else Response(status=204)
