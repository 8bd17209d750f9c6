"""The only writer of audit entries."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from forum.extensions import db
from forum.models import AuditEntry, User
from forum.policy import Actor

#: The client address of the request being served; the app sets it, entries default to it.
client_address: ContextVar[str] = ContextVar("client_address", default="")


def _unwrapped(value: Any) -> Any:
    """The object behind a context-local proxy (flask-login's ``current_user``).

    Callers should pass the real object; this makes sure a proxy can never be recorded as
    the target type ``localproxy`` again.
    """
    unwrap = getattr(type(value), "_get_current_object", None)
    return value._get_current_object() if unwrap is not None else value


def _subject_user_id(target: Any) -> int | None:
    """The member an action concerns: the target itself, or its author."""
    if isinstance(target, User):
        return target.id
    return getattr(target, "author_id", None)


def record(
    actor: Actor | None,
    action: str,
    *,
    target: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    ip: str = "",
    actor_name: str | None = None,
    member_id: int | None = None,
) -> AuditEntry:
    """Append an audit entry in the caller's transaction.

    ``member_id`` names the member concerned when it is not the target or its author.
    """
    actor, target = _unwrapped(actor), _unwrapped(target)
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_name=actor_name or getattr(actor, "display_name", None) or "Anonymous",
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        before=before,
        after=after,
        reason=reason[:500],
        ip=(ip or client_address.get())[:45],
        subject_user_id=member_id if member_id is not None else _subject_user_id(target),
    )
    db.session.add(entry)
    return entry
