"""A member writes, edits and deletes entries in their private learning log.

The title and the three reflective prompts pass the confidentiality guard as posts do
(reflections are where patients come up): what identifies a patient is refused with the
same message; a detail to confirm needs the same confirmation. Nothing goes to the review
queue, since no one else may read the entry; what the entry already said needs no second
confirmation. Nothing is written to the audit log either: staff read it, and the log is
the member's alone.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import LearningEntry, utcnow
from forum.policy import Actor, can_change_learning_entry, can_keep_learning_log, require
from forum.services.confidentiality import guard as confidentiality

TITLE_MAX, LINK_MAX, PROMPT_MAX = 200, 500, 2_000
#: A day's learning at most in one entry (a longer course is an entry a day).
MINUTES_MAX = 24 * 60
PROMPTS = ("learned", "practice_change", "follow_up")
SOURCES = ("thread", "post", "resource")
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class EntryDetails:
    """What the entry form sends."""

    learned_on: date
    title: str
    minutes: int
    link: str = ""
    learned: str = ""
    practice_change: str = ""
    follow_up: str = ""
    source_kind: str = ""
    source_id: int | None = None

    def checked_texts(self) -> dict[str, str]:
        """What the confidentiality guard reads."""
        return {"title": self.title, **{name: getattr(self, name) for name in PROMPTS}}


def _cleaned(details: EntryDetails) -> EntryDetails:
    title = " ".join(details.title.split())
    if not title:
        message = "Give the entry a title, for example the thread or the webinar."
        raise ServiceError(message, "title")
    if len(title) > TITLE_MAX:
        raise ServiceError(f"Keep the title to {TITLE_MAX} characters or fewer.", "title")
    _check_date(details.learned_on)
    if not 1 <= details.minutes <= MINUTES_MAX:
        raise ServiceError(f"Give the time spent in minutes, 1 to {MINUTES_MAX:,}.", "minutes")
    prompts = {name: (getattr(details, name) or "").strip() for name in PROMPTS}
    if not any(prompts.values()):
        message = "Answer at least one of the three questions: what you learned, how it "
        raise ServiceError(message + "changes your practice, or what to follow up.", "learned")
    for name, text in prompts.items():
        if len(text) > PROMPT_MAX:
            raise ServiceError(f"Keep each answer to {PROMPT_MAX:,} characters or fewer.", name)
    kind = details.source_kind if details.source_kind in SOURCES else ""
    return replace(
        details, title=title, link=_link(details.link), source_kind=kind,
        source_id=details.source_id if kind else None, **prompts,
    )  # fmt: skip


def _check_date(day: date) -> None:
    # A day's grace: the member's evening may already be tomorrow in UTC, or the other way.
    if day > utcnow().date() + timedelta(days=1):
        raise ServiceError("Log learning you have done: the date is in the future.", "learned_on")
    if day < EARLIEST:
        raise ServiceError("Give a date from 2000 onwards.", "learned_on")


def _link(value: str) -> str:
    link = (value or "").strip()
    if not link:
        return ""
    if len(link) > LINK_MAX or not link.lower().startswith(("https://", "http://")):
        raise ServiceError("Give a web address starting https://, or leave the link empty.", "link")
    if any(c.isspace() for c in link):
        raise ServiceError("A web address has no spaces.", "link")
    return link


def _check_confidentiality(
    actor: Actor, details: EntryDetails, confirmed: Collection[str], known: Collection[str]
) -> None:
    confidentiality.check_texts(actor, details.checked_texts(), confirmed=confirmed, known=known)


def _write(entry: LearningEntry, details: EntryDetails) -> None:
    for field in fields(EntryDetails):
        setattr(entry, field.name, getattr(details, field.name))
    entry.updated_at = utcnow()


def add_entry(
    actor: Actor, details: EntryDetails, *, pii_confirmed: Collection[str] = ()
) -> LearningEntry:
    """Add an entry to the actor's own log."""
    require(can_keep_learning_log(actor))
    details = _cleaned(details)
    _check_confidentiality(actor, details, pii_confirmed, ())
    entry = LearningEntry(user_id=actor.id, created_at=utcnow())
    _write(entry, details)
    db.session.add(entry)
    db.session.flush()
    return entry


def edit_entry(
    actor: Actor,
    entry: LearningEntry,
    details: EntryDetails,
    *,
    pii_confirmed: Collection[str] = (),
) -> LearningEntry:
    """Change an entry; what it already said was confirmed before and is not asked again."""
    require(can_change_learning_entry(actor, entry))
    details = replace(_cleaned(details), source_kind=entry.source_kind, source_id=entry.source_id)
    saved = {"title": entry.title, **{name: getattr(entry, name) for name in PROMPTS}}
    known = {s.fingerprint for s in confidentiality.scan_fields(saved).spotted}
    _check_confidentiality(actor, details, pii_confirmed, known)
    _write(entry, details)
    db.session.flush()
    return entry


def delete_entry(actor: Actor, entry: LearningEntry) -> None:
    require(can_change_learning_entry(actor, entry))
    db.session.delete(entry)
    db.session.flush()
