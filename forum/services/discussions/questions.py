"""Asking and answering: threads with a kind, tags and the case template; replies in context."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Category, Post, Thread, ThreadKind
from forum.policy import Actor
from forum.services.discussions import drafts, tags
from forum.services.discussions import posting as discussions
from forum.services.insight import rollups as insight
from forum.services.notifications import inbox as notifications
from forum.text.case_template import AGE_BANDS, SEXES, CaseFields, render_case

CASE_REQUIRED = "Questions in this category use the case question template."
CONFIRM_NEEDED = "Confirm that the case contains nothing that could identify the patient."


def _check_case(case: CaseFields | None, confirmed: bool) -> CaseFields:
    if case is None:
        raise ServiceError(CASE_REQUIRED, "kind")
    if case.age_band not in AGE_BANDS:
        raise ServiceError("Choose the patient's age band.", "age_band")
    if case.sex and case.sex not in SEXES:
        raise ServiceError("Choose a sex from the list, or leave it blank.", "sex")
    for name, label in (("presentation", "presentation"), ("question", "question")):
        if not getattr(case, name).strip():
            raise ServiceError(f"Describe the {label}.", name)
    if not confirmed:
        raise ServiceError(CONFIRM_NEEDED, "no_identifiers")
    return case


def _body_and_kind(
    category: Category, kind: str, body: str, case: CaseFields | None, confirmed: bool
) -> tuple[str, ThreadKind]:
    if category.requires_case_template or kind == ThreadKind.CASE:
        return render_case(_check_case(case, confirmed)), ThreadKind.CASE
    if kind not in (ThreadKind.QUESTION, ThreadKind.DISCUSSION):
        raise ServiceError("Choose what kind of thread this is.", "kind")
    return body, ThreadKind(kind)


def start_thread(
    actor: Actor,
    category: Category,
    *,
    title: str,
    body: str = "",
    kind: str = ThreadKind.QUESTION,
    tag_ids: Sequence[int] = (),
    case: CaseFields | None = None,
    confirmed: bool = False,
    client_token: str | None = None,
    pii_confirmed: Collection[str] = (),
) -> Thread:
    """Start a question, discussion or case question, tag it, and drop its draft."""
    body, kind = _body_and_kind(category, kind, body, case, confirmed)
    tags.chosen_tags(tag_ids)  # refuse a bad choice before anything is written
    thread = discussions.create_thread(
        actor,
        category,
        title=title,
        body=body,
        client_token=client_token,
        pii_confirmed=pii_confirmed,
    )
    thread.kind = kind
    db.session.flush()
    insight.question_kind(thread)
    if tag_ids:
        tags.set_thread_tags(actor, thread, tag_ids)
    drafts.discard_draft(actor, drafts.thread_key(category))
    return thread


def _reply_target(thread: Thread, post_id: int | None) -> int | None:
    if post_id is None:
        return None
    return db.session.scalar(
        select(Post.id).where(
            Post.id == post_id,
            Post.thread_id == thread.id,
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
            Post.held_at.is_(None),
        )
    )


def answer(
    actor: Actor,
    thread: Thread,
    *,
    body: str,
    reply_to: int | None = None,
    client_token: str | None = None,
    pii_confirmed: Collection[str] = (),
    basis: str = "",
) -> Post:
    """Reply to ``thread``, optionally to one of its posts, and drop the reply draft."""
    target = _reply_target(thread, reply_to)
    post = discussions.reply_to_thread(
        actor,
        thread,
        body=body,
        client_token=client_token,
        pii_confirmed=pii_confirmed,
        basis=basis,
    )
    if target is not None:
        post.reply_to_post_id = target
        db.session.flush()
        notifications.post_reply_target(thread, post)
    drafts.discard_draft(actor, drafts.reply_key(thread))
    return post
