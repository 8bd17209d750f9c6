"""Template globals and filters."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from flask import Flask
from markupsafe import Markup, escape

from forum import policy


def timeago(value: datetime | None, now: datetime | None = None) -> str:
    """A short relative time: "just now", "5 min ago", "3 days ago", or the date."""
    if value is None:
        return ""
    seconds = int(((now or datetime.now(UTC)) - value).total_seconds())
    if seconds < 60:
        return "just now"
    for unit, size in (("min", 60), ("hour", 3600), ("day", 86400)):
        count = seconds // size
        if (
            unit == "min"
            and count < 60
            or unit == "hour"
            and count < 24
            or unit == "day"
            and count < 30
        ):
            suffix = "" if count == 1 or unit == "min" else "s"
            return f"{count} {unit}{suffix} ago"
    return value.strftime("%-d %b %Y")


def time_parts(value: datetime, now: datetime | None = None) -> tuple[str, str, str]:
    """The machine-readable date, the full date and the relative label of ``value``."""
    return (*_absolute(value), timeago(value, now))


@lru_cache(maxsize=4096)
def _absolute(value: datetime) -> tuple[str, str]:
    """A list or thread page shows the same few dozen times on every view: format them once."""
    return value.isoformat(timespec="seconds"), value.strftime("%-d %B %Y at %H:%M UTC")


def time_element(iso: str, full: str, label: str) -> Markup:
    """The <time> element of a time's three parts (``time_parts``)."""
    return Markup(f'<time datetime="{escape(iso)}" title="{escape(full)}">{escape(label)}</time>')


def time_tag(value: datetime | None) -> Markup:
    """A <time> element with the machine-readable date and a readable relative label."""
    if value is None:
        return Markup("")
    return time_element(*time_parts(value))


def register(app: Flask) -> None:
    from forum.cards import threads as thread_cards

    app.jinja_env.filters["timeago"] = timeago
    app.jinja_env.globals["time_tag"] = time_tag
    app.jinja_env.globals["thread_rows"] = thread_cards.rows
    app.jinja_env.globals["policy"] = policy
    app.jinja_env.globals["site_name"] = lambda: app.config["SITE_NAME"]
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
