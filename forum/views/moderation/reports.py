"""The member's side of moderation: reporting a post, and reading what moderators decided."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.extensions import limiter
from forum.forms.moderation import FlagForm, choices
from forum.models import Post
from forum.models.moderation import FLAG_REASON_LABELS, MEMBER_FLAG_REASONS
from forum.services.moderation import flags as moderation_flags
from forum.services.moderation import messages as moderation_messages
from forum.views.submission import save

bp = Blueprint("mod_reports", __name__)
#: Reporting is cheap to do and costly to handle: keep a runaway script from flooding it.
REPORT_LIMIT = "10 per minute;60 per day"


def _flag_form() -> FlagForm:
    form = FlagForm()
    form.reason.choices = choices(*((r.value, FLAG_REASON_LABELS[r]) for r in MEMBER_FLAG_REASONS))
    return form


@bp.route("/p/<id:post_id>/report", methods=["GET", "POST"])
@limiter.limit(REPORT_LIMIT, methods=["POST"])
def report(post_id: int) -> str | Response | tuple[str, int]:
    post = queries.get_post_or_404(post_id, current_user)
    policy.require(policy.can_flag_post(current_user, post))
    form = _flag_form()
    reported = save(
        form,
        lambda: moderation_flags.flag_post(
            current_user, post, reason=form.reason.data, note=form.note.data or ""
        ),
    )
    if reported:
        return _after_report(post)
    if reported.refusal:
        post = queries.get_post_or_404(post_id, current_user)  # as stored: rolled back
    status = 422 if form.is_submitted() else 200
    return render_template("moderation/report.html", post=post, form=form), status


def _after_report(post: Post) -> Response:
    """Back to where the reporter was: the post, or its place in the thread when the report
    hid it (a placeholder says so), or the category when it hid the whole thread. Never a
    page the reporter can no longer see."""
    thread = post.thread
    if policy.can_view_post(current_user, post):
        flash(
            "Thank you. A moderator will look at your report; you will hear what they "
            "decide on your moderation messages page.",
            "success",
        )
        return redirect(url_for("posts.show", post_id=post.id))
    if policy.can_view_thread(current_user, thread):
        flash(
            "Thank you. The post is hidden from members until a moderator checks it; you "
            "will hear what they decide on your moderation messages page.",
            "success",
        )
        page = queries.page_of_post(post, current_app.config["POSTS_PER_PAGE"])
        args = {"page": page} if page > 1 else {}
        location = url_for(
            "threads.show", thread_id=thread.id, slug=thread.slug, reported=post.id, **args
        )
        return redirect(f"{location}#post-{post.post_number}")
    flash(
        f"Thank you. The thread “{thread.title}” is hidden from members until a moderator "
        "checks the post you reported; you will hear what they decide on your moderation "
        "messages page.",
        "success",
    )
    return redirect(url_for("categories.show", slug=thread.category.slug))


@bp.get("/account/moderation")
def messages() -> str:
    return render_template(
        "moderation/messages.html",
        messages=moderation_messages.messages_for(current_user.id),
        reports=moderation_messages.reports_by(current_user.id),
    )
