"""Attachments and the resource library. A file belongs to the post that links it (library
files to their resource's opening post), so whoever may see that post may fetch the file,
and nobody else; until a post links it, only its uploader may.
"""

from __future__ import annotations

from forum.models import Attachment, Category, Resource
from forum.policy.actors import Actor, can_post, is_member, is_staff
from forum.policy.content import can_create_thread
from forum.policy.visibility import can_moderate, can_view_post, can_view_thread


def can_upload(actor: Actor) -> bool:
    return can_post(actor)


def can_download_attachment(actor: Actor, attachment: Attachment) -> bool:
    """Needs ``attachment.post.thread.category`` loaded when the attachment is linked."""
    post = attachment.post
    if post is None:
        uploader = attachment.uploader_id
        return is_member(actor) and uploader is not None and uploader == actor.id
    if post.is_deleted and not can_moderate(actor, post.thread.category):
        return False
    return can_view_post(actor, post)


def can_view_resource(actor: Actor, resource: Resource) -> bool:
    return resource.thread_id is not None and can_view_thread(actor, resource.thread)


def can_add_resource(actor: Actor, category: Category) -> bool:
    return can_create_thread(actor, category)


def can_edit_resource(actor: Actor, resource: Resource) -> bool:
    """Edit the details or add a version: whoever added it, and its category's moderators."""
    if not can_view_resource(actor, resource):
        return False
    if can_moderate(actor, resource.thread.category):
        return True
    is_owner = resource.created_by_id is not None and resource.created_by_id == actor.id
    return is_owner and can_post(actor) and not resource.thread.is_locked


def can_review_resources(actor: Actor) -> bool:
    """See the "due for review" list and confirm a resource is still current."""
    return is_staff(actor)
