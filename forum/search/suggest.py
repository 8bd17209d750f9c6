""" "Did you mean": when a search finds little, a corrected search from the forum's own words.

Only words that no post contains are corrected (never one that matched), each to the nearest
word of ``search_words`` (``vocabulary.closest``). The corrected search is then run for the
same reader, and offered only if it finds more, so a word that only posts the reader cannot
see contain is never suggested. docs/search.md#did-you-mean
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from flask import current_app

from forum.extensions import db
from forum.policy import Actor
from forum.search import SearchResults, search_posts, vocabulary
from forum.search.query import SearchQuery

_MARKED = re.compile(r"<mark>(.*?)</mark>")


@dataclass(frozen=True)
class Suggestion:
    """The corrected search, as it would be typed, and how many threads it finds."""

    query: SearchQuery
    total: int
    complete: bool = True


def did_you_mean(results: SearchResults, actor: Actor) -> Suggestion | None:
    """A corrected search for ``results``, or None: only when it found nothing and a word no
    post contains has a near neighbour with which this reader's corrected search finds
    something."""
    query = results.query
    if results.total or not current_app.config.get("SEARCH_SUGGEST", True):
        return None
    words = [
        t.text
        for t in query.positive
        if t.kind == "word" and not t.alternatives and len(t.text) >= vocabulary.MIN_LENGTH
    ]
    words = [w for w in dict.fromkeys(words) if not w.isdigit()]
    connection = db.session.connection()
    corrections = {}
    for word in vocabulary.unmatched(connection, words):
        if (near := vocabulary.closest(connection, word)) is not None:
            corrections[word] = near
    if not corrections:
        return None
    corrected = _corrected(query, corrections)
    found = search_posts(corrected, actor, per_page=5)
    if not found.total:
        return None
    shown = _as_written(corrected, corrections, found)
    return Suggestion(shown, found.total, found.complete)


def _corrected(query: SearchQuery, corrections: dict[str, str]) -> SearchQuery:
    terms = tuple(
        replace(t, text=corrections[t.text]) if t.kind == "word" and t.text in corrections else t
        for t in query.terms
    )
    return replace(query, terms=terms, words=_rewritten(query.words, corrections), notices=())


def _rewritten(words: str, corrections: dict[str, str]) -> str:
    for typed, near in corrections.items():
        words = re.sub(rf"(?i)(?<![\w-]){re.escape(typed)}(?!\w)", near, words)
    return words


def _as_written(
    query: SearchQuery, corrections: dict[str, str], found: SearchResults
) -> SearchQuery:
    """The index holds stems ("colonoscopi"): show each correction as the found posts write
    it (the marked word nearest what was typed), so the suggestion reads as a word."""
    marked = [m.lower() for hit in found.hits for m in _MARKED.findall(str(hit.snippet))]
    marked += [m.lower() for hit in found.hits for m in _MARKED.findall(str(hit.title))]
    written = {}
    for typed, stem in corrections.items():
        forms = [m for m in marked if m.startswith(stem[: max(3, len(stem) - 2)])]
        nearest = min(forms, key=lambda m: vocabulary.edit_distance(typed, m, 99), default=stem)
        written[stem] = nearest
    return _corrected(query, written)
