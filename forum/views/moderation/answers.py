"""Accepted answers to review: changed guidance first, then overdue; confirm, supersede or
withdraw each (docs/answers.md#review-dates)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import policy, queries
from forum.forms.moderation import SupersedeForm, WithdrawAnswerForm, post_ref
from forum.queries import answer_review
from forum.services.guidance import review as answer_reviews
from forum.views.submission import save
from forum.web.paging import page_arg

bp = Blueprint("mod_answers", __name__, url_prefix="/mod/answers-to-review")
PER_PAGE = 20


@bp.before_request
def reviewers_only() -> None:
    policy.require(policy.can_open_answer_review(current_user))


def _render(status: int = 200, failed: int | None = None, **forms: Any) -> tuple[str, int]:
    """The list; ``failed`` names the answer whose form (in ``forms``) is shown with its error."""
    number = page_arg() if request.method == "GET" else _page_from_form()
    page = answer_review.answers_due(current_user, number, PER_PAGE)
    return render_template(
        "moderation/answers/review.html",
        page=page,
        failed=failed,
        supersede_form=forms.get("supersede_form"),
        withdraw_form=forms.get("withdraw_form"),
        blank_withdraw=WithdrawAnswerForm(formdata=None),
    ), status


def _page_from_form() -> int:
    """The page the form was sent from, or the last page left if it has emptied."""
    raw = request.form.get("page", "1")
    number = int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10_000 else 1
    if number == 1:
        return 1
    pages = -(-answer_review.count_due(current_user) // PER_PAGE)
    return max(1, min(number, pages))


@bp.get("")
def review() -> tuple[str, int]:
    return _render()


def _done(message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("mod_answers.review", page=_page_from_form()))


@bp.post("/<id:thread_id>/still-correct")
def still_correct(thread_id: int) -> Any:
    thread = queries.get_thread_or_404(thread_id, current_user)
    if save(None, lambda: answer_reviews.confirm_still_correct(current_user, thread)):
        return _done(f"“{thread.title}”: the answer is marked as still correct.")
    return redirect(url_for("mod_answers.review", page=_page_from_form()))


@bp.post("/<id:thread_id>/supersede")
def supersede(thread_id: int) -> Any:
    thread = queries.get_thread_or_404(thread_id, current_user)
    form = SupersedeForm()
    if save(
        form,
        lambda: answer_reviews.supersede(
            current_user,
            thread,
            answer_review.post_by_ref(current_user, *post_ref(form.newer.data)),
        ),
    ):
        return _done(f"“{thread.title}”: the answer now links to the post that supersedes it.")
    return _render(422, failed=thread_id, supersede_form=form)


@bp.post("/<id:thread_id>/withdraw")
def withdraw(thread_id: int) -> Any:
    thread = queries.get_thread_or_404(thread_id, current_user)
    form = WithdrawAnswerForm()
    if save(form, lambda: answer_reviews.withdraw(current_user, thread, form.reason.data or "")):
        return _done(f"“{thread.title}”: the answer is withdrawn. Its author sees your reason.")
    return _render(422, failed=thread_id, withdraw_form=form)
