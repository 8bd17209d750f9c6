"""Acting on answers: accept or clear the solution, helpful marks, bookmarks, thread tags,
jumping to the first unread post, and the reply page used to quote without JavaScript."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.extensions import db
from forum.forms.answers import AnswerForm, ThreadTagsForm, tag_choices
from forum.forms.posts import offer_bases
from forum.models import BASIS_NAMES, Post, Thread
from forum.queries import listings
from forum.queries import thread_page as thread_extras
from forum.services.discussions import bookmarks, helpful, solutions, tags
from forum.services.guidance import verification
from forum.text.quoting import quote_markdown
from forum.views.discussions.categories import refuse_if_archived
from forum.views.submission import save
from forum.web.security import safe_next_url

bp = Blueprint("answers", __name__)


def _post_location(post: Post) -> str:
    per_page = current_app.config["POSTS_PER_PAGE"]
    return _thread_location(post.thread, post.post_number, per_page)


def _thread_location(thread: Thread, post_number: int, per_page: int) -> str:
    page = (post_number - 1) // per_page + 1
    args = {"page": page} if page > 1 else {}
    url = url_for("threads.show", thread_id=thread.id, slug=thread.slug, **args)
    return f"{url}#post-{post_number}"


def _form_post_id() -> int:
    raw = request.form.get("post_id", "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise BadRequest("Choose the reply to mark as the solution.")
    return int(raw)


@bp.post("/t/<id:thread_id>/solution")
def accept(thread_id: int) -> Response:
    thread = queries.get_thread_or_404(thread_id, current_user)
    post = queries.get_post_or_404(_form_post_id(), current_user)
    if post.thread_id != thread.id:
        raise NotFound("That reply is not in this thread.")
    solutions.accept_solution(current_user, thread, post)
    db.session.commit()
    flash(f"Reply #{post.post_number} by {post.author_name} is marked as the solution.", "success")
    return redirect(_post_location(post))


@bp.post("/t/<id:thread_id>/solution/clear")
def clear(thread_id: int) -> Response:
    thread = queries.get_thread_or_404(thread_id, current_user)
    solutions.clear_solution(current_user, thread)
    db.session.commit()
    flash("The thread no longer has an accepted solution.", "success")
    return redirect(url_for("threads.show", thread_id=thread.id, slug=thread.slug))


@bp.post("/t/<id:thread_id>/solution/verify")
def verify(thread_id: int) -> Response:
    """Mark the accepted answer as checked by a clinical lead."""
    thread = queries.get_thread_or_404(thread_id, current_user)
    post = queries.get_post_or_404(_form_post_id(), current_user)
    if post.thread_id != thread.id:
        raise NotFound("That reply is not in this thread.")
    saved = save(None, lambda: verification.verify_answer(current_user, thread, post))
    if saved:
        flash("The accepted answer is marked as checked by a clinical lead.", "success")
    return redirect(url_for("threads.show", thread_id=thread.id, slug=thread.slug))


@bp.post("/t/<id:thread_id>/solution/unverify")
def unverify(thread_id: int) -> Response:
    """Take the clinical lead's check off the accepted answer."""
    thread = queries.get_thread_or_404(thread_id, current_user)
    verification.unverify_answer(current_user, thread)
    db.session.commit()
    flash("The check by a clinical lead is removed from the accepted answer.", "success")
    return redirect(url_for("threads.show", thread_id=thread.id, slug=thread.slug))


def _act_on_post(
    post_id: int, action: Callable[[policy.Actor, Post], object], message: str
) -> Post:
    """Run ``action`` on a post the member can see, commit, and flash ``message``
    with ``{number}`` filled in by the post's number."""
    post = queries.get_post_or_404(post_id, current_user)
    action(current_user, post)
    db.session.commit()
    flash(message.format(number=post.post_number), "success")
    return post


@bp.post("/p/<id:post_id>/helpful")
def mark_helpful(post_id: int) -> Response:
    post = _act_on_post(post_id, helpful.mark_helpful, "You marked post #{number} as helpful.")
    return redirect(_post_location(post))


