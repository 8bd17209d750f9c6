"""A readable diff between two versions of a post's source: lines, then words within lines.

Everything is escaped here and returned as ``Markup`` with only ``<ins>`` and ``<del>`` added,
so templates never need ``|safe``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

LineKind = Literal["same", "added", "removed", "changed"]
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class DiffLine:
    kind: LineKind
    html: Markup


@dataclass(frozen=True)
class Diff:
    lines: tuple[DiffLine, ...]
    added: int
    removed: int

    @property
    def is_empty(self) -> bool:
        return self.added == 0 and self.removed == 0


def _ins(text: str) -> Markup:
    return Markup("<ins>{}</ins>").format(text) if text else Markup("")


def _del(text: str) -> Markup:
    return Markup("<del>{}</del>").format(text) if text else Markup("")


def _word_diff(old: str, new: str) -> Markup:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    parts: list[Markup] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        parts.append(_del("".join(a[i1:i2])))
        parts.append(_ins("".join(b[j1:j2])))
    return Markup("").join(parts)


def _replaced(old: list[str], new: list[str]) -> Iterator[DiffLine]:
    pairs = min(len(old), len(new))
    for i in range(pairs):
        yield DiffLine("changed", _word_diff(old[i], new[i]))
    for line in old[pairs:]:
        yield DiffLine("removed", _del(line) or Markup(""))
    for line in new[pairs:]:
        yield DiffLine("added", _ins(line) or Markup(""))


def _lines(old: list[str], new: list[str]) -> Iterator[DiffLine]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            yield from (DiffLine("same", escape(line)) for line in old[i1:i2])
        elif op == "delete":
            yield from (DiffLine("removed", _del(line)) for line in old[i1:i2])
        elif op == "insert":
            yield from (DiffLine("added", _ins(line)) for line in new[j1:j2])
        else:
            yield from _replaced(old[i1:i2], new[j1:j2])


def diff_texts(old: str, new: str) -> Diff:
    """Compare two sources line by line, marking changed words inside changed lines."""
    lines = tuple(_lines(old.splitlines(), new.splitlines()))
    added = sum(1 for line in lines if line.kind in ("added", "changed"))
    removed = sum(1 for line in lines if line.kind in ("removed", "changed"))
    return Diff(lines, added, removed)
