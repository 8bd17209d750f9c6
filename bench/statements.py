"""SQL statements per page on a forum, as a demo member sees it: the thread page and the lists.

Usage (from the repository root; the database migrated and seeded, e.g. by ``make run``):

    FORUM_DATABASE_URL=sqlite:///instance/forum.db .venv/bin/python bench/statements.py
    .venv/bin/python bench/statements.py --email tom.oconnell@example.nhs.uk --thread 2

Signs in through the real form (accepting the pledge if asked), visits each page once to warm
the process, then counts the statements of a second visit (BEGIN, PRAGMA and savepoints left
out, as ``tests/conftest.py`` counts them). Run it on two checkouts against one database to
compare them. ``tests/test_page_statement_counts.py`` is what holds every page to a fixed
number as the forum grows; this prints the numbers themselves.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Category, Thread  # noqa: E402
from forum.queries import site as site_reads  # noqa: E402

PAGES = (
    "/", "/latest", "/unread", "/unanswered", "/unsolved", "/my-threads", "/bookmarks",
    "/c/{category}", "/t/{thread}", "/search?q=referral",
)  # fmt: skip
SKIPPED = ("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--email", default="asha.patel@example.nhs.uk")
    parser.add_argument("--password", default="demo-password-2026")
    parser.add_argument("--thread", type=int, default=1, help="the thread page's thread id")
    args = parser.parse_args()
    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False  # it signs in with a test client; it counts reads
    with app.app_context():
        thread = db.session.get(Thread, args.thread)
        if thread is None:
            sys.exit(f"no thread {args.thread}: seed the forum first (make run)")
        category = db.session.scalar(select(Category.slug).where(Category.id == thread.category_id))
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"  # the session cookie is Secure
        _sign_in(client, args.email, args.password)
        for path in PAGES:
            url = path.format(category=category, thread=thread.id)
            client.get(url)  # warm: statements built once, per-process caches
            status, count = _count(client, url)
            print(f"{url:40} {status} {count:3} statements")


def _sign_in(client: Any, email: str, password: str) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
        sys.exit(f"could not sign in as {email}")
    if "/pledge" in (client.get("/").headers.get("Location") or ""):
        html = client.get("/pledge").get_data(as_text=True)
        version = re.search(r'name="version"[^>]*value="([^"]*)"', html) or re.search(
            r'value="([^"]*)"[^>]*name="version"', html
        )
        client.post("/pledge", data={"version": version.group(1) if version else "", "agree": "y"})


def _count(client: Any, url: str) -> tuple[int, int]:
    site_reads.site_settings()  # read once per process and kept: not the page's cost
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if not statement.lstrip().upper().startswith(SKIPPED):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return response.status_code, len(seen)


if __name__ == "__main__":
    main()
