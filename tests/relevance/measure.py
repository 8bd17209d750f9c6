"""nDCG@10 and recall@20 of search over the judged set (``corpus``, ``judged``).

Relevance is binary (a thread answers the query or not); each query's nDCG@10 is its DCG
(the sum of 1 / log2(rank + 1) over the answering threads in the first ten) over the best
possible; recall@20 is the share of its answering threads in the first twenty. Both are
averaged over the queries.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from forum import search
from forum.extensions import db
from forum.models import User
from tests.factories import make_category, make_reply, make_thread
from tests.relevance.corpus import THREADS
from tests.relevance.judged import QUERIES


@dataclass(frozen=True)
class Figures:
    ndcg_at_10: float
    recall_at_20: float


def load_corpus() -> dict[int, str]:
    """Write the corpus's threads; their keys by thread id."""
    category = make_category("Clinical questions")
    keys = {}
    for key, title, body, replies in THREADS:
        thread = make_thread(category, title=title, body=body)
        for reply in replies:
            make_reply(thread, body=reply)
        keys[thread.id] = key
    db.session.commit()
    return keys


def ndcg(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    gains = sum(1 / math.log2(n + 2) for n, key in enumerate(ranked[:k]) if key in relevant)
    best = sum(1 / math.log2(n + 2) for n in range(min(len(relevant), k)))
    return gains / best if best else 0.0


def recall(ranked: list[str], relevant: set[str], k: int = 20) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def ranked_keys(query: str, reader: User, keys: dict[int, str]) -> list[str]:
    hits = search.search_posts(query, reader, per_page=20).hits
    return [keys.get(hit.thread.id, "?") for hit in hits]


def measure(reader: User, keys: dict[int, str], queries: Iterable[str] = QUERIES) -> Figures:
    ndcgs, recalls = [], []
    for query in queries:
        ranked = ranked_keys(query, reader, keys)
        ndcgs.append(ndcg(ranked, QUERIES[query]))
        recalls.append(recall(ranked, QUERIES[query]))
    return Figures(sum(ndcgs) / len(ndcgs), sum(recalls) / len(recalls))
