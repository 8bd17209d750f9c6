"""The breach response: redact patient identifiers from a post and from everywhere it went.

A moderator chooses what goes: the detector's findings (chosen by fingerprint, so the form
never carries the text) and any other text marked by hand. Each occurrence becomes
"[redacted]" in the post, every one of its revisions and its thread's title; then in the
posts that quoted it, the search index, unsent and stored emails, notifications, drafts,
audit entries and moderation records (``redaction_copies``). A confidentiality incident
records who reported, who acted, when, which kinds and what was done, never the content, and
the author is told privately, without blame.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, or_, select

from forum import pii, search
from forum.database import overwriting_freed_space
from forum.errors import ServiceError
from forum.extensions import db
from forum.models import (
    Attachment,
    ConfidentialityIncident,
    ConfidentialityReview,
    Flag,
    FlagReason,
    Notification,
    Outcome,
    Post,
    PostRevision,
    ReviewOutcome,
    Thread,
    utcnow,
)
from forum.policy import Actor, can_redact_post, require
from forum.services import audit
from forum.services.confidentiality import holds, redaction_copies
from forum.services.confidentiality.decisions import settle_reviews
from forum.services.confidentiality.guard import kind_name, pii_salt
from forum.services.guidance import citations as cited
from forum.services.moderation import state as moderation_state
from forum.services.moderation.messages import MessageKind, tell_member
from forum.services.moderation.posts import settle_open_items
from forum.services.notifications import inbox as notifications
from forum.text import identifier_marks
from forum.text.redaction import (
    MAX_PHRASES,
    MIN_PHRASE,
    Scrubber,
    Span,
    apply,
    phrase_pattern,
    spans_to_redact,
)
from forum.text.slugs import slugify

FORUM_CHECK = "The forum's check (the author confirmed the details)"
SETTLED_REASON = "Patient-identifiable details were redacted from the post."


# What the moderator chooses from ---------------------------------------------------------


@dataclass
class Candidate:
    """One identifier the detector found in the post's texts (the same value, however it
    was written, is one candidate)."""

    fingerprint: str
    kind: str
    severity: str
    value: str = field(repr=False)
    places: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return kind_name(self.kind)

    @property
    def preselected(self) -> bool:
        return self.severity in ("block", "confirm")


@dataclass(frozen=True)
class Source:
    """One text of the post as the redaction page shows it, findings highlighted."""

    label: str
    text: str = field(repr=False)
    findings: tuple[pii.Finding, ...] = ()

    def highlighted(self) -> Markup:
        return identifier_marks.highlighted(self.text, self.findings)


def _revisions(post: Post) -> list[PostRevision]:
    stmt = select(PostRevision).where(PostRevision.post_id == post.id)
    return list(db.session.scalars(stmt.order_by(PostRevision.revision_number)))


def sources_of(post: Post) -> list[Source]:
    """The title (of an opening post), the text now, and every earlier version."""
    texts = [("The thread's title", post.thread.title)] if post.post_number == 1 else []
    texts.append(("The post as it is now", post.body_source))
    for revision in _revisions(post):
        texts.append((f"Before edit {revision.revision_number}", revision.body_source))
        if revision.reason:
            texts.append((f"Reason given for edit {revision.revision_number}", revision.reason))
    return [Source(label, body, tuple(pii.scan(body))) for label, body in texts]


def candidates(sources: Iterable[Source]) -> list[Candidate]:
    salt, found = pii_salt(), {}
    for source in sources:
        for finding in source.findings:
            mark = pii.fingerprint(source.text, finding, salt)
            value = source.text[finding.start : finding.end]
            candidate = found.setdefault(
                mark, Candidate(mark, finding.kind, finding.severity, value)
            )
            if source.label not in candidate.places:
                candidate.places.append(source.label)
    return sorted(found.values(), key=lambda c: (not c.preselected, c.kind, c.fingerprint))


# Redacting -------------------------------------------------------------------------------


@dataclass
class _Work:
    """What one redaction found and did (``values`` stay in memory only)."""

    fingerprints: frozenset[str]
    phrases: Any
    salt: bytes
    values: set[str] = field(default_factory=set, repr=False)
    kinds: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, name: str, n: int = 1) -> None:
        if n:
            self.counts[name] = self.counts.get(name, 0) + n

    def redact(self, text: str) -> str:
        spans = spans_to_redact(text, self.fingerprints, self.phrases, self.salt)
        self._note(text, spans)
        return apply(text, spans) if spans else text

    def _note(self, text: str, spans: list[Span]) -> None:
        self.count("spans_redacted", len(spans))
        self.values.update(text[s.start : s.end] for s in spans)
        self.kinds.update(s.kind for s in spans)


def _check_phrases(phrases: list[str]) -> None:
    if len(phrases) > MAX_PHRASES:
        raise ServiceError(f"Mark at most {MAX_PHRASES} other texts at a time.", "phrases")
    if any(len(p) < MIN_PHRASE for p in phrases):
        raise ServiceError(
            f"Each text to redact needs at least {MIN_PHRASE} characters.", "phrases"
        )


def _set_title(thread: Thread, title: str) -> None:
    thread.title = title[:200]
    thread.slug = slugify(thread.title)


def _set_body(post: Post, body: str) -> None:
    post.body_source = body
    cited.render_again([post])  # at the versions its citations recorded


def _redact_own(post: Post, work: _Work) -> None:
    """The chosen spans, in the post, each revision (and its reason) and an opening title."""
    if post.post_number == 1:
        title = work.redact(post.thread.title)
        if title != post.thread.title:
            _set_title(post.thread, title)
            work.count("title_rewritten")
    body = work.redact(post.body_source)
    if body != post.body_source:
        _set_body(post, body)
        work.count("post_rewritten")
    for revision in _revisions(post):
        source, reason = work.redact(revision.body_source), work.redact(revision.reason)
        if (source, reason) != (revision.body_source, revision.reason):
            revision.body_source, revision.reason = source, reason[:300]
            work.count("revisions_rewritten")


def _scrub_post(post: Post, scrubber: Scrubber) -> bool:
    """Every copy of the values in ``post``, its revisions and its moderation reasons."""
    changed = False
    if scrubber.found(post.body_source):
        _set_body(post, scrubber.sub(post.body_source))
        changed = True
    for name, limit in (("hidden_reason", 500), ("held_reason", 300)):
        if scrubber.found(getattr(post, name)):
            setattr(post, name, scrubber.sub(getattr(post, name))[:limit])
            changed = True
    for revision in _revisions(post):
        if scrubber.found(revision.body_source) or scrubber.found(revision.reason):
            revision.body_source = scrubber.sub(revision.body_source)
            revision.reason = scrubber.sub(revision.reason)[:300]
            changed = True
    return changed


def _posts_copying(post: Post) -> list[Post]:
    """The other posts of the thread, and posts elsewhere that quote this one."""
    quoted = Post.body_source.contains(f"/p/{post.id})")
    stmt = select(Post).where(Post.id != post.id, or_(Post.thread_id == post.thread_id, quoted))
    return list(db.session.scalars(stmt))


def _scrub_threads(post: Post, scrubber: Scrubber, work: _Work) -> None:
    """The post's thread, and threads started since (a split names its new thread)."""
    stmt = select(Thread).where(
        or_(Thread.id == post.thread_id, Thread.created_at >= post.created_at)
    )
    for thread in db.session.scalars(stmt):
        if scrubber.found(thread.title):
            _set_title(thread, scrubber.sub(thread.title))
            work.count("thread_titles_scrubbed")


