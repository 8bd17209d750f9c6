"""Programme insight benchmark: each /insight page at 1,000,000 posts, on SQLite and PostgreSQL.

Usage (from the repository root; the databases must hold a forum seeded with ``forum
seed-bench``, e.g. the ones ``bench/search.py`` builds; they are upgraded and changed):

    .venv/bin/python bench/insight.py --sqlite sqlite:///instance/bench-search.db \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/forum_search_bench

For each database it upgrades to the latest migration, gives members without a Cancer
Alliance one (by id, with one in 22 left without, as on a real forum), tags one thread in
fifty, rebuilds the rollups with ``rebuild_insight()`` (timed), runs ANALYZE, then signs in
as a member of staff and as an Alliance lead and times each dashboard page through the
app's test client (routing, sign-in, queries, template: everything but the socket).

The baseline, timed in the same rounds, is ``bench/baseline.py``'s page (a Jinja list of 50
items, no database) through its own test client: each page is reported as its median and p95
in milliseconds and as its median divided by the baseline's, which cancels most of the
shared machine's changes of speed. One warm-up round, then ``--runs`` rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text, update  # noqa: E402

from bench.baseline import app as baseline_app  # noqa: E402
from forum import create_app  # noqa: E402
from forum.alliances import ALLIANCES  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Group, InsightQuestion, Role, Tag, ThreadTag, User  # noqa: E402
from forum.policy import SYSTEM  # noqa: E402
from forum.services.groups import admin as groups  # noqa: E402
from forum.services.groups import members as group_members  # noqa: E402
from forum.services.insight import rebuild  # noqa: E402
from forum.services.membership import accounts, pledge  # noqa: E402

PASSWORD = "bench-insight-password-2026"
TARGET_MS = 200.0


def _alliances() -> None:
    """Members without an alliance get one by id (one in 22 keeps none)."""
    for i, name in enumerate(ALLIANCES):
        db.session.execute(
            update(User)
            .where(User.alliance == "", User.id % (len(ALLIANCES) + 1) == i)
            .values(alliance=name)
        )


def _tags() -> None:
    """One thread in fifty tagged with one of ten tags, if no thread is tagged yet."""
    if db.session.scalar(select(func.count()).select_from(ThreadTag)):
        return
    tags = []
    for n in range(10):
        tag = db.session.scalar(select(Tag).where(Tag.slug == f"insight-bench-{n}"))
        if tag is None:
            tag = Tag(name=f"Insight bench {n}", slug=f"insight-bench-{n}")
            db.session.add(tag)
        tags.append(tag)
    db.session.flush()
    for n, tag in enumerate(tags):
        db.session.execute(
            text(
                "INSERT INTO thread_tags (thread_id, tag_id) SELECT id, :tag FROM threads "
                "WHERE id % 500 = :n * 50 % 500"
            ),
            {"tag": tag.id, "n": n},
        )


def _person(email: str, role: str, alliance: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = accounts.create_user(
            SYSTEM, email=email, display_name=email.split("@")[0], role=role, password=PASSWORD
        )
    user.alliance = alliance
    version = pledge.current_version()
    if version is not None:
        pledge.accept_pledge(user, user, version)
    return user


def _lead() -> User:
    lead = _person("insight-lead@example.org", Role.MEMBER, ALLIANCES[0])
    group = db.session.scalar(select(Group).where(Group.handle == "insight-bench-leads"))
    if group is None:
        group = groups.create_group(
            SYSTEM, name="Insight bench leads", handle="insight-bench-leads", leads_alliance=True
        )
        group_members.add_member(SYSTEM, group, lead)
    return lead


def _analyze() -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def prepare(app: Flask, skip_rebuild: bool) -> dict[str, object]:
    """Upgrade, add alliances and tags, rebuild the rollups; what the report needs."""
    with app.app_context():
        upgrade(revision="heads")
        _alliances()
        _tags()
        _person("insight-staff@example.org", Role.ADMIN, "")
        _lead()
        db.session.commit()
        started = time.perf_counter()
        done = {} if skip_rebuild else rebuild.rebuild_insight()
        db.session.commit()
        seconds = time.perf_counter() - started
        _analyze()
        posts = db.session.scalar(text("SELECT count(*) FROM posts"))
        first, last = db.session.execute(
            select(func.min(InsightQuestion.asked_at), func.max(InsightQuestion.asked_at))
        ).one()
        db.session.remove()
    return {"posts": posts, "rebuilt": done, "seconds": seconds, "first": first, "last": last}


def pages(first_day: date, last_day: date) -> list[tuple[str, str]]:
    """(name, path) of each page timed. seed-bench starts its threads in the first weeks of
    its 2.9 years (replies then fill the rest), so the busiest ranges start on the first day
    with a question; "3 years" ends on the last and holds every question."""
    month = f"start={first_day}&end={first_day + timedelta(days=27)}"
    year = f"start={first_day}&end={first_day + timedelta(days=364)}"
    years = f"start={last_day - timedelta(days=3 * 365)}&end={last_day}"
    return [
        ("overview, 28 days", f"/insight?{month}"),
        ("overview, 365 days", f"/insight?{year}"),
        ("overview, 3 years", f"/insight?{years}"),
        ("overview, 365 days, a category", f"/insight?{year}&category=1"),
        ("topics, 365 days", f"/insight/topics?{year}"),
        ("unanswered, 365 days", f"/insight/unanswered?{year}"),
        ("alliances.csv, 365 days", f"/insight/alliances.csv?{year}"),
    ]


def _client(app: Flask, email: str):  # noqa: ANN202
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    return client


def measure(app: Flask, days: tuple[date, date], runs: int) -> dict[str, list[float]]:
    """Milliseconds per request, by page (and ``baseline``), over ``runs`` timed rounds."""
    readers = {"staff": _client(app, "insight-staff@example.org"),
               "lead": _client(app, "insight-lead@example.org")}  # fmt: skip
    base = baseline_app.test_client()
    targets = [(f"{who}: {name}", readers[who], path)
               for who in readers for name, path in pages(*days)]  # fmt: skip
    samples: dict[str, list[float]] = {"baseline": []}
    for round_number in range(runs + 1):
        for name, client, path in [("baseline", base, "/"), *targets]:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (name, response.status_code)
            if round_number:
                samples.setdefault(name, []).append(elapsed)
    return samples


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def report(name: str, prepared: dict[str, object], samples: dict[str, list[float]]) -> str:
    base = statistics.median(samples["baseline"])
    rebuilt = ", ".join(f"{n:,} {k}" for k, n in prepared["rebuilt"].items())
    lines = [
        f"### {name}: {prepared['posts']:,} posts",
        "",
        f"Rollups rebuilt in {prepared['seconds']:.1f} s ({rebuilt or 'skipped'}); "
        f"baseline median {base:.2f} ms; load average {os.getloadavg()[0]:.1f}.",
        "",
        "| page | median ms | p95 ms | median × baseline | under 200 ms |",
        "|---|---|---|---|---|",
    ]
    for page, values in samples.items():
        if page == "baseline":
            continue
        median = statistics.median(values)
        ok = "yes" if _p95(values) < TARGET_MS else "no"
        lines.append(f"| {page} | {median:.1f} | {_p95(values):.1f} | {median / base:.1f} | {ok} |")
    return "\n".join(lines)


def run(name: str, url: str, args: argparse.Namespace) -> str:
    app = create_app(
        "config.DevelopmentConfig",
        SQLALCHEMY_DATABASE_URI=url,
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=False,
        STAFF_2FA_REQUIRED=False,
    )
    print(f"=== {name}: {url}", flush=True)
    prepared = prepare(app, args.skip_rebuild)
    days = (prepared["first"].date(), prepared["last"].date())
    with app.app_context():
        samples = measure(app, days, args.runs)
        db.session.remove()
    text_report = report(name, prepared, samples)
    print(text_report, flush=True)
    return text_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", help="SQLAlchemy URL of a seeded SQLite forum")
    parser.add_argument("--postgres", help="SQLAlchemy URL of a seeded PostgreSQL forum")
    parser.add_argument("--runs", type=int, default=15, help="timed rounds (after one warm-up)")
    parser.add_argument("--skip-rebuild", action="store_true", help="keep the rollups as they are")
    args = parser.parse_args()
    reports = [run(name, url, args) for name, url in (("SQLite", args.sqlite),
               ("PostgreSQL", args.postgres)) if url]  # fmt: skip
    print("\n\n".join(reports))


if __name__ == "__main__":
    main()
