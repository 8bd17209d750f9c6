"""The resource library: add a resource, change its details, add versions, confirm reviews.

Each resource is discussed in a thread of its own, started with it in the chosen category
(``discussions.create_thread``): the thread's opening post carries the description, so the
forum's search finds it, and its files are linked to that post, so whoever may read the
discussion may download them, and nobody else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import BinaryIO

from sqlalchemy import select, update

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import (
    Attachment,
    Category,
    Licence,
    Post,
    Resource,
    ResourceVersion,
    Thread,
    utcnow,
)
from forum.policy import (
    Actor,
    can_add_resource,
    can_edit_resource,
    can_review_resources,
    require,
)
from forum.services import audit
from forum.services.discussions import posting as discussions
from forum.services.discussions import tags
from forum.services.library import uploads
from forum.text.urls import url_scheme

MAX_REVIEW_YEARS = 5
DISCUSSION_NOTE = (
    "This thread is for talking about the library resource **[{title}](/library/{id})**: how "
    "you used it, how you adapted it for your practice or area, and what would make it better."
)


@dataclass(frozen=True)
class Details:
    """What describes a resource (everything but its file or link)."""

    title: str
    description: str
    organisation: str
    licence: str
    review_by: date
    audience: str = ""
    licence_note: str = ""
    tag_ids: tuple[int, ...] = ()
    #: Findings the writer confirmed are not patient-identifiable
    #: (services/confidentiality/guard.py).
    pii_confirmed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Content:
    """A version's file (a stream and its name) or link, and what the uploader confirmed."""

    attested_no_pii: bool
    stream: BinaryIO | None = None
    filename: str = ""
    link_url: str = ""
    change_note: str = ""
    #: The uploader checked the places the patient-identifier check asked about.
    checked: bool = False

    @property
    def has_file(self) -> bool:
        return self.stream is not None and bool(self.filename)


def _check_details(details: Details, today: date) -> None:
    if len(" ".join(details.title.split())) < 5:
        raise ServiceError("Give the resource a title of at least 5 characters.", "title")
    if not details.description.strip():
        raise ServiceError("Say what the resource is and who it is for.", "description")
    if not details.organisation.strip():
        raise ServiceError("Name the organisation that owns the resource.", "organisation")
    if details.licence not in {licence.value for licence in Licence}:
        raise ServiceError("Choose the licence the resource is shared under.", "licence")
    if details.licence == Licence.OTHER and not details.licence_note.strip():
        raise ServiceError("Name the licence (or describe the terms of use).", "licence_note")
    _check_review_date(details.review_by, today)


def _check_review_date(review_by: date, today: date) -> None:
    if review_by <= today:
        raise ServiceError("The review date must be in the future.", "review_by")
    if review_by > today + timedelta(days=366 * MAX_REVIEW_YEARS):
        raise ServiceError(
            f"Choose a review date within {MAX_REVIEW_YEARS} years: guidance changes.",
            "review_by",
        )


def _check_content(content: Content) -> None:
    if not content.attested_no_pii:
        raise ServiceError(
            "Confirm that the resource contains no patient-identifiable information.",
            "attest",
        )
    link = content.link_url.strip()
    if content.has_file == bool(link):
        raise ServiceError("Choose a file to upload, or give a link: one of the two.", "file")
    if link and (url_scheme(link) not in ("http", "https") or len(link) > 2000):
        raise ServiceError(
            "Give the full web address of the resource, starting with https://.", "link_url"
        )


def _apply(resource: Resource, details: Details) -> None:
    resource.title = " ".join(details.title.split())
    resource.description = details.description.strip()
    resource.organisation = " ".join(details.organisation.split())
    resource.licence = details.licence
    resource.licence_note = details.licence_note.strip() if details.licence == "other" else ""
    resource.audience = " ".join(details.audience.split())
    resource.review_by = details.review_by


def _opening_body(resource: Resource) -> str:
    note = DISCUSSION_NOTE.format(title=_markdown_text(resource.title), id=resource.id)
    return f"{resource.description}\n\n---\n\n{note}"


def _markdown_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("*", "\\*")


