"""A compact word-level diff between two versions of a text (a post's source, a site page).

The texts are split into words and punctuation, each with the whitespace before it, and the
words compared with ``difflib`` (the common start and end set aside first). Removed words are
wrapped in ``<del>``, added ones in ``<ins>``, each with a visually hidden "added"/"removed"
for screen readers; long unchanged stretches fold to a few words of context either side and a
note ("… 120 unchanged words …"). Changes to spacing alone are not shown, but a line break
added or removed is, as a visible ¶.

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
_PIECES = re.compile(r"(\s*)(\w+(?:['’]\w+)*|[^\w\s])")
#: Above this many word pairs to weigh, ``difflib``'s faster heuristic is used instead.
EXHAUSTIVE_BUDGET = 2_000_000
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


@dataclass(frozen=True)
class _Pieces:
    """A text as words and punctuation, each with the whitespace before it."""

    seps: list[str]
    words: list[str]
    tail: str

    @classmethod
    def of(cls, text: str) -> _Pieces:
        seps, words, end = [], [], 0
        for match in _PIECES.finditer(text):
            seps.append(match.group(1))
            words.append(match.group(2))
            end = match.end()
        return cls(seps, words, text[end:])

    def run(self, start: int, stop: int) -> str:
        """Words ``start`` to ``stop`` with the whitespace between them (not before)."""
        inner = (self.seps[k] + self.words[k] for k in range(start + 1, stop))
        return self.words[start] + "".join(inner)


def _matches(a: list[str], b: list[str]) -> Iterator[tuple[str, int, int, int, int]]:
    """``difflib`` opcodes, the common start and end set aside first (most edits are small);
    past ``EXHAUSTIVE_BUDGET`` the matcher's faster heuristic (autojunk) takes over."""
    lead = 0
    while lead < min(len(a), len(b)) and a[lead] == b[lead]:
        lead += 1
    trail = 0
    while trail < min(len(a), len(b)) - lead and a[-1 - trail] == b[-1 - trail]:
        trail += 1
    if lead:
        yield "equal", 0, lead, 0, lead
    mid_a, mid_b = a[lead : len(a) - trail], b[lead : len(b) - trail]
    exhaustive = len(mid_a) * len(mid_b) <= EXHAUSTIVE_BUDGET
    matcher = difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=not exhaustive)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        yield op, i1 + lead, i2 + lead, j1 + lead, j2 + lead
    if trail:
        yield "equal", len(a) - trail, len(a), len(b) - trail, len(b)


def _line_breaks(old_sep: str, new_sep: str) -> Iterator[Segment]:
    """A change of spacing alone shows only when it adds or removes a line break."""
    before, after = old_sep.count("\n"), new_sep.count("\n")
    if after > before:
        yield Segment("added", "\n")
    elif before > after:
        yield Segment("removed", "\n")


def _opcodes(a: _Pieces, b: _Pieces) -> Iterator[Segment]:
    for op, i1, i2, j1, j2 in _matches(a.words, b.words):
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                yield from _line_breaks(a.seps[i], b.seps[j])
                yield Segment("same", b.seps[j] + b.words[j])
            continue
        if i2 > i1:
            yield Segment("same", a.seps[i1])
            yield Segment("removed", a.run(i1, i2))
        if j2 > j1:
            if i2 == i1:
                yield Segment("same", b.seps[j1])
            yield Segment("added", b.run(j1, j2))
    yield Segment("same", b.tail)


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
    segments = _merged(_opcodes(_Pieces.of(old), _Pieces.of(new)))
    added = sum(_words(_TOKENS.findall(s.text)) for s in segments if s.kind == "added")
    removed = sum(_words(_TOKENS.findall(s.text)) for s in segments if s.kind == "removed")
    return Diff(_folded(segments), added, removed)
