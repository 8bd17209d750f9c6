"""Categories, kept by admins: create, edit (an old address keeps redirecting), order,
archive and delete (empty, or after moving its threads to another category)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

from sqlalchemy import delete, func, select, update

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import (
    Category,
    CategoryModerator,
    CategorySlug,
    Draft,
    Thread,
    User,
    utcnow,
)
from forum.policy import Actor, can_manage_categories, require
from forum.queries.categories import all_categories, thread_rows
from forum.services import audit
from forum.services.moderation import state as moderation_state
from forum.text.slugs import slugify

NAME_MAX = 80
SLUG_MAX = 80
DESCRIPTION_MAX = 500
#: Lower-case letters and digits in words joined by single hyphens: ``cancer-screening``.
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class CategoryFlags:
    """What a category asks of the people who post in it (each explained on the form)."""

    is_staff_only: bool = False
    requires_approval: bool = False
    requires_case_template: bool = False
    is_sensitive: bool = False


@dataclass(frozen=True)
class CategoryDetails:
    name: str
    description: str = ""
    #: Empty: made from the name.
    slug: str = ""
    flags: CategoryFlags = CategoryFlags()


def _clean_name(name: str, category_id: int | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ServiceError("Give the category a name.", "name")
    if len(name) > NAME_MAX:
        raise ServiceError(f"Keep the name to {NAME_MAX} characters or fewer.", "name")
    clash = select(Category.name).where(
        func.lower(Category.name) == name.lower(), Category.id != (category_id or 0)
    )
    if (other := db.session.scalar(clash)) is not None:
        raise ServiceError(f"There is already a category called “{other}”.", "name")
    return name


def _clean_slug(slug: str, name: str, category_id: int | None) -> str:
    slug = slug.strip().lower()
    if not slug:
        slug = slugify(name, max_length=SLUG_MAX)
        if slug == "topic" and "topic" not in name.lower():
            raise ServiceError(
                "The name has no letters or digits an address can use: type one.", "slug"
            )
    elif len(slug) > SLUG_MAX or not SLUG_PATTERN.fullmatch(slug):
        raise ServiceError(
            f"Use lower-case letters, digits and single hyphens between words, for example "
            f"“cancer-screening” ({SLUG_MAX} characters or fewer).",
            "slug",
        )
    clash = select(Category.name).where(Category.slug == slug, Category.id != (category_id or 0))
    if (other := db.session.scalar(clash)) is not None:
        raise ServiceError(f"The category “{other}” already has the address /c/{slug}.", "slug")
    return slug


def _cleaned(details: CategoryDetails, category_id: int | None = None) -> CategoryDetails:
    name = _clean_name(details.name, category_id)
    description = details.description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(
            f"Keep the description to {DESCRIPTION_MAX} characters or fewer.", "description"
        )
    slug = _clean_slug(details.slug, name, category_id)
    return CategoryDetails(name=name, description=description, slug=slug, flags=details.flags)


def _state(category: Category) -> dict[str, Any]:
    flags = {name: getattr(category, name) for name in asdict(CategoryFlags())}
    return {
        "name": category.name,
        "slug": category.slug,
        "description": category.description,
    } | flags


def _claim_slug(slug: str) -> None:
    """A live category's address wins over an old one that redirected elsewhere."""
    db.session.execute(delete(CategorySlug).where(CategorySlug.slug == slug))


def create_category(actor: Actor, details: CategoryDetails) -> Category:
    """Add a category at the end of the list."""
    require(can_manage_categories(actor))
    details = _cleaned(details)
    last = db.session.scalar(select(func.max(Category.position))) or 0
    _claim_slug(details.slug)
    category = Category(
        name=details.name,
        slug=details.slug,
        description=details.description,
        position=last + 1,
        **asdict(details.flags),
    )
    db.session.add(category)
    db.session.flush()
    audit.record(actor, "category.create", target=category, after=_state(category))
    return category


