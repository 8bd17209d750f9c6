"""Every API module, imported so its routes attach to the one blueprint."""

from __future__ import annotations

from forum.api import discussions, members, moderation, notifications, reference, search
from forum.api.core import bp

MODULES = (members, discussions, search, notifications, moderation, reference)

__all__ = ["MODULES", "bp"]
