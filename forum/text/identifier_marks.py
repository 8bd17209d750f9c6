"""Showing what the confidentiality guard found: the writer's own text, escaped, with each
finding inside a ``<mark>``, either as a short excerpt around it or as the whole text.

Built here as ``Markup`` (every piece of text goes through ``escape``), so templates never
need ``|safe`` for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from forum.pii import Finding

#: Characters of context shown either side of a finding in an excerpt.
CONTEXT = 40
_SPACE_RUN = re.compile(r"\s+")


def _mark(text: str, finding: Finding) -> Markup:
    return Markup('<mark class="pii-mark pii-mark--{}">{}</mark>').format(
        finding.severity, text[finding.start : finding.end]
    )


def _squeeze(text: str) -> str:
    return _SPACE_RUN.sub(" ", text)


def excerpt(text: str, finding: Finding, context: int = CONTEXT) -> Markup:
    """The finding in a line of its context, marked, with "…" where the text goes on."""
    left, right = max(0, finding.start - context), min(len(text), finding.end + context)
    if left > 0 and " " in text[left : finding.start]:
        left = text.index(" ", left, finding.start) + 1  # start on a whole word
    if right < len(text) and " " in text[finding.end : right]:
        right = text.rindex(" ", finding.end, right)
    return Markup("{}{}{}{}{}").format(
        "…" if left > 0 else "",
        _squeeze(text[left : finding.start]),
        _mark(text, finding),
        _squeeze(text[finding.end : right]),
        "…" if right < len(text) else "",
    )


def highlighted(text: str, findings: Iterable[Finding]) -> Markup:
    """The whole text, escaped, with every (non-overlapping, sorted) finding marked."""
    parts: list[Markup] = []
    position = 0
    for finding in findings:
        parts.append(escape(text[position : finding.start]))
        parts.append(_mark(text, finding))
        position = finding.end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
