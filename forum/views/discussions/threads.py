"""Reading a thread and replying to it."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.cards import posts as post_cards
from forum.database import write_intent
from forum.errors import ServiceError
from forum.extensions import db, limiter
from forum.forms.answers import AnswerForm
from forum.forms.posts import offer_bases
from forum.models import BASIS_NAMES, Post, Thread
from forum.queries import moderation as moderation_reads
from forum.queries import notifications as notification_queries
from forum.queries import thread_page as thread_extras
from forum.services.confidentiality import holds as confidentiality_holds
from forum.services.discussions import drafts, questions, reading
from forum.services.discussions.preview import Preview
from forum.services.guidance import citations as cited
from forum.services.notifications import fanout
from forum.views.discussions.categories import refuse_if_archived
from forum.views.discussions.composer import flash_citation_note, form_preview, wants_preview
from forum.views.library.uploads import attach_composer_file
from forum.views.submission import save
from forum.web.limits import posting_limit
from forum.web.paging import page_arg

bp = Blueprint("threads", __name__)


def _render_thread(
    thread: Thread, page_number: int, form: AnswerForm, preview: Preview | None = None
) -> tuple[str, thread_extras.ReaderState]:
    """The page's HTML, and the reader's marks as they were before this visit."""
    per_page = current_app.config["POSTS_PER_PAGE"]
    # A page asks the policy a few hundred questions: plain attributes, read once.
    actor = policy.ActorSnapshot.of(current_user)
    page = queries.thread_posts(thread, page_number, per_page, actor)
    open_items = moderation_reads.open_items_by_post(actor, thread, page.items)
    with_draft = not form.is_submitted() and policy.can_reply(actor, thread)
    answers = thread_extras.thread_page_extras(actor, thread, page.items, with_draft=with_draft)
    if answers.reply_draft is not None and not form.body.data:
        form.body.data = answers.reply_draft.body
    cards = post_cards.cards(
        actor, thread, page.items, reader=answers.reader, open_items=open_items
    )
    if reported := request.args.get("reported", type=int):  # after reporting a post
        withheld = moderation_reads.reported_and_withheld(actor, thread, reported)
        first = (page_number - 1) * per_page + 1
        cards = post_cards.with_withheld(cards, withheld, first, first + per_page - 1)
    return render_template(
        "discussions/threads/show.html",
        thread=thread,
        page=page,
        cards=cards,
        render_card=post_cards.render,
        form=form,
        open_items=open_items,
        answers=answers,
        watch=notification_queries.thread_watch(actor, thread),
        preview=preview,
    ), answers.reader


def _remember_reading(thread: Thread, up_to: int, reader: thread_extras.ReaderState) -> None:
    """Move the reader's marker in a short write transaction of its own, after the page's
    reads (SQLite begins it IMMEDIATE, so it waits for the write lock, never fails).

    Nothing is written when the marker is already there and no notification waits to be
    read: most views of a thread are re-reads, and a read should not queue for the lock.
    """
    if not policy.is_member(current_user):
        return
    up_to = min(up_to, thread.last_post_number)
    caught_up = reader.last_read is not None and reader.last_read >= up_to
    if caught_up and not current_user.unread_notification_count:
        return
    session = db.session()
    session.expire_on_commit = False  # the rendered objects stay as they were read
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    write_intent.set(True)
    reading.mark_thread_read(current_user, thread, up_to)
    db.session.commit()


@bp.get("/t/<id:thread_id>")
@bp.get("/t/<id:thread_id>/<slug>")
def show(thread_id: int, slug: str | None = None) -> str | Response:
    try:
        thread = queries.get_thread_or_404(thread_id, current_user)
    except NotFound:
        target = moderation_reads.merged_into(thread_id, current_user)
        if target is None:
            raise
        return redirect(url_for("threads.show", thread_id=target.id, slug=target.slug))
    number = page_arg()
    html, reader = _render_thread(thread, number, _answer_form())
    _remember_reading(thread, number * current_app.config["POSTS_PER_PAGE"], reader)
    return html


@bp.post("/t/<id:thread_id>/reply")
@limiter.limit(posting_limit)
def reply(thread_id: int) -> Response | tuple[str, int]:
    thread = queries.get_thread_or_404(thread_id, current_user)
    refuse_if_archived(thread.category)
    form = _answer_form()
    if wants_preview():
        return _preview_reply(thread, form)
    posted = attach_composer_file(form) and save(form, lambda: _answer(thread, form))
    if posted:
        post, mention_notes = posted.result
        if check := confidentiality_holds.writer_note(post):
            flash(check, "info")
        elif post.is_held:
            flash("Your reply is awaiting approval by a moderator.", "info")
        for note in mention_notes:
            flash(note, "info")
        if note := form.pii_nudge_note():
            flash(note, "info")
        flash_citation_note(cited.unknown_in_saved(form.body.data or "", post_id=post.id))
        return redirect(url_for("posts.show", post_id=post.id))
    _keep_reply_draft(thread, form.body.data or "")
    thread = queries.get_thread_or_404(thread_id, current_user)  # reloaded after the commit
    per_page = current_app.config["POSTS_PER_PAGE"]
    last_page = max(1, -(-thread.last_post_number // per_page))
    return _render_thread(thread, last_page, form)[0], 422


def _answer_form() -> AnswerForm:
    form = AnswerForm()
    offer_bases(form, BASIS_NAMES)
    return form


def _preview_reply(thread: Thread, form: AnswerForm) -> tuple[str, int]:
    """The thread's last page with the reply box showing the preview; the text is kept as
    the member's draft too."""
    attach_composer_file(form)
    preview = form_preview(form, thread.category, form.body.data or "")
    _keep_reply_draft(thread, form.body.data or "")
    thread = queries.get_thread_or_404(thread.id, current_user)  # reloaded after the commit
    per_page = current_app.config["POSTS_PER_PAGE"]
    last_page = max(1, -(-thread.last_post_number // per_page))
    return _render_thread(thread, last_page, form, preview)[0], 200


def _answer(thread: Thread, form: AnswerForm) -> tuple[Post, list[str]]:
    """The reply, and what to tell its writer about the groups it mentions."""
    post = questions.answer(
        current_user,
        thread,
        body=form.body.data,
        reply_to=int(form.reply_to.data) if form.reply_to.data else None,
        client_token=form.client_token.data,
        pii_confirmed=form.pii_confirmations(),
        basis=form.basis.data or "",
    )
    if post.is_held:
        return post, []
    return post, fanout.group_mention_notes(thread, post.author_id, post.body_source)


def _keep_reply_draft(thread: Thread, body: str) -> None:
    """A reply that could not be posted is kept as the member's draft (when it may be)."""
    db.session.rollback()
    try:
        drafts.save_reply_draft(current_user, thread, body=body)
    except (ServiceError, Forbidden):
        db.session.rollback()
    else:
        db.session.commit()
