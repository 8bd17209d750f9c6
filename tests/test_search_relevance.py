"""Relevance, measured: nDCG@10 and recall@20 over the judged set (tests/relevance/), with
the thesaurus off (before) and on (after), on each database. Fails if the figures drop below
those recorded in docs/search.md#relevance (less ``MARGIN``).

``pytest -s tests/test_search_relevance.py`` prints the figures (and each query's)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from forum.extensions import db
from forum.models import ThesaurusGroup, ThesaurusState, ThesaurusTerm
from forum.policy import SYSTEM
from forum.services.search import terms
from tests.factories import make_user
from tests.relevance import measure
from tests.relevance.judged import QUERIES

#: The figures with the seeded thesaurus (docs/search.md#relevance): (nDCG@10, recall@20).
RECORDED = {"sqlite": (0.954, 0.953), "postgresql": (0.948, 0.938)}
MARGIN = 0.02


def test_the_judged_set_is_large_enough():
    assert len(QUERIES) >= 50
    keys = {key for key, *_rest in measure.THREADS}
    assert all(relevant <= keys for relevant in QUERIES.values())


def test_relevance_before_and_after_the_thesaurus(app):
    for model in (ThesaurusTerm, ThesaurusGroup, ThesaurusState):
        db.session.execute(delete(model))
    db.session.commit()
    keys = measure.load_corpus()
    reader = make_user()
    app.config["SEARCH_THESAURUS"] = False
    before = measure.measure(reader, keys)
    app.config["SEARCH_THESAURUS"] = True
    terms.load_seeded(SYSTEM)
    db.session.commit()
    after = measure.measure(reader, keys)
    dialect = db.engine.dialect.name
    print(
        f"\n{dialect}: before nDCG@10 {before.ndcg_at_10:.3f} recall@20 {before.recall_at_20:.3f}"
    )
    print(f"{dialect}: after  nDCG@10 {after.ndcg_at_10:.3f} recall@20 {after.recall_at_20:.3f}")
    for query in QUERIES:
        ranked = measure.ranked_keys(query, reader, keys)
        print(f"  {query!r}: {measure.ndcg(ranked, QUERIES[query]):.2f} {ranked[:5]}")
    floor_ndcg, floor_recall = RECORDED[dialect]
    assert after.ndcg_at_10 >= floor_ndcg - MARGIN
    assert after.recall_at_20 >= floor_recall - MARGIN
    assert after.ndcg_at_10 > before.ndcg_at_10
    assert after.recall_at_20 > before.recall_at_20


@pytest.mark.parametrize(
    ("ranked", "relevant", "expected"),
    [(["a", "b"], {"a"}, 1.0), (["x", "a"], {"a"}, 1 / 1.5849625007211563), ([], {"a"}, 0.0)],
)
def test_ndcg(ranked, relevant, expected):
    assert measure.ndcg(ranked, relevant) == pytest.approx(expected)
