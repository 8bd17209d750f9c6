"""The search thesaurus: staff add, change and remove groups of equivalent terms.

Every change is audited and bumps the thesaurus's version, so each process reloads it with
its next search; nothing is reindexed (docs/search.md#the-thesaurus).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from sqlalchemy import select, update

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import ThesaurusGroup, ThesaurusState, ThesaurusTerm, utcnow
from forum.models.thesaurus import TERM_MAX
from forum.policy import Actor, can_manage_search_terms, require
from forum.search import thesaurus
from forum.services import audit

#: Most terms in one group (each search term expands to at most this many).
MAX_TERMS = 12
NOTE_MAX = 200
_SEPARATORS = re.compile(r"[,;|\n]+")


def parse_terms(typed: str) -> list[str]:
    """The terms typed in the form (separated by commas, semicolons, bars or lines), each
    ``thesaurus.normalise``d, without repeats."""
    terms = (thesaurus.normalise(part) for part in _SEPARATORS.split(typed or ""))
    return list(dict.fromkeys(term for term in terms if term))


def _checked(typed: str, group_id: int | None) -> list[str]:
    terms = parse_terms(typed)
    if len(terms) < 2:
        raise ServiceError(
            "Give at least two terms that mean the same, e.g. 2WW, two week wait.", "terms"
        )
    if len(terms) > MAX_TERMS:
        raise ServiceError(f"Keep a group to {MAX_TERMS} terms or fewer.", "terms")
    for term in terms:
        if len(term) > TERM_MAX:
            raise ServiceError(f"Keep each term to {TERM_MAX} characters or fewer.", "terms")
        if not thesaurus.key(term):
            raise ServiceError(
                f"“{term}” has only very common words, which search leaves out.", "terms"
            )
    clash = db.session.execute(
        select(ThesaurusTerm.term, ThesaurusGroup.note)
        .join(ThesaurusGroup, ThesaurusGroup.id == ThesaurusTerm.group_id)
        .where(ThesaurusTerm.term.in_(terms), ThesaurusTerm.group_id != (group_id or 0))
        .limit(1)
    ).first()
    if clash is not None:
        raise ServiceError(
            f"“{clash.term}” is already in the group “{clash.note or clash.term}”: a term "
            "can be in one group only.",
            "terms",
        )
    return terms


def _set_terms(group: ThesaurusGroup, terms: Iterable[str]) -> None:
    group.terms.clear()
    db.session.flush()  # the old terms go before the new ones take their unique names
    group.terms.extend(ThesaurusTerm(term=term, position=n) for n, term in enumerate(terms))


def _bump() -> None:
    """A new version, drawn at random (a number never seen before, even where the row was
    deleted and made again): every process reloads the thesaurus with its next search."""
    version = secrets.randbelow(2**31 - 2) + 1
    changed = db.session.execute(
        update(ThesaurusState).where(ThesaurusState.id == 1).values(version=version)
    ).rowcount
    if not changed:
        db.session.add(ThesaurusState(id=1, version=version))
    db.session.flush()


def _described(group: ThesaurusGroup) -> dict[str, object]:
    return {"note": group.note, "terms": [t.term for t in group.terms]}


def create_group(actor: Actor, *, terms: str, note: str = "") -> ThesaurusGroup:
    require(can_manage_search_terms(actor))
    checked = _checked(terms, None)
    group = ThesaurusGroup(note=" ".join(note.split())[:NOTE_MAX])
    db.session.add(group)
    _set_terms(group, checked)
    db.session.flush()
    _bump()
    audit.record(actor, "search_terms.create", target=group, after=_described(group))
    return group


def update_group(
    actor: Actor, group: ThesaurusGroup, *, terms: str, note: str = ""
) -> ThesaurusGroup:
    require(can_manage_search_terms(actor))
    checked = _checked(terms, group.id)
    before = _described(group)
    group.note = " ".join(note.split())[:NOTE_MAX]
    group.updated_at = utcnow()
    _set_terms(group, checked)
    db.session.flush()
    _bump()
    audit.record(actor, "search_terms.update", target=group, before=before, after=_described(group))
    return group


def delete_group(actor: Actor, group: ThesaurusGroup) -> None:
    require(can_manage_search_terms(actor))
    audit.record(actor, "search_terms.delete", target=group, before=_described(group))
    db.session.delete(group)
    db.session.flush()
    _bump()


def load_seeded(actor: Actor) -> int:
    """Add the seeded groups (``forum/data/search_terms.txt``) whose terms are all free (for
    an install that removed them, and for tests); how many were added."""
    require(can_manage_search_terms(actor))
    taken = set(db.session.scalars(select(ThesaurusTerm.term)))
    added = 0
    for note, terms in thesaurus.seed_groups():
        if taken.isdisjoint(terms):
            group = ThesaurusGroup(note=note)
            db.session.add(group)
            group.terms.extend(ThesaurusTerm(term=t, position=n) for n, t in enumerate(terms))
            taken.update(terms)
            added += 1
    db.session.flush()
    _bump()
    if added:
        audit.record(actor, "search_terms.seed", after={"groups": added})
    return added
