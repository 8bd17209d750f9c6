"""Quoting a post as Markdown: a blockquote that names its writer and links to its source."""

from __future__ import annotations

import re

_BLANK_RUN = re.compile(r"\n{3,}")
MAX_QUOTE = 4000


def quote_markdown(author_name: str, source_url: str, text: str) -> str:
    """``text`` as a Markdown blockquote headed "<name> wrote (link):", then a blank line."""
    text = _BLANK_RUN.sub("\n\n", text.strip())[:MAX_QUOTE]
    name = re.sub(r"([\\`*_\[\]<>])", r"\\\1", author_name)
    lines = [f"> {line}" if line else ">" for line in text.split("\n")]
    return f"> **{name}** [wrote]({source_url}):\n>\n" + "\n".join(lines) + "\n\n"