def add_resource(
    actor: Actor, category: Category, details: Details, content: Content, *, today: date
) -> Resource:
    """Add a resource with its first version, and start its discussion thread."""
    require(can_add_resource(actor, category))
    _check_details(details, today)
    _check_content(content)
    now = utcnow()
    resource = Resource(
        kind="link",
        created_by_id=actor.id,
        created_by_name=actor.display_name,
        created_at=now,
        updated_at=now,
        current_version=0,
    )
    _apply(resource, details)
    db.session.add(resource)
    db.session.flush()
    thread = discussions.create_thread(
        actor,
        category,
        title=resource.title,
        body=_opening_body(resource),
        pii_confirmed=details.pii_confirmed,
    )
    resource.thread_id, resource.thread = thread.id, thread
    if details.tag_ids:
        tags.set_thread_tags(actor, thread, details.tag_ids)
    _add_version(actor, resource, content)
    return resource


def _add_version(actor: Actor, resource: Resource, content: Content) -> ResourceVersion:
    attachment = None
    if content.has_file:
        assert content.stream is not None
        attachment = uploads.store_upload(
            actor,
            content.stream,
            content.filename,
            checked=content.checked,
            alt_text=resource.title,  # an image resource is described by its title
        )
        _attach_to_discussion(resource, attachment)
    number = resource.current_version + 1
    version = ResourceVersion(
        resource_id=resource.id,
        number=number,
        attachment_id=attachment.id if attachment else None,
        link_url=None if attachment else content.link_url.strip(),
        change_note=" ".join(content.change_note.split())[:500],
        attested_no_pii=True,
        created_by_id=actor.id,
        created_by_name=actor.display_name,
    )
    db.session.add(version)
    resource.current_version = number
    resource.kind = attachment.file.kind if attachment else "link"
    resource.updated_at = utcnow()
    db.session.flush()
    return version


def _attach_to_discussion(resource: Resource, attachment: Attachment) -> None:
    """Link the file to the discussion's opening post and retire earlier files from search."""
    post_id = _opening_post(resource).id
    db.session.execute(
        update(Attachment)
        .where(Attachment.post_id == post_id, Attachment.id != attachment.id)
        .values(searchable=False)
        .execution_options(synchronize_session=False)
    )
    attachment.post_id, attachment.linked_at = post_id, utcnow()


def _opening_post(resource: Resource) -> Post:
    return db.session.scalars(
        select(Post).where(Post.thread_id == resource.thread_id, Post.post_number == 1)
    ).one()


def add_version(actor: Actor, resource: Resource, content: Content) -> ResourceVersion:
    """Add a new version (a file or a link); earlier ones stay in the history."""
    require(can_edit_resource(actor, resource))
    _check_content(content)
    if not content.change_note.strip():
        raise ServiceError("Say briefly what changed in this version.", "change_note")
    return _add_version(actor, resource, content)


def update_resource(actor: Actor, resource: Resource, details: Details, *, today: date) -> None:
    """Change a resource's details; its discussion's title and opening post follow."""
    require(can_edit_resource(actor, resource))
    _check_details(details, today)
    _apply(resource, details)
    resource.updated_at = utcnow()
    thread: Thread = resource.thread
    opening = _opening_post(resource)
    opening.thread = thread
    body = _opening_body(resource)
    discussions.edit_post(
        actor,
        opening,
        body=body,
        title=resource.title,
        reason="Details",
        pii_confirmed=details.pii_confirmed,
    )
    tags.set_thread_tags(actor, thread, details.tag_ids)
    db.session.flush()


def confirm_review(actor: Actor, resource: Resource, next_review: date, *, today: date) -> None:
    """Record that staff checked the resource is still current, and when to check again."""
    require(can_review_resources(actor))
    _check_review_date(next_review, today)
    before = {"review_by": resource.review_by.isoformat()}
    resource.review_by = next_review
    resource.last_reviewed_at = utcnow()
    resource.last_reviewed_by_name = actor.display_name
    audit.record(
        actor,
        "resource.review",
        target=resource,
        before=before,
        after={"review_by": next_review.isoformat()},
    )
    db.session.flush()