def update_category(actor: Actor, category: Category, details: CategoryDetails) -> Category:
    """Change a category's name, address, description and flags.

    A new address keeps the old one redirecting (``category_slugs``). Made staff-only, it is
    no longer moderated by members made its category moderators.
    """
    require(can_manage_categories(actor))
    details = _cleaned(details, category.id)
    before = _state(category)
    if details.slug != category.slug:
        _claim_slug(details.slug)
        db.session.add(CategorySlug(slug=category.slug, category_id=category.id))
    if details.flags.is_staff_only and not category.is_staff_only:
        _forget_moderators(category.id)  # staff-only categories are moderated by staff
    category.name, category.slug = details.name, details.slug
    category.description = details.description
    for name, value in asdict(details.flags).items():
        setattr(category, name, value)
    db.session.flush()
    after = _state(category)
    if after != before:
        changed = [key for key in after if after[key] != before[key]]
        audit.record(
            actor,
            "category.update",
            target=category,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return category


# Order ---------------------------------------------------------------------------------------


def move_category(
    actor: Actor, category: Category, direction: Literal["up", "down"]
) -> Category | None:
    """Swap ``category`` with its neighbour; return the neighbour (None at either end)."""
    require(can_manage_categories(actor))
    if direction not in ("up", "down"):
        raise ServiceError("Move a category up or down.")
    order = all_categories()
    index = order.index(category)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(order):
        return None
    order[index], order[other] = order[other], order[index]
    for position, each in enumerate(order, start=1):
        each.position = position
    db.session.flush()
    audit.record(
        actor,
        "category.move",
        target=category,
        after={"direction": direction, "position": category.position},
    )
    return order[index]


# Archiving -----------------------------------------------------------------------------------


def archive_category(actor: Actor, category: Category) -> None:
    """Make ``category`` read-only and list it apart; its threads stay readable."""
    require(can_manage_categories(actor))
    if category.archived_at is not None:
        raise ServiceError(f"“{category.name}” is archived already.")
    category.archived_at = utcnow()
    db.session.flush()
    audit.record(actor, "category.archive", target=category, after={"name": category.name})


def unarchive_category(actor: Actor, category: Category) -> None:
    require(can_manage_categories(actor))
    if category.archived_at is None:
        raise ServiceError(f"“{category.name}” is not archived.")
    category.archived_at = None
    db.session.flush()
    audit.record(actor, "category.unarchive", target=category, after={"name": category.name})


# Deleting ------------------------------------------------------------------------------------


def delete_category(
    actor: Actor, category: Category, *, destination: Category | None = None
) -> int:
    """Delete ``category``; its threads (if any) first move to ``destination``.

    Return how many threads moved. Its old addresses, and its own, then redirect to
    ``destination``; without threads to move, they go with it.
    """
    require(can_manage_categories(actor))
    held = thread_rows(category)
    if destination is not None and destination.id == category.id:
        raise ServiceError(
            "Choose another category: the threads cannot move into the one being deleted.",
            "destination",
        )
    if held and destination is None:
        raise ServiceError(
            f"“{category.name}” still holds {held} thread{'' if held == 1 else 's'}: "
            "choose the category they move to.",
            "destination",
        )
    if held and destination is not None:
        _move_threads(actor, category, destination, held)
    before = _state(category) | {"threads": held}
    after = {"threads_moved_to": destination.name} if held and destination else None
    audit.record(actor, "category.delete", target=category, before=before, after=after)
    _forget_moderators(category.id)
    db.session.delete(category)
    db.session.flush()
    return held


def _move_threads(actor: Actor, source: Category, destination: Category, count: int) -> None:
    for category_id in sorted((source.id, destination.id)):  # a fixed order: no deadlocks
        db.session.execute(select(Category.id).where(Category.id == category_id).with_for_update())
    db.session.execute(
        update(Thread)
        .where(Thread.category_id == source.id)
        .values(category_id=destination.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(CategorySlug)
        .where(CategorySlug.category_id == source.id)
        .values(category_id=destination.id)
    )
    db.session.add(CategorySlug(slug=source.slug, category_id=destination.id))
    _move_drafts(source.id, destination.id)
    moderation_state.refresh_category(destination.id)
    db.session.flush()
    db.session.expire(destination)
    audit.record(
        actor,
        "category.threads_move",
        target=destination,
        before={"category": source.name},
        after={"category": destination.name, "threads": count},
    )


def _move_drafts(source_id: int, destination_id: int) -> None:
    """Unsent new threads follow their threads, unless the member has one there already."""
    taken = select(Draft.user_id).where(Draft.key == Draft.thread_key(destination_id))
    db.session.execute(
        update(Draft)
        .where(Draft.key == Draft.thread_key(source_id), Draft.user_id.not_in(taken))
        .values(key=Draft.thread_key(destination_id), category_id=destination_id)
        .execution_options(synchronize_session=False)
    )


def _forget_moderators(category_id: int) -> None:
    """Members who moderated the category moderate the rest of their list only."""
    user_ids = db.session.scalars(
        select(CategoryModerator.user_id).where(CategoryModerator.category_id == category_id)
    ).all()
    for user in db.session.scalars(select(User).where(User.id.in_(user_ids))):
        kept = [n for n in user.moderated_category_ids or [] if n != category_id]
        user.moderated_category_ids = kept or None
    db.session.execute(
        delete(CategoryModerator).where(CategoryModerator.category_id == category_id)
    )
