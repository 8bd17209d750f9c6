"""The forum's own words, for "did you mean": ``search_words`` (each stem the search index
holds and how many posts have it), filled from the index's vocabulary (SQLite's ``fts5vocab``
over ``search_posts``, PostgreSQL's ``ts_stat`` over ``posts.search_vector``) by ``refresh``;
on PostgreSQL with a trigram index (``pg_trgm``). docs/search.md#did-you-mean
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

WORDS = "search_words"
#: Words shorter than this are never corrected (too many near neighbours).
MIN_LENGTH = 4
#: Shortest and longest words kept.
KEPT_LENGTHS = (3, 40)
#: Words looked at for each correction, the commonest first.
CANDIDATES = 200


def install(connection: Connection) -> bool:
    """Create ``search_words`` (and, on PostgreSQL, ``pg_trgm`` and its trigram index), and
    fill it, if it is missing; True if it was."""
    missing = not connection.dialect.has_table(connection, WORDS)
    _create(connection)
    if missing:
        refresh(connection)
    return missing


def _create(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {WORDS} (word text PRIMARY KEY, posts integer NOT NULL)"
        )
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_{WORDS}_trigrams ON {WORDS} "
            "USING gin (word gin_trgm_ops) WITH (fastupdate = off)"  # as every GIN index
        )
    else:
        connection.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {WORDS} "
            "(word TEXT PRIMARY KEY, posts INTEGER NOT NULL) WITHOUT ROWID"
        )


def uninstall(connection: Connection) -> None:
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {WORDS}")


def refresh(connection: Connection) -> int:
    """Recount the words from the search index (seconds at a million posts); how many."""
    low, high = KEPT_LENGTHS
    connection.exec_driver_sql(f"DELETE FROM {WORDS}")
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f"INSERT INTO {WORDS} (word, posts) SELECT word, ndoc "
            "FROM ts_stat('SELECT search_vector FROM posts') "
            f"WHERE length(word) BETWEEN {low} AND {high} AND word ~ '[a-z]'"
        )
    else:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary "
            "USING fts5vocab(main, search_posts, col)"
        )
        connection.exec_driver_sql(
            f"INSERT INTO {WORDS} (word, posts) SELECT term, doc FROM temp.search_vocabulary "
            f"WHERE col = 'body_source' AND length(term) BETWEEN {low} AND {high} "
            "AND term GLOB '*[a-z]*'"
        )
        connection.exec_driver_sql("DROP TABLE temp.search_vocabulary")
    return connection.exec_driver_sql(f"SELECT count(*) FROM {WORDS}").scalar_one()


def size(connection: Connection) -> int:
    return connection.exec_driver_sql(f"SELECT count(*) FROM {WORDS}").scalar_one()


def unmatched(connection: Connection, words: Sequence[str]) -> list[str]:
    """Which of ``words`` no post at all contains (one statement, an index lookup each)."""
    if not words:
        return []
    if connection.dialect.name == "postgresql":
        probe = "EXISTS (SELECT 1 FROM posts WHERE search_vector @@ to_tsquery('english', :w{n}))"
        params = {f"w{n}": "'" + word + "'" for n, word in enumerate(words)}
    else:
        probe = "EXISTS (SELECT 1 FROM search_posts WHERE search_posts MATCH :w{n})"
        params = {f"w{n}": f'body_source : "{word}"' for n, word in enumerate(words)}
    columns = ", ".join(probe.format(n=n) for n in range(len(words)))
    found = connection.execute(text(f"SELECT {columns}"), params).one()
    return [word for word, exists in zip(words, found, strict=True) if not exists]


def closest(connection: Connection, word: str) -> str | None:
    """The forum's word nearest ``word`` (at most one edit for short words, two for longer;
    the commonest of the nearest), or None."""
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                f"SELECT word, posts FROM {WORDS} WHERE word % :w "
                "ORDER BY word <-> :w, posts DESC LIMIT :n"
            ),
            {"w": word, "n": CANDIDATES},
        ).all()
    else:  # the words that start with the same letter, of about the same length
        rows = connection.execute(
            text(
                f"SELECT word, posts FROM {WORDS} WHERE word >= :lo AND word < :hi "
                "AND length(word) BETWEEN :shortest AND :longest "
                "ORDER BY posts DESC LIMIT :n"
            ),
            {
                "lo": word[0],
                "hi": chr(ord(word[0]) + 1),
                "shortest": len(word) - 2,
                "longest": len(word) + 2,
                "n": CANDIDATES,
            },
        ).all()
    most = 1 if len(word) <= 5 else 2
    best: tuple[int, int, str] | None = None
    for candidate, posts in rows:
        distance = edit_distance(word, candidate, most)
        if distance <= most and (best is None or (distance, -posts) < best[:2]):
            best = (distance, -posts, candidate)
    return best[2] if best else None


def edit_distance(a: str, b: str, most: int) -> int:
    """Levenshtein distance with transpositions counted as one edit, or ``most + 1`` once
    it is certainly more than ``most``."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        row = [i]
        for j, y in enumerate(b, start=1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        if min(row) > most:
            return most + 1
        previous2, previous = previous, row
    return previous[-1]
