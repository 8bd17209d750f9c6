"""Member actions: warnings, silence, suspension, bans, staff notes, category moderators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from forum import policy
from forum.forms.moderation import (
    BanForm,
    CategoryModeratorsForm,
    MemberSearchForm,
    NoteForm,
    OptionalReasonForm,
    TimedSanctionForm,
    WarnForm,
)
from forum.models import SanctionKind, User, utcnow
from forum.queries import moderation as moderation_reads
from forum.queries.members import get_member_or_404
from forum.services.moderation import members as moderation_members
from forum.views.submission import save

bp = Blueprint("mod_members", __name__, url_prefix="/mod/members")


@bp.before_request
def staff_only() -> None:
    policy.require(policy.can_view_member_record(current_user))


@bp.get("/")
def index() -> str:
    form = MemberSearchForm(formdata=request.args)
    query = (form.q.data or "")[:254]
    members = moderation_reads.find_members(query)
    return render_template("moderation/members/index.html", form=form, members=members, query=query)


def _category_choices() -> list[SelectChoice]:
    return [SelectChoice(c.id, c.name) for c in moderation_reads.assignable_categories()]


def _forms(member: User, **given: Any) -> dict[str, Any]:
    forms = {
        "warn_form": WarnForm(formdata=None, prefix="warn"),
        "silence_form": TimedSanctionForm(formdata=None, prefix="silence"),
        "suspend_form": TimedSanctionForm(formdata=None, prefix="suspend"),
        "ban_form": BanForm(formdata=None, prefix="ban"),
        "lift_form": OptionalReasonForm(formdata=None, prefix="lift"),
        "note_form": NoteForm(formdata=None, prefix="note"),
        "categories_form": CategoryModeratorsForm(
            formdata=None, prefix="categories", data={"categories": member.moderated_category_ids}
        ),
        **given,
    }
    forms["categories_form"].categories.choices = _category_choices()
    return forms


def _render(member: User, status: int = 200, **given: Any) -> tuple[str, int]:
    sanctions, notes = moderation_members.member_record(member)
    return render_template(
        "moderation/members/show.html",
        member=member,
        sanctions=sanctions,
        notes=notes,
        **_forms(member, **given),
    ), status


@bp.get("/<id:user_id>")
def show(user_id: int) -> tuple[str, int]:
    return _render(get_member_or_404(user_id))


def _done(member: User, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("mod_members.show", user_id=member.id))


def _again(member: User, name: str, form: Any) -> tuple[str, int]:
    """The member's page again, with the form called ``name`` as it was sent."""
    return _render(get_member_or_404(member.id), 422, **{f"{name}_form": form})


@bp.post("/<id:user_id>/warn")
def warn(user_id: int) -> Any:
    member = get_member_or_404(user_id)
    policy.require(policy.can_warn_member(current_user, member))
    form = WarnForm(prefix="warn")
    if save(
        form, lambda: moderation_members.warn_member(current_user, member, reason=form.reason.data)
    ):
        return _done(member, "The warning is recorded; the member can read it now.")
    return _again(member, "warn", form)


def _until(form: TimedSanctionForm) -> datetime:
    if form.until.data:
        return datetime.combine(form.until.data, time.min, tzinfo=UTC)
    return utcnow() + timedelta(days=int(form.days.data or 7))


def _sanctionable(user_id: int) -> User:
    member = get_member_or_404(user_id)
    policy.require(policy.can_sanction_member(current_user, member))
    return member


def _timed_sanction(user_id: int, name: str, sanction: Callable[..., None], message: str) -> Any:
    """Silence or suspend until a date, from the form called ``name``."""
    member = _sanctionable(user_id)
    form = TimedSanctionForm(prefix=name)
    if save(
        form, lambda: sanction(current_user, member, until=_until(form), reason=form.reason.data)
    ):
        return _done(member, message)
    return _again(member, name, form)


@bp.post("/<id:user_id>/silence")
def silence(user_id: int) -> Any:
    return _timed_sanction(
        user_id,
        "silence",
        moderation_members.silence_member,
        "The member is silenced: they can read but not post.",
    )


@bp.post("/<id:user_id>/suspend")
def suspend(user_id: int) -> Any:
    return _timed_sanction(
        user_id,
        "suspend",
        moderation_members.suspend_member,
        "The member is suspended and signed out everywhere.",
    )


@bp.post("/<id:user_id>/ban")
def ban(user_id: int) -> Any:
    member = _sanctionable(user_id)
    form = BanForm(prefix="ban")
    if save(
        form, lambda: moderation_members.ban_member(current_user, member, reason=form.reason.data)
    ):
        return _done(member, "The member is banned and signed out everywhere.")
    return _again(member, "ban", form)


@bp.post("/<id:user_id>/lift/<any(silence, suspension, ban):kind>")
def lift(user_id: int, kind: str) -> Any:
    member = _sanctionable(user_id)
    form = OptionalReasonForm(prefix="lift")
    if save(
        form,
        lambda: moderation_members.lift_sanction(
            current_user, member, SanctionKind(kind), reason=form.reason.data or ""
        ),
    ):
        return _done(member, f"The {kind} is lifted.")
    return _again(member, "lift", form)


@bp.post("/<id:user_id>/notes")
def add_note(user_id: int) -> Any:
    member = get_member_or_404(user_id)
    form = NoteForm(prefix="note")
    if save(
        form, lambda: moderation_members.add_member_note(current_user, member, body=form.body.data)
    ):
        return _done(member, "The note is saved.")
    return _again(member, "note", form)


@bp.post("/<id:user_id>/categories")
def categories(user_id: int) -> Any:
    member = get_member_or_404(user_id)
    policy.require(policy.can_assign_category_moderators(current_user))
    form = CategoryModeratorsForm(prefix="categories")
    assignable = {c.id: c for c in moderation_reads.assignable_categories()}
    form.categories.choices = _category_choices()
    chosen = [assignable[i] for i in (form.categories.data or []) if i in assignable]
    if save(
        form, lambda: moderation_members.set_moderated_categories(current_user, member, chosen)
    ):
        return _done(
            member, "Category moderation is updated; it applies from the member's next page."
        )
    return _again(member, "categories", form)
