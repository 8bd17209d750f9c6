"""Staff invitations: one at a time, in bulk from the cohort CSV, resend, revoke, accept."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from forum.alliances import ALLIANCES
from forum.errors import ServiceError
from forum.extensions import db
from forum.links import external_url
from forum.models import Invitation, Role, User, utcnow
from forum.policy import Actor, can_invite, require
from forum.queries import site as site_reads
from forum.services import audit
from forum.services.mail import queue_email
from forum.services.membership.accounts import add_account, email_in_use, normalise_email
from forum.services.membership.tokens import TokenInvalid, random_token, token_hash

CSV_COLUMNS = ("name", "email", "role", "alliance")
MAX_CSV_ROWS = 2000


def _lifetime() -> timedelta:
    return timedelta(days=current_app.config["INVITATION_DAYS"])


def _pending_for(email: str) -> Invitation | None:
    now = utcnow()
    stmt = select(Invitation).where(
        Invitation.email == email,
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )
    return db.session.scalars(stmt).first()


def _check_new(email: str, name: str, role: str, alliance: str) -> None:
    if "@" not in email or len(email) > 254:
        raise ServiceError("Enter a valid email address.", "email")
    if not name.strip():
        raise ServiceError("Enter the person's name.", "display_name")
    if role not in set(Role):
        raise ServiceError(f"Unknown role {role!r}: use member, moderator or admin.", "role")
    if alliance and alliance not in ALLIANCES:
        raise ServiceError(f"{alliance!r} is not one of the Cancer Alliances.", "alliance")
    if email_in_use(email):
        raise ServiceError("Someone with that email address is already a member.", "email")
    if _pending_for(email) is not None:
        raise ServiceError("That address already has a pending invitation: resend it.", "email")


def invite_member(
    actor: Actor,
    *,
    email: str,
    display_name: str,
    role: str = Role.MEMBER,
    alliance: str = "",
) -> tuple[Invitation, str]:
    """Invite someone and email them a single-use link; returns the invitation and the link."""
    require(can_invite(actor, role))
    email, display_name = normalise_email(email), " ".join(display_name.split())[:80]
    _check_new(email, display_name, role, alliance)
    token, now = random_token(), utcnow()
    invitation = Invitation(
        email=email,
        display_name=display_name,
        role=role,
        alliance=alliance,
        token_hash=token_hash(token),
        invited_by_id=actor.id,
        invited_by_name=actor.display_name if actor.id is not None else "",
        created_at=now,
        sent_at=now,
        expires_at=now + _lifetime(),
    )
    db.session.add(invitation)
    db.session.flush()
    link = external_url("join.invite", token=token)
    _send(invitation, link, actor)
    audit.record(
        actor, "invitation.create", target=invitation, after={"email": email, "role": role}
    )
    return invitation, link


def _send(invitation: Invitation, link: str, actor: Actor) -> None:
    queue_email(
        invitation.email,
        f"You're invited to join the {site_reads.site_name()}",
        "invitation",
        invitation=invitation,
        inviter=actor.display_name if actor.id is not None else "The programme team",
        link=link,
    )


@dataclass(frozen=True)
class ImportRow:
    line: int
    email: str
    outcome: str
    ok: bool


def import_invitations(actor: Actor, csv_text: str) -> list[ImportRow]:
    """Invite every row of a cohort CSV (name, email, role, alliance); bad rows are reported."""
    require(can_invite(actor))
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    header = {(name or "").strip().lower() for name in reader.fieldnames or []}
    if not {"name", "email"} <= header:
        raise ServiceError(
            "The first line must name the columns: name, email, role, alliance.", "file"
        )
    rows = list(reader)
    if not rows:
        raise ServiceError("The file has no rows under its header.", "file")
    if len(rows) > MAX_CSV_ROWS:
        raise ServiceError(f"Split the file: at most {MAX_CSV_ROWS} rows at a time.", "file")
    return [_import_row(actor, n, row) for n, row in enumerate(rows, start=2)]


def _import_row(actor: Actor, line: int, raw: dict) -> ImportRow:
    row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
    email = row.get("email", "")
    try:
        with db.session.begin_nested():
            invite_member(
                actor,
                email=email,
                display_name=row.get("name", ""),
                role=(row.get("role") or Role.MEMBER).lower(),
                alliance=_match_alliance(row.get("alliance", "")),
            )
    except ServiceError as error:
        return ImportRow(line, email, error.message, ok=False)
    return ImportRow(line, email, "Invited", ok=True)


def _match_alliance(text: str) -> str:
    """Accept the alliance name with or without "Cancer Alliance", in any case."""
    wanted = text.lower().removesuffix("cancer alliance").strip(" -")
    return next((a for a in ALLIANCES if a.lower() == wanted), text)


def resend_invitation(actor: Actor, invitation: Invitation) -> tuple[Invitation, str]:
    """Send a fresh link (the old one stops working) valid for another full period."""
    require(can_invite(actor, invitation.role))
    if invitation.accepted_at is not None:
        raise ServiceError("That invitation has been accepted already.")
    if email_in_use(invitation.email):
        raise ServiceError("Someone with that email address is already a member.")
    token, now = random_token(), utcnow()
    invitation.token_hash, invitation.revoked_at = token_hash(token), None
    invitation.sent_at, invitation.expires_at = now, now + _lifetime()
    invitation.send_count += 1
    link = external_url("join.invite", token=token)
    _send(invitation, link, actor)
    audit.record(actor, "invitation.resend", target=invitation, after={"email": invitation.email})
    db.session.flush()
    return invitation, link


def revoke_invitation(actor: Actor, invitation: Invitation) -> None:
    require(can_invite(actor, invitation.role))
    if invitation.accepted_at is not None:
        raise ServiceError("That invitation has been accepted already.")
    invitation.revoked_at = utcnow()
    audit.record(actor, "invitation.revoke", target=invitation, after={"email": invitation.email})
    db.session.flush()


def invitation_for_token(token: str) -> Invitation:
    """The pending invitation a link is for; ``TokenInvalid`` if used, revoked or expired."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    )
    if invitation is None or invitation.state(utcnow()) != "pending":
        raise TokenInvalid("This invitation link has expired or has already been used.")
    return invitation


def accept_invitation(
    invitation: Invitation, *, display_name: str, password: str, ip: str = ""
) -> User:
    """Create the account the invitation is for; the link proved the email address."""
    if invitation.state(utcnow()) != "pending":
        raise TokenInvalid("This invitation link has expired or has already been used.")
    user = add_account(
        email=invitation.email,
        display_name=display_name.strip() or invitation.display_name,
        role=invitation.role,
        password=password,
        alliance=invitation.alliance,
    )
    user.email_verified_at = invitation.accepted_at = utcnow()
    invitation.user_id = user.id
    audit.record(user, "invitation.accept", target=invitation, ip=ip, after={"user_id": user.id})
    audit.record(user, "auth.sign_in", target=user, ip=ip, after={"method": "invitation"})
    db.session.flush()
    return user
