"""PostgreSQL: what a search's plans are chosen from, read in two round trips before them
(``survey``, then ``estimated_matches``): docs/search.md#round-trips-on-postgresql
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    cast,
    func,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.engine import Connection

from forum.models import Post, utcnow
from forum.search.facets import Facets
from forum.search.postgres_match import (
    POST_FACETS,
    POST_VECTOR,
    REGCONFIG,
    adjacent_words,
    has_phrases,
    indexed_words,
    others_text,
    parameters,
    posts_match,
    prefix_text,
)
from forum.search.postgres_schema import CONFIG
from forum.search.query import SearchQuery, TextShape

#: Memory a bitmap needs per page of ``posts`` to stay exact (PostgreSQL's page entries take
#: about 64 bytes), and the most a search may ask for.
BITMAP_BYTES_PER_PAGE = 80
MAX_WORK_MEM_KB = 256 * 1024

#: The word pairs' index expression (``postgres_schema.PAIRS_INDEX``).
PAIRS_VECTOR = func.search_word_pairs(Post.body_source, type_=TSVECTOR)


@dataclass(frozen=True)
class WordPairs:
    """The keys of the pairs of side-by-side stems of a search's phrases
    (``search_word_pairs``, the function the pairs' index is built with), one tuple a phrase:
    docs/search.md#phrases-on-postgresql
    """

    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return any(self.phrases)

    @staticmethod
    def every() -> ColumnElement[bool]:
        """The post has every pair of every phrase (``ts_pairs``: ``every_text``)."""
        return PAIRS_VECTOR.op("@@")(cast(bindparam("ts_pairs"), TSQUERY))

    def every_text(self) -> str:
        return _all_of(pair for pairs in self.phrases for pair in pairs)

    @staticmethod
    def probe() -> ColumnElement[bool]:
        """For estimates: the post has the pairs of ``probe_text`` (``ts_pairs_probe``)."""
        return PAIRS_VECTOR.op("@@")(cast(bindparam("ts_pairs_probe"), TSQUERY))

    def probe_text(self) -> str:
        """One pair a phrase (the planner takes pairs as independent, and the pairs of "two
        week wait" are not). Any pair is in at least as many posts as the phrase; the
        longest, as longer stems tend to be rarer."""
        return _all_of(max(pairs, key=len) for pairs in self.phrases if pairs)


def _all_of(lexemes: Iterable[str]) -> str:
    """``tsquery`` text requiring every lexeme as it is (quoted: no parsing, no stemming)."""
    quoted = ("'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'" for lexeme in lexemes)
    return " & ".join(quoted)


@dataclass(frozen=True)
class Survey:
    """What the plans are chosen from, read in one round trip (``_survey``)."""

    newest: int | None
    total: float
    pairs: WordPairs
    #: The search's words outside its phrases, and its prefixes, make a non-empty query.
    others: bool = False
    prefixes: bool = False
    #: For a ``before:`` day in the past, about where the posts written by its end end.
    before_id: int | None = None
    #: For each pair of words typed side by side (``adjacent_words``) that makes a pair, its
    #: keys and the rest of the search's words, for the estimate.
    adjacent: tuple[tuple[tuple[str, ...], str], ...] = ()


def survey(connection: Connection, query: SearchQuery) -> Survey:
    """In one round trip: the newest post id, about how many posts there are, the keys of the
    word pairs of the search's phrases, and whether its other words and its prefixes leave
    anything to look up; and the transaction's settings (why ``work_mem`` with a phrase:
    docs/search.md#phrases-on-postgresql)."""
    phrases = [term.text for term in query.positive if term.kind == "phrase"]
    params: dict[str, Any] = {}
    columns = ["(SELECT max(id) FROM posts)", "c.reltuples"]
    for name, lookup, value in (
        ("others", "to_tsquery", others_text(query)),
        ("prefixes", "to_tsquery", prefix_text(query)),
    ):
        params[f"ts_{name}"] = value
        columns.append(f"numnode({lookup}('{CONFIG}', :ts_{name})) > 0" if value else "false")
    # A search reads a bounded number of rows: starting parallel workers costs more than it
    # saves, and on a busy server they wait for a core.
    columns.append("set_config('max_parallel_workers_per_gather', '0', true)")
    memory = f"least(greatest(c.relpages::bigint * {BITMAP_BYTES_PER_PAGE} / 1024, 4096), "
    memory = f"set_config('work_mem', {memory}{MAX_WORK_MEM_KB}) || 'kB', true)"
    columns.append(memory if has_phrases(query) else "NULL")
    columns.append(_BEFORE_SEARCH if in_the_past(query) else "NULL")
    if in_the_past(query):
        params["before_end"] = datetime.combine(query.before, time.min, UTC) + timedelta(days=1)
    for n, phrase in enumerate(phrases):
        params[f"phrase_{n}"] = phrase
        columns.append(f"tsvector_to_array(search_word_pairs(:phrase_{n}))")
    side_by_side = adjacent_words(query)
    for n, (words, _rest) in enumerate(side_by_side):
        params[f"adjacent_{n}"] = words
        columns.append(f"tsvector_to_array(search_word_pairs(:adjacent_{n}))")
    statement = f"SELECT {', '.join(columns)} FROM pg_class AS c WHERE c.oid = 'posts'::regclass"
    row = connection.execute(text(statement).bindparams(*_typed(params)), params).one()
    keys = [tuple(found or ()) for found in row[7:]]
    pairs = WordPairs(tuple(keys[: len(phrases)]))
    found_pairs = zip(keys[len(phrases) :], side_by_side, strict=True)
    adjacent = tuple((pair, rest) for pair, (_words, rest) in found_pairs if pair)
    return Survey(row[0], float(row[1] or 0), pairs, row[2], row[3], row[6], adjacent)


#: A binary search over post ids (about 20 lookups of the primary key) for where posts written
#: before ``:before_end`` end, taking ids to grow with time: only a plan's range rests on it,
#: never what a search finds.
_BEFORE_SEARCH = """(WITH RECURSIVE probe(lo, hi) AS (
    SELECT min(id) - 1, max(id) FROM posts
  UNION ALL
    SELECT CASE WHEN later THEN lo ELSE mid END, CASE WHEN later THEN mid ELSE hi END
    FROM (SELECT lo, hi, (lo + hi) / 2 AS mid,
                 coalesce((SELECT created_at >= :before_end FROM posts
                           WHERE id >= (lo + hi) / 2 ORDER BY id LIMIT 1), true) AS later
          FROM probe WHERE hi - lo > 1) AS step
  ) SELECT min(hi) FROM probe)"""


def in_the_past(query: SearchQuery) -> bool:
    return query.before is not None and query.before < utcnow().date()


def _typed(params: dict[str, Any]) -> list[Any]:
    return [bindparam("before_end", type_=Post.created_at.type)] if "before_end" in params else []


# The planner's estimates ---------------------------------------------------------------------


def estimated_matches(
    connection: Connection,
    query: SearchQuery,
    facets: Facets,
    survey: Survey,
    months: Facets | None = None,
) -> list[float]:
    """The planner's estimates (from ANALYZE statistics) of how many posts match the search
    and, with ``months``, how many carry those month tokens, in one round trip.

    The first has a floor for words typed side by side: docs/search.md#words-that-travel-together
    """
    adjacent = survey.adjacent
    sql, defaults = _explain(
        query.text_shape,
        bool(facets),
        bool(survey.pairs),
        survey.others,
        survey.prefixes,
        tuple(bool(rest) for _keys, rest in adjacent),
        bool(months),
        connection.dialect,
    )
    params = {**defaults, **parameters(query, facets)}
    params["ts_pairs_probe"] = survey.pairs.probe_text()
    params["ts_months"] = (months or Facets()).tsquery()
    for n, (keys, rest) in enumerate(adjacent):
        params[f"ts_adjacent_{n}"] = _all_of(keys)
        params[f"ts_rest_{n}"] = rest
    plan = connection.exec_driver_sql(sql, params).scalar_one()[0]["Plan"]
    probes = [plan] if not adjacent and not months else plan["Plans"]  # an Append's parts
    rows = [float(probe["Plan Rows"]) for probe in probes]
    found = [max(rows[: 1 + len(adjacent)])]
    return [*found, rows[-1]] if months else found


@lru_cache(maxsize=64)
def _explain(
    text: TextShape,
    facets: bool,
    pairs: bool,
    others: bool,
    prefixes: bool,
    adjacent: tuple[bool, ...],
    months: bool,
    dialect: Any,
) -> tuple[str, dict[str, Any]]:
    """``estimated_matches``'s EXPLAIN, compiled once per shape of search: the SQL and the
    values of its constants (the search's own are bound). ``adjacent``: for each pair of
    words side by side, whether the search has words besides them."""
    matches = [_estimated(text, facets, pairs, others, prefixes)]
    for n, rest in enumerate(adjacent):
        side_by_side = PAIRS_VECTOR.op("@@")(cast(bindparam(f"ts_adjacent_{n}"), TSQUERY))
        besides = func.to_tsquery(REGCONFIG, bindparam(f"ts_rest_{n}"))
        words = [POST_VECTOR.op("@@")(besides)] if rest else []
        matches.append(and_(side_by_side, *words, *indexed_words(False, prefixes, facets)))
    if months:
        matches.append(POST_FACETS.op("@@")(cast(bindparam("ts_months"), TSQUERY)))
    probes = [select(literal(1)).select_from(Post).where(match) for match in matches]
    probe = probes[0] if len(probes) == 1 else union_all(*probes)
    compiled = probe.compile(dialect=dialect)
    constants = {k: v for k, v in compiled.params.items() if v is not None}
    return "EXPLAIN (FORMAT JSON) " + str(compiled), constants


def _estimated(text: TextShape, facets: bool, pairs: bool, others: bool, prefixes: bool) -> Any:
    """What to ask the planner to estimate: the match itself, or for phrases with pairs one
    pair of each phrase (``WordPairs.probe``) and the words outside them (the planner takes
    the words of a phrase as independent, and would expect far too few posts)."""
    if not pairs:
        return posts_match(text, facets)
    return and_(WordPairs.probe(), *indexed_words(others, prefixes, facets))
