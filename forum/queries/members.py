"""Read side of the membership pages: the member directory and the staff lists."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, or_, select
from werkzeug.exceptions import NotFound

from forum.extensions import db
from forum.models import Invitation, JoinRequest, JoinRequestStatus, User, utcnow
from forum.paging import Page, offset_or_404

#: The directory shows people who can sign in; deleted and deactivated accounts are hidden.
_LISTED = (User.deactivated_at.is_(None), User.password_hash.is_not(None))


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _filtered(stmt: Select, q: str, alliance: str, role: str) -> Select:
    q = q.strip()[:100]
    if q:
        pattern = like_pattern(q.lstrip("@"))
        columns = (User.display_name, User.username, User.organisation, User.job_title)
        stmt = stmt.where(or_(*(func.lower(c).like(pattern, escape="\\") for c in columns)))
    if alliance:
        stmt = stmt.where(User.alliance == alliance)
    if role:
        stmt = stmt.where(User.role == role)
    return stmt


def _paged(stmt: Select, number: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    offset = offset_or_404(number, per_page, total)
    items = db.session.scalars(stmt.offset(offset).limit(per_page)).all()
    return Page(items, number, per_page, total)


def member_directory(
    *, q: str = "", alliance: str = "", role: str = "", number: int = 1, per_page: int = 30
) -> Page[User]:
    stmt = _filtered(select(User).where(*_LISTED), q, alliance, role)
    return _paged(stmt.order_by(func.lower(User.display_name), User.id), number, per_page)


def staff_member_list(
    *, q: str = "", state: str = "", role: str = "", number: int = 1, per_page: int = 50
) -> Page[User]:
    """Every account, including deactivated and deleted ones, for staff."""
    stmt = _filtered(select(User), q, "", role)
    if state == "active":
        stmt = stmt.where(*_LISTED)
    elif state == "deactivated":
        stmt = stmt.where(User.deactivated_at.is_not(None), User.anonymised_at.is_(None))
    elif state == "deleted":
        stmt = stmt.where(User.anonymised_at.is_not(None))
    elif state == "waiting":
        stmt = stmt.where(User.password_hash.is_(None), User.deactivated_at.is_(None))
    return _paged(stmt.order_by(func.lower(User.display_name), User.id), number, per_page)


def get_member_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No member has that id.")
    return user


def pending_join_requests() -> Sequence[JoinRequest]:
    stmt = (
        select(JoinRequest)
        .where(JoinRequest.status == JoinRequestStatus.PENDING)
        .order_by(JoinRequest.created_at, JoinRequest.id)
    )
    return db.session.scalars(stmt).all()


def pending_join_request_count() -> int:
    stmt = select(func.count()).where(JoinRequest.status == JoinRequestStatus.PENDING)
    return db.session.scalar(stmt) or 0


def decided_join_requests(limit: int = 30) -> Sequence[JoinRequest]:
    stmt = (
        select(JoinRequest)
        .where(JoinRequest.status != JoinRequestStatus.PENDING)
        .order_by(JoinRequest.decided_at.desc(), JoinRequest.id.desc())
        .limit(limit)
    )
    return db.session.scalars(stmt).all()


def get_join_request_or_404(request_id: int) -> JoinRequest:
    found = db.session.get(JoinRequest, request_id)
    if found is None:
        raise NotFound("There is no such join request.")
    return found


def invitations_page(*, state: str = "", number: int = 1, per_page: int = 50) -> Page[Invitation]:
    now = utcnow()
    stmt = select(Invitation)
    open_ = (Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    if state == "pending":
        stmt = stmt.where(*open_, Invitation.expires_at > now)
    elif state == "expired":
        stmt = stmt.where(*open_, Invitation.expires_at <= now)
    elif state == "accepted":
        stmt = stmt.where(Invitation.accepted_at.is_not(None))
    elif state == "revoked":
        stmt = stmt.where(Invitation.revoked_at.is_not(None))
    return _paged(
        stmt.order_by(Invitation.created_at.desc(), Invitation.id.desc()), number, per_page
    )


def get_invitation_or_404(invitation_id: int) -> Invitation:
    found = db.session.get(Invitation, invitation_id)
    if found is None:
        raise NotFound("There is no such invitation.")
    return found