def _scrub_everywhere(post: Post, work: _Work) -> list[int]:
    """Copies in this and other posts, titles, files and every other place; returns the
    ids of the posts that changed."""
    scrubber = Scrubber(work.values)
    _scrub_post(post, scrubber)  # the same values written another way
    changed = [post.id]
    for other in _posts_copying(post):
        if _scrub_post(other, scrubber):
            changed.append(other.id)
            work.count("other_posts_rewritten")
    _scrub_threads(post, scrubber, work)
    db.session.flush()
    files = list(
        db.session.scalars(select(Attachment.file_id).where(Attachment.post_id.in_(changed)))
    )
    work.count("file_text_scrubbed", redaction_copies.scrub_file_text(scrubber, files))
    for label, n in redaction_copies.scrub_copies(scrubber, post.created_at).items():
        work.count(label, n)
    return changed


def _remove_notifications(post: Post, post_ids: list[int], work: _Work) -> None:
    about = select(func.count()).where(Notification.thread_id == post.thread_id)
    before = db.session.scalar(about) or 0
    work.count("emails_withdrawn", notifications.withdraw_emails_quoting(post_ids or [post.id]))
    notifications.remove_notifications_for_post(post.id)
    work.count("notifications_removed", before - (db.session.scalar(about) or 0))


