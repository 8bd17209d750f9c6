"""URL slugs and members' default handles made from free text."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 80) -> str:
    """Return a lower-case ASCII slug; ``"topic"`` when nothing usable is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "topic"


#: Titles and honorifics left out of a default handle ("Dr Tom O'Connell" is tom.oconnell).
TITLES = frozenset("dr doctor prof professor mr mrs ms miss mx sir dame lady lord rev revd".split())
_APOSTROPHES = re.compile(r"['’`]")
_HANDLE_STEM_MAX = 24


def _ascii_words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = (_NON_WORD.sub("-", _APOSTROPHES.sub("", w.lower())) for w in ascii_text.split())
    return [word.strip("-") for word in words if word.strip("-")]


def username_base(text: str) -> str:
    """A short handle stem (2 to 24 characters) from a display name or an email address:
    first and last name joined by a dot, without a title ("Dr Asha Patel" is asha.patel);
    an address's part before the "@", dots kept."""
    if "@" in text:
        words = [".".join(_ascii_words(text.split("@")[0].replace(".", " ")))]
    else:
        words = _ascii_words(text)
        while len(words) > 1 and words[0].rstrip(".") in TITLES:
            words = words[1:]
        words = [words[0], words[-1]] if len(words) > 1 else words
    stem = ".".join(words)[:_HANDLE_STEM_MAX].strip(".-_")
    return stem if len(stem) >= 2 else "member"
