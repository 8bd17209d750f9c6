"""Validators shared by the forms."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

#: C0 controls other than tab, newline and carriage return, DEL, and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class NoControlCharacters:
    """Refuse invisible control characters (NUL and friends) that cannot be stored or shown."""

    message = "This contains an invisible control character (such as NUL). Please remove it."

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and _CONTROL.search(field.data):
            raise ValidationError(self.message)


def strip_whitespace(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value
