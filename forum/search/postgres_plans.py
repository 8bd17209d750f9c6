"""PostgreSQL: the newest posts that match a search, found by reading a bounded number of rows.

The plans (walk, range, pairs, loose, all), the fallback and the cost model:
docs/search.md#plans-on-postgresql
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    cast,
    exists,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from forum.models import Category, Post, Thread
from forum.search import postgres_survey, ranking
from forum.search.facets import Facets
from forum.search.postgres_match import (
    POST_VECTOR,
    REGCONFIG,
    facets_match,
    has_phrases,
    indexed_words,
    posts_match,
    tsquery,
)
from forum.search.postgres_schema import ID_BUCKET
from forum.search.postgres_survey import Survey, WordPairs, estimated_matches, in_the_past
from forum.search.query import SearchQuery, TextShape

#: Most posts walked newest first, fewest looked at, and how many times the rows the estimate
#: says hold the window a plan looks at.
MAX_WALK = 40_000
MIN_WALK = 2_000
WALK_MARGIN = 4
#: How far the planner may underestimate a phrase without pairs (its words are counted as
#: independent, and they are not: 70 times for "two week wait").
PHRASE_DOUBT = 100

#: What each plan costs per row, in microseconds (measured at 1,000,000 posts on the benchmark
#: machine; only their ratios matter): a post walked and its words checked (the newest posts'
#: pages are mostly in memory); a post in the id buckets of a range (GIN decodes them); a
#: matching post read from the table after an index found it (scattered pages, mostly out of
#: PostgreSQL's buffers); an entry of the GIN index (counted as the matches, a lower bound).
WALK_COST = 2.0
BUCKET_COST = 0.005
READ_COST = 3.0
LIST_COST = 0.03


@dataclass(frozen=True)
class Plan:
    """One way to find the candidates: ``kind`` (see the module), and ``bound``, the lowest
    post id looked at (None: every post)."""

    kind: str
    bound: int | None = None


@dataclass(frozen=True)
class BodyShape:
    """What the statement finding the candidates is built from, besides the text's and the
    filters' shapes: the plans in turn, each as its kind and whether it has a bound, and what
    the survey found to look up (``Survey``). The bounds, buckets and pairs are bound values
    (``prepare``), so searches of one shape share one statement (``forum.search``)."""

    plans: tuple[tuple[str, bool], ...]
    pairs: bool = False
    others: bool = False
    prefixes: bool = False


def prepare(
    connection: Connection, query: SearchQuery, facets: Facets, window: int
) -> tuple[BodyShape, dict[str, Any]]:
    """Survey the search and choose its plans (two small statements): the shape of the
    statement that finds its candidates (``body_candidates``), and the values it binds."""
    survey = postgres_survey.survey(connection, query)
    plans = _plans(connection, query, facets, survey, window)
    params: dict[str, Any] = {}
    if survey.pairs:
        params["ts_pairs"] = survey.pairs.every_text()
    for n, plan in enumerate(plans):
        if plan.bound is not None:
            params[f"bound_{n}"] = plan.bound
            params[f"ts_buckets_{n}"] = _buckets(plan.bound, survey.newest or plan.bound)
    shape = BodyShape(
        tuple((plan.kind, plan.bound is not None) for plan in plans),
        pairs=bool(survey.pairs),
        others=bool(survey.others),
        prefixes=bool(survey.prefixes),
    )
    return shape, params


def body_candidates(
    text: TextShape, facets: bool, body: BodyShape, where: list[Any], window: int
) -> Select[Any]:
    """The newest ``window`` posts that match the text and carry the filter tokens, and pass
    ``where``, with their relevance; found as ``body`` says (``prepare``).

    Only the chosen window is ranked: ``ts_rank`` reads a post's whole vector, so ranking
    every match of a broad search would cost more than finding them.
    """
    attempts = [
        _newest_ids(_conditions(n, kind, bounded, text, facets, body), where, window, kind, n)
        for n, (kind, bounded) in enumerate(body.plans)
    ]
    chosen = _first_full(attempts, window).subquery("chosen")
    relevance = func.ts_rank(POST_VECTOR, tsquery(text), 1) if text.positive else literal(1.0)
    return (  # ``where`` again: cheap on the window, and visibility never rests on one query
        select(*ranking.candidate_columns(relevance, title=False))
        .select_from(ranking.posts_with_threads())
        .where(Post.id.in_(select(chosen.c.id)), *where)
    )


def _plans(
    connection: Connection, query: SearchQuery, facets: Facets, survey: Survey, window: int
) -> list[Plan]:
    """The plans to try in turn: the cheapest for the estimate, then an index over every post
    (the word pairs' for a phrase that has pairs, else the GIN index). A ``before:`` day in the
    past has plans of its own (``_earlier_plans``)."""
    last = Plan("pairs" if survey.pairs else "all")
    if survey.newest is None:
        return [last]
    if in_the_past(query):
        return _earlier_plans(connection, query, facets, survey, window, last)
    estimate = max(estimated_matches(connection, query, facets, survey)[0], 1.0)
    needed = window * max(survey.total, 1.0) / estimate
    span = max(MIN_WALK, int(WALK_MARGIN * needed))
    if not survey.pairs and any(" " in o for t in query.positive for o in t.alternatives):
        # A thesaurus group with phrases ("2ww" or "two week wait"): the planner cannot
        # estimate it (it took 1,311 posts for 25,000), so the newest posts come first, a
        # bounded read (docs/search.md#the-thesaurus); then the index over every post.
        return [Plan("loose", survey.newest - min(span, MAX_WALK)), last]
    if span >= survey.newest // 2:
        return [last]
    if not survey.pairs and has_phrases(query):
        if span / PHRASE_DOUBT > MAX_WALK:
            return [last]
        return [Plan("loose", survey.newest - min(span, MAX_WALK)), last]
    prefixed = any(term.kind == "prefix" for term in query.positive)
    first = _cheapest(estimate, needed, span, window, walk=span <= MAX_WALK, prefixed=prefixed)
    if first == "all":
        return [last]
    if first == "range" and survey.pairs:
        first = "pairs"
    return [Plan(first, survey.newest - span), last]


def _earlier_plans(
    connection: Connection,
    query: SearchQuery,
    facets: Facets,
    survey: Survey,
    window: int,
    last: Plan,
) -> list[Plan]:
    """For a ``before:`` day in the past the newest posts cannot match: the range ends where
    the posts written by that day end (``Survey.before_id``) and reaches back as far as the
    estimate says the window's worth needs, among the posts of the months the date filter
    keeps (or all posts). The range is still open above, so when it finds the window's worth
    that is exactly the newest matches, wherever ids and dates disagree."""
    top = survey.before_id
    if top is None or survey.pairs or has_phrases(query):
        return [last]
    months = Facets(tuple(group for group in facets.groups if group[0].startswith("mo")))
    found = estimated_matches(connection, query, facets, survey, months)
    estimate = max(found[0], 1.0)
    posts = found[1] if months else max(survey.total, 1.0)
    needed = window * max(posts, 1.0) / estimate
    span = max(MIN_WALK, int(WALK_MARGIN * needed))
    cheapest = _cheapest(estimate, needed, span, window, walk=False, prefixed=False)
    if span >= top // 2 or cheapest == "all":
        return [last]
    return [Plan("range", top - span), last]


def _cheapest(
    estimate: float, needed: float, span: int, window: int, *, walk: bool, prefixed: bool
) -> str:
    """``walk``, ``range`` or ``all``, whichever should cost least: a walk reads ``needed``
    posts; the range plan the GIN index's entries within the id buckets of the ``span``
    newest posts and the matches among them; the other every match. A prefix makes GIN read
    the whole posting lists of every word it starts (it cannot skip through them), in a range
    too."""
    costs = {
        "range": span * BUCKET_COST + WALK_MARGIN * window * (LIST_COST + READ_COST),
        "all": estimate * (LIST_COST + READ_COST),
    }
    if prefixed:
        costs["range"] += estimate * LIST_COST
    if walk:
        costs["walk"] = needed * WALK_COST
    return min(costs, key=costs.__getitem__)


def _conditions(
    n: int, kind: str, bounded: bool, text: TextShape, facets: bool, body: BodyShape
) -> list[Any]:
    """Conditions on ``posts`` alone for the ``n``th plan: the match (written so the planner
    can, or cannot, answer it from the GIN index) and the id range (``bound_<n>``).

    Why phrases are checked post by post (``exact``) and the bound is ``id + 0``:
    docs/search.md#plans-on-postgresql and docs/search.md#phrases-on-postgresql"""
    match = posts_match(text, facets)
    exact = posts_match(text, facets, indexed=False)
    words = indexed_words(body.others, body.prefixes, facets)
    pairs = [WordPairs.every(), *words, exact]
    if not bounded:
        return pairs if kind == "pairs" else [match]
    bound = bindparam(f"bound_{n}", type_=Post.id.type)
    buckets = _in_buckets(n)
    if kind == "walk":
        return [Post.id > bound, exact]
    unlisted = (Post.id + 0) > bound
    if kind == "pairs":
        return [unlisted, buckets, *pairs]
    if kind == "loose":
        loose = POST_VECTOR.op("@@")(func.to_tsquery(REGCONFIG, bindparam("ts_loose")))
        return [unlisted, buckets, loose, *([facets_match()] if facets else []), exact]
    return [unlisted, buckets, match]


def _in_buckets(n: int) -> ColumnElement[bool]:
    """The post is in one of the id buckets ``ts_buckets_<n>`` (``_buckets``)."""
    vector = func.search_id_bucket(Post.id, type_=TSVECTOR)
    return vector.op("@@")(cast(bindparam(f"ts_buckets_{n}"), TSQUERY))


def _buckets(bound: int, newest: int) -> str:
    """The id buckets (``search_id_bucket``) from ``bound``'s to one past ``newest``'s, as
    ``tsquery`` text: posts written since the survey are still in range (a whole bucket,
    8,192 posts, would have to be written in between for one to be missed)."""
    buckets = range(bound // ID_BUCKET, newest // ID_BUCKET + 2)
    return " | ".join(f"bk{bucket}" for bucket in buckets)


def _newest_ids(
    on_posts: list[Any], where: list[Any], window: int, kind: str, n: int
) -> Select[Any]:
    """Ids of the newest ``window`` posts that meet ``on_posts`` (conditions on ``posts``
    alone) and ``where`` (visibility and filters, checked one post at a time).

    Why matches first, then newest, and ``where`` in a subquery:
    docs/search.md#plans-on-postgresql
    """
    if kind == "walk":
        return (
            select(Post.id.label("id"))
            .where(*on_posts, _passes(where, correlated=True))
            .order_by(Post.id.desc())
            .limit(window)
        )
    found = select(Post.id.label("id")).where(*on_posts).cte(f"found_{n}")
    ordered = select(found.c.id).order_by(found.c.id.desc()).offset(0).subquery(f"ordered_{n}")
    return (
        select(ordered.c.id)
        .where(_passes([Post.id == ordered.c.id, *where], correlated=False))
        .limit(window)
    )


def _first_full(attempts: list[Select[Any]], window: int) -> Select[Any]:
    """The first attempt's ids if it found the window's worth, else the second's: PostgreSQL
    checks the count once and runs the second only if it is needed."""
    if len(attempts) == 1:
        return attempts[0]
    first = attempts[0].cte("first_try")
    found = select(func.count()).select_from(first).scalar_subquery()
    second = attempts[1].subquery("second_try")
    return union_all(
        select(first.c.id).where(found >= window),
        select(second.c.id).where(found < window),
    )


def _passes(where: list[Any], *, correlated: bool) -> Any:
    """EXISTS: the post passes ``where``. ``correlated``: the post is the enclosing query's
    ``posts`` row; otherwise the subquery reads it itself (``where`` then says which)."""
    if correlated:
        source: Any = Thread.__table__.join(Category, Category.id == Thread.category_id)
    else:
        source = ranking.posts_with_threads()
    check = select(literal(1)).select_from(source).where(Thread.id == Post.thread_id, *where)
    return exists(check.offset(0))