@bp.post("/p/<id:post_id>/helpful/remove")
def unmark_helpful(post_id: int) -> Response:
    message = "You took back your helpful mark on post #{number}."
    post = _act_on_post(post_id, helpful.unmark_helpful, message)
    return redirect(_post_location(post))


@bp.get("/p/<id:post_id>/helpful")
def helpful_markers(post_id: int) -> str:
    post = queries.get_post_or_404(post_id, current_user)
    if post.is_deleted:
        raise NotFound("That post was deleted.")
    markers = thread_extras.helpful_markers(post)
    return render_template("discussions/answers/helpful.html", post=post, markers=markers)


@bp.post("/p/<id:post_id>/bookmark")
def bookmark(post_id: int) -> Response:
    post = _act_on_post(post_id, bookmarks.add_bookmark, "Post #{number} is in your bookmarks.")
    return redirect(_post_location(post))


@bp.post("/p/<id:post_id>/bookmark/remove")
def remove_bookmark(post_id: int) -> Response:
    message = "Post #{number} is no longer bookmarked."
    post = _act_on_post(post_id, bookmarks.remove_bookmark, message)
    return redirect(safe_next_url(request.form.get("next"), _post_location(post)))


@bp.get("/t/<id:thread_id>/unread")
def first_unread(thread_id: int) -> Response:
    """Jump to the first post the member has not read yet."""
    thread = queries.get_thread_or_404(thread_id, current_user)
    number = thread_extras.first_unread_post_number(current_user, thread)
    return redirect(_thread_location(thread, number, current_app.config["POSTS_PER_PAGE"]))


@bp.route("/t/<id:thread_id>/tags", methods=["GET", "POST"])
def edit_tags(thread_id: int) -> str | Response | tuple[str, int]:
    thread = queries.get_thread_or_404(thread_id, current_user)
    policy.require(policy.can_tag_thread(current_user, thread))
    form = ThreadTagsForm()
    form.tags.choices = tag_choices(listings.all_tags())
    tagged = save(form, lambda: tags.set_thread_tags(current_user, thread, form.tags.data or []))
    if tagged:
        flash("The thread's tags are saved.", "success")
        return redirect(url_for("threads.show", thread_id=thread.id, slug=thread.slug))
    if tagged.refusal:
        thread = queries.get_thread_or_404(thread_id, current_user)  # as stored: rolled back
    if not form.is_submitted():
        form.tags.data = [tag.id for tag in thread_extras.thread_tags(thread)]
    status = 422 if form.is_submitted() else 200
    return render_template("discussions/answers/tags.html", thread=thread, form=form), status


@bp.get("/p/<id:post_id>/quote")
def quote(post_id: int) -> dict[str, str]:
    """The whole post as a Markdown quote, for the composer's Quote button."""
    post = queries.get_post_or_404(post_id, current_user)
    if post.is_deleted:
        raise NotFound("That post was deleted.")
    link = url_for("posts.show", post_id=post.id)
    return {"markdown": quote_markdown(post.author_name, link, post.body_source)}


def _id_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise BadRequest("That is not a post number.")
    return int(raw)


@bp.get("/t/<id:thread_id>/reply")
def compose_reply(thread_id: int) -> str:
    """A reply page that quotes a post or answers it (what the buttons do without JavaScript)."""
    thread = queries.get_thread_or_404(thread_id, current_user)
    refuse_if_archived(thread.category)
    policy.require(policy.can_reply(current_user, thread))
    quoted_id, to_id = _id_arg("quote"), _id_arg("to")
    target_id = quoted_id or to_id
    target = queries.get_post_or_404(target_id, current_user) if target_id else None
    if target is not None and (target.thread_id != thread.id or target.is_deleted):
        raise NotFound("That post is not in this thread.")
    form = AnswerForm()
    offer_bases(form, BASIS_NAMES)
    if target is not None:
        form.reply_to.data = str(target.id)
        if quoted_id:
            link = url_for("posts.show", post_id=target.id)
            form.body.data = quote_markdown(target.author_name, link, target.body_source)
    return render_template(
        "discussions/answers/reply.html", thread=thread, form=form, target=target
    )
