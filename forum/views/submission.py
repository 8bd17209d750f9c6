"""How a view acts on what a member sent: validate, run the service, commit; or show why not.

A view reads load -> check -> ``save(form, action)`` -> respond::

    form = TagForm()
    added = save(form, lambda: tags.create_tag(current_user, name=form.name.data))
    if added:
        flash(f"The tag “{added.result.name}” is added.", "success")
        return redirect(url_for("admin_tags.index"))
    return _tags_page(form, 422)

A rule's refusal (``ServiceError``) is rolled back, so nothing half-done stays in the session
or reaches a later commit. What the view loaded before reads again from the database; a page
shown after a refusal loads again the objects whose relationships it shows (they are
``lazy="raise_on_sql"``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash
from flask_wtf import FlaskForm

from forum.errors import ServiceError, attach_to_form
from forum.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """True when the action ran and was committed; ``result`` is what it returned, and
    ``refusal`` the error of the rule that refused it, if one did."""

    saved: bool = False
    result: T | None = None
    refusal: ServiceError | None = None

    def __bool__(self) -> bool:
        return self.saved


def save(form: FlaskForm | None, action: Callable[[], T]) -> Outcome[T]:
    """Run ``action`` for a valid submitted ``form`` and commit.

    A refusal goes on the form; for a button with no form (``None``), into a flashed error.
    """
    if form is not None and not form.validate_on_submit():
        return Outcome()
    try:
        result = action()
    except ServiceError as refusal:
        db.session.rollback()
        if form is None:
            flash(refusal.message, "error")
        else:
            attach_to_form(form, refusal)
        return Outcome(refusal=refusal)
    db.session.commit()
    return Outcome(saved=True, result=result)
