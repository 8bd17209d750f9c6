"""URL slugs and usernames made from free text."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 80) -> str:
    """Return a lower-case ASCII slug; ``"topic"`` when nothing usable is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "topic"


def username_base(text: str) -> str:
    """A username stem of 3 to 24 characters from a display name or email."""
    stem = slugify(text.split("@")[0], max_length=24).replace("-", "_")
    return stem if len(stem) >= 3 else f"{stem}_member"[:24]
