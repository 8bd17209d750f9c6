"""Who reads /insight, as a table without HTTP: staff every alliance, a lead their own, nobody
else anything."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from forum.models import Role
from forum.policy import ANONYMOUS, can_view_insight, insight_alliances


def _actor(role: str = Role.MEMBER, *, leads: bool = False, alliance: str = "Wessex", **extra):
    return SimpleNamespace(
        id=7, role=role, is_authenticated=True, is_active=True, leads_alliance=leads,
        alliance=alliance, silenced_until=None, **extra,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("actor", "may", "alliances"),
    [
        (ANONYMOUS, False, frozenset()),
        (_actor(), False, frozenset()),
        (_actor(leads=True), True, frozenset({"Wessex"})),
        (_actor(leads=True, alliance=""), False, frozenset()),
        (_actor(leads=True, alliance="Atlantis"), False, frozenset()),
        (_actor(Role.MODERATOR), True, None),
        (_actor(Role.ADMIN, alliance=""), True, None),
        (SimpleNamespace(**{**vars(_actor(leads=True)), "is_active": False}), False, frozenset()),
    ],
    ids=["anonymous", "member", "lead", "lead-without-alliance", "lead-unknown-alliance",
         "moderator", "admin", "deactivated-lead"],
)  # fmt: skip
def test_who_reads_the_dashboards(actor, may: bool, alliances) -> None:
    assert can_view_insight(actor) is may
    assert insight_alliances(actor) == alliances
