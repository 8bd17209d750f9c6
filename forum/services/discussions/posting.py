"""Threads and posts: start, reply, edit, delete."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.sql.dml import ReturningUpdate

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Category, Post, PostRevision, Thread, User, utcnow
from forum.policy import (
    Actor,
    can_create_thread,
    can_delete_post,
    can_edit_post,
    can_reply,
    is_staff,
    require,
)
from forum.services import audit
from forum.services.confidentiality import guard as confidentiality
from forum.services.confidentiality import holds as confidentiality_holds
from forum.services.discussions import checks, reading, solutions
from forum.services.guidance import citations as cited
from forum.services.guidance import verification
from forum.services.insight import rollups as insight
from forum.services.library import uploads
from forum.services.moderation import screening as moderation_screening
from forum.services.moderation import state as moderation_state
from forum.services.notifications import inbox as notifications
from forum.services.webhooks import events as webhooks
from forum.text import markup
from forum.text.slugs import slugify

#: Thread columns changed by atomic UPDATEs; expired afterwards so the next read is fresh.
COUNTERS = ["reply_count", "last_post_number", "last_post_at", "last_poster_name"]


def _new_post(
    thread: Thread, number: int, author: Actor, body: str, now: datetime, token: str | None = None
) -> tuple[Post, cited.Citing]:
    """The post, rendered with the guidance it cites as it stands now (stored once the post
    has its id: ``cited.store``)."""
    html, citing = cited.render(body)
    post = Post(
        thread_id=thread.id,
        post_number=number,
        author_id=author.id,
        author_name=author.display_name,
        body_source=body,
        body_html=html,
        markup_version=markup.MARKUP_VERSION,
        created_at=now,
        client_token=token,
    )
    return post, citing


def _sent_before(actor: Actor, token: str | None, lock: Select[Any]) -> Post | None:
    """The post this actor already made from the form carrying ``token``, if any.

    ``lock`` (a select of the row the new post will update) is taken first, as the UPDATE
    to come would (FOR NO KEY UPDATE: rows that merely reference it are not held up), so
    a second copy of the form sent at the same moment waits for the first to commit and
    then finds its post (SQLite's IMMEDIATE write transactions serialise the same way).
    """
    if not token:
        return None
    db.session.execute(lock.with_for_update(key_share=True))
    return db.session.scalar(
        select(Post).where(Post.author_id == actor.id, Post.client_token == token)
    )


def _bump(model: type, row_id: int, **values: object) -> None:
    """Atomic ``UPDATE ... SET`` on one row, bypassing the identity map."""
    db.session.execute(
        update(model)
        .where(model.id == row_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _category_activity(thread: Thread, poster: str, now: datetime, *, new_thread: bool) -> None:
    _bump(
        Category,
        thread.category_id,
        post_count=Category.post_count + 1,
        thread_count=Category.thread_count + (1 if new_thread else 0),
        last_post_at=now,
        last_thread_id=thread.id,
        last_thread_title=thread.title,
        last_poster_name=poster,
    )


def create_thread(
    actor: Actor,
    category: Category,
    *,
    title: str,
    body: str,
    client_token: str | None = None,
    pii_confirmed: Collection[str] = (),
) -> Thread:
    """Start a thread in ``category`` with ``body`` as its opening post.

    A form sent again with the same ``client_token`` returns the thread it started.
    ``pii_confirmed``: fingerprints of the findings the writer confirmed are not
    patient-identifiable (see ``services/confidentiality/guard.py``).
    """
    require(can_create_thread(actor, category))
    title, body, now = checks.clean_title(title), checks.check_body(body), utcnow()
    lock = select(Category.id).where(Category.id == category.id)
    earlier = _sent_before(actor, client_token, lock)
    if earlier is not None and earlier.post_number == 1 and earlier.body_source == body:
        return db.session.get_one(Thread, earlier.thread_id)
    client_token = None if earlier is not None else client_token
    verdict = confidentiality.check_post(
        actor, category, {"title": title, "body": body}, confirmed=pii_confirmed
    )
    decision = moderation_screening.screen_post(actor, category, f"{title}\n\n{body}")
    decision.raise_if_blocked()
    thread = Thread(
        category_id=category.id,
        author_id=actor.id,
        author_name=actor.display_name,
        title=title,
        slug=slugify(title),
        last_post_number=1,
        created_at=now,
        last_post_at=now,
        last_poster_name=actor.display_name,
    )
    thread.category = category
    db.session.add(thread)
    db.session.flush()
    post, citing = _new_post(thread, 1, actor, body, now, client_token)
    db.session.add(post)
    # A held thread counts once a moderator approves it (or checks its identifiers).
    counted = not (decision.holds or verdict.needs_check)
    if counted:
        _category_activity(thread, actor.display_name, now, new_thread=True)
    db.session.flush()
    cited.store(post, citing, replacing=False)
    moderation_screening.apply_decision(decision, post)
    review = confidentiality.record_confirmations(post, verdict, source="thread")
    confidentiality_holds.hold_if_combined(actor, post, review, new=True)
    uploads.link_post_uploads(actor, post)
    reading.record_own_post(actor.id, thread.id, 1)
    notifications.post_published(thread, post)
    webhooks.post_published(thread, post)
    if counted:  # after the notifications: see _count_for_author
        _count_for_author(actor)
        insight.question_asked(thread)
    return thread


def _count_for_author(actor: Actor) -> None:
    """Count a published post on its author's row.

    Last, after ``post_published`` has locked every member row it recounts together with
    the author's, in id order: two members replying at once in threads the other watches
    then queue on the first row instead of each holding their own and waiting for the
    other's (a deadlock on PostgreSQL).
    """
    _bump(User, actor.id, post_count=User.post_count + 1)


def _claim_post_number(thread: Thread, poster: str, now: datetime, *, counted: bool = True) -> int:
    """Take the next post number and count the reply in one atomic statement.

    On PostgreSQL the UPDATE locks the thread row, so concurrent replies queue here; on
    SQLite the write transaction began IMMEDIATE, which serialises writers the same way.
    A reply held for approval takes its number now but is counted when approved.
    """
    counts = dict(reply_count=Thread.reply_count + 1, last_post_at=now, last_poster_name=poster)
    stmt: ReturningUpdate = (
        update(Thread)
        .where(Thread.id == thread.id)
        .values(last_post_number=Thread.last_post_number + 1, **(counts if counted else {}))
        .returning(Thread.last_post_number)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(stmt).scalar_one()


def reply_to_thread(
    actor: Actor,
    thread: Thread,
    *,
    body: str,
    client_token: str | None = None,
    pii_confirmed: Collection[str] = (),
    basis: str = "",
) -> Post:
    """Add a reply at the end of ``thread``; ``basis`` is what it rests on (``AnswerBasis``).

    A form sent again with the same ``client_token`` and text returns the reply it made.
    """
    require(can_reply(actor, thread))
    body, now, basis = checks.check_body(body), utcnow(), checks.check_basis(basis)
    earlier = _sent_before(actor, client_token, select(Thread.id).where(Thread.id == thread.id))
    if earlier is not None and earlier.body_source == body:
        return earlier
    if earlier is not None:  # the same form, changed and sent again: a new reply
        client_token = None
    verdict = confidentiality.check_post(
        actor, thread.category, {"body": body}, confirmed=pii_confirmed
    )
    decision = moderation_screening.screen_post(actor, thread.category, body)
    decision.raise_if_blocked()
    counted = not (decision.holds or verdict.needs_check)
    number = _claim_post_number(thread, actor.display_name, now, counted=counted)
    post, citing = _new_post(thread, number, actor, body, now, client_token)
    post.basis = basis
    db.session.add(post)
    if counted and thread.hidden_at is None:  # a hidden thread is not in its category's counts
        _category_activity(thread, actor.display_name, now, new_thread=False)
    db.session.flush()
    cited.store(post, citing, replacing=False)
    moderation_screening.apply_decision(decision, post)
    review = confidentiality.record_confirmations(post, verdict, source="reply")
    confidentiality_holds.hold_if_combined(actor, post, review, new=True)
    uploads.link_post_uploads(actor, post)
    reading.record_own_post(actor.id, thread.id, number)
    notifications.post_published(thread, post)
    webhooks.post_published(thread, post)
    if counted:
        _count_for_author(actor)
        insight.reply_posted(thread, post)
    db.session.expire(thread, COUNTERS)
    return post


class EditConflict(ServiceError):
    """Someone else saved the post after the editor opened it."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else saved a change to this post while you were editing it. Your text "
            "is still here: compare it with the post as it is now (shown below the form), "
            "then save again to replace it.",
            "body",
        )


