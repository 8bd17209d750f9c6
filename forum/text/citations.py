"""Citations of guidance in a post's text: ``[[NG12 1.3.1]]`` or a whole guideline, ``[[NG12]]``.

Only the syntax lives here (no Flask, no database): what a citation looks like, and the key it
names. The register (forum/services/guidance/) says whether a key is known; the text pipeline
(forum/text/markup.py) renders known ones as links. docs/answers.md
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

#: A guideline's code: a letter, then letters, digits and "-" ("NG12", "SIGN-145", "LP-NSS").
CODE_PATTERN = r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*"
#: A recommendation's number as guidelines write it: "1.3.1", "1.12", "3.2a".
NUMBER_PATTERN = r"[0-9]{1,3}(?:\.[0-9]{1,3}){0,4}[a-z]?"
#: ``[[CODE]]`` or ``[[CODE NUMBER]]``, with no other spaces inside.
CITATION = re.compile(rf"\[\[({CODE_PATTERN}) ?({NUMBER_PATTERN})?\]\]")
MAX_CODE_LENGTH = 20


class CitationKey(NamedTuple):
    """What a citation names: a guideline's code (upper case) and a recommendation's number,
    or "" for the whole guideline."""

    code: str
    number: str = ""

    @property
    def label(self) -> str:
        return f"{self.code} {self.number}".strip()


def normalise_code(code: str) -> str:
    """Codes are compared upper case: ``[[ng12 1.3.1]]`` cites NG12."""
    return code.strip().upper()


def key_of(match: re.Match[str]) -> CitationKey | None:
    """The key a ``CITATION`` match names, or None when the code is too long to be one."""
    code = normalise_code(match.group(1))
    if len(code) > MAX_CODE_LENGTH:
        return None
    return CitationKey(code, match.group(2) or "")


#: The class a rendered citation's link carries (the allow-list accepts it, as "mention").
CITATION_CLASS = "citation"


@dataclass(frozen=True)
class CitationLink:
    """How one known citation shows in a post: a link to the source with the version's date.

    ``text`` names the recommendation and its version ("NG12 1.3.1 (Oct 2023)"); ``title`` is
    its short title and the version in words, for a reader's tooltip and screen readers.
    ``href`` must be an http(s) address: anything else is shown as text, never a link.
    """

    href: str
    text: str
    title: str


def citation_link(
    key: CitationKey, *, href: str, published_on: date, title: str, publisher: str = ""
) -> CitationLink:
    """The link for ``key`` as the version published on ``published_on`` has it."""
    version = f"{published_on:%b %Y}"
    source = f"{publisher} {key.label}".strip()
    return CitationLink(
        href=href,
        text=f"{key.label} ({version})",
        title=f"{title} ({source}, version of {published_on.day} {published_on:%B %Y})",
    )
