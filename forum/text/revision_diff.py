"""A compact word-level diff between two versions of a text (a post's source, a site page).

The texts are split into words, punctuation and runs of whitespace, and compared with
``difflib``. Removed words are wrapped in ``<del>``, added ones in ``<ins>``, each with a
visually hidden "added"/"removed" for screen readers; long unchanged stretches fold to a few
words of context either side and a note ("… 120 unchanged words …"). Changes to spacing alone
are not shown, but a line break added or removed is, as a visible ¶.

Everything is escaped here and returned as ``Markup`` with only those tags added, so
templates never need ``|safe``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

#: Words kept either side of a folded stretch of unchanged text.
CONTEXT_WORDS = 8
#: A stretch folds only when it would hide at least this many words.
MIN_FOLDED = 6

_TOKENS = re.compile(r"\s+|\w+(?:['’]\w+)*|[^\w\s]")
_WORD = re.compile(r"\w")
SegmentKind = Literal["same", "added", "removed", "folded"]


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    text: str
    #: Words hidden by a folded segment.
    hidden: int = 0


@dataclass(frozen=True)
class Diff:
    segments: tuple[Segment, ...]
    added: int  # words
    removed: int

    @property
    def is_empty(self) -> bool:
        """True when nothing but spacing changed."""
        return not any(s.kind in ("added", "removed") for s in self.segments)

    @property
    def html(self) -> Markup:
        return Markup("").join(_render(s) for s in self.segments)


def _words(tokens: list[str]) -> int:
    return sum(1 for t in tokens if _WORD.match(t))


def _is_space(tokens: list[str]) -> bool:
    return all(t.isspace() for t in tokens)


def _edges(text: str) -> tuple[str, str, str]:
    """Leading whitespace, the rest, trailing whitespace."""
    core = text.strip()
    if not core:
        return text, "", ""
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


def _changed(kind: SegmentKind, tokens: list[str]) -> Iterator[Segment]:
    """A run of added or removed tokens, its outer whitespace left unmarked."""
    lead, core, trail = _edges("".join(tokens))
    yield Segment("same", lead)
    yield Segment(kind, core)
    yield Segment("same", trail)


def _spacing(old: list[str], new: list[str]) -> Iterator[Segment]:
    """A change of whitespace only: shown only when it adds or removes a line break."""
    before, after = "".join(old).count("\n"), "".join(new).count("\n")
    if after > before:
        yield Segment("added", "\n")
    elif before > after:
        yield Segment("removed", "\n")
    yield Segment("same", "".join(new))


def _opcodes(a: list[str], b: list[str]) -> Iterator[Segment]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = a[i1:i2], b[j1:j2]
        if op == "equal":
            yield Segment("same", "".join(old))
        elif _is_space(old) and _is_space(new):
            yield from _spacing(old, new)
        else:
            yield from _changed("removed", old)
            yield from _changed("added", new)


def _merged(segments: Iterator[Segment]) -> list[Segment]:
    """Neighbouring unchanged segments as one, so folding sees the whole stretch."""
    out: list[Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        if out and seg.kind == "same" and out[-1].kind == "same":
            out[-1] = Segment("same", out[-1].text + seg.text)
        else:
            out.append(seg)
    return out


def _cut(tokens: list[str], words: int) -> int:
    """The token index just after the first ``words`` words."""
    seen = 0
    for i, token in enumerate(tokens):
        if _WORD.match(token):
            seen += 1
            if seen == words:
                return i + 1
    return len(tokens)


def _fold(seg: Segment, first: bool, last: bool) -> list[Segment]:
    """Keep a few words of context either side of a long unchanged stretch."""
    tokens = _TOKENS.findall(seg.text)
    head = 0 if first else CONTEXT_WORDS
    tail = 0 if last else CONTEXT_WORDS
    total = _words(tokens)
    if total - head - tail < MIN_FOLDED:
        return [seg]
    start = _cut(tokens, head) if head else 0
    end = len(tokens) - _cut(tokens[::-1], tail) if tail else len(tokens)
    out = [
        Segment("same", "".join(tokens[:start]).rstrip()),
        Segment("folded", "", total - head - tail),
        Segment("same", "".join(tokens[end:]).lstrip()),
    ]
    return [s for s in out if s.text or s.kind == "folded"]


def _folded(segments: list[Segment]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for i, seg in enumerate(segments):
        if seg.kind == "same":
            out.extend(_fold(seg, i == 0, i == len(segments) - 1))
        else:
            out.append(seg)
    return tuple(out)


_HIDDEN = Markup('<span class="visually-hidden">{}</span>')
_BREAK = Markup('<span aria-hidden="true">¶</span>')


def _render(seg: Segment) -> Markup:
    if seg.kind == "same":
        return escape(seg.text)
    if seg.kind == "folded":
        words = "word" if seg.hidden == 1 else "words"
        return Markup('<span class="word-diff__skip">… {} unchanged {} …</span>').format(
            seg.hidden, words
        )
    tag, label = ("ins", "added") if seg.kind == "added" else ("del", "removed")
    if seg.text == "\n":
        body = _BREAK + _HIDDEN.format(f"line break {label}")
        return Markup('<{0} class="word-diff__break">{1}</{0}>').format(Markup(tag), body)
    return Markup("<{0}>{1}{2}</{0}>").format(Markup(tag), _HIDDEN.format(f"{label}: "), seg.text)


def diff_texts(old: str, new: str) -> Diff:
    """Compare two texts word by word (see the module's docstring)."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments = _merged(_opcodes(a, b))
    added = sum(_words(_TOKENS.findall(s.text)) for s in segments if s.kind == "added")
    removed = sum(_words(_TOKENS.findall(s.text)) for s in segments if s.kind == "removed")
    return Diff(_folded(segments), added, removed)
