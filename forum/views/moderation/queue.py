"""The review queue: reports, posts awaiting approval and join requests, in one place."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from forum import policy
from forum.extensions import db
from forum.forms.moderation import (
    ApproveForm,
    JoinDecisionForm,
    QueueFilterForm,
    RejectForm,
    ResolveReportsForm,
    StaffEditForm,
    choices,
)
from forum.models import ItemKind, ModerationItem
from forum.queries import Page
from forum.queries import moderation as moderation_reads
from forum.services.guidance import citations as cited
from forum.services.moderation import decisions as moderation_decisions
from forum.services.moderation import queue as moderation_queue
from forum.services.moderation.filters import AGES, Filters
from forum.services.moderation.queue import ITEM, JOIN_REQUEST
from forum.views.discussions.composer import flash_citation_note
from forum.views.submission import save
from forum.web.paging import page_arg
from forum.web.security import safe_next_url

bp = Blueprint("mod", __name__, url_prefix="/mod")
PER_PAGE = 25


@bp.before_request
def moderators_only() -> None:
    policy.require(policy.can_access_moderation(current_user))


def _back(default: str) -> Response:
    return redirect(safe_next_url(request.form.get("next"), default))


# The queue -------------------------------------------------------------------------------


def _filter_form() -> tuple[QueueFilterForm, Filters]:
    form = QueueFilterForm(formdata=request.args)
    categories = moderation_reads.moderated_categories(current_user)
    form.type.choices = [*form.type.choices, *choices(*moderation_queue.TYPES.items())]
    form.category.choices = [
        *form.category.choices,
        *choices(*((str(c.id), c.name) for c in categories)),
    ]
    form.age.choices = [*form.age.choices, *choices(*AGES.items())]
    form.claim.choices = [*form.claim.choices, *choices(*moderation_queue.CLAIMS.items())]
    category_ids = {str(c.id): c.id for c in categories}
    filters = Filters(
        type=form.type.data if form.type.data in moderation_queue.TYPES else "",
        category_id=category_ids.get(form.category.data or ""),
        age=form.age.data if form.age.data in AGES else "",
        claim=form.claim.data if form.claim.data in moderation_queue.CLAIMS else "",
        newest_first=form.sort.data == "newest",
    )
    return form, filters


@bp.get("/")
def queue() -> str | Response:
    form, filters = _filter_form()
    number = page_arg()
    entries, total = moderation_queue.queue_page(current_user, filters, number, PER_PAGE)
    page = Page(entries, number, PER_PAGE, total)
    if number > page.pages:
        return redirect(url_for("mod.queue", **{**request.args.to_dict(), "page": page.pages}))
    return render_template(
        "moderation/queue.html",
        page=page,
        filter_form=form,
        filter_args={k: v for k, v in request.args.items() if k != "page" and v},
        resolve_form=ResolveReportsForm(formdata=None),
        reject_form=RejectForm(formdata=None),
        join_form=JoinDecisionForm(formdata=None),
    )


# One item --------------------------------------------------------------------------------


def _render_item(item: ModerationItem, status: int = 200, **forms: Any) -> tuple[str, int]:
    claims = moderation_queue.live_claims([(ITEM, item.id)])
    defaults = {
        "resolve_form": ResolveReportsForm(formdata=None),
        "approve_form": ApproveForm(formdata=None),
        "reject_form": RejectForm(formdata=None),
    }
    return render_template(
        "moderation/item.html",
        item=item,
        claim=claims.get((ITEM, item.id)),
        history=moderation_reads.items_for_post(item.post),
        **{**defaults, **forms},
    ), status


def _item(item_id: int) -> ModerationItem:
    item = moderation_reads.get_item_or_404(item_id, current_user)
    policy.require(policy.can_moderate_post(current_user, item.post))
    return item


@bp.get("/items/<id:item_id>")
def item(item_id: int) -> tuple[str, int]:
    return _render_item(_item(item_id))


def _done(message: str) -> Response:
    flash(message, "success")
    return _back(url_for("mod.queue"))


def _claim(kind: str, entry: Any, message: str) -> Response:
    if save(None, lambda: moderation_queue.claim_entry(current_user, kind, entry)):
        return _done(message)
    return redirect(url_for("mod.queue"))


@bp.post("/items/<id:item_id>/claim")
def claim_item(item_id: int) -> Response:
    message = "You have claimed this: other moderators can see you are handling it."
    return _claim(ITEM, _item(item_id), message)


@bp.post("/items/<id:item_id>/unclaim")
def unclaim_item(item_id: int) -> Response:
    moderation_queue.unclaim_entry(current_user, ITEM, _item(item_id))
    db.session.commit()
    return _done("You have given this back to the queue.")


@bp.post("/items/<id:item_id>/resolve")
def resolve(item_id: int) -> Response | tuple[str, int]:
    item = _item(item_id)
    form = ResolveReportsForm()
    if save(
        form,
        lambda: moderation_decisions.resolve_reports(
            current_user,
            item,
            outcome=form.outcome.data,
            reason=form.reason.data,
            warn=form.warn.data,
        ),
    ):
        return _done("Decided. The author and the members who reported it have been told.")
    return _render_item(_item(item_id), 422, resolve_form=form)


@bp.route("/items/<id:item_id>/edit", methods=["GET", "POST"])
def edit_and_resolve(item_id: int) -> Response | tuple[str, int]:
    item = _item(item_id)
    if item.kind != ItemKind.FLAG or not item.is_open:
        return redirect(url_for("mod.item", item_id=item.id))
    form = StaffEditForm(data={"body": item.post.body_source})
    post_id = item.post.id
    edited = save(
        form,
        lambda: moderation_decisions.edit_and_resolve(
            current_user,
            item,
            body=form.body.data,
            reason=form.reason.data,
            warn=form.warn.data,
        ),
    )
    if edited:
        flash_citation_note(cited.unknown_in_saved(form.body.data or "", post_id=post_id))
        return _done("Edited and decided. The author sees your reason beside the edit.")
    if edited.refusal:
        item = _item(item_id)  # as stored: the refusal was rolled back
    status = 422 if form.is_submitted() else 200
    return render_template(
        "moderation/edit_post.html", post=item.post, item=item, form=form
    ), status


@bp.post("/items/<id:item_id>/approve")
def approve(item_id: int) -> Response | tuple[str, int]:
    item = _item(item_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _render_item(item, 422, approve_form=form)
    if save(
        None,
        lambda: moderation_decisions.approve_post(current_user, item, note=form.note.data or ""),
    ):
        return _done("Approved: the post is visible to everyone now.")
    return redirect(url_for("mod.item", item_id=item_id))


@bp.post("/items/<id:item_id>/reject")
def reject(item_id: int) -> Response | tuple[str, int]:
    item = _item(item_id)
    form = RejectForm()
    if save(
        form, lambda: moderation_decisions.reject_post(current_user, item, reason=form.reason.data)
    ):
        return _done("Rejected. The author has been told why.")
    return _render_item(_item(item_id), 422, reject_form=form)


# Join requests -----------------------------------------------------------------------------


def _join_request(request_id: int) -> Any:
    return moderation_reads.get_join_request_or_404(request_id, current_user)


@bp.post("/join-requests/<id:request_id>/claim")
def claim_join_request(request_id: int) -> Response:
    return _claim(JOIN_REQUEST, _join_request(request_id), "You have claimed this join request.")


@bp.post("/join-requests/<id:request_id>/unclaim")
def unclaim_join_request(request_id: int) -> Response:
    moderation_queue.unclaim_entry(current_user, JOIN_REQUEST, _join_request(request_id))
    db.session.commit()
    return _done("You have given this join request back to the queue.")


@bp.post("/join-requests/<id:request_id>/<any(approve, reject):decision>")
def decide_join_request(request_id: int, decision: str) -> Response | tuple[str, int]:
    join_request = _join_request(request_id)
    form = JoinDecisionForm()
    if not form.validate_on_submit():
        flash("Check the reason and try again.", "error")
        return redirect(url_for("mod.queue"))
    if save(
        None,
        lambda: moderation_decisions.decide_join_request(
            current_user, join_request, approve=decision == "approve", reason=form.reason.data or ""
        ),
    ):
        verb = "Approved" if decision == "approve" else "Rejected"
        return _done(f"{verb} {join_request.display_name}'s request; they have been emailed.")
    return redirect(url_for("mod.queue"))
