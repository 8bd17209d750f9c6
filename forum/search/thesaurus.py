"""The thesaurus at query time: a search for any term of a group finds posts with any other.

Expansion happens when a search is made, so editing the groups needs no reindex. Each process
keeps the groups (``current``) and reloads them only when their version number, bumped by
every edit, changes: a search reads one small row for that. docs/search.md#the-thesaurus
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select

from forum.extensions import db
from forum.models import ThesaurusState, ThesaurusTerm
from forum.search.query import STOP_WORDS, SearchQuery, Term

#: The groups a new or upgraded install starts with (migration 0026 loads them).
SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "search_terms.txt"
#: Longest term matched among the words typed, in words.
MAX_TERM_WORDS = 6
_WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """A term as it is stored and compared: lower case words separated by single spaces
    (the words ``query.parse`` finds)."""
    return " ".join(word.lower() for word in _WORD.findall(text))


def key(text: str) -> str:
    """A term as typed words are matched against it: without the very common words the
    search leaves out ("end of life" is typed as "end", "life")."""
    return " ".join(word for word in normalise(text).split() if word not in STOP_WORDS)


@dataclass(frozen=True)
class Thesaurus:
    """Every term's group, by ``key``: the group's terms (``normalise``d, in order)."""

    version: int = 0
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, groups: Iterable[Iterable[str]], version: int = 0) -> Thesaurus:
        found: dict[str, tuple[str, ...]] = {}
        for group in groups:
            terms = tuple(dict.fromkeys(t for t in (normalise(g) for g in group) if key(t)))
            if len(terms) > 1:
                found.update({key(term): terms for term in terms})
        return cls(version, found)

    def term(self, words: str) -> str:
        """The group's term that ``words`` (a ``key``) stands for, as written ("end of life"
        for "end life")."""
        return next(term for term in self.groups[words] if key(term) == words)

    def alternatives(self, words: str) -> tuple[str, ...]:
        """The other terms of the group ``words`` (a ``key``) belongs to, if any."""
        group = self.groups.get(words, ())
        return tuple(term for term in group if key(term) != words)


def expand(query: SearchQuery, thesaurus: Thesaurus) -> SearchQuery:
    """``query`` with each word, and each run of words typed side by side that makes a term,
    carrying its group's other terms (``Term.alternatives``). Quoted phrases and prefixes stay
    as typed, and so do single words in quotes (``"fit"``); an excluded word (``-2ww``)
    excludes its whole group."""
    if not thesaurus.groups or not query.terms:
        return query
    return replace(query, terms=tuple(_expanded(list(query.terms), thesaurus, query.quoted)))


def _expanded(terms: list[Term], thesaurus: Thesaurus, quoted: frozenset[str]) -> Iterator[Term]:
    at = 0
    while at < len(terms):
        run = _word_run(terms, at, quoted)
        for length in range(min(len(run), MAX_TERM_WORDS), 0, -1):
            words = " ".join(t.text for t in run[:length])
            options = thesaurus.alternatives(words)
            if options:
                negated = run[0].negated
                yield Term(thesaurus.term(words), "word", negated, options)
                at += length
                break
        else:
            yield terms[at]
            at += 1


def _word_run(terms: list[Term], at: int, quoted: frozenset[str]) -> list[Term]:
    """The plain words from ``at`` on (not typed in quotes), included like the first."""
    run: list[Term] = []
    for term in terms[at:]:
        if term.kind != "word" or term.alternatives or term.text in quoted:
            break
        if run and term.negated != run[0].negated:
            break
        if run and term.negated:  # each excluded word stands alone (-fit -test)
            break
        run.append(term)
    return run


# The groups each process keeps -----------------------------------------------------------

_lock = threading.Lock()
_cached = Thesaurus()

_VERSION = select(ThesaurusState.version).where(ThesaurusState.id == 1)
_TERMS = select(ThesaurusTerm.group_id, ThesaurusTerm.term).order_by(
    ThesaurusTerm.group_id, ThesaurusTerm.position, ThesaurusTerm.id
)


def current() -> Thesaurus:
    """The thesaurus as staff last saved it: one statement when it has not changed since
    this process last read it, two when it has."""
    global _cached
    version = db.session.scalar(_VERSION) or 0
    if version == _cached.version:
        return _cached
    groups: dict[int, list[str]] = {}
    for group_id, term in db.session.execute(_TERMS):
        groups.setdefault(group_id, []).append(term)
    loaded = Thesaurus.of(groups.values(), version)
    with _lock:
        _cached = loaded
    return loaded


def seed_groups(path: Path = SEED_FILE) -> list[tuple[str, list[str]]]:
    """The seeded groups as ``(note, terms)``, from ``forum/data/search_terms.txt``."""
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        note, _colon, terms = line.rpartition(":")
        groups.append((note.strip(), [normalise(t) for t in terms.split("|") if normalise(t)]))
    return groups
