"""What a browser would make of a URL a member wrote, however it is encoded."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def url_scheme(url: str) -> str | None:
    """Return the lower-cased scheme a browser could see in url, or None if it is relative."""
    for _ in range(3):  # undo layered encodings such as %26%23106%3B
        url = html.unescape(unquote(url))
    visible = "".join(char for char in url if unicodedata.category(char)[0] not in "CZ")
    match = _SCHEME.match(visible)
    return match.group(1).lower() if match else None
