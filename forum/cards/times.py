"""Times as cards and pages show them: a <time> element with the full date and a relative label."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from markupsafe import Markup, escape


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
