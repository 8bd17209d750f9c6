"""Which tables a statement reads in full, by asking the database for its plan.

A page that reads a whole table of members' content (posts, threads, notifications, the audit
log...) gets slower with every post the forum stores; ``docs/benchmarks.md`` shows the pages
costing the same at a million posts as at 100,000 only because each reads index ranges.

- **SQLite**: ``EXPLAIN QUERY PLAN`` says ``SCAN posts`` for a read of the whole table (an
  index-ordered walk says ``SCAN posts USING INDEX ...``, and stops at the page's ``LIMIT``;
  a lookup says ``SEARCH``). Without ``ANALYZE`` figures, as in the tests and in most SQLite
  deployments, SQLite assumes every table is large, so its plans are the ones it would use.
- **PostgreSQL** reads small tables in full whatever their indexes, so the plan is asked for
  with ``enable_seqscan = off``: a ``Seq Scan`` left in it is one no index could replace.
  That is the weaker check: PostgreSQL then walks a whole index whose second column matches
  rather than scan the table, and that is not told apart here. The statements and schema
  are the same on both databases, so SQLite's check covers them.

What neither catches is an index range as long as the table (every thread of a category, read
to count the unread ones): the benchmarks at 100,000 and 1,000,000 posts are for that.

Only tables that grow with the forum's use count. ``BOUNDED`` lists the others, each with why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

#: Tables read in full on purpose: they are configured by staff, not written by use.
BOUNDED = {
    "categories": "a few dozen, set up by admins; listed whole on the home page",
    "tags": "a curated vocabulary, set up by admins; listed whole on the tags page",
    "groups": "a few dozen, set up by admins; listed whole on the groups page",
    "category_groups": "the groups admins named on each category: a few per category at most",
    "pledge_versions": "one row per published wording of the confidentiality pledge",
    "site_settings": "one row",
    "site_page_versions": "one row per wording of the about, terms and privacy pages",
    "alembic_version": "one row",
    "guidelines": "the guideline register: a few dozen guidelines, added by staff",
    "guideline_versions": "a few versions of each guideline in the register, recorded by staff",
    "webhook_endpoints": "a handful of webhooks, registered by admins; listed whole on their page",
}

_SQLITE_FULL_SCAN = re.compile(r"SCAN (\w+)(?: AS \w+)?")
_WHITESPACE = re.compile(r"\s+")
_READS_OR_WRITES = re.compile(r"\s*(SELECT|WITH|UPDATE|DELETE)\b", re.IGNORECASE)


@dataclass
class Statements:
    """What a block of code sent to the database: each statement with its parameters."""

    sent: list[tuple[str, Any]] = field(default_factory=list)

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if not executemany and _READS_OR_WRITES.match(statement):
            self.sent.append((statement, parameters))


@contextmanager
def statements_sent(engine: Engine) -> Iterator[Statements]:
    """``with statements_sent(db.engine) as sent: ...`` then ``sent.sent``."""
    captured = Statements()
    event.listen(engine, "before_cursor_execute", captured)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", captured)


def full_scans(connection: Connection, statement: str, parameters: Any) -> list[str]:
    """The growing tables ``statement`` would read in full, by name."""
    if connection.dialect.name == "sqlite":
        tables = _sqlite_scans(connection, statement, parameters)
    else:
        tables = _postgres_scans(connection, statement, parameters)
    return sorted(table for table in tables if table not in BOUNDED)


def _sqlite_scans(connection: Connection, statement: str, parameters: Any) -> set[str]:
    raw = connection.connection.driver_connection
    rows = raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
    known = _table_names(connection)
    found = set()
    for row in rows:
        match = _SQLITE_FULL_SCAN.fullmatch(row[3])
        if match and match.group(1) in known:  # not a CTE, subquery or FTS5 table
            found.add(match.group(1))
    return found


def _postgres_scans(connection: Connection, statement: str, parameters: Any) -> set[str]:
    raw = connection.connection.driver_connection
    with raw.transaction(force_rollback=True), raw.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return {node["Relation Name"] for node in _nodes(plan[0]["Plan"]) if _is_seq_scan(node)}


def _is_seq_scan(node: dict[str, Any]) -> bool:
    return node.get("Node Type") == "Seq Scan" and "Relation Name" in node


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _table_names(connection: Connection) -> set[str]:
    rows = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in rows}


def describe(scans: Sequence[tuple[str, list[str]]]) -> str:
    """The failing statements, shortened, for an assertion message."""
    return "\n".join(
        f"- reads all of {', '.join(tables)}: {_WHITESPACE.sub(' ', sql)[:400]}"
        for sql, tables in scans
    )
