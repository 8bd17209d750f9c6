"""The benchmark's yardstick: the least a Flask app can do to serve a page like the forum's.

One route renders a Jinja page of 50 items (title, author, date, link) from a list built at
start-up: no database, no session, no sign-in. ``bench/run.py`` serves it with the same
gunicorn settings as the forum and reports every forum figure as a ratio to it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).parent / "baseline_templates"))
_NOW = datetime.now(UTC)
ITEMS = [
    {
        "id": n,
        "title": f"Thread number {n} about referral pathways and safety netting",
        "author": f"Member {n % 17}",
        "replies": n * 3 % 41,
        "updated": _NOW - timedelta(minutes=7 * n),
    }
    for n in range(1, 51)
]


@app.get("/")
def index() -> str:
    return render_template("page.html", items=ITEMS)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
