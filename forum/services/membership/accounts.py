"""Accounts: creating members, signing in, passwords and sessions."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sqlalchemy import func, select, update

from forum.errors import ServiceError
from forum.extensions import db
from forum.links import external_url
from forum.models import Group, Role, User, utcnow
from forum.policy import Actor, is_admin, require
from forum.services import audit
from forum.services.mail import queue_email
from forum.services.membership import api_tokens
from forum.services.membership.handles import is_reserved
from forum.services.membership.passwords import hash_password, needs_rehash, verify_password
from forum.services.membership.tokens import (
    RESET,
    WELCOME,
    TokenInvalid,
    fingerprint,
    make_token,
    read_token,
)
from forum.services.webhooks import events as webhooks
from forum.text.slugs import username_base

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000
COMMON_PASSWORDS = Path(__file__).resolve().parents[2] / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of refused passwords, lower case."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Use at least {MIN_PASSWORD_LENGTH} characters.", "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ServiceError(f"Use at most {MAX_PASSWORD_LENGTH} characters.", "password")
    if password.lower() in common_passwords() or len(set(password)) < 4:
        raise ServiceError(
            "That password is too common or too easy to guess. "
            "Try a phrase of three or four unrelated words.",
            "password",
        )


def unique_username(seed: str) -> str:
    base = username_base(seed)
    taken = set(
        db.session.scalars(select(User.username).where(User.username.like(f"{base}%"))).all()
    )
    # "@name" mentions a member or a group: a group's handle is never a username.
    taken |= set(db.session.scalars(select(Group.handle).where(Group.handle.like(f"{base}%"))))
    candidate, n = base, 1
    while candidate in taken or is_reserved(candidate):
        n += 1
        candidate = f"{base}{n}"
    return candidate


def create_user(
    actor: Actor,
    *,
    email: str,
    display_name: str,
    role: str = Role.MEMBER,
    password: str | None = None,
    username: str | None = None,
) -> User:
    """Create an account (staff or the command line only)."""
    require(is_admin(actor))
    user = add_account(
        email=email, display_name=display_name, role=role, password=password, username=username
    )
    user.email_verified_at = utcnow()
    audit.record(actor, "user.create", target=user, after={"email": user.email, "role": role})
    return user


def email_in_use(email: str) -> bool:
    return bool(db.session.scalar(select(func.count()).where(User.email == normalise_email(email))))


def add_account(
    *,
    email: str,
    display_name: str,
    role: str = Role.MEMBER,
    password: str | None = None,
    username: str | None = None,
    **profile: str,
) -> User:
    """Insert a new account; the callers check who may do this and write the audit entry."""
    email = normalise_email(email)
    if role not in set(Role):
        raise ServiceError(f"Unknown role {role!r}.", "role")
    if email_in_use(email):
        raise ServiceError("An account with that email address already exists.", "email")
    if password is not None:
        check_password_rules(password)
    user = User(
        email=email,
        display_name=display_name.strip()[:80],
        username=username or unique_username(display_name or email),
        role=role,
        password_hash=hash_password(password) if password is not None else None,
        **profile,
    )
    db.session.add(user)
    db.session.flush()
    webhooks.member_joined(user)
    return user


def authenticate(email: str, password: str, *, ip: str = "") -> User | None:
    """Return the active user with these credentials, or None; same cost either way."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        audit.record(None, "auth.sign_in_failed", ip=ip, actor_name="Anonymous")
        return None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    if user.has_two_factor:
        # Not signed in yet: the second factor decides (forum.services.membership.two_factor).
        audit.record(user, "auth.password_accepted", target=user, ip=ip)
    else:
        audit.record(user, "auth.sign_in", target=user, ip=ip, after={"method": "password"})
    return user


def end_all_sessions(actor: Actor, user: User) -> None:
    """Sign ``user`` out everywhere: every session and remember-me cookie stops working."""
    require(actor.id == user.id or is_admin(actor))
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["session_version"])
    api_tokens.revoke_all(user)
    audit.record(actor, "auth.sign_out_everywhere", target=user)


def change_password(actor: Actor, user: User, *, current: str, new: str) -> None:
    require(actor.id == user.id)
    if not verify_password(user.password_hash, current):
        raise ServiceError("Your current password is not right.", "current_password")
    check_password_rules(new)
    user.password_hash = hash_password(new)
    end_all_sessions(actor, user)
    audit.record(actor, "auth.password_change", target=user)


# Password reset and the first "choose a password" link -----------------------------------


def _password_fingerprint(user: User) -> str:
    """Changes when the password, address or sessions change: a used link stops working."""
    return fingerprint(
        user.id, user.email, user.password_hash, user.session_version, user.deactivated_at
    )


def password_link_token(user: User) -> str:
    """A reset link token; a ``welcome`` one (longer-lived) for an account with no password."""
    purpose = WELCOME if user.password_hash is None else RESET
    return make_token(purpose, {"u": user.id, "f": _password_fingerprint(user)})


def user_for_password_token(token: str) -> User:
    """The account a reset or welcome link is for; ``TokenInvalid`` if used or expired."""
    for purpose in (RESET, WELCOME):
        try:
            payload = read_token(purpose, token)
        except TokenInvalid:
            continue
        user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
        if user is None or user.deactivated_at or payload.get("f") != _password_fingerprint(user):
            break
        return user
    raise TokenInvalid("This link has expired or has already been used.")


def request_password_reset(email: str) -> None:
    """Email a reset link, or a note that no account uses the address: the same work either way."""
    address = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None or user.deactivated_at is not None:
        queue_email(address, "Your password reset request", "reset_no_account", email=address)
        return
    link = external_url("passwords.reset", token=password_link_token(user))
    queue_email(address, "Reset your password", "reset_password", user=user, link=link)


def reset_password(user: User, new_password: str, *, ip: str = "") -> None:
    """Set a password from a reset or welcome link; every other session ends."""
    check_password_rules(new_password)
    first_time = user.password_hash is None
    user.password_hash = hash_password(new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link arrived at this address
    db.session.flush()
    end_all_sessions(user, user)
    action = "auth.password_set" if first_time else "auth.password_reset"
    audit.record(user, action, target=user, ip=ip)
