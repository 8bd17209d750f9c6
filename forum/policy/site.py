"""The site's settings and pages: admins change them; staff may read earlier versions."""

from __future__ import annotations

from forum.policy.actors import Actor, is_admin, is_staff


def can_change_site_settings(actor: Actor) -> bool:
    return is_admin(actor)


def can_view_site_page_history(actor: Actor) -> bool:
    return is_staff(actor)
