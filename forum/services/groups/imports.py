"""Adding members to a group from a CSV file of email addresses, with a line-by-line report.

Any CSV a spreadsheet saves works: each line's first cell holding an "@" is its address, a
first line without one is taken for a heading, and blank lines are skipped. Nothing in the file
can fail the import as a whole except its not being text: every other line is reported with
what became of it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Group, User
from forum.policy import Actor, can_manage_groups, require
from forum.services.groups.members import add_members, closed_reason, member_ids

MAX_BYTES = 512 * 1024
MAX_LINES = 5000
EMAIL_MAX = 254

ADDED, ALREADY, UNMATCHED, SKIPPED = "added", "already", "unmatched", "skipped"


@dataclass(frozen=True)
class ImportLine:
    number: int
    text: str
    outcome: str
    detail: str


@dataclass
class ImportReport:
    lines: list[ImportLine] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def unmatched(self) -> list[ImportLine]:
        return [line for line in self.lines if line.outcome == UNMATCHED]


def decode(data: bytes) -> str:
    """The file's text; refused when it is empty, too big or not UTF-8 (or Windows) text."""
    if not data.strip():
        raise ServiceError("The file is empty: it needs one email address a line.", "file")
    if len(data) > MAX_BYTES:
        raise ServiceError("The file is larger than 512 KB; split it into smaller files.", "file")
    if b"\x00" in data:
        raise ServiceError("That is not a text file: save the list as CSV and try again.", "file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _cells(text: str) -> Iterator[tuple[int, str, str | None]]:
    """(line number, the line as typed, its address or None) for each non-blank line."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise ServiceError(f"The file has more than {MAX_LINES:,} lines; split it.", "file")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        row = next(csv.reader([line]), [])
        address = next((cell.strip().strip("<>") for cell in row if "@" in cell), None)
        yield number, line.strip()[:200], address


def import_members(actor: Actor, group: Group, data: bytes) -> ImportReport:
    """Add the members whose email addresses the CSV ``data`` holds; report every line."""
    require(can_manage_groups(actor))
    rows = list(_cells(decode(data)))
    wanted = {address.lower() for _, _, address in rows if address and len(address) <= EMAIL_MAX}
    found = _members_by_email(wanted)
    present = member_ids(group)
    report, seen, to_add = ImportReport(), {}, []
    for number, text, address in rows:
        if address is None and number == rows[0][0]:
            report.lines.append(ImportLine(number, text, SKIPPED, "a heading, skipped"))
            continue
        line = _judge(number, text, address, found, present, seen)
        if line.outcome == ADDED:
            to_add.append(found[address.lower()])  # type: ignore[union-attr]
        report.lines.append(line)
    add_members(actor, group, to_add, how="from a list")
    return report


def _members_by_email(addresses: set[str]) -> dict[str, User]:
    if not addresses:
        return {}
    stmt = select(User).where(func.lower(User.email).in_(sorted(addresses)))
    return {user.email.lower(): user for user in db.session.scalars(stmt)}


def _judge(
    number: int,
    text: str,
    address: str | None,
    found: dict[str, User],
    present: set[int],
    seen: dict[str, int],
) -> ImportLine:
    def line(outcome: str, detail: str) -> ImportLine:
        return ImportLine(number, text, outcome, detail)

    if address is None:
        return line(UNMATCHED, "no email address on this line")
    key = address.lower()
    if key in seen:
        return line(UNMATCHED, f"the same address as line {seen[key]}")
    seen[key] = number
    user = found.get(key)
    if user is None:
        return line(UNMATCHED, "no member has this email address")
    if reason := closed_reason(user):
        return line(UNMATCHED, f"{user.display_name}: {reason}")
    if user.id in present:
        return line(ALREADY, f"{user.display_name} is already in the group")
    return line(ADDED, f"{user.display_name} added")
