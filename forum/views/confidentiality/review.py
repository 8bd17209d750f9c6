"""Confidentiality for moderators: confirmed posts in the review queue, redacting a post, and
the incident record (with a CSV export for the data-protection lead)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from forum import pii, policy, queries
from forum.forms.redaction import RedactForm
from forum.models import ConfidentialityReview, Post
from forum.pii import combination
from forum.queries import Page
from forum.queries import confidentiality as confidentiality_incidents
from forum.services.confidentiality import decisions as confidentiality_decisions
from forum.services.confidentiality import redaction
from forum.services.confidentiality import reviews as confidentiality_reviews
from forum.services.confidentiality.guard import kind_name
from forum.services.moderation import queue as moderation_queue
from forum.text import identifier_marks
from forum.text.redaction import clean_phrases
from forum.views.submission import save
from forum.web.paging import page_arg
from forum.web.security import safe_next_url

bp = Blueprint("mod_confidentiality", __name__, url_prefix="/mod")
SUBJECT = confidentiality_reviews.SUBJECT
PER_PAGE = 50


@bp.before_request
def moderators_only() -> None:
    policy.require(policy.can_access_moderation(current_user))


@bp.app_template_global("pii_highlighted")
def pii_highlighted(text: str) -> Markup:
    """``text`` escaped, with what the detector finds in it marked (moderators' pages)."""
    return identifier_marks.highlighted(text, pii.scan(text))


@bp.app_template_global("pii_kind_name")
def pii_kind_name(kind: str) -> str:
    return kind_name(kind)


@bp.app_template_global("held_for_check")
def held_for_check(post: Post) -> bool:
    """Is ``post`` held until a moderator's confidentiality check?"""
    return post.held_at is not None and combination.is_check_hold(post.held_reason)


def _back() -> BaseResponse:
    return redirect(safe_next_url(request.form.get("next"), url_for("mod.queue")))


# Confirmed posts in the review queue ---------------------------------------------------------


def _review(review_id: int) -> ConfidentialityReview:
    review = confidentiality_reviews.get_review(review_id)
    if review is None:
        raise NotFound("There is no such entry.")
    queries.get_post_or_404(review.post_id, current_user)  # 404 if not visible
    policy.require(policy.can_review_confidentiality(current_user, review.post))
    return review


@bp.post("/confidentiality/<id:review_id>/clear")
def clear(review_id: int) -> BaseResponse:
    review = _review(review_id)
    was_held = held_for_check(review.post)
    if save(None, lambda: confidentiality_decisions.clear_review(current_user, review)):
        if was_held and not review.post.is_held:
            flash(
                "Checked: nothing in the post identifies a patient. It is published now, and "
                "those watching the thread or mentioned in it are told.",
                "success",
            )
        else:
            flash(
                "Checked: nothing in the post identifies a patient. It leaves the queue.",
                "success",
            )
    return _back()


@bp.post("/confidentiality/<id:review_id>/claim")
def claim(review_id: int) -> BaseResponse:
    review = _review(review_id)
    if save(None, lambda: moderation_queue.claim_entry(current_user, SUBJECT, review)):
        flash("You have claimed this: other moderators can see you are handling it.", "success")
    return _back()


@bp.post("/confidentiality/<id:review_id>/unclaim")
def unclaim(review_id: int) -> BaseResponse:
    review = _review(review_id)
    if save(None, lambda: moderation_queue.unclaim_entry(current_user, SUBJECT, review)):
        flash("You have given this back to the queue.", "success")
    return _back()


# Redacting a post ----------------------------------------------------------------------------


def _redactable(post_id: int) -> Post:
    post = queries.get_post_or_404(post_id, current_user)
    policy.require(policy.can_redact_post(current_user, post))
    return post


def _choices(post: Post, form: RedactForm) -> tuple[list[Any], list[Any]]:
    """The post's texts, and the identifiers found in them as the form's choices."""
    sources = redaction.sources_of(post)
    found = redaction.candidates(sources)
    form.spans.choices = [(c.fingerprint, c.name) for c in found]
    return sources, found


def _redact_page(post: Post, form: RedactForm, status: int = 200) -> tuple[str, int]:
    sources, found = _choices(post, form)
    if not form.is_submitted():
        form.spans.data = [c.fingerprint for c in found if c.preselected]
        form.restore.data = post.is_hidden and not post.is_deleted
    page = render_template(
        "confidentiality/review/redact.html",
        post=post,
        form=form,
        sources=sources,
        candidates=found,
        reviews=confidentiality_reviews.reviews_for_post(post.id),
    )
    return page, status


@bp.route("/posts/<id:post_id>/redact", methods=["GET", "POST"])
def redact(post_id: int) -> BaseResponse | tuple[str, int]:
    post = _redactable(post_id)
    form = RedactForm()
    _choices(post, form)
    redacted = save(
        form,
        lambda: redaction.redact_post(
            current_user,
            post,
            fingerprints=form.spans.data or [],
            phrases=clean_phrases(form.phrases.data or ""),
            restore=bool(form.restore.data),
        ),
    )
    if redacted:
        flash(
            f"Redacted, and recorded as confidentiality incident {redacted.result.id}. The author "
            "has been told privately.",
            "success",
        )
        return redirect(url_for("mod_posts.show", post_id=post_id))
    if redacted.refusal:
        post = _redactable(post_id)  # as stored: the refusal was rolled back
    return _redact_page(post, form, 422 if form.is_submitted() else 200)


# Incidents -----------------------------------------------------------------------------------


def _require_incidents() -> None:
    policy.require(policy.can_view_confidentiality_incidents(current_user))


@bp.get("/incidents")
def incidents() -> str:
    _require_incidents()
    number = page_arg()
    rows, total = confidentiality_incidents.incident_page(number, PER_PAGE)
    return render_template(
        "confidentiality/review/incidents.html",
        page=Page(rows, number, PER_PAGE, total),
        describe_actions=confidentiality_incidents.describe_actions,
    )


@bp.get("/incidents.csv")
def incidents_csv() -> Response:
    _require_incidents()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(confidentiality_incidents.CSV_COLUMNS)
    writer.writerows(confidentiality_incidents.csv_rows())
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="confidentiality-incidents.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
