"""The confidentiality guard: what members write is checked for patient identifiers before it
is saved (threads, replies, edits, titles, edit reasons and profiles).

``forum.pii`` finds identifiers and grades them. *Block* (NHS, CHI and H&C numbers): refused
for everyone. *Confirm* (dates of birth, postcodes, titled names, hospital, phone, NI numbers,
email addresses): refused until the writer confirms those very findings are not
patient-identifiable; the post then publishes and waits in the review queue, unless the kinds
confirmed together point at a person (``forum/pii/combination.py``): then it is held until a
moderator has checked it (``holds.py``). Moderators of the category are not asked (they are the
reviewers). *Nudge*: a note, never a refusal.

Nothing matched is stored or logged: a confirmed finding is kept as its kind, offsets and an
HMAC of its value (``PII_SALT``), and ``Spotted`` never shows its text in a ``repr``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, select

from forum import pii
from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Category, ConfidentialityReview, Post, PostFinding, utcnow
from forum.pii import combination
from forum.policy import Actor, can_moderate
from forum.text import identifier_marks
from forum.text.redaction import OTHER

#: How each checked field is named to the writer.
FIELD_NAMES: dict[str, str] = {
    "title": "title",
    "body": "message",
    "reason": "reason for the edit",
    "job_title": "job title",
    "organisation": "practice or organisation",
    "bio": "“About you”",
    "interests": "interests",
    # The learning log's reflective prompts
    "learned": "“What I learned”",
    "practice_change": "“How it changes my practice”",
    "follow_up": "“Anything to follow up”",
}
BLOCK, CONFIRM, NUDGE = "block", "confirm", "nudge"
#: Findings kept per review (a post listing a hundred postcodes is reviewed all the same).
MAX_KEPT = 50


def pii_salt() -> bytes:
    """The key of the fingerprints: ``PII_SALT``, or one derived from the secret key."""
    configured = current_app.config.get("PII_SALT") or ""
    if configured:
        return str(configured).encode()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"forum.pii fingerprints", hashlib.sha256).digest()


def kind_name(kind: str) -> str:
    if kind == OTHER:
        return "Other detail marked by a moderator"
    return pii.KIND_NAMES.get(kind, kind.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Spotted:
    """One finding in one field. ``text`` is the whole field: shown back to its writer only."""

    field: str
    finding: pii.Finding
    fingerprint: str
    #: Confirmed by the writer now, or before (the same identifier on the same post).
    confirmed: bool
    text: str = dataclasses.field(repr=False, compare=False)

    @property
    def kind(self) -> str:
        return self.finding.kind

    @property
    def severity(self) -> str:
        return self.finding.severity

    @property
    def name(self) -> str:
        return kind_name(self.kind)

    @property
    def explanation(self) -> str:
        return pii.KIND_LABELS.get(self.kind, "")

    @property
    def field_name(self) -> str:
        return FIELD_NAMES.get(self.field, self.field.replace("_", " "))

    def excerpt(self) -> Markup:
        return identifier_marks.excerpt(self.text, self.finding)


@dataclass(frozen=True)
class Verdict:
    """What the guard found in a submission, and whether it may be saved."""

    spotted: tuple[Spotted, ...] = ()
    #: A moderator of the category wrote it: confirm findings need no confirmation.
    trusted: bool = False
    #: Fingerprints confirmed before this submission (already on the post, or its profile).
    known: frozenset[str] = frozenset()

    def _of(self, severity: str) -> list[Spotted]:
        return [s for s in self.spotted if s.severity == severity]

    @property
    def blocked(self) -> list[Spotted]:
        return self._of(BLOCK)

    @property
    def to_confirm(self) -> list[Spotted]:
        return self._of(CONFIRM)

    @property
    def unconfirmed(self) -> list[Spotted]:
        return [s for s in self.to_confirm if not (s.confirmed or self.trusted)]

    @property
    def nudges(self) -> list[Spotted]:
        return self._of(NUDGE)

    @property
    def refused(self) -> bool:
        return bool(self.blocked or self.unconfirmed)

    @property
    def severity(self) -> str | None:
        """``block``, ``confirm`` (still to confirm), ``nudge``, or None when all is well."""
        if self.blocked:
            return BLOCK
        if self.unconfirmed:
            return CONFIRM
        return NUDGE if self.nudges else None

    @property
    def shown(self) -> list[Spotted]:
        """What the writer is shown when the form comes back: the most severe first."""
        order = {BLOCK: 0, CONFIRM: 1, NUDGE: 2}
        return sorted(self.spotted, key=lambda s: (order[s.severity], s.field, s.finding.start))

    @property
    def needs_check(self) -> bool:
        """Do the confirmed kinds combine, so the post waits for a moderator's check?"""
        return not self.trusted and combination.combines(s.kind for s in self.to_confirm)

    @property
    def confirm_fingerprints(self) -> list[str]:
        """The confirm findings' fingerprints: what ticking the confirmation box confirms."""
        return sorted({s.fingerprint for s in self.to_confirm})

    @property
    def field(self) -> str | None:
        refused = self.blocked or self.unconfirmed
        return refused[0].field if refused else None

    @property
    def message(self) -> str:
        if self.blocked:
            names = _names(self.blocked)
            return (
                f"This contains what looks like {names}, which identifies a patient, so it "
                "cannot be posted. Remove it (each one is highlighted below) and send again."
            )
        if self.unconfirmed:
            return (
                f"This may identify a patient: it contains what looks like "
                f"{_names(self.unconfirmed)}. Edit it out, or confirm below that it is not "
                "patient-identifiable and send again."
            )
        return ""


