"""The second sign-in step: remembers, in the session, who passed the password step.

Nobody is signed in until the second factor is checked; the pending state lives for a few
minutes, allows a few tries, and is bound to the account's session version (a password
reset or "sign out everywhere" meanwhile cancels it).
"""

from __future__ import annotations

import time

from flask import session
from flask_login import login_user

from forum.extensions import db
from forum.models import User

PENDING_KEY = "pending_2fa"
PENDING_SECONDS = 300
MAX_TRIES = 5


def start_pending_sign_in(user: User, *, remember: bool, next_url: str) -> None:
    session[PENDING_KEY] = {
        "uid": user.id,
        "v": user.session_version,
        "r": bool(remember),
        "n": next_url,
        "t": int(time.time()),
        "tries": 0,
    }


def pending_sign_in() -> tuple[User, dict] | None:
    """The account waiting for its second factor, and the pending state; None if expired."""
    state = session.get(PENDING_KEY)
    if not isinstance(state, dict) or time.time() - state.get("t", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, state.get("uid"))
    if user is None or not user.is_active or user.session_version != state.get("v"):
        return None
    return user, state


def count_failed_try() -> bool:
    """Count a wrong code; returns False (and forgets the sign-in) after too many."""
    state = dict(session.get(PENDING_KEY) or {})
    state["tries"] = state.get("tries", 0) + 1
    if state["tries"] >= MAX_TRIES:
        session.pop(PENDING_KEY, None)
        return False
    session[PENDING_KEY] = state
    return True


def finish_sign_in(user: User, *, remember: bool) -> None:
    session.pop(PENDING_KEY, None)
    login_user(user, remember=remember)
