"""Organisation accounts (OpenID Connect): what a provider's answer proves, and the links
between organisation accounts and members.

A link is the provider's issuer and subject (``sub``), never the email address: an address
can be reassigned, a subject cannot. ``users.linked_identity_count`` caches the number of
links (an account with one needs no forum password) and is written only here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from werkzeug.exceptions import NotFound

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import LinkedIdentity, User, utcnow
from forum.policy import Actor, require
from forum.services import audit
from forum.services.membership.accounts import end_all_sessions, normalise_email
from forum.services.membership.identity_providers import Provider

NOT_ACTIVE = (
    "This forum account cannot sign in at the moment (it is suspended, banned or closed). "
    "If you think this is a mistake, contact the forum's staff."
)


@dataclass(frozen=True)
class VerifiedIdentity:
    """What a checked ID token says about the person signing in."""

    provider: str
    issuer: str
    subject: str
    email: str
    display_name: str
    #: The provider proved a second factor and is trusted to (Provider.trust_mfa).
    mfa: bool


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _proved_mfa(provider: Provider, claims: Mapping[str, Any]) -> bool:
    amr = claims.get("amr")
    amr = amr if isinstance(amr, list) else []
    return provider.trust_mfa and ("mfa" in amr or claims.get("acr") in provider.mfa_acr_values)


def verify_identity(provider: Provider, claims: Mapping[str, Any]) -> VerifiedIdentity:
    """The identity in an already-checked ID token, if its email address may be trusted."""
    email = normalise_email(str(claims.get("email") or ""))
    if "@" not in email:
        raise ServiceError(
            f"Your {provider.label} account did not share an email address with the forum, "
            "so it cannot sign you in. Sign in with your password instead."
        )
    if not any(_is_true(claims.get(name)) for name in provider.email_verified_claims):
        raise ServiceError(
            f"{provider.label} has not verified the address {email}, so the forum cannot use "
            "it to sign you in. Sign in with your password, or ask your organisation's IT team."
        )
    if not provider.vouches_for(email):
        domains = ", ".join(sorted(provider.domains))
        raise ServiceError(
            f"{provider.label} can only confirm addresses at {domains}, not at "
            f"{email.rpartition('@')[2]}. Sign in with your password, or with the "
            "organisation account for that address."
        )
    name = " ".join(str(claims.get("name") or "").split())[:80]
    return VerifiedIdentity(
        provider=provider.name,
        issuer=provider.issuer,
        subject=str(claims["sub"]),
        email=email,
        display_name=name,
        mfa=_proved_mfa(provider, claims),
    )


def _link_for(identity: VerifiedIdentity) -> LinkedIdentity | None:
    stmt = select(LinkedIdentity).where(
        LinkedIdentity.issuer == identity.issuer, LinkedIdentity.subject == identity.subject
    )
    return db.session.scalars(stmt).first()


def may_sign_in(user: User) -> bool:
    """Not closed, banned or suspended: what password sign-in asks, less the password."""
    return (
        user.deactivated_at is None
        and user.banned_at is None
        and (user.suspended_until is None or user.suspended_until <= utcnow())
    )


def member_for_identity(identity: VerifiedIdentity, *, ip: str = "") -> User | None:
    """The member this identity signs in as (linking it by email the first time), or None
    for someone the forum does not know yet. Refuses, changing nothing, a blocked account."""
    link = _link_for(identity)
    user = (
        db.session.get(User, link.user_id)
        if link
        else db.session.scalar(select(User).where(User.email == identity.email))
    )
    if user is None:
        return None
    if not may_sign_in(user):
        audit.record(None, "auth.sign_in_failed", ip=ip, actor_name="Anonymous")
        raise ServiceError(NOT_ACTIVE)
    if link is None:
        link = link_identity(user, user, identity)
    link.last_used_at = utcnow()
    method = {"method": "organisation", "provider": identity.provider, "mfa": identity.mfa}
    audit.record(user, "auth.sign_in", target=user, ip=ip, after=method)
    return user


def link_identity(actor: Actor, user: User, identity: VerifiedIdentity) -> LinkedIdentity:
    """Record that ``identity`` signs in as ``user``."""
    require(actor.id == user.id)
    existing = _link_for(identity)
    if existing is not None:
        if existing.user_id == user.id:
            return existing
        raise ServiceError("That organisation account is already linked to another member.")
    link = LinkedIdentity(
        user_id=user.id,
        provider=identity.provider,
        issuer=identity.issuer,
        subject=identity.subject,
        email=identity.email,
    )
    db.session.add(link)
    _count_links(user, +1)
    audit.record(actor, "identity.link", target=user, after={"provider": identity.provider})
    return link


def link_new_member(user: User, *, provider: str, issuer: str, subject: str) -> None:
    """Link the organisation account a join request came through to its new account."""
    db.session.add(
        LinkedIdentity(
            user_id=user.id, provider=provider, issuer=issuer, subject=subject, email=user.email
        )
    )
    _count_links(user, +1)


def _count_links(user: User, change: int) -> None:
    db.session.flush()
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(linked_identity_count=User.linked_identity_count + change)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["linked_identity_count"])


def unlink_identity(actor: Actor, user: User, link_id: int) -> None:
    """Remove a link; never the last way in (a member without a password keeps one)."""
    require(actor.id == user.id)
    link = db.session.get(LinkedIdentity, link_id)
    if link is None or link.user_id != user.id:
        raise NotFound()
    if user.password_hash is None and user.linked_identity_count <= 1:
        raise ServiceError(
            "Choose a forum password before removing your last organisation account: "
            "otherwise you could not sign in."
        )
    db.session.execute(delete(LinkedIdentity).where(LinkedIdentity.id == link.id))
    _count_links(user, -1)
    audit.record(actor, "identity.unlink", target=user, before={"provider": link.provider})


def remove_password(actor: Actor, user: User) -> None:
    """Sign in only with organisation accounts from now on; every other session ends."""
    require(actor.id == user.id)
    if user.linked_identity_count < 1:
        raise ServiceError("Link an organisation account first: you would have no way to sign in.")
    if user.password_hash is None:
        return
    user.password_hash = None
    end_all_sessions(actor, user)
    audit.record(actor, "auth.password_removed", target=user)
