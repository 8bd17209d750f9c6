"""Who is acting: actors, their roles, sanctions that stop them writing, and the
snapshot the policy reads of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import BindParameter, bindparam
from werkzeug.exceptions import Forbidden

from forum.models import Role


class Actor(Protocol):
    id: Any
    role: str

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...


class AnonymousActor:
    """Nobody signed in: may do nothing."""

    id = None
    role = ""
    username = ""
    display_name = "Guest"
    is_authenticated = False
    is_active = False
    is_anonymous = True
    is_staff = False

    def get_id(self) -> None:
        return None


class SystemActor:
    """The command line and background jobs, acting with admin rights."""

    id = None
    role = Role.ADMIN
    username = "system"
    display_name = "System"
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = True


ANONYMOUS = AnonymousActor()


SYSTEM = SystemActor()


@dataclass(frozen=True, slots=True)
class ActorSnapshot:
    """What the policy reads of an actor, read once.

    A thread page asks a few hundred questions about one reader; on the live ``User`` each
    one re-reads instrumented columns and recomputes ``is_active``. A snapshot taken at the
    start of the request gives the same answers from plain attributes. Take it for reading
    only: after a change to the member, take a new one.
    """

    id: Any
    role: str
    is_authenticated: bool
    is_active: bool
    moderated_category_ids: frozenset[int]
    #: The groups the member is in: part of the shape, since categories may be restricted
    #: to groups, so readers in different groups never share a statement.
    group_ids: frozenset[int]
    silenced_until: datetime | None
    #: A clinical reviewer (``users.verifies_answers``) and the name they act under: for
    #: marking accepted answers as checked; not part of the shape.
    verifies_answers: bool = False
    display_name: str = ""

    @classmethod
    def of(cls, actor: Actor) -> ActorSnapshot:
        return cls(
            id=actor.id,
            role=actor.role,
            is_authenticated=bool(actor.is_authenticated),
            is_active=bool(actor.is_active),
            moderated_category_ids=moderated_category_ids(actor),
            group_ids=group_ids(actor),
            silenced_until=getattr(actor, "silenced_until", None),
            verifies_answers=bool(getattr(actor, "verifies_answers", False)),
            display_name=getattr(actor, "display_name", "") or "",
        )


#: The actor's id in statements built once per ``visibility_shape``.
ACTOR_ID: BindParameter[Any] = bindparam("actor_id")


def visibility_shape(actor: Actor) -> ActorSnapshot:
    """What the ``visible_*_clause`` functions read of ``actor``, with their id replaced by
    the bound parameter ``actor_id``.

    Readers of one role who moderate the same categories and are in the same groups share a
    shape, so a statement built from it can be kept and run with ``{"actor_id": actor.id}``:
    building a statement and its cache key costs more than running it.
    """
    snapshot = actor if isinstance(actor, ActorSnapshot) else ActorSnapshot.of(actor)
    shared_id = None if snapshot.id is None else ACTOR_ID
    return replace(
        snapshot, id=shared_id, silenced_until=None, verifies_answers=False, display_name=""
    )


def require(allowed: bool) -> None:
    """Raise 403 unless ``allowed``."""
    if not allowed:
        raise Forbidden("You do not have permission to do that.")


def is_member(actor: Actor) -> bool:
    return bool(actor.is_authenticated and actor.is_active)


def is_staff(actor: Actor) -> bool:
    return is_member(actor) and actor.role in (Role.MODERATOR, Role.ADMIN)


def is_admin(actor: Actor) -> bool:
    return is_member(actor) and actor.role == Role.ADMIN


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def moderated_category_ids(actor: Actor) -> frozenset[int]:
    """The categories ``actor`` moderates as a category moderator (not as staff)."""
    if not is_member(actor):
        return frozenset()
    return frozenset(getattr(actor, "moderated_category_ids", None) or ())


def group_ids(actor: Actor) -> frozenset[int]:
    """The groups ``actor`` is a member of (none when not signed in or not active)."""
    if not is_member(actor):
        return frozenset()
    return frozenset(getattr(actor, "group_ids", None) or ())


def in_any_group(actor: Actor, wanted: list[int] | None) -> bool:
    """Is ``actor`` in one of the groups ``wanted`` names?"""
    return not group_ids(actor).isdisjoint(wanted or ())


def is_silenced(actor: Actor, *, now: datetime | None = None) -> bool:
    until = getattr(actor, "silenced_until", None)
    return until is not None and until > _now(now)


def can_post(actor: Actor, *, now: datetime | None = None) -> bool:
    """Signed in, active and not silenced: may write posts at all."""
    return is_member(actor) and not is_silenced(actor, now=now)
