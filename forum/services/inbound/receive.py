"""Turning a received email into a reply: ``receive_email(raw)``, used by both
``forum receive-email`` (a mail server's pipe) and ``forum poll-mailbox`` (IMAP).

Each message is handled once (``InboundEmail``, keyed by its Message-ID). Machines' mail
(auto-replies, bounces, lists) is dropped without an answer. The reply address must carry a
token this forum signed, for a member whose own address sent the message. The text goes
through ``reply_to_thread``: the same permissions (locked thread, silenced or suspended
member, revoked membership, an archived or invisible category), moderation and
confidentiality guard as a reply typed on the site; files go through the composer's upload
checks. What the guard blocks is never posted nor kept; what it asks about waits as the
member's draft on the site. Refusals are answered once (``answers.py``); the caller commits.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field, replace
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden, NotFound

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import InboundEmail, Thread, User
from forum.policy import can_reply
from forum.queries import get_thread_or_404
from forum.services.confidentiality.guard import ConfidentialityError
from forum.services.discussions import drafts
from forum.services.discussions.posting import reply_to_thread
from forum.services.inbound import addresses, answers, parsing
from forum.services.library import uploads
from forum.services.membership import pledge

log = logging.getLogger(__name__)

POSTED, BLOCKED, TO_CONFIRM, REFUSED = "posted", "blocked", "to_confirm", "refused"
AUTOMATIC, UNKNOWN, FORGED, EXPIRED = "automatic", "unknown", "forged", "expired"
DUPLICATE, EMPTY, HELD = "duplicate", "empty", "held"


@dataclass(frozen=True)
class Receipt:
    """What became of a message (never its text)."""

    outcome: str
    post_id: int | None = None
    #: Why, in a few words, for the log: a header's name, a kind of identifier.
    detail: str = ""
    answered: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class _Reply:
    record: InboundEmail
    user: User
    thread: Thread
    body: str
    files: list[parsing.Attachment]


def _message_hash(message_id: str, raw: bytes) -> str:
    return hashlib.sha256(message_id.encode() if message_id else raw).hexdigest()


def _claim(message_hash: str) -> InboundEmail | None:
    """The message's row, or None when it was received before."""
    if db.session.scalar(select(InboundEmail.id).where(InboundEmail.message_hash == message_hash)):
        return None
    record = InboundEmail(message_hash=message_hash, outcome="")
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:  # the same message, handled at this very moment
        return None
    return record


def _finish(record: InboundEmail, outcome: str, detail: str = "", **ids: int) -> Receipt:
    record.outcome = outcome
    db.session.flush()
    log.info("email reply %s: %s %s", record.id, outcome, detail)
    return Receipt(outcome, ids.get("post_id"), detail, record.answered_at is not None)


def _token_for(message: EmailMessage, recipient: str | None) -> str | None:
    candidates = [recipient] if recipient else parsing.recipients(message)
    for address in candidates:
        if address and (token := addresses.token_in(address)):
            return token
    return None


def receive_email(raw: bytes, *, recipient: str | None = None) -> Receipt:
    """Handle one RFC 5322 message sent to a reply address (``recipient``: the envelope's,
    when the mail server gives it; else the message's own headers are read)."""
    message = parsing.parse(raw)
    record = _claim(_message_hash(parsing.message_id(message), raw))
    if record is None:
        return Receipt(DUPLICATE)
    if reason := parsing.automatic_reason(message):
        return _finish(record, AUTOMATIC, reason)
    token = _token_for(message, recipient)
    try:
        found = addresses.read_token(token or "")
    except addresses.ReplyAddressInvalid:
        return _finish(record, UNKNOWN)
    user, thread = db.session.get(User, found.user_id), db.session.get(Thread, found.thread_id)
    if user is None or thread is None:
        return _finish(record, UNKNOWN, "no such member or thread")
    record.user_id, record.thread_id = user.id, thread.id
    if parsing.sender(message) != user.email.lower():
        return _finish(record, FORGED)  # never answered: the sender is not the member
    if found.expired():
        answers.refused(record, user, thread, answers.EXPIRED)
        return _finish(record, EXPIRED)
    body, files = parsing.reply_text(message), parsing.attachments(message)
    if not body and not files:
        answers.refused(record, user, thread, answers.EMPTY)
        return _finish(record, EMPTY)
    return _post(_Reply(record, user, thread, body, files))


def _visible_thread(reply: _Reply) -> Thread | str:
    """The thread as the member may see it, or why the member may not reply there (as the
    site would say)."""
    version = pledge.current_version()
    if version is not None and reply.user.pledge_version != version:
        return answers.PLEDGE
    try:
        thread = get_thread_or_404(reply.thread.id, reply.user)
    except NotFound:
        return answers.GONE
    return thread if can_reply(reply.user, thread) else answers.NOT_ALLOWED


def _post(reply: _Reply) -> Receipt:
    thread = _visible_thread(reply)
    if isinstance(thread, str):
        answers.refused(reply.record, reply.user, reply.thread, thread)
        return _finish(reply.record, REFUSED, "not allowed")
    reply = replace(reply, thread=thread)
    try:
        with db.session.begin_nested():
            body = _with_files(reply)
            post = reply_to_thread(reply.user, reply.thread, body=body)
    except ConfidentialityError as error:
        return _guarded(reply, error)
    except uploads.UploadRefused as error:
        answers.refused(reply.record, reply.user, reply.thread, answers.file_refused(error))
        return _finish(reply.record, REFUSED, "file refused")
    except (ServiceError, Forbidden) as error:
        message = error.message if isinstance(error, ServiceError) else answers.NOT_ALLOWED
        answers.refused(reply.record, reply.user, reply.thread, message)
        return _finish(reply.record, REFUSED, type(error).__name__)
    reply.record.post_id = post.id
    # Held for a moderator (a new member's first posts, a watched word): as on the site, the
    # member sees it waiting on the thread page; no email about their own post.
    return _finish(reply.record, HELD if post.is_held else POSTED, post_id=post.id)


def _with_files(reply: _Reply) -> str:
    """The text with each file's Markdown added, after the composer's upload checks."""
    links = []
    for file in reply.files:
        alt = f"Picture sent by email: {file.filename}"[:200] if file.is_image else ""
        attachment = uploads.store_upload(
            reply.user, io.BytesIO(file.content), file.filename, alt_text=alt
        )
        links.append(uploads.markdown_for(attachment))
    return "\n\n".join([reply.body, *links]).strip()


def _guarded(reply: _Reply, error: ConfidentialityError) -> Receipt:
    """Blocked: not posted, the member told where and what kind. To confirm: kept as the
    member's draft on the site, and the member sent to confirm or edit it."""
    verdict = error.pii_review
    places = answers.places(verdict.blocked or verdict.unconfirmed)
    draft = answers.without_blocked(reply.body, verdict.blocked)
    try:
        drafts.keep_emailed_reply(reply.user, reply.thread, body=draft)
    except (ServiceError, Forbidden):  # what is left still holds a blocked identifier
        pass
    if verdict.blocked:
        answers.blocked(reply.record, reply.user, reply.thread, places)
        return _finish(reply.record, BLOCKED, ",".join(sorted({s.kind for s in verdict.blocked})))
    answers.to_confirm(reply.record, reply.user, reply.thread, places)
    kinds = ",".join(sorted({s.kind for s in verdict.unconfirmed}))
    return _finish(reply.record, TO_CONFIRM, kinds)