def _claim_revision(post: Post, base_edit_count: int | None) -> None:
    """Take the next revision number, or refuse if the post changed since ``base_edit_count``.

    One conditional UPDATE: of two editors saving together, the second waits for the first
    (row lock, or SQLite's IMMEDIATE transaction) and then matches no row.
    """
    base = post.edit_count if base_edit_count is None else base_edit_count
    claimed = db.session.execute(
        update(Post)
        .where(Post.id == post.id, Post.edit_count == base)
        .values(edit_count=base + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.expire(post, ["body_source", "body_html", "edit_count", "edited_at"])
        raise EditConflict


def edit_post(
    actor: Actor,
    post: Post,
    *,
    body: str,
    title: str | None = None,
    reason: str = "",
    base_edit_count: int | None = None,
    pii_confirmed: Collection[str] = (),
    basis: str | None = None,
) -> Post:
    """Change a post's text, keeping what it said before as a revision.

    ``base_edit_count`` is the post's ``edit_count`` when the editor opened it: if anyone
    saved it since, ``EditConflict`` is raised rather than overwriting their change.
    ``basis`` (replies only; None keeps it) is what the reply rests on.
    """
    require(can_edit_post(actor, post))
    body = checks.check_body(body)
    if basis is not None and post.post_number != 1:
        post.basis = checks.check_basis(basis)
    texts = _edited_texts(post, body, title, reason)
    verdict = confidentiality.check_post(
        actor, post.thread.category, texts, confirmed=pii_confirmed, post=post
    )
    text = f"{title or ''}\n\n{body}"
    decision = moderation_screening.screen_post(actor, post.thread.category, text)
    decision.raise_if_blocked()
    if title is not None and post.post_number == 1:
        post.thread.title = checks.clean_title(title)
        post.thread.slug = slugify(post.thread.title)
    edits = 0 if body == post.body_source else 1
    review = confidentiality.record_confirmations(
        post, verdict, source="edit", edit_count=post.edit_count + edits
    )
    # A second kind added to a published post hides it again until a moderator checks it.
    confidentiality_holds.hold_if_combined(actor, post, review, new=False)
    if not edits:
        return post
    _claim_revision(post, base_edit_count)
    _save_new_text(actor, post, body, reason)
    if actor.id == post.author_id:  # re-written against today's guidance
        cited.reviewed_by_author(post, post.thread)
    verification.clear_after_edit(post)
    if actor.id != post.author_id:  # only moderators may edit others' posts
        before, after = {"edit_count": post.edit_count - 1}, {"edit_count": post.edit_count}
        audit.record(
            actor, "post.staff_edit", target=post, before=before, after=after, reason=reason
        )
    db.session.flush()
    moderation_screening.apply_decision(decision, post, new=False)
    uploads.link_post_uploads(actor, post)
    notifications.post_edited(post)
    return post


def _save_new_text(actor: Actor, post: Post, body: str, reason: str) -> None:
    """Keep the post's text as its next revision, then render ``body`` in its place, citing
    guidance at the versions current now (the post's citations are replaced)."""
    db.session.add(
        PostRevision(
            post_id=post.id,
            revision_number=post.edit_count + 1,
            body_source=post.body_source,
            editor_id=actor.id,
            editor_name=actor.display_name,
            reason=reason[:300],
        )
    )
    html, citing = cited.render(body)
    cited.store(post, citing, replacing=bool(markup.extract_citations(post.body_source)))
    post.body_source, post.body_html = body, html
    post.markup_version, post.edit_count, post.edited_at = (
        markup.MARKUP_VERSION,
        post.edit_count + 1,
        utcnow(),
    )


def _edited_texts(post: Post, body: str, title: str | None, reason: str) -> dict[str, str]:
    """What an edit saves, as the confidentiality guard checks it."""
    texts = {"body": body}
    if title is not None and post.post_number == 1:
        texts["title"] = title
    if reason.strip():
        texts["reason"] = reason
    return texts


def delete_post(actor: Actor, post: Post) -> None:
    """Soft-delete a post: the thread shows a placeholder in its place."""
    require(can_delete_post(actor, post))
    notifications.remove_notifications_for_post(post.id)
    if post.thread.solution_post_id == post.id:  # a deleted reply cannot stay the answer
        solutions.forget_solution(post)
    if not moderation_state.is_counted(post):  # hidden or held: recount rather than subtract
        moderation_state.soft_delete(post, by_id=actor.id)
        if actor.id != post.author_id:
            audit.record(actor, "post.delete", target=post)
        return
    post.deleted_at, post.deleted_by_id = utcnow(), actor.id
    if post.post_number > 1:
        _bump(Thread, post.thread_id, reply_count=Thread.reply_count - 1)
    elif post.thread.reply_count == 0:
        post.thread.deleted_at = post.deleted_at
        _bump(Category, post.thread.category_id, thread_count=Category.thread_count - 1)
    _bump(Category, post.thread.category_id, post_count=Category.post_count - 1)
    if post.author_id is not None:
        _bump(User, post.author_id, post_count=User.post_count - 1)
    if is_staff(actor) and actor.id != post.author_id:
        audit.record(actor, "post.delete", target=post)
    db.session.flush()
    db.session.expire(post.thread, COUNTERS)


def rerender_outdated_posts(batch_size: int = 500) -> int:
    """Re-render posts whose markup version is older than the current one, citing guidance at
    the versions their citations recorded (not today's)."""
    done = 0
    while True:
        posts = db.session.scalars(
            select(Post).where(Post.markup_version < markup.MARKUP_VERSION).limit(batch_size)
        ).all()
        if not posts:
            return done
        cited.render_again(posts)
        db.session.flush()
        done += len(posts)
