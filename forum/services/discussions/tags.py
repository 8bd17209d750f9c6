"""Tags: staff keep the list; authors (and moderators) choose up to five per thread."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Tag, Thread, ThreadTag
from forum.policy import Actor, can_manage_tags, can_tag_thread, require
from forum.services import audit
from forum.services.notifications import inbox as notifications
from forum.text.slugs import slugify

MAX_TAGS_PER_THREAD = 5
NAME_MAX = 40


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ServiceError("Give the tag a name.", "name")
    if len(name) > NAME_MAX:
        raise ServiceError(f"Keep tag names to {NAME_MAX} characters or fewer.", "name")
    return name


def _unique_slug(name: str, tag_id: int | None = None) -> str:
    slug = slugify(name, max_length=NAME_MAX)
    clash = db.session.scalar(select(Tag.id).where(Tag.slug == slug, Tag.id != (tag_id or 0)))
    if clash is not None:
        raise ServiceError("There is already a tag with that name.", "name")
    return slug


def create_tag(actor: Actor, *, name: str, description: str = "") -> Tag:
    require(can_manage_tags(actor))
    name = _clean_name(name)
    tag = Tag(name=name, slug=_unique_slug(name), description=description.strip()[:200])
    db.session.add(tag)
    db.session.flush()
    audit.record(actor, "tag.create", target=tag, after={"name": tag.name})
    return tag


def update_tag(actor: Actor, tag: Tag, *, name: str, description: str = "") -> Tag:
    """Rename or re-describe ``tag``; its page moves to the new slug."""
    require(can_manage_tags(actor))
    name = _clean_name(name)
    before = {"name": tag.name, "description": tag.description}
    tag.name, tag.slug = name, _unique_slug(name, tag.id)
    tag.description = description.strip()[:200]
    db.session.flush()
    after = {"name": tag.name, "description": tag.description}
    audit.record(actor, "tag.update", target=tag, before=before, after=after)
    return tag


def delete_tag(actor: Actor, tag: Tag) -> None:
    """Remove ``tag`` from the list and from every thread that had it."""
    require(can_manage_tags(actor))
    audit.record(actor, "tag.delete", target=tag, before={"name": tag.name})
    db.session.execute(delete(ThreadTag).where(ThreadTag.tag_id == tag.id))
    db.session.delete(tag)
    db.session.flush()


def chosen_tags(tag_ids: Sequence[int]) -> list[Tag]:
    wanted = sorted(set(tag_ids))
    if len(wanted) > MAX_TAGS_PER_THREAD:
        raise ServiceError(f"Choose at most {MAX_TAGS_PER_THREAD} tags.", "tags")
    tags = db.session.scalars(select(Tag).where(Tag.id.in_(wanted))).all() if wanted else []
    if len(tags) != len(wanted):
        raise ServiceError("One of the tags you chose no longer exists.", "tags")
    return list(tags)


def set_thread_tags(actor: Actor, thread: Thread, tag_ids: Sequence[int]) -> list[Tag]:
    """Replace the tags of ``thread`` with the chosen ones (at most five)."""
    require(can_tag_thread(actor, thread))
    tags = chosen_tags(tag_ids)
    db.session.execute(delete(ThreadTag).where(ThreadTag.thread_id == thread.id))
    db.session.add_all(ThreadTag(thread_id=thread.id, tag_id=tag.id) for tag in tags)
    db.session.flush()
    notifications.notify_tags_added(thread, [tag.id for tag in tags])
    return tags
