"""When confirmed identifiers combine: two or more kinds that point at a person, together.

A date of birth, a postcode or a titled name alone is everyday clinical talk and rarely
identifies anyone; two of them together narrow the field to one person (the "motivated
intruder" test). A post whose writer confirms two or more of these kinds is held for a
moderator's confidentiality check before anyone else can read it. The rule is about kinds,
never about particular strings: docs/confidentiality.md.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Each detector kind that points at a person, and the identity it stands for. Kinds mapping
#: to the same identity count once (none do yet: the table leaves room for, say, an address).
IDENTITY_KINDS: dict[str, str] = {
    "titled_name": "name",
    "date_of_birth": "date of birth",
    "postcode": "address",
    "hospital_number": "hospital number",
    "phone": "phone number",
    "email": "email address",
    # It identifies a person alone; as one kind among the others it also counts towards a
    # combination (a name with an NI number is held, whoever it names).
    "ni_number": "National Insurance number",
}
#: How many different identities make a combination.
COMBINATION = 2
#: Every confidentiality hold's reason starts with this (cards and views tell it apart from
#: a hold for a watched word or a new member's first posts by it).
HOLD_PREFIX = "Awaiting a confidentiality check"


def identities(kinds: Iterable[str]) -> list[str]:
    """The different identities ``kinds`` stand for, in the table's order."""
    found = {IDENTITY_KINDS[kind] for kind in kinds if kind in IDENTITY_KINDS}
    return [name for name in dict.fromkeys(IDENTITY_KINDS.values()) if name in found]


def combines(kinds: Iterable[str]) -> bool:
    """Do ``kinds`` (confirmed in one post, its title included) together point at a person?"""
    return len(identities(kinds)) >= COMBINATION


def listed(kinds: Iterable[str]) -> str:
    """The identities of ``kinds`` in a phrase: "a name, date of birth and address"."""
    names = identities(kinds)
    together = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
    article = "an" if together[:1] in ("a", "e", "i", "o", "u") else "a"
    return f"{article} {together}" if together else "details"


def hold_reason(kinds: Iterable[str]) -> str:
    """What moderators read on a post held because ``kinds`` combine."""
    return f"{HOLD_PREFIX}: the writer confirmed {listed(kinds)} together."


def detail(reason: str) -> str:
    """A check hold's reason without its opening words ("The writer confirmed ...")."""
    rest = reason.removeprefix(HOLD_PREFIX).lstrip(": ")
    return rest[:1].upper() + rest[1:]


def is_check_hold(reason: str | None) -> bool:
    """Was a post held (``held_reason``) for a confidentiality check?"""
    return bool(reason) and str(reason).startswith(HOLD_PREFIX)
