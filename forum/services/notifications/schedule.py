"""When a member's email may go out: delivery windows, quiet days and digest times.

Pure functions of UTC times and a member's choices. Members choose in UK time (clinics run on
it), so every rule is applied in Europe/London, summer time included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAY_MINUTES = 24 * 60
ALL_DAYS = 0b1111111
WEEKDAYS = 0b0011111
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class EmailChoices(Protocol):
    email_days: int
    window_start: int
    window_end: int
    digest: str
    digest_time: int
    digest_weekday: int


def local(now: datetime) -> datetime:
    return now.astimezone(LONDON)


def minutes_of(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def clock(minutes: int) -> time:
    """``minutes`` after midnight as a time of day (24:00 reads as 23:59)."""
    minutes = max(0, min(minutes, DAY_MINUTES - 1))
    return time(minutes // 60, minutes % 60)


def is_email_day(days: int, day: date) -> bool:
    return bool(days & (1 << day.weekday()))


def in_window(choices: EmailChoices, now: datetime) -> bool:
    """May email go out at ``now``? A window like 18:30 to 07:00 runs past midnight; the
    early hours then belong to the evening before, and its day must be an email day."""
    moment = local(now)
    minute = minutes_of(moment.time())
    start, end = choices.window_start, choices.window_end
    if start == end or (start == 0 and end >= DAY_MINUTES):
        return is_email_day(choices.email_days, moment.date())
    if start < end:
        return start <= minute < end and is_email_day(choices.email_days, moment.date())
    if minute >= start:
        return is_email_day(choices.email_days, moment.date())
    if minute < end:
        return is_email_day(choices.email_days, moment.date() - timedelta(days=1))
    return False


def _at(day: date, minutes: int) -> datetime:
    """``minutes`` after midnight UK time on ``day``, in UTC."""
    return datetime.combine(day, clock(minutes), tzinfo=LONDON).astimezone(UTC)


@dataclass(frozen=True)
class DigestPeriod:
    """One digest: what it covers, ``start`` to ``end`` (when it is due), and its key."""

    start: datetime
    end: datetime
    key: str


def _digest_days(choices: EmailChoices) -> int:
    if choices.digest == "weekly":
        return 1 << (choices.digest_weekday % 7)
    return choices.email_days


def _scheduled_before(choices: EmailChoices, moment: datetime, *, strictly: bool) -> datetime:
    """The latest digest time at or before ``moment`` (before it, if ``strictly``)."""
    days = _digest_days(choices) or ALL_DAYS
    day = local(moment).date()
    for back in range(15):
        candidate = _at(day - timedelta(days=back), choices.digest_time)
        due = candidate < moment if strictly else candidate <= moment
        if due and is_email_day(days, local(candidate).date()):
            return candidate
    raise ValueError("no digest day in the last two weeks")  # unreachable: days is not empty


def latest_digest(choices: EmailChoices, now: datetime) -> DigestPeriod | None:
    """The most recent digest due at or before ``now``, or None when digests are off.

    It covers everything since the digest before it, so a quiet day's news waits for the next
    digest instead of being lost.
    """
    if choices.digest not in ("daily", "weekly"):
        return None
    end = _scheduled_before(choices, now, strictly=False)
    start = _scheduled_before(choices, end, strictly=True)
    key = f"{choices.digest}:{local(end).date().isoformat()}"
    return DigestPeriod(start=start, end=end, key=key)


def describe_days(days: int) -> str:
    """ "every day", "weekdays", or the day names."""
    if days & ALL_DAYS == ALL_DAYS:
        return "every day"
    if days & ALL_DAYS == WEEKDAYS:
        return "weekdays"
    names = [name for n, name in enumerate(DAY_NAMES) if days & (1 << n)]
    return ", ".join(names) or "no days"
