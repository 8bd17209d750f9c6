"""Two-factor sign-in: TOTP (an authenticator app) and single-use recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import RecoveryCode, User, utcnow
from forum.policy import Actor, can_manage_own_account, is_admin, is_staff, require
from forum.queries import site as site_reads
from forum.services import audit
from forum.services.membership.passwords import verify_password

RECOVERY_CODE_COUNT = 10
STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    issuer = site_reads.site_name()
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """The QR code as an SVG ``data:`` URI, drawn by the server (no third party sees it)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def _clean(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _matching_step(
    secret: str, code: str, after: int | None, now: float | None = None
) -> int | None:
    """The 30-second step ``code`` belongs to (allowing one step of clock drift), if any."""
    totp, current = pyotp.TOTP(secret), int((now or time.time()) // STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if after is not None and step <= after:
            continue  # a code is good once: a replayed code is refused
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    return codes


def _check_password(user: User, password: str) -> None:
    if not verify_password(user.password_hash, password):
        raise ServiceError("Your password is not right.", "password")


def enable_two_factor(actor: Actor, user: User, *, secret: str, code: str) -> list[str]:
    """Turn on (or move to a new app) once a code from the app proves the secret; returns
    the new recovery codes, shown once."""
    require(can_manage_own_account(actor, user))
    step = _matching_step(secret, _clean(code), None)
    if step is None:
        raise ServiceError(
            "That code did not match. Check the time on your phone and try the next one.", "code"
        )
    replacing = user.has_two_factor
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, utcnow(), step
    codes = _new_recovery_codes(user)
    audit.record(actor, "2fa.replace" if replacing else "2fa.enable", target=user)
    db.session.flush()
    return codes


def regenerate_recovery_codes(actor: Actor, user: User, *, password: str) -> list[str]:
    require(can_manage_own_account(actor, user) and user.has_two_factor)
    _check_password(user, password)
    codes = _new_recovery_codes(user)
    audit.record(actor, "2fa.recovery_codes_replaced", target=user)
    db.session.flush()
    return codes


def must_keep_two_factor(user: User) -> bool:
    return is_staff(user) and bool(current_app.config["STAFF_2FA_REQUIRED"])


def disable_two_factor(actor: Actor, user: User, *, password: str) -> None:
    require(can_manage_own_account(actor, user))
    if must_keep_two_factor(user):
        raise ServiceError("Staff accounts must keep two-factor sign-in turned on.", "password")
    _check_password(user, password)
    _clear(user)
    audit.record(actor, "2fa.disable", target=user)
    db.session.flush()


def reset_two_factor(actor: Actor, user: User, *, reason: str = "") -> None:
    """An admin turns off a member's two-factor sign-in (a lost phone); sessions end."""
    require(is_admin(actor) and actor.id != user.id)
    _clear(user)
    user.session_version += 1
    audit.record(actor, "2fa.reset_by_staff", target=user, reason=reason)
    db.session.flush()


def _clear(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def remaining_recovery_codes(user: User) -> int:
    stmt = select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return len(db.session.scalars(stmt).all())


def verify_second_factor(user: User, code: str, *, ip: str = "") -> bool:
    """Check a code from the app or a recovery code; record the sign-in or the failure."""
    method = _use_totp(user, _clean(code)) or _use_recovery_code(user, code)
    if method is None:
        audit.record(user, "auth.2fa_failed", target=user, ip=ip)
        return False
    audit.record(user, "auth.sign_in", target=user, ip=ip, after={"method": method})
    db.session.flush()
    return True


def _use_totp(user: User, code: str) -> str | None:
    if not (user.totp_secret and code.isdigit() and len(code) == 6):
        return None
    step = _matching_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return None
    user.totp_last_step = step
    return "totp"


def _use_recovery_code(user: User, code: str) -> str | None:
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return None
    row.used_at = utcnow()
    return "recovery_code"