def _names(spotted: Iterable[Spotted]) -> str:
    phrases = sorted({pii.KIND_PHRASES.get(s.kind, "a detail") for s in spotted})
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


class ConfidentialityError(ServiceError):
    """Refused by the guard; ``pii_review`` lets the form show each finding."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.message, verdict.field)
        self.pii_review = verdict


def scan_fields(
    texts: Mapping[str, str],
    *,
    confirmed: Collection[str] = (),
    known: Collection[str] = (),
    trusted: bool = False,
) -> Verdict:
    """What the guard finds in ``texts`` (field name to text); nothing is refused here."""
    salt, accepted = pii_salt(), {*confirmed, *known}
    spotted = []
    for name, text in texts.items():
        for finding in pii.scan(text or ""):
            mark = pii.fingerprint(text, finding, salt)
            spotted.append(Spotted(name, finding, mark, mark in accepted, text))
    return Verdict(tuple(spotted), trusted=trusted, known=frozenset(known))


def check_texts(
    actor: Actor,
    texts: Mapping[str, str],
    *,
    confirmed: Collection[str] = (),
    known: Collection[str] = (),
    category: Category | None = None,
) -> Verdict:
    """Check what ``actor`` is about to save; raise ``ConfidentialityError`` if refused."""
    trusted = category is not None and can_moderate(actor, category)
    verdict = scan_fields(texts, confirmed=confirmed, known=known, trusted=trusted)
    if verdict.refused:
        raise ConfidentialityError(verdict)
    return verdict


def check_post(
    actor: Actor,
    category: Category,
    texts: Mapping[str, str],
    *,
    confirmed: Collection[str] = (),
    post: Post | None = None,
) -> Verdict:
    """``check_texts`` for a post (new, or ``post`` being edited: what it already had
    confirmed need not be confirmed again)."""
    known = known_fingerprints(post.id) if post is not None else ()
    return check_texts(actor, texts, confirmed=confirmed, known=known, category=category)


def known_fingerprints(post_id: int) -> set[str]:
    stmt = select(PostFinding.fingerprint).where(PostFinding.post_id == post_id)
    return set(db.session.scalars(stmt))


def open_review_for(post_id: int) -> ConfidentialityReview | None:
    stmt = select(ConfidentialityReview).where(
        ConfidentialityReview.post_id == post_id, ConfidentialityReview.resolved_at.is_(None)
    )
    return db.session.scalars(stmt.order_by(ConfidentialityReview.id).limit(1)).first()


def record_confirmations(
    post: Post, verdict: Verdict, *, source: str, edit_count: int = 0
) -> ConfidentialityReview | None:
    """Queue ``post`` for review when its writer confirmed findings that are new to it.

    An open review of the post is brought up to date instead (a moderator reviews the post
    once, as it is now). Kinds, offsets and fingerprints are kept; the text never is.
    """
    findings = verdict.to_confirm
    if verdict.trusted or not findings:
        return None
    review = open_review_for(post.id)
    is_new = any(s.fingerprint not in verdict.known for s in findings)
    if review is None and not is_new:
        return None
    now, kinds = utcnow(), ",".join(sorted({s.kind for s in findings}))[:200]
    if review is None:
        review = ConfidentialityReview(post_id=post.id, source=source, kinds=kinds, created_at=now)
        db.session.add(review)
        db.session.flush()
    else:
        db.session.execute(delete(PostFinding).where(PostFinding.review_id == review.id))
        review.kinds = kinds
    db.session.add_all(_finding_rows(review, post, findings[:MAX_KEPT], edit_count, now))
    db.session.flush()
    return review


def _finding_rows(
    review: ConfidentialityReview,
    post: Post,
    findings: Iterable[Spotted],
    edit_count: int,
    now: datetime,
) -> list[PostFinding]:
    return [
        PostFinding(
            review_id=review.id,
            post_id=post.id,
            field=s.field,
            kind=s.kind,
            severity=s.severity,
            start_offset=s.finding.start,
            end_offset=s.finding.end,
            edit_count=edit_count,
            fingerprint=s.fingerprint,
            created_at=now,
        )
        for s in findings
    ]
