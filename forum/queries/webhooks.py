"""Webhooks as the admin pages show them: the endpoints, one endpoint's deliveries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from werkzeug.exceptions import NotFound

from forum.extensions import db
from forum.models import Category, WebhookDelivery, WebhookEndpoint
from forum.paging import Page, offset_or_404

DELIVERIES_PER_PAGE = 50


def all_endpoints() -> Sequence[WebhookEndpoint]:
    """Every endpoint, oldest first (a forum has a handful)."""
    return db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()


def get_endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound("There is no such webhook.")
    return endpoint


def get_delivery_or_404(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise NotFound("There is no such delivery.")
    return delivery


def deliveries(endpoint: WebhookEndpoint, number: int = 1) -> Page[WebhookDelivery]:
    """One page of the endpoint's deliveries, newest first."""
    where = WebhookDelivery.endpoint_id == endpoint.id
    total = db.session.scalar(select(func.count(WebhookDelivery.id)).where(where)) or 0
    offset = offset_or_404(number, DELIVERIES_PER_PAGE, total)
    stmt = (
        select(WebhookDelivery)
        .where(where)
        .order_by(WebhookDelivery.id.desc())
        .offset(offset)
        .limit(DELIVERIES_PER_PAGE)
    )
    return Page(db.session.scalars(stmt).all(), number, DELIVERIES_PER_PAGE, total)


def restricted_categories() -> Sequence[Category]:
    """Categories not every member reads (staff-only or restricted to groups): a hook sees
    their events only when an admin chooses them."""
    restricted = or_(Category.is_staff_only.is_(True), Category.read_group_ids.is_not(None))
    stmt = select(Category).where(restricted).order_by(Category.position, Category.name)
    return [c for c in db.session.scalars(stmt) if c.is_staff_only or c.read_group_ids]


def category_names(ids: Sequence[int]) -> dict[int, str]:
    """Names of the categories ``ids``, for the list of what each hook may see."""
    if not ids:
        return {}
    stmt = select(Category.id, Category.name).where(Category.id.in_(set(ids)))
    return dict(db.session.execute(stmt).tuples().all())
