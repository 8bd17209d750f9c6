"""Running the forum: the health page, retrying failed email, backups and the worker."""

from __future__ import annotations

from forum.policy.actors import Actor, is_admin


def can_view_health(actor: Actor) -> bool:
    return is_admin(actor)


def can_retry_failed_mail(actor: Actor) -> bool:
    return is_admin(actor)


def can_record_operations(actor: Actor) -> bool:
    """Backups and worker heartbeats are written by the command line and the worker."""
    return is_admin(actor)


def can_manage_webhooks(actor: Actor) -> bool:
    """Webhooks send forum content elsewhere: admins alone register and change them."""
    return is_admin(actor)
