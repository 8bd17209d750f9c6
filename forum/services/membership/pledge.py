"""The confidentiality pledge: staff publish versions; members accept the current one."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import PledgeAcceptance, PledgeVersion, User, utcnow
from forum.policy import Actor, can_publish_pledge, is_member, require
from forum.services import audit

#: One line a paragraph: the pledge page keeps the author's line breaks.
DEFAULT_TEXT = """\
I will protect patient confidentiality. I will never post anything that could identify a \
patient, alone or together with other details: no names, dates of birth, NHS numbers, \
addresses, photographs, or rare combinations of age, condition and place.

I will treat what colleagues share here as confidential to this community, and will not \
copy it elsewhere without their permission.

I will be respectful and constructive, declare any conflict of interest on my profile, and \
follow the GMC's guidance on confidentiality and on doctors' use of social media.

I understand that moderators may edit or remove posts that break this pledge."""


def current_pledge() -> PledgeVersion | None:
    stmt = select(PledgeVersion).order_by(PledgeVersion.version.desc()).limit(1)
    return db.session.scalar(stmt)


def current_version() -> int | None:
    return db.session.scalar(select(func.max(PledgeVersion.version)))


def publish_pledge(actor: Actor, text: str) -> PledgeVersion:
    """Publish a new version: every member accepts it again before they go on."""
    require(can_publish_pledge(actor))
    text = text.strip()
    if len(text) < 20:
        raise ServiceError("Write the pledge in full (at least 20 characters).", "text")
    version = (current_version() or 0) + 1
    pledge = PledgeVersion(
        version=version,
        text=text,
        published_by_id=actor.id,
        published_by_name=actor.display_name,
    )
    db.session.add(pledge)
    audit.record(actor, "pledge.publish", after={"version": version})
    db.session.flush()
    return pledge


def accept_pledge(actor: Actor, user: User, version: int) -> None:
    """Record that ``user`` accepted ``version`` (which must be the current one) now."""
    require(is_member(actor) and actor.id == user.id)
    if version != current_version():
        raise ServiceError("The pledge has changed since you opened it: read it again.")
    exists = select(PledgeAcceptance.id).where(
        PledgeAcceptance.user_id == user.id, PledgeAcceptance.version == version
    )
    if db.session.scalar(exists) is None:
        db.session.add(PledgeAcceptance(user_id=user.id, version=version, accepted_at=utcnow()))
    user.pledge_version = version
    db.session.flush()
