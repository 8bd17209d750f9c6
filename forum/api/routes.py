"""Every API module, imported so its routes attach to the one blueprint."""

from __future__ import annotations

from forum.api import members, notifications, reference
from forum.api.core import bp

MODULES = (members, notifications, reference)

__all__ = ["MODULES", "bp"]
