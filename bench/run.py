"""Load benchmark: the forum's pages under wrk, as ratios to a minimal Flask page.

Usage (from the repository root; PostgreSQL on 127.0.0.1:5432):

    .venv/bin/python bench/run.py                      # SQLite and PostgreSQL, 100,000 posts
    .venv/bin/python bench/run.py --only sqlite --reuse
    .venv/bin/python bench/run.py --large              # 1,000,000 posts (slow to seed)
    .venv/bin/python bench/run.py --profile            # also py-spy profiles per scenario

For each database it builds a fresh forum (``db upgrade`` and ``forum seed-bench``; ``--reuse``
keeps one already seeded), serves it with gunicorn (``gunicorn.conf.py``, 2 workers) on
loopback beside the baseline (``bench/baseline.py``, same settings), signs in once as a seeded
member and drives each scenario with wrk, the session cookie in a header. The first scenario,
the signed-in floor, is a member's empty notifications page (a member without notifications,
signed in on its own): the layout and little else, a ratio no other page should beat.
Reads use the normal configuration; the reply scenario needs CSRF and rate limits off, so the
server runs with ``FORUM_WTF_CSRF_ENABLED=false`` and ``FORUM_RATELIMIT_ENABLED=false``. Each
page (the baseline too, not the reply) is timed twice: flat out, then paced at half the rate
it just reached (``bench/wrk/paced.lua``), for the p99 of a server that is not queueing. It
prints one table per database (requests/second and p50/p99 latency, each also as a ratio to
the baseline, and the p99 at half load) and the workers' memory after the run.
docs/benchmarks.md records a run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.servers import (  # noqa: E402 - needs the repository root on the path
    SECRET,
    WORKERS,
    cpu_seconds,
    flask_command,
    forum_environment,
    http_request,
    serve,
    sign_in,
    worker_pids,
    worker_rss_mb,
)

PYTHON = sys.executable
SQLITE_URL = f"sqlite:///{ROOT / 'instance' / 'bench-load.db'}"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/forum_rel_bench"
FORUM_PORT, BASELINE_PORT = 8801, 8802
SEARCH_QUERY = "safety netting"
PROFILES = ROOT / "bench" / "profiles"
PACED_SCRIPT = "bench/wrk/paced.lua"


@dataclass
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int = 0
    #: CPU time per request of the server's workers, and of the PostgreSQL backends serving
    #: them (SQLite runs inside the workers): unlike req/s, barely moved by other work on
    #: the machine, since it counts only these processes' own time.
    app_cpu_ms: float = 0.0
    db_cpu_ms: float = 0.0
    #: The same page paced at half the req/s above (0.0: not paced, as the reply is): the
    #: rate wrk reached and its latencies, with no queue in front of the workers.
    paced_requests_per_second: float = 0.0
    paced_p50_ms: float = 0.0
    paced_p99_ms: float = 0.0

    @property
    def cpu_ms(self) -> float:
        return self.app_cpu_ms + self.db_cpu_ms


@dataclass
class Timing:
    """What one wrk run printed."""

    served: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class Targets:
    email: str
    #: A bench member with no notifications, for the signed-in floor (often ``email`` itself).
    quiet_email: str
    category: str
    long_thread: int
    deep_page: int
    reply_thread: int
    posts: int


@dataclass
class Scenario:
    name: str
    path: str
    #: The member signed in (its session cookie goes to wrk in a header).
    email: str
    #: A wrk script for a request other than a plain GET (such pages are not paced).
    script: str | None = None


@dataclass
class Run:
    backend: str
    baseline: Result
    results: list[Result] = field(default_factory=list)
    worker_rss_mb: list[float] = field(default_factory=list)


# Tools ------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk from Debian, installed with apt-get when missing (root only)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it with `apt-get install -y wrk` (as root).")
    print("--- installing wrk with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    return shutil.which("wrk") or sys.exit("wrk did not install")


def flask(url: str, *args: str) -> str:
    env = {**os.environ, "FORUM_DATABASE_URL": url, "FORUM_SECRET_KEY": SECRET}
    return flask_command(env, *args)


# The database -----------------------------------------------------------------------------


def prepare(url: str, posts: int, reuse: bool) -> None:
    if reuse and _post_count(url) >= posts:
        print(f"--- reusing {url} ({_post_count(url)} posts)")
        _analyze(url)  # earlier runs' replies left dead rows behind
        return
    print(f"--- building {url}")
    _recreate(url)
    flask(url, "db", "upgrade", "heads")
    started = time.perf_counter()
    flask(url, "forum", "seed-bench", "--users", "1000", "--threads", "5000", "--posts", str(posts))
    print(f"    seeded {posts} posts in {time.perf_counter() - started:.0f} s")
    _analyze(url)


def _analyze(url: str) -> None:
    """What autovacuum soon does after a bulk load or a run of replies, and on PostgreSQL
    servers set up for tests (as this machine's is) never does: statistics for the planner,
    and on PostgreSQL a vacuum (dead rows of updated threads gone, the visibility map set,
    so that reading a page of posts skips checking each row)."""
    from sqlalchemy import text

    engine = _engine(url)
    command = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(command))
    engine.dispose()


def _engine(url: str):  # noqa: ANN202 - SQLAlchemy imported lazily
    from sqlalchemy import create_engine

    return create_engine(url)


def _post_count(url: str) -> int:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM posts")).scalar_one()
    except SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def _recreate(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def find_targets(url: str) -> Targets:
    """The pages to time: the busiest category, the longest thread, a typical thread; the
    members: the first bench member, and the first with no notifications (the floor's)."""
    from sqlalchemy import text

    engine = _engine(url)
    with engine.connect() as connection:
        one = lambda sql: connection.execute(text(sql)).first()  # noqa: E731
        email = one("SELECT email FROM users WHERE email LIKE 'bench%' ORDER BY id LIMIT 1")[0]
        quiet = one(
            "SELECT email FROM users u WHERE email LIKE 'bench%' AND NOT EXISTS "
            "(SELECT 1 FROM notifications n WHERE n.user_id = u.id) ORDER BY id LIMIT 1"
        )
        category = one(
            "SELECT c.slug FROM categories c JOIN threads t ON t.category_id = c.id "
            "GROUP BY c.slug ORDER BY count(*) DESC, c.slug LIMIT 1"
        )[0]
        long_thread, length = one(
            "SELECT id, last_post_number FROM threads ORDER BY last_post_number DESC LIMIT 1"
        )
        typical = one(
            "SELECT id FROM threads ORDER BY abs(last_post_number - 20), id LIMIT 1 OFFSET 7"
        )[0]
        posts = one("SELECT count(*) FROM posts")[0]
    engine.dispose()
    if quiet is None:
        sys.exit("every bench member has notifications: no empty page for the signed-in floor")
    pages = -(-length // 20)
    return Targets(email, quiet[0], category, long_thread, max(1, pages * 9 // 10), typical, posts)


# Load -------------------------------------------------------------------------------------

_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    name: str,
    url: str,
    args: argparse.Namespace,
    extra: list[str],
    app_pids: Callable[[], list[int]],
    db_pids: Callable[[], list[int]] = list,
) -> Result:
    """Flat out: the connections send a request as soon as the last one is answered."""
    base = _wrk_command(args, extra)
    subprocess.run([*base, "-d2s", url], capture_output=True, check=True)  # warm-up
    apps, dbs = app_pids(), db_pids()
    app_before, db_before = cpu_seconds(apps), cpu_seconds(dbs)
    timing = _run_wrk([*base, f"-d{args.duration}s", url])
    app_cpu, db_cpu = cpu_seconds(apps) - app_before, cpu_seconds(dbs) - db_before
    served = timing.served or 1
    return Result(
        name,
        timing.requests_per_second,
        timing.p50_ms,
        timing.p99_ms,
        timing.errors,
        app_cpu_ms=app_cpu * 1000 / served,
        db_cpu_ms=db_cpu * 1000 / served,
    )


def pace(result: Result, url: str, args: argparse.Namespace, extra: list[str]) -> None:
    """Time the page again at half the rate just measured: its latency without a queue.

    Same connections and duration; ``bench/wrk/paced.lua`` spaces the requests evenly at the
    rate given (wrk's ``delay()``), whatever the page's latency.
    """
    if result.requests_per_second <= 0:
        return
    target = f"{result.requests_per_second / 2:.3f}"
    command = [*_wrk_command(args, [*extra, "-s", PACED_SCRIPT]), f"-d{args.duration}s", url]
    timing = _run_wrk(command, {**os.environ, "WRK_RATE": target})
    result.paced_requests_per_second = timing.requests_per_second
    result.paced_p50_ms, result.paced_p99_ms = timing.p50_ms, timing.p99_ms
    result.errors += timing.errors


def _wrk_command(args: argparse.Namespace, extra: list[str]) -> list[str]:
    return ["wrk", "-t1", f"-c{args.connections}", "--latency", "--timeout", "10s", *extra]


def _run_wrk(command: list[str], env: dict[str, str] | None = None) -> Timing:
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    latencies = {p: float(v) * _UNITS[u] for p, v, u in _LATENCY.findall(output)}
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    count = int(errors.group(1)) if errors else 0
    count += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return Timing(
        int(re.search(r"(\d+) requests in", output).group(1)),
        float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        latencies["50"],
        latencies["99"],
        count,
    )


def postgres_backends(url: str) -> Callable[[], list[int]]:
    """The server processes connected to the bench database (none for SQLite)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    if make_url(url).get_backend_name() == "sqlite":
        return list

    def pids() -> list[int]:
        engine = _engine(url)
        try:
            with engine.connect() as connection:
                return list(
                    connection.execute(
                        text(
                            "SELECT pid FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        )
                    ).scalars()
                )
        finally:
            engine.dispose()

    return pids


def scenarios(targets: Targets) -> list[Scenario]:
    """The pages to time, in order.

    The first is the signed-in floor: a member's notifications page with none to list, i.e.
    the site's layout, the sign-in and two small queries (a count and an empty list).
    """
    query = urlencode({"q": SEARCH_QUERY})
    member, thread, deep = targets.email, targets.long_thread, targets.deep_page
    return [
        Scenario("signed-in floor (empty notifications)", "/notifications", targets.quiet_email),
        Scenario("home", "/", member),
        Scenario("busy category", f"/c/{targets.category}", member),
        Scenario("thread, first page", f"/t/{thread}", member),
        Scenario(f"thread, page {deep}", f"/t/{thread}?page={deep}", member),
        Scenario(f"search '{SEARCH_QUERY}'", f"/search?{query}", member),
        Scenario("post a reply", f"/t/{targets.reply_thread}/reply", member, "bench/wrk/reply.lua"),
    ]


def _check_page(path: str, cookie: str, script: str | None) -> None:
    if script:
        return
    status = http_request(FORUM_PORT, "GET", path, cookie=cookie)[0]
    if status != 200:
        sys.exit(f"{path} answered {status}, not 200: the benchmark would time the wrong page")


@contextmanager
def profiling(enabled: bool, process: subprocess.Popen, name: str, seconds: int) -> Iterator[None]:
    if not enabled:
        yield
        return
    if shutil.which("py-spy") is None and not (Path(PYTHON).parent / "py-spy").exists():
        sys.exit("--profile needs py-spy: pip install -r requirements-dev.txt")
    PROFILES.mkdir(exist_ok=True)
    target = PROFILES / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.txt"
    worker = worker_pids(process)[0]
    spy = subprocess.Popen(
        [
            shutil.which("py-spy") or str(Path(PYTHON).parent / "py-spy"),
            "record",
            "--pid",
            str(worker),
            "--duration",
            str(seconds + 2),
            "--format",
            "raw",
            "--output",
            str(target),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        spy.wait(seconds + 30)


def measure(backend: str, url: str, args: argparse.Namespace) -> Run:
    targets = find_targets(url)
    logs = ROOT / "instance"
    forum_log, baseline_log = logs / "bench-forum.log", logs / "bench-baseline.log"
    with (
        serve("wsgi:app", FORUM_PORT, forum_environment(url), forum_log) as forum,
        serve("bench.baseline:app", BASELINE_PORT, dict(os.environ), baseline_log) as base,
    ):
        base_url = f"http://127.0.0.1:{BASELINE_PORT}/"
        baseline = wrk("baseline", base_url, args, [], lambda: worker_pids(base))
        pace(baseline, base_url, args, [])
        _print(baseline)
        run = Run(backend, baseline)
        cookies: dict[str, str] = {}
        for scenario in scenarios(targets):
            if scenario.email not in cookies:
                cookies[scenario.email] = sign_in(FORUM_PORT, scenario.email)
            _check_page(scenario.path, cookies[scenario.email], scenario.script)
            result = _scenario(forum, backend, url, scenario, cookies[scenario.email], args)
            run.results.append(result)
            _print(result)
        run.worker_rss_mb = worker_rss_mb(forum)
    return run


def _scenario(
    forum: subprocess.Popen,
    backend: str,
    url: str,
    scenario: Scenario,
    cookie: str,
    args: argparse.Namespace,
) -> Result:
    """One forum page flat out (profiled with --profile), then, for a plain GET, paced."""
    extra = ["-H", f"Cookie: {cookie}"]
    page = f"http://127.0.0.1:{FORUM_PORT}{scenario.path}"
    script = ["-s", scenario.script] if scenario.script else []
    with profiling(args.profile, forum, f"{backend} {scenario.name}", args.duration):
        result = wrk(
            scenario.name,
            page,
            args,
            extra + script,
            lambda: worker_pids(forum),
            postgres_backends(url),
        )
    if not scenario.script:
        pace(result, page, args, extra)
    return result


def _print(result: Result) -> None:
    paced = (
        f"; at half load ({result.paced_requests_per_second:.0f} req/s) "
        f"p50 {result.paced_p50_ms:.1f} ms, p99 {result.paced_p99_ms:.1f} ms"
        if result.paced_p99_ms
        else ""
    )
    print(
        f"    {result.name}: {result.requests_per_second:.0f} req/s, "
        f"p99 {result.p99_ms:.1f} ms, {result.cpu_ms:.2f} ms CPU per request{paced}"
    )


# Report -----------------------------------------------------------------------------------


def report(run: Run, posts: int, args: argparse.Namespace) -> str:
    base = run.baseline
    lines = [
        f"#### {run.backend}, {posts:,} posts",
        "",
        f"wrk: 1 thread, {args.connections} connections, {args.duration} s per scenario, then "
        f"{args.duration} s paced at half the rate reached; gunicorn: {WORKERS} sync workers.",
        "",
        "| page | req/s | × baseline | p50 ms | p99 ms | p99 × baseline | p99 ms at half load "
        "| errors | CPU ms per request (app + database) | × baseline, by CPU |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        _row(base, base),
        *(_row(result, base) for result in run.results),
        "",
        f"Worker memory after the run: {', '.join(f'{mb:.0f} MB' for mb in run.worker_rss_mb)} "
        "(resident set size). The last column is the baseline's CPU time per request divided by "
        "the page's (its own workers' and database backends'): the throughput ratio the page "
        "would reach with the machine to itself. p99 at half load: wrk paced at half the "
        "page's req/s (the reply is not paced); the other latencies are at saturation, where "
        "requests queue for the workers.",
    ]
    return "\n".join(lines)


def _row(result: Result, base: Result) -> str:
    paced = f"{result.paced_p99_ms:.1f}" if result.paced_p99_ms else "–"
    return (
        f"| {result.name} | {result.requests_per_second:,.0f} | "
        f"{result.requests_per_second / base.requests_per_second:.2f} | {result.p50_ms:.1f} | "
        f"{result.p99_ms:.1f} | {result.p99_ms / base.p99_ms:.1f} | {paced} | {result.errors} | "
        f"{result.app_cpu_ms:.2f} + {result.db_cpu_ms:.2f} | {base.cpu_ms / result.cpu_ms:.2f} |"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--large", action="store_true", help="1,000,000 posts, not 100,000")
    parser.add_argument("--reuse", action="store_true", help="keep a database already seeded")
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument("--profile", action="store_true", help=f"py-spy profiles to {PROFILES}")
    parser.add_argument("--sqlite-url", default=SQLITE_URL)
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    ensure_wrk()
    posts = 1_000_000 if args.large else 100_000
    backends = {"SQLite": args.sqlite_url, "PostgreSQL": args.postgres_url}
    if args.only:
        backends = {k: v for k, v in backends.items() if k.lower() == args.only}
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    reports, figures = [], {}
    for backend, url in backends.items():
        prepare(url, posts, args.reuse)
        print(f"--- measuring {backend}")
        run = measure(backend, url, args)
        reports.append(report(run, posts, args))
        figures[backend] = {
            "baseline": vars(run.baseline),
            "results": [vars(r) for r in run.results],
            "worker_rss_mb": run.worker_rss_mb,
        }
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("\n\n".join(reports))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
