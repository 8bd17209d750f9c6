"""Times as cards and pages show them: a <time> element with the full date and a relative label."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape


def timeago(value: datetime | None, now: datetime | None = None) -> str:
    """A short relative time: "just now", "5 min ago", "3 days ago", or the date (also for a
    time to come, such as a review date)."""
    if value is None:
        return ""
    seconds = int(((now or datetime.now(UTC)) - value).total_seconds())
    if seconds < -60:
        return value.strftime("%-d %b %Y")
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


#: The forum's members work in the UK: staff screens show UK time, summer time included.
UK = ZoneInfo("Europe/London")


def uk_time_tag(value: datetime | None) -> Markup:
    """A <time> element showing ``value`` in UK time to the second, date and time kept whole:
    "7 Dec 2026 11:42:05 GMT"."""
    if value is None:
        return Markup("")
    local = value.astimezone(UK)
    part = '<span class="audit-when">{}</span>'
    return Markup(f'<time datetime="{{}}">{part} {part}</time>').format(
        value.astimezone(UTC).isoformat(timespec="seconds"),
        local.strftime("%-d %b %Y"),
        local.strftime("%H:%M:%S %Z"),
    )
