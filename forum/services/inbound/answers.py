"""The emails a member gets about a reply they sent by email that was not posted.

Each says why, politely, and links to the place to finish it on the site; none quotes what
they wrote (an identifier is named by its kind and line, never shown). A message is answered
once at most (the outbox's dedupe key), a member at most ``REPLY_ANSWERS_PER_DAY`` times a day
(a loop between two machines stops there), and every answer says it is automatic
(``Auto-Submitted``) so that well-behaved auto-responders do not answer it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from forum.extensions import db
from forum.links import external_url
from forum.models import Category, InboundEmail, Thread, User, utcnow
from forum.queries import site as site_reads
from forum.services.confidentiality.guard import Spotted
from forum.services.library.uploads import UploadRefused
from forum.services.mail import queue_email

EXPIRED = (
    "The reply address in the email you answered has expired (they work for a few weeks), "
    "so your reply was not posted."
)
EMPTY = "We could not find any text of your own above the quoted email, so nothing was posted."
PLEDGE = (
    "The forum's confidentiality pledge has changed. Sign in on the site and accept it; "
    "then you can reply by email again."
)
GONE = "The thread is no longer there, or you can no longer see it."
NOT_ALLOWED = (
    "You cannot reply to this thread at the moment (it may be locked or archived, or your "
    "account cannot post)."
)
#: Headers on every answer: it is automatic, and asks auto-responders to stay quiet.
HEADERS = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}


def file_refused(error: UploadRefused) -> str:
    return f"A file you sent could not be attached. {error.message}"


def places(spotted: Iterable[Spotted]) -> list[str]:
    """Where each finding is, as "line 3: NHS number" (never the text itself)."""
    found = []
    for s in sorted(spotted, key=lambda s: s.finding.start):
        line = s.text[: s.finding.start].count("\n") + 1
        found.append(f"line {line}: {s.name}")
    return list(dict.fromkeys(found))


def without_blocked(body: str, blocked: Iterable[Spotted]) -> str:
    """``body`` with each blocked identifier replaced by a note of its kind."""
    for s in sorted(blocked, key=lambda s: s.finding.start, reverse=True):
        body = f"{body[: s.finding.start]}[{s.name} removed]{body[s.finding.end :]}"
    return body


def _answers_today(user_id: int) -> int:
    since = utcnow() - timedelta(days=1)
    stmt = select(func.count()).where(
        InboundEmail.user_id == user_id, InboundEmail.answered_at >= since
    )
    return db.session.scalar(stmt) or 0


def _thread_words(thread: Thread) -> str:
    """How the email names the thread: its title, unless its category is sensitive."""
    category = db.session.get(Category, thread.category_id)
    if category is None or category.is_sensitive:
        return "a thread"
    return f"“{thread.title}”"


def _send(
    record: InboundEmail, user: User, thread: Thread, template: str, subject: str, **context: object
) -> None:
    if _answers_today(user.id) >= int(current_app.config["REPLY_ANSWERS_PER_DAY"]):
        return
    context.setdefault("thread_words", _thread_words(thread))
    context.setdefault("link", _link(thread))
    queue_email(
        user.email,
        f"{subject} - {site_reads.site_name()}",
        f"reply_{template}",
        headers=dict(HEADERS),
        dedupe_key=f"inbound-answer:{record.id}",
        user=user,
        **context,
    )
    record.answered_at = utcnow()


def _link(thread: Thread) -> str:
    return external_url("threads.show", thread_id=thread.id, slug=thread.slug) + "#reply-title"


def refused(record: InboundEmail, user: User, thread: Thread, reason: str) -> None:
    """Tell the member their reply was not posted, and why (the thread is named and linked
    only when they may still see it)."""
    extra = {"thread_words": "a thread", "link": external_url("main.index")}
    context = extra if reason == GONE else {}
    _send(record, user, thread, "refused", "Your reply was not posted", reason=reason, **context)


def blocked(record: InboundEmail, user: User, thread: Thread, where: list[str]) -> None:
    _send(record, user, thread, "blocked", "Your reply was not posted", places=where)


def to_confirm(record: InboundEmail, user: User, thread: Thread, where: list[str]) -> None:
    _send(
        record, user, thread, "to_confirm", "Your reply is waiting for you to check", places=where
    )
