"""Member profiles and email address changes."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import update

from forum.alliances import ALLIANCES
from forum.errors import ServiceError
from forum.extensions import db
from forum.links import external_url
from forum.models import Post, Thread, User, utcnow
from forum.policy import Actor, can_edit_profile, can_manage_own_account, require
from forum.services import audit
from forum.services.confidentiality import guard as confidentiality
from forum.services.mail import queue_email
from forum.services.membership.accounts import email_in_use, normalise_email
from forum.services.membership.handles import check_handle, follow_handle_change
from forum.services.membership.passwords import verify_password
from forum.services.membership.tokens import (
    VERIFY_EMAIL,
    TokenInvalid,
    fingerprint,
    make_token,
    read_token,
)

PROFILE_FIELDS = ("job_title", "organisation", "alliance", "bio", "interests", "gmc_number")


def update_profile(
    actor: Actor,
    user: User,
    *,
    display_name: str,
    username: str,
    pii_confirmed: Collection[str] = (),
    **fields: str,
) -> None:
    """Save the profile; a new display name also shows on the member's earlier posts, and
    a new handle in the mentions of them (``handles.follow_handle_change``).

    Free-text fields pass the confidentiality guard; what the profile already said, and
    ``pii_confirmed`` findings, need no confirmation.
    """
    require(can_edit_profile(actor, user))
    _check_confidentiality(actor, user, fields, pii_confirmed)
    display_name = " ".join(display_name.split())
    if len(display_name) < 2:
        raise ServiceError("Enter your name as colleagues know you.", "display_name")
    if fields.get("alliance") and fields["alliance"] not in ALLIANCES:
        raise ServiceError("Choose a Cancer Alliance from the list.", "alliance")
    gmc = (fields.get("gmc_number") or "").strip()
    if gmc and not (len(gmc) == 7 and gmc.isascii() and gmc.isdigit()):
        raise ServiceError("A GMC number has 7 digits.", "gmc_number")
    username = check_handle(user, username)
    before = {"display_name": user.display_name, "username": user.username}
    if username != user.username:
        follow_handle_change(user.username, username)
    if display_name != user.display_name:
        _rename_posts(user.id, display_name)
    user.display_name, user.username = display_name[:80], username
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(user, name, (fields[name] or "").strip())
    if actor.id != user.id:
        audit.record(actor, "member.profile_edit", target=user, before=before)
    db.session.flush()


#: Profile fields written in free text, checked by the confidentiality guard.
CHECKED_FIELDS = ("job_title", "organisation", "bio", "interests")


def _check_confidentiality(
    actor: Actor, user: User, fields: dict[str, str], confirmed: Collection[str]
) -> None:
    texts = {name: fields.get(name) or "" for name in CHECKED_FIELDS if name in fields}
    saved = {name: getattr(user, name) or "" for name in CHECKED_FIELDS}
    known = {s.fingerprint for s in confidentiality.scan_fields(saved).spotted}
    confidentiality.check_texts(actor, texts, confirmed=confirmed, known=known)


def _rename_posts(user_id: int, name: str) -> None:
    for model in (Post, Thread):
        db.session.execute(
            update(model)
            .where(model.author_id == user_id)
            .values(author_name=name[:80])
            .execution_options(synchronize_session=False)
        )


def _email_fingerprint(user: User) -> str:
    return fingerprint(user.id, user.email, user.session_version)


def request_email_change(actor: Actor, user: User, *, new_email: str, password: str) -> None:
    """Email a confirmation link to the new address; the change happens when it is used."""
    require(can_manage_own_account(actor, user))
    if not verify_password(user.password_hash, password):
        raise ServiceError("Your password is not right.", "password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise ServiceError("That is already your email address.", "email")
    if email_in_use(new_email):
        raise ServiceError("Another account uses that email address.", "email")
    token = make_token(VERIFY_EMAIL, {"u": user.id, "e": new_email, "f": _email_fingerprint(user)})
    link = external_url("account.verify_email", token=token)
    queue_email(new_email, "Confirm your new email address", "verify_email", user=user, link=link)
    queue_email(
        user.email,
        "Your email address is changing",
        "email_change_notice",
        user=user,
        new_email=new_email,
    )
    audit.record(actor, "account.email_change_requested", target=user)


def confirm_email_change(token: str, *, ip: str = "") -> User:
    """Apply the change a verification link asks for; ``TokenInvalid`` if used or expired."""
    payload = read_token(VERIFY_EMAIL, token)
    user = db.session.get(User, payload["u"]) if isinstance(payload.get("u"), int) else None
    if user is None or user.deactivated_at or payload.get("f") != _email_fingerprint(user):
        raise TokenInvalid("This link has expired or has already been used.")
    new_email = str(payload.get("e", ""))
    if email_in_use(new_email):
        raise ServiceError("Another account now uses that email address.")
    before = {"email": user.email}
    user.email, user.email_verified_at = new_email, utcnow()
    audit.record(
        user, "account.email_changed", target=user, before=before, after={"email": new_email}, ip=ip
    )
    db.session.flush()
    return user