def redact_post(
    actor: Actor,
    post: Post,
    *,
    fingerprints: Collection[str] = (),
    phrases: list[str] | None = None,
    restore: bool = False,
) -> ConfidentialityIncident:
    """Redact the chosen identifiers from ``post`` and every copy; record the incident."""
    require(can_redact_post(actor, post))
    phrases = phrases or []
    _check_phrases(phrases)
    moderation_state.lock_thread(post.thread_id)
    work = _Work(frozenset(fingerprints), phrase_pattern(phrases), pii_salt(), set(phrases))
    with overwriting_freed_space(db.session):
        _redact_own(post, work)
        if not work.counts.get("spans_redacted"):
            raise ServiceError(
                "Choose at least one detail to redact, or mark the text by hand.", "spans"
            )
        reported_by, reported_at = _reporters(actor, post)
        _settle(actor, post, work, restore)
        changed = _scrub_everywhere(post, work)
        _remove_notifications(post, changed, work)
        search.compact()
        incident = _record(actor, post, work, reported_by, reported_at)
        db.session.flush()
    return incident


def _settle(actor: Actor, post: Post, work: _Work, restore: bool) -> None:
    """Close the reports and reviews the redaction answers; tell the author; show the post
    again if asked (the identifiers are gone)."""
    if not post.is_held:  # a held post's approval entry stays: approving it is separate
        settle_open_items(actor, post, Outcome.EDITED, SETTLED_REASON)
    work.count("reviews_settled", settle_reviews(actor, post.id, ReviewOutcome.REDACTED))
    if holds.release_after_check(actor, post):  # the check it waited for is this redaction
        work.count("post_released")
    if restore and post.is_hidden and not post.is_deleted:
        moderation_state.unhide(post)
        work.count("post_restored")
    summary, reason = _explanation(work)
    if tell_member(post.author_id, MessageKind.POST_REDACTED, summary, reason=reason, post=post):
        work.count("author_told")


def _explanation(work: _Work) -> tuple[str, str]:
    kinds = sorted({pii.KIND_PHRASES.get(kind, "a detail") for kind in work.kinds})
    what = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    return (
        "A moderator removed details from your post that could identify a patient.",
        f"Your post looked like it included {what}, so a moderator replaced it with "
        "“[redacted]” in the post and in its earlier versions. This is not a warning and "
        "nothing else happens to your account: a detail like this is easy to miss, which is "
        "why the forum checks. If you think something was removed in error, contact the "
        "moderators.",
    )


def _reporters(actor: Actor, post: Post) -> tuple[str, datetime]:
    """Who raised it and when: members who reported a possible patient identifier, the
    forum's check, or the moderator who found it."""
    flags = db.session.execute(
        select(Flag.reporter_name, Flag.created_at)
        .where(Flag.post_id == post.id, Flag.reason == FlagReason.PATIENT_IDENTIFIER)
        .order_by(Flag.created_at)
    ).all()
    reviewed = db.session.scalar(
        select(func.min(ConfidentialityReview.created_at)).where(
            ConfidentialityReview.post_id == post.id
        )
    )
    names = list(dict.fromkeys(flag.reporter_name for flag in flags))
    if reviewed is not None:
        names.append(FORUM_CHECK)
    times = [flag.created_at for flag in flags] + ([reviewed] if reviewed else [])
    if not names:
        return f"{actor.display_name} (moderator)", utcnow()
    return "; ".join(names)[:500], min(times)


def _record(
    actor: Actor, post: Post, work: _Work, reported_by: str, reported_at: datetime
) -> ConfidentialityIncident:
    work.count("search_index_updated")
    incident = ConfidentialityIncident(
        post_id=post.id,
        thread_id=post.thread_id,
        author_id=post.author_id,
        author_name=post.author_name,
        category_name=post.thread.category.name[:80],
        reported_by=reported_by,
        reported_at=reported_at,
        acted_by_id=actor.id,
        acted_by_name=actor.display_name,
        acted_at=utcnow(),
        kinds=",".join(sorted(work.kinds))[:200],
        actions=dict(sorted(work.counts.items())),
    )
    db.session.add(incident)
    db.session.flush()
    after = {"incident_id": incident.id, "kinds": sorted(work.kinds), **work.counts}
    audit.record(actor, "post.redact", target=post, after=after)
    return incident
