"""How a request's database transaction ends."""

from __future__ import annotations

from flask_sqlalchemy.session import Session
from sqlalchemy.exc import SQLAlchemyError

from forum.database import WROTE


def end_read_transaction(session: Session, error: BaseException | None) -> None:
    """End a request's transaction with COMMIT when all it sent were reads (PostgreSQL).

    psycopg forgets every statement it has prepared when a transaction rolls back, and each
    request ended in a rollback, so PostgreSQL parsed and planned every statement of every
    page afresh: most of its 2 to 4 ms of CPU a page. For a transaction that wrote nothing
    COMMIT and ROLLBACK end it the same way, and psycopg keeps its prepared statements. A
    failed request, unsent changes, or any statement but a read (``database.is_read``) keep the
    rollback.
    """
    transaction = session.get_transaction()
    if error is not None or transaction is None or not transaction.is_active:
        return  # nothing to end, or a failed flush the session must roll back
    if session.new or session.dirty or session.deleted:
        return
    try:
        if not session.connection().info.get(WROTE, True):
            session.commit()
    except SQLAlchemyError:
        session.rollback()
