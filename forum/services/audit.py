"""The only writer of audit entries."""

from __future__ import annotations

from typing import Any

from forum.extensions import db
from forum.models import AuditEntry
from forum.policy import Actor


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
) -> AuditEntry:
    """Append an audit entry in the caller's transaction."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_name=actor_name or getattr(actor, "display_name", None) or "Anonymous",
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        before=before,
        after=after,
        reason=reason[:500],
        ip=ip[:45],
    )
    db.session.add(entry)
    return entry
