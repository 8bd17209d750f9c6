"""The composer's helpers: server-side drafts, @mention suggestions and similar threads.

JSON endpoints for progressive enhancement (static/js/answers.js); the discard buttons are
ordinary forms. Every POST carries the CSRF token (the ``X-CSRFToken`` header for JSON).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from forum import queries
from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Draft, utcnow
from forum.queries import composer as composer_lookups
from forum.services.discussions import drafts
from forum.services.notifications.fanout import GROUP_MENTION_LIMIT

bp = Blueprint("composer", __name__)

TITLE_LOOKUP_MAX = 200


def _json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("Send the draft as a JSON object.")
    return data


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise BadRequest(f"“{name}” must be text.")
    return value


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    value = data.get("fields") or {}
    if not isinstance(value, dict):
        raise BadRequest("“fields” must be an object.")
    return value


def _saved(call: Any) -> tuple[dict[str, Any], int]:
    try:
        call()
    except ServiceError as error:
        db.session.rollback()
        return {"saved": False, "message": error.message}, 422
    db.session.commit()
    return {"saved": True, "saved_at": utcnow().isoformat(timespec="seconds")}, 200


@bp.post("/drafts/reply/<id:thread_id>")
def save_reply(thread_id: int) -> tuple[dict[str, Any], int]:
    thread = queries.get_thread_or_404(thread_id, current_user)
    body = _text(_json_body(), "body")
    return _saved(lambda: drafts.save_reply_draft(current_user, thread, body=body))


@bp.post("/drafts/thread/<slug>")
def save_thread(slug: str) -> tuple[dict[str, Any], int]:
    category = queries.get_category_or_404(slug, current_user)
    data = _json_body()
    title, body, fields = _text(data, "title"), _text(data, "body"), _fields(data)
    return _saved(
        lambda: drafts.save_thread_draft(
            current_user, category, title=title, body=body, fields=fields
        )
    )


def _discarded(key: str, back: str) -> Response | tuple[dict[str, Any], int]:
    drafts.discard_draft(current_user, key)
    db.session.commit()
    if request.is_json:
        return {"discarded": True}, 200
    flash("Your draft is discarded.", "success")
    return redirect(back)


@bp.post("/drafts/reply/<id:thread_id>/discard")
def discard_reply(thread_id: int) -> Response | tuple[dict[str, Any], int]:
    thread = queries.get_thread_or_404(thread_id, current_user)
    back = url_for("threads.show", thread_id=thread.id, slug=thread.slug) + "#reply-title"
    return _discarded(Draft.reply_key(thread.id), back)


@bp.post("/drafts/thread/<slug>/discard")
def discard_thread(slug: str) -> Response | tuple[dict[str, Any], int]:
    category = queries.get_category_or_404(slug, current_user)
    return _discarded(
        Draft.thread_key(category.id), url_for("categories.new_thread", slug=category.slug)
    )


@bp.get("/mentions")
def mentions() -> dict[str, Any]:
    """Members and mentionable groups whose handle or name starts with ``q``, for
    @-autocomplete; a group says how many members it has and how many a mention reaches."""
    prefix = request.args.get("q", "")[:30]
    users = composer_lookups.mention_candidates(prefix)
    groups = composer_lookups.mentionable_groups(prefix)
    return {
        "users": [{"username": user.username, "display_name": user.display_name} for user in users],
        "groups": [
            {
                "handle": group.handle,
                "name": group.name,
                "members": group.member_count,
                "notified_at_most": GROUP_MENTION_LIMIT,
            }
            for group in groups
        ],
    }


@bp.get("/similar")
def similar() -> dict[str, Any]:
    """Up to five threads that may already answer a question with this ``title``."""
    title = request.args.get("title", "")[:TITLE_LOOKUP_MAX]
    threads = composer_lookups.similar_threads(title, current_user)
    return {
        "threads": [
            {
                "id": thread.id,
                "title": thread.title,
                "url": url_for("threads.show", thread_id=thread.id, slug=thread.slug),
                "category": thread.category.name,
                "solved": thread.solution_post_id is not None,
                "replies": thread.reply_count,
            }
            for thread in threads
        ]
    }
