"""The search thesaurus's groups, for the staff pages (/admin/search-terms)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from forum.extensions import db
from forum.models import ThesaurusGroup, ThesaurusTerm
from forum.search.thesaurus import normalise

#: Groups listed at most (the seeded thesaurus has about a hundred).
LIST_LIMIT = 500


def groups(find: str = "") -> Sequence[ThesaurusGroup]:
    """Every group (at most ``LIST_LIMIT``), or those with a term containing ``find``; their
    terms loaded with them (two statements)."""
    statement = select(ThesaurusGroup).options(selectinload(ThesaurusGroup.terms))
    wanted = normalise(find)
    if wanted:
        has = select(ThesaurusTerm.id).where(
            ThesaurusTerm.group_id == ThesaurusGroup.id, ThesaurusTerm.term.contains(wanted)
        )
        statement = statement.where(exists(has))
    statement = statement.order_by(ThesaurusGroup.note, ThesaurusGroup.id).limit(LIST_LIMIT)
    return db.session.scalars(statement).all()


def group_or_404(group_id: int) -> ThesaurusGroup:
    group = db.session.scalar(
        select(ThesaurusGroup)
        .options(selectinload(ThesaurusGroup.terms))
        .where(ThesaurusGroup.id == group_id)
    )
    if group is None:
        raise NotFound("There is no such group of search terms.")
    return group
