"""Member actions: formal warnings, silence, suspension and bans (each effective on the
member's next request), staff notes, and category moderator assignments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import (
    Category,
    CategoryModerator,
    MemberNote,
    MemberSanction,
    Post,
    Role,
    SanctionKind,
    User,
    utcnow,
)
from forum.policy import (
    Actor,
    can_assign_category_moderators,
    can_sanction_member,
    can_view_member_record,
    can_warn_member,
    require,
)
from forum.services import audit
from forum.services.membership import api_tokens
from forum.services.moderation.messages import MessageKind, tell_member
from forum.services.moderation.posts import check_reason

NOTE_MAX = 5000


def _state(user: User) -> dict[str, str | None]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat(timespec="minutes") if value else None

    return {
        "silenced_until": iso(user.silenced_until),
        "suspended_until": iso(user.suspended_until),
        "banned_at": iso(user.banned_at),
    }


def _sanction(actor: Actor, user: User, kind: str, reason: str, **fields: object) -> MemberSanction:
    sanction = MemberSanction(
        user_id=user.id,
        kind=kind,
        reason=reason,
        created_by_id=actor.id,
        created_by_name=actor.display_name,
        created_at=utcnow(),
        **fields,
    )
    db.session.add(sanction)
    return sanction


def _end_sessions(user: User) -> None:
    """Sign the member out everywhere, remember-me cookies included."""
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["session_version"])
    api_tokens.revoke_all(user)


def _future(until: datetime | None, field: str = "until") -> datetime:
    if until is None or until <= utcnow():
        raise ServiceError("Choose a date and time in the future.", field)
    return until


def warn_member(
    actor: Actor, user: User, *, reason: str, post: Post | None = None
) -> MemberSanction:
    """Record a formal warning on the member; they read it on their moderation messages."""
    category = post.thread.category if post is not None else None
    require(can_warn_member(actor, user, category))
    reason = check_reason(reason)
    sanction = _sanction(
        actor, user, SanctionKind.WARNING, reason, post_id=post.id if post is not None else None
    )
    audit.record(actor, "member.warn", target=user, reason=reason)
    tell_member(
        user.id,
        MessageKind.WARNING,
        "You have a formal warning from the moderators.",
        reason=reason,
        post=post,
    )
    db.session.flush()
    return sanction


def silence_member(actor: Actor, user: User, *, until: datetime | None, reason: str) -> None:
    """Read-only until ``until``: no new threads, replies or edits."""
    require(can_sanction_member(actor, user))
    reason, until = check_reason(reason), _future(until)
    before = _state(user)
    user.silenced_until = until
    _sanction(actor, user, SanctionKind.SILENCE, reason, ends_at=until)
    audit.record(
        actor, "member.silence", target=user, before=before, after=_state(user), reason=reason
    )
    tell_member(
        user.id,
        MessageKind.SILENCE,
        f"You cannot post until {until:%-d %B %Y at %H:%M} UTC.",
        reason=reason,
    )
    db.session.flush()


def suspend_member(actor: Actor, user: User, *, until: datetime | None, reason: str) -> None:
    """No signing in until ``until``; open sessions end on their next request."""
    require(can_sanction_member(actor, user))
    reason, until = check_reason(reason), _future(until)
    before = _state(user)
    user.suspended_until = until
    _sanction(actor, user, SanctionKind.SUSPENSION, reason, ends_at=until)
    _end_sessions(user)
    audit.record(
        actor, "member.suspend", target=user, before=before, after=_state(user), reason=reason
    )
    tell_member(
        user.id,
        MessageKind.SUSPENSION,
        f"Your account is suspended until {until:%-d %B %Y at %H:%M} UTC.",
        reason=reason,
    )
    db.session.flush()


def ban_member(actor: Actor, user: User, *, reason: str) -> None:
    """No signing in, ever, unless staff lift the ban."""
    require(can_sanction_member(actor, user))
    reason = check_reason(reason)
    if user.banned_at is not None:
        raise ServiceError("This member is banned already.")
    before = _state(user)
    user.banned_at = utcnow()
    _sanction(actor, user, SanctionKind.BAN, reason)
    _end_sessions(user)
    audit.record(actor, "member.ban", target=user, before=before, after=_state(user), reason=reason)
    tell_member(user.id, MessageKind.BAN, "Your account is banned.", reason=reason)
    db.session.flush()


LIFTABLE = {
    SanctionKind.SILENCE: "silenced_until",
    SanctionKind.SUSPENSION: "suspended_until",
    SanctionKind.BAN: "banned_at",
}


def lift_sanction(actor: Actor, user: User, kind: str, *, reason: str = "") -> None:
    """End a silence, suspension or ban now."""
    require(can_sanction_member(actor, user))
    column = LIFTABLE.get(kind)  # type: ignore[call-overload]
    if column is None or getattr(user, column) is None:
        raise ServiceError("There is nothing of that kind to lift.")
    before, now = _state(user), utcnow()
    setattr(user, column, None)
    db.session.execute(
        update(MemberSanction)
        .where(
            MemberSanction.user_id == user.id,
            MemberSanction.kind == kind,
            MemberSanction.lifted_at.is_(None),
        )
        .values(lifted_at=now, lifted_by_name=actor.display_name)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        actor, f"member.lift_{kind}", target=user, before=before, after=_state(user), reason=reason
    )
    tell_member(user.id, MessageKind.SANCTION_LIFTED, f"Staff lifted your {kind}.", reason=reason)
    db.session.flush()


def add_member_note(actor: Actor, user: User, *, body: str) -> MemberNote:
    """A note only staff can read."""
    require(can_view_member_record(actor))
    body = body.strip()
    if not body:
        raise ServiceError("Write the note first.", "body")
    if len(body) > NOTE_MAX:
        raise ServiceError(f"Keep notes to {NOTE_MAX:,} characters or fewer.", "body")
    note = MemberNote(
        user_id=user.id, body=body, author_id=actor.id, author_name=actor.display_name
    )
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "member.note", target=user, after={"note_id": note.id})
    return note


def set_moderated_categories(actor: Actor, user: User, categories: Sequence[Category]) -> None:
    """Make ``user`` moderator of exactly ``categories`` (none ends the role)."""
    require(can_assign_category_moderators(actor))
    if user.role != Role.MEMBER:
        raise ServiceError("Moderators and admins moderate every category already.", "categories")
    if any(c.is_staff_only for c in categories):
        raise ServiceError("Staff-only categories are moderated by staff.", "categories")
    before = sorted(
        db.session.scalars(
            select(CategoryModerator.category_id).where(CategoryModerator.user_id == user.id)
        )
    )
    wanted = sorted({c.id for c in categories})
    db.session.execute(
        delete(CategoryModerator).where(
            CategoryModerator.user_id == user.id, CategoryModerator.category_id.not_in(wanted)
        )
    )
    for category_id in sorted(set(wanted) - set(before)):
        db.session.add(
            CategoryModerator(
                user_id=user.id, category_id=category_id, assigned_by_name=actor.display_name
            )
        )
    user.moderated_category_ids = wanted or None
    audit.record(
        actor,
        "member.category_moderator",
        target=user,
        before={"categories": before},
        after={"categories": wanted},
    )
    db.session.flush()


def member_record(user: User) -> tuple[Sequence[MemberSanction], Sequence[MemberNote]]:
    sanctions = db.session.scalars(
        select(MemberSanction)
        .where(MemberSanction.user_id == user.id)
        .order_by(MemberSanction.created_at.desc(), MemberSanction.id.desc())
    ).all()
    notes = db.session.scalars(
        select(MemberNote)
        .where(MemberNote.user_id == user.id)
        .order_by(MemberNote.created_at.desc(), MemberNote.id.desc())
    ).all()
    return sanctions, notes
