"""Accounts: creating members, signing in, passwords and sessions."""

from __future__ import annotations

from sqlalchemy import func, select, update

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Role, User, utcnow
from forum.passwords import hash_password, needs_rehash, verify_password
from forum.policy import Actor, is_admin, require
from forum.services import audit
from forum.slugs import username_base

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Use at least {MIN_PASSWORD_LENGTH} characters.", "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ServiceError(f"Use at most {MAX_PASSWORD_LENGTH} characters.", "password")


def unique_username(seed: str) -> str:
    base = username_base(seed)
    taken = set(
        db.session.scalars(select(User.username).where(User.username.like(f"{base}%"))).all()
    )
    candidate, n = base, 1
    while candidate in taken:
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
    email = normalise_email(email)
    if role not in set(Role):
        raise ServiceError(f"Unknown role {role!r}.", "role")
    if db.session.scalar(select(func.count()).where(User.email == email)):
        raise ServiceError("An account with that email address already exists.", "email")
    if password is not None:
        check_password_rules(password)
    user = User(
        email=email,
        display_name=display_name.strip()[:80],
        username=username or unique_username(display_name or email),
        role=role,
        password_hash=hash_password(password) if password is not None else None,
        email_verified_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", target=user, after={"email": email, "role": role})
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
    audit.record(user, "auth.sign_in", target=user, ip=ip)
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
    audit.record(actor, "auth.sign_out_everywhere", target=user)


def change_password(actor: Actor, user: User, *, current: str, new: str) -> None:
    require(actor.id == user.id)
    if not verify_password(user.password_hash, current):
        raise ServiceError("Your current password is not right.", "current_password")
    check_password_rules(new)
    user.password_hash = hash_password(new)
    end_all_sessions(actor, user)
    audit.record(actor, "auth.password_change", target=user)
