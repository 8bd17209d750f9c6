"""PostgreSQL: what a search asks of the text, as ``tsquery`` values and conditions on posts.

Shared by the plans that find the candidate posts (``postgres_plans``), the ranked statement,
the snippets (``postgres``) and the text of attached files (``files``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, bindparam, cast, func, literal_column
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from forum.search.facets import Facets
from forum.search.postgres_schema import CONFIG
from forum.search.query import SearchQuery, Term, TextShape

REGCONFIG = literal_column(f"'{CONFIG}'::regconfig")
POST_VECTOR = literal_column("posts.search_vector", TSVECTOR)
POST_FACETS = literal_column("posts.search_facets", TSVECTOR)
THREAD_VECTOR = literal_column("threads.search_vector", TSVECTOR)


#: At most this many pairs of a search's side-by-side words are estimated (``adjacent_words``).
MAX_ADJACENT = 3


def websearch_text(query: SearchQuery) -> str:
    """Words, phrases and exclusions as ``to_tsquery`` text: every term quoted (a quoted
    string of several words is a phrase; nothing inside a quote is read as an operator), a
    term of the thesaurus as the group of its terms (``(a | b)``), joined with ``&``."""
    return _quoted(query.terms)


def _quoted(terms: Iterable[Term]) -> str:
    return " & ".join(
        ("!" if t.negated else "") + _options(t.options) for t in terms if t.kind != "prefix"
    )


def _options(options: tuple[str, ...]) -> str:
    if len(options) == 1:
        return _lexemes(options[0])
    return "(" + " | ".join(_lexemes(option) for option in options) + ")"


def _lexemes(text: str) -> str:
    """``text`` quoted for ``to_tsquery`` (terms hold only letters, digits and spaces)."""
    return "'" + text.replace("\\", "").replace("'", "''") + "'"


def adjacent_words(query: SearchQuery) -> list[tuple[str, str]]:
    """For a search of words without phrases, each pair of words typed side by side (the
    first ``MAX_ADJACENT``), and the rest of its words and exclusions (``websearch_text``'s
    form): what ``postgres_survey.estimated_matches`` asks about words that travel together
    (docs/search.md#words-that-travel-together)."""
    if any(t.kind == "phrase" for t in query.terms):
        return []
    at = [n for n, t in enumerate(query.terms) if t.kind == "word" and not t.negated]
    pairs = []
    for left, right in list(pairwise(at))[:MAX_ADJACENT]:
        rest = (t for n, t in enumerate(query.terms) if n not in (left, right))
        pairs.append((f"{query.terms[left].text} {query.terms[right].text}", _quoted(rest)))
    return pairs


def has_phrases(query: SearchQuery) -> bool:
    """The text must contain a phrase: typed in quotes, or a term of several words of a
    thesaurus group (``2ww`` may be "two week wait"), which the GIN index cannot answer alone."""
    return any(
        t.kind == "phrase" or any(" " in option for option in t.alternatives)
        for t in query.positive
    )


def prefix_text(query: SearchQuery) -> str:
    """Prefix terms for ``to_tsquery`` (terms hold only letters and digits: no syntax)."""
    return " & ".join(
        ("!" if t.negated else "") + f"'{t.text}':*" for t in query.terms if t.kind == "prefix"
    )


def tsquery(text: TextShape) -> ColumnElement[Any]:
    """The whole text of the search, exactly (phrases as phrases): ``ts_words`` and
    ``ts_prefixes`` (``parameters``), as far as the search has them."""
    parts = []
    if text.words:
        parts.append(func.to_tsquery(REGCONFIG, bindparam("ts_words")))
    if text.prefixes:
        parts.append(func.to_tsquery(REGCONFIG, bindparam("ts_prefixes")))
    return reduce(lambda left, right: left.op("&&")(right), parts)


def loose_text(query: SearchQuery) -> str:
    """Every word of the words and phrases the text must contain, for ``to_tsquery`` (each
    quoted alone, so a phrase becomes its words in any order: what the GIN index can answer
    without reading the posts); a thesaurus group as any one of its terms' words."""
    parts = []
    for term in query.positive:
        if term.kind == "prefix":
            continue
        loose = [" & ".join(_lexemes(w) for w in option.split()) for option in term.options]
        parts.append(loose[0] if len(loose) == 1 else "(" + " | ".join(loose) + ")")
    return " & ".join(parts)


def others_text(query: SearchQuery) -> str:
    """The words the text must contain outside its phrases, for ``to_tsquery`` (a thesaurus
    group as any one of its terms)."""
    return " & ".join(_options(t.options) for t in query.positive if t.kind == "word")


def parameters(query: SearchQuery, facets: Facets | None = None) -> dict[str, Any]:
    """Bind values the candidate selects need."""
    return {
        "ts_others": others_text(query),
        "ts_words": websearch_text(query),
        "ts_prefixes": prefix_text(query),
        "ts_loose": loose_text(query),
        "ts_facets": (facets or Facets()).tsquery(),
    }


def posts_match(text: TextShape, facets: bool, *, indexed: bool = True) -> ColumnElement[bool]:
    """The text matches and, with ``facets``, the post carries the filter tokens (one GIN
    index has both).

    ``indexed=False`` writes the same test as a function call, which the planner cannot
    answer from the GIN index: for walking a range of posts in id order."""
    pairs = []
    if text.positive:
        pairs.append((POST_VECTOR, tsquery(text)))
    if facets:
        pairs.append((POST_FACETS, facets_tsquery()))
    tests = [
        vector.op("@@")(tsq) if indexed else func.ts_match_vq(vector, tsq) for vector, tsq in pairs
    ]
    return reduce(lambda left, right: left & right, tests)


def facets_tsquery() -> ColumnElement[Any]:
    """The filter tokens a post must carry (``ts_facets``)."""
    return cast(bindparam("ts_facets"), TSQUERY)


def facets_match() -> ColumnElement[bool]:
    """The post carries the filter tokens."""
    return POST_FACETS.op("@@")(facets_tsquery())


def indexed_words(others: bool, prefixes: bool, facets: Any) -> list[ColumnElement[bool]]:
    """The words outside the phrases, the prefixes and the filter tokens (as far as the search
    has them), as conditions the GIN index answers exactly (no phrase: nothing to check again
    post by post)."""
    tests = []
    if others:
        words = func.to_tsquery(REGCONFIG, bindparam("ts_others"))
        tests.append(POST_VECTOR.op("@@")(words))
    if prefixes:
        prefixes = func.to_tsquery(REGCONFIG, bindparam("ts_prefixes"))
        tests.append(POST_VECTOR.op("@@")(prefixes))
    if facets:
        tests.append(facets_match())
    return tests
