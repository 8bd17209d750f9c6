"""The member's side of moderation: reporting a post, and reading what moderators decided."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.extensions import limiter
from forum.forms.moderation import FlagForm, choices
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
        flash(
            "Thank you. A moderator will look at your report; you will hear what they "
            "decide on your moderation messages page.",
            "success",
        )
        return redirect(url_for("posts.show", post_id=post_id))
    if reported.refusal:
        post = queries.get_post_or_404(post_id, current_user)  # as stored: rolled back
    status = 422 if form.is_submitted() else 200
    return render_template("moderation/report.html", post=post, form=form), status


@bp.get("/account/moderation")
def messages() -> str:
    return render_template(
        "moderation/messages.html",
        messages=moderation_messages.messages_for(current_user.id),
        reports=moderation_messages.reports_by(current_user.id),
    )
