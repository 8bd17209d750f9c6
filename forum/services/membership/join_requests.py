"""Join requests: anyone may ask to join; staff approve (an email invites them to choose a
password) or reject with a reason. Trusted email domains are approved at once."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from forum.alliances import ALLIANCES
from forum.errors import ServiceError
from forum.extensions import db
from forum.links import external_url
from forum.models import JoinRequest, JoinRequestStatus, User, utcnow
from forum.policy import SYSTEM, Actor, can_review_join_requests, require
from forum.services import audit
from forum.services.mail import queue_email
from forum.services.membership.accounts import add_account, normalise_email, password_link_token
from forum.services.membership.identities import VerifiedIdentity, link_new_member
from forum.services.membership.identity_providers import Provider, provider_label
from forum.services.notifications import inbox as notifications


def auto_approve_domains() -> set[str]:
    value = current_app.config.get("AUTO_APPROVE_DOMAINS") or []
    if isinstance(value, str):
        value = value.split(",")
    return {d.strip().lower().lstrip("@") for d in value if d.strip()}


def submit_join_request(
    *,
    display_name: str,
    email: str,
    job_title: str,
    organisation: str,
    alliance: str,
    gmc_number: str,
    reason: str,
) -> None:
    """Record a request and acknowledge it by email.

    Whether or not the address already has an account or a request, the visitor sees the same
    page; only the email (to the address's owner) says which.
    """
    email = normalise_email(email)
    if alliance and alliance not in ALLIANCES:
        raise ServiceError("Choose a Cancer Alliance from the list.", "alliance")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        queue_email(email, "You already have an account", "join_already_member", email=email)
        return
    if _pending_request(email) is not None:
        queue_email(email, "We already have your request", "join_already_requested", email=email)
        return
    request = JoinRequest(
        display_name=" ".join(display_name.split())[:80],
        email=email,
        job_title=job_title.strip(),
        organisation=organisation.strip(),
        alliance=alliance,
        gmc_number=gmc_number.strip(),
        reason=reason.strip(),
    )
    db.session.add(request)
    db.session.flush()
    if email.rpartition("@")[2] in auto_approve_domains():
        approve_join_request(SYSTEM, request)
    else:
        queue_email(
            email, "We've received your request to join", "join_received", join_request=request
        )


def request_to_join_with_identity(
    identity: VerifiedIdentity, provider: Provider, **details: str
) -> User | None:
    """Ask to join through an organisation account (its address already verified): approved
    at once, returning the account, for an auto-approved domain or provider."""
    if db.session.scalar(select(User.id).where(User.email == identity.email)) is not None:
        raise ServiceError("An account with this email address already exists: sign in again.")
    if _pending_request(identity.email) is not None:
        raise ServiceError(
            "We already have a request to join from this address: staff will email you."
        )
    request = JoinRequest(
        display_name=" ".join(details["display_name"].split())[:80],
        email=identity.email,
        job_title=details["job_title"].strip(),
        organisation=details["organisation"].strip(),
        alliance=details["alliance"],
        gmc_number=details["gmc_number"].strip(),
        reason=details["reason"].strip(),
        identity_provider=identity.provider,
        identity_issuer=identity.issuer,
        identity_subject=identity.subject,
    )
    if request.alliance and request.alliance not in ALLIANCES:
        raise ServiceError("Choose a Cancer Alliance from the list.", "alliance")
    db.session.add(request)
    db.session.flush()
    domain = identity.email.rpartition("@")[2]
    if provider.auto_approve or domain in auto_approve_domains():
        return approve_join_request(SYSTEM, request)
    queue_email(
        identity.email, "We've received your request to join", "join_received", join_request=request
    )
    return None


def _pending_request(email: str) -> JoinRequest | None:
    stmt = select(JoinRequest).where(
        JoinRequest.email == email, JoinRequest.status == JoinRequestStatus.PENDING
    )
    return db.session.scalars(stmt).first()


def _check_pending(request: JoinRequest) -> None:
    if not request.is_pending:
        raise ServiceError(f"This request was {request.status} already.")


def approve_join_request(actor: Actor, request: JoinRequest) -> User:
    """Create the member's account and email them a link to choose a password."""
    require(can_review_join_requests(actor))
    _check_pending(request)
    user = add_account(
        email=request.email,
        display_name=request.display_name,
        job_title=request.job_title[:120],
        organisation=request.organisation[:160],
        alliance=request.alliance,
    )
    _decide(actor, request, JoinRequestStatus.APPROVED)
    request.user_id = user.id
    organisation = ""
    if request.identity_subject:
        link_new_member(
            user,
            provider=request.identity_provider,
            issuer=request.identity_issuer,
            subject=request.identity_subject,
        )
        organisation = provider_label(request.identity_provider)
    notifications.notify_join_approved(user)
    link = external_url("passwords.reset", token=password_link_token(user))
    subject = "Your request to join was approved"
    queue_email(
        user.email,
        subject,
        "join_approved",
        user=user,
        link=link,
        organisation=organisation,
        sign_in=external_url("auth.login"),
    )
    audit.record(actor, "join_request.approve", target=request, after={"user_id": user.id})
    db.session.flush()
    return user


def reject_join_request(actor: Actor, request: JoinRequest, reason: str) -> None:
    """Refuse the request and tell the applicant why."""
    require(can_review_join_requests(actor))
    _check_pending(request)
    reason = reason.strip()
    if not reason:
        raise ServiceError("Give a reason: it is sent to the applicant.", "reason")
    _decide(actor, request, JoinRequestStatus.REJECTED)
    request.decision_reason = reason[:1000]
    queue_email(request.email, "Your request to join", "join_rejected", join_request=request)
    audit.record(actor, "join_request.reject", target=request, reason=reason)
    db.session.flush()


def _decide(actor: Actor, request: JoinRequest, status: str) -> None:
    request.status, request.decided_at = status, utcnow()
    request.decided_by_id = actor.id
    request.decided_by_name = "Trusted email domain" if actor is SYSTEM else actor.display_name
