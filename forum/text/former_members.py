"""What a former member's name, username and address become in text that stays.

Pure functions over strings. After an account is deleted, a mention of the member shows
"@former-member", which the text pipeline never links ("former-member" can never be a
username), a quote's
attribution and any other writing of their name shows "Former member", and their address
"[address removed]". Why and where: docs/moderation.md#members-who-leave
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from forum.text.markup import FORMER_MEMBER_HANDLE

FORMER_MEMBER = "Former member"
FORMER_HANDLE = f"@{FORMER_MEMBER_HANDLE}"
REMOVED_ADDRESS = "[address removed]"
#: Characters ``quoting.quote_markdown`` escapes in an attribution's name.
_QUOTE_ESCAPED = re.compile(r"([\\`*_\[\]<>])")
# As forum.text.markup's mention rule: what before "@" makes it an address or a longer word.
_NOT_BEFORE_MENTION = r"(?<![\w.+!#$%&'*/=?^`{|}~@-])"


def former_address(user_id: int) -> str:
    """The address a deleted account keeps: unique, and never delivered (``.invalid``)."""
    return f"former-{user_id}@deleted.invalid"


@dataclass(frozen=True)
class Identity:
    """Who left, as they were known."""

    display_name: str
    username: str
    email: str


def _written(value: str) -> set[str]:
    """``value`` as typed, as a quote's attribution escapes it, and HTML-escaped (emails)."""
    forms = {value, _QUOTE_ESCAPED.sub(r"\\\1", value)}
    return forms | {str(escape(form)) for form in forms} | {html.escape(form) for form in forms}


def _words(value: str) -> str:
    """A pattern for ``value`` with any run of white space inside, not inside a longer word."""
    pattern = r"\s+".join(re.escape(part) for part in value.split())
    before = r"(?<!\w)" if value[:1].isalnum() else ""
    after = r"(?!\w)" if value[-1:].isalnum() else ""
    return before + pattern + after


def _either(values: set[str]) -> re.Pattern[str] | None:
    parts = sorted({_words(v) for v in values if v.strip()}, key=len, reverse=True)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


class NameScrubber:
    """Finds and replaces a former member's name, @username, profile address and email.

    A name of one word ("Sam") is replaced in prose only where it is known to be theirs (a
    quote's attribution) or in ``names`` texts (lists of names): elsewhere it is too likely
    to be someone else's or an ordinary word.
    """

    def __init__(self, identity: Identity) -> None:
        self.identity = identity
        name, user = identity.display_name.strip(), re.escape(identity.username)
        names = _written(name) if name else set()
        self._address = _either(_written(identity.email.strip())) if identity.email else None
        # Not a longer handle that starts with theirs ("@asha" is not in "@asha.patel").
        self._mention = re.compile(
            rf"{_NOT_BEFORE_MENTION}\\?@{user}(?![\w@-]|\.[\w-])", re.IGNORECASE
        )
        self._profile = re.compile(rf"/u/{user}(?![\w-]|\.[\w-])", re.IGNORECASE)
        attributions = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        self._attribution = (
            re.compile(rf"\*\*(?:{attributions})\*\*(?= \[wrote\])", re.IGNORECASE)
            if names
            else None
        )
        self._any_name = _either(names)
        self._prose_name = self._any_name if len(name.split()) > 1 else None

    def needles(self) -> list[str]:
        """Lower-cased texts one of which any copy contains, to find candidate rows in SQL."""
        user = self.identity.username.lower()
        found = {f"@{user}", f"/u/{user}", self.identity.email.lower()}
        found |= {form.lower() for form in _written(self.identity.display_name.strip())}
        return sorted(value for value in found if value)

    def found(self, text: str | None, *, names: bool = False) -> bool:
        return bool(text) and self.sub(text, names=names) != text

    def sub(self, text: str, *, names: bool = False) -> str:
        """``text`` (Markdown, plain text or HTML) with every copy replaced; ``names``: a text
        of names only (a list of reporters), where even a one-word name is theirs."""
        if not text:
            return text
        name = self._any_name if names else self._prose_name
        if self._address is not None:
            text = self._address.sub(REMOVED_ADDRESS, text)
        if self._attribution is not None:
            text = self._attribution.sub(f"**{FORMER_MEMBER}**", text)
        text = self._mention.sub(FORMER_HANDLE, text)
        text = self._profile.sub(f"/u/{FORMER_MEMBER_HANDLE}", text)
        return name.sub(FORMER_MEMBER, text) if name is not None else text

    def sub_json(self, value: Any) -> Any:
        """A copy of a JSON value with every string in it scrubbed (a string that is the
        username, as a profile edit's record keeps it, too)."""
        if isinstance(value, str):
            if value.strip().lower() == self.identity.username.lower():
                return FORMER_MEMBER_HANDLE
            return self.sub(value)
        if isinstance(value, list):
            return [self.sub_json(item) for item in value]
        if isinstance(value, dict):
            return {key: self.sub_json(item) for key, item in value.items()}
        return value
