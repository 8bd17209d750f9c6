"""The composer's helpers: server-side drafts, the preview, @mention suggestions, guidance to
cite and similar threads.

JSON endpoints for progressive enhancement (static/js/answers.js, static/js/composer.js); the
discard buttons are ordinary forms, and the composers' "Preview" submit button works without
JavaScript (``form_preview``). Every POST carries the CSRF token (the ``X-CSRFToken`` header
for JSON).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.errors import ServiceError
from forum.extensions import db, limiter
from forum.forms.confidentiality import CHECKED
from forum.models import Category, Draft, Post, utcnow
from forum.queries import citations as citation_reads
from forum.queries import composer as composer_lookups
from forum.services.discussions import drafts
from forum.services.discussions.preview import Preview, preview_post
from forum.services.guidance import citations as cited
from forum.services.notifications.fanout import GROUP_MENTION_LIMIT
from forum.text.citations import CitationKey

bp = Blueprint("composer", __name__)

TITLE_LOOKUP_MAX = 200
#: Characters previewed per request, all fields together (a long post, its title, a reason).
PREVIEW_MAX_CHARS = 130_000


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
    @-autocomplete (at most eight of each): a member's name, job title and Cancer Alliance; a
    group's size and how many a mention reaches. Only active members are listed, to members
    who may post."""
    policy.require(policy.can_post(current_user))
    prefix = request.args.get("q", "")[:30]
    users = composer_lookups.mention_candidates(prefix)
    groups = composer_lookups.mentionable_groups(prefix)
    return {
        "users": [
            {
                "username": user.username,
                "display_name": user.display_name,
                "job_title": user.job_title,
                "alliance": user.alliance,
            }
            for user in users
        ],
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


@bp.get("/citations")
def citations() -> dict[str, Any]:
    """Recommendations in the guideline register's current versions matching ``q`` (a code,
    a number or words of the title), for the composer's "Cite guidance" picker: each with the
    text that cites it."""
    policy.require(policy.can_post(current_user))
    found = citation_reads.search_current(request.args.get("q", "")[:100])
    return {
        "recommendations": [
            {
                "code": source.key.code,
                "number": source.key.number,
                "title": source.title,
                "version": source.published_on.isoformat(),
                "version_label": f"{source.published_on:%b %Y}",
                "insert": f"[[{source.key.label}]]",
            }
            for source in found
        ]
    }


def flash_citation_note(unknown: Collection[CitationKey]) -> None:
    """After saving: the citations the register does not know, as the preview said (the post
    is saved; they show as typed)."""
    if note := cited.unknown_note(unknown):
        link = Markup('; <a href="{}">see the register</a>.').format(url_for("guidelines.index"))
        flash(Markup("{}").format(note) + link, "info")


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


def preview_limit() -> str:
    return current_app.config["RATELIMIT_PII_CHECK"]


def _preview_texts(data: dict[str, Any]) -> dict[str, str]:
    texts = {name: _text(data, name) for name in CHECKED if name in data}
    if sum(len(text) for text in texts.values()) > PREVIEW_MAX_CHARS:
        raise BadRequest(f"Preview at most {PREVIEW_MAX_CHARS:,} characters at a time.")
    return texts


def _preview_target(data: dict[str, Any]) -> tuple[Category, Post | None]:
    """The category the text is for, and the post when it is an edit (each checked as the
    page that holds the composer checks it)."""
    target = data.get("for")
    if not isinstance(target, dict):
        raise BadRequest('Say what the text is for: {"for": {"thread": 1}} (or category, post).')
    kind, key = next(iter(target.items()), (None, None))
    if kind == "category" and isinstance(key, str):
        return queries.get_category_or_404(key, current_user), None
    if isinstance(key, int) and not isinstance(key, bool) and key > 0:
        if kind == "thread":
            return queries.get_thread_or_404(key, current_user).category, None
        if kind == "post":
            post = queries.get_post_or_404(key, current_user)
            policy.require(policy.can_edit_post(current_user, post))
            return post.thread.category, post
    raise BadRequest("“for” names a category (its slug), a thread or a post (its number).")


@bp.post("/composer/preview")
@limiter.limit(preview_limit)
def preview() -> dict[str, Any]:
    """The post as it would look, and what the guard would say: nothing is saved.

    Send ``{"body": "...", "title": "...", "for": {"thread": 12}}``; the answer's ``html`` is
    the preview panel's content (the rendered text, and the guard's note when it has one).
    """
    data = _json_body()
    texts = _preview_texts(data)
    category, post = _preview_target(data)
    shown = preview_post(current_user, category, texts.get("body", ""), texts, post=post)
    return {
        "html": render_template("discussions/composer/_preview.html", preview=shown),
        "severity": shown.verdict.severity,
        "findings": len(shown.verdict.shown),
    }


def wants_preview() -> bool:
    """True when a composer was sent with its "Preview" button (no JavaScript needed)."""
    return request.method == "POST" and request.form.get("preview") == "1"


def form_preview(
    form: Any, category: Category, body: str, *, post: Post | None = None
) -> Preview | None:
    """The preview a composer form asked for with its "Preview" button, or None.

    The text stays in the form (the page is shown again with it, without the errors a
    half-written post would have); nothing is saved. CSRFProtect has checked the token.
    """
    if not wants_preview():
        return None
    return preview_post(
        current_user,
        category,
        body,
        form.pii_texts(),
        post=post,
        confirmed=form.pii_confirmations(),
    )
