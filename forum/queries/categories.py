"""Categories for the admin pages: every one of them, in display order, whatever the reader."""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from forum.extensions import db
from forum.models import Category, Thread


def all_categories() -> list[Category]:
    """Every category in display order (ties, from before positions were kept, by name)."""
    stmt = select(Category).order_by(Category.position, Category.name, Category.id)
    return list(db.session.scalars(stmt))


def get_category_by_id_or_404(category_id: int | None) -> Category:
    """A category by id, for pages only admins reach (their gate has already checked)."""
    category = get_category_or_none(category_id)
    if category is None:
        raise NotFound("That category does not exist.")
    return category


def get_category_or_none(category_id: int | None) -> Category | None:
    return db.session.get(Category, category_id) if category_id else None


def thread_rows(category: Category) -> int:
    """Every thread row in ``category``: visible, hidden, awaiting approval or deleted."""
    stmt = select(func.count()).select_from(Thread).where(Thread.category_id == category.id)
    return db.session.scalar(stmt) or 0
