"""The moderator's redaction form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length, Optional

from forum.forms.answers import MultiCheckboxField
from forum.forms.fields import NoControlCharacters


class RedactForm(FlaskForm):
    """What a moderator redacts: detector findings by fingerprint, and text marked by hand."""

    spans = MultiCheckboxField("Identifiers the forum found", choices=[], validate_choice=True)
    phrases = TextAreaField(
        "Other text to redact (optional)",
        validators=[Optional(), Length(max=2000), NoControlCharacters()],
        description="One per line, as it is written in the post: for example a name without "
        "a title, a street or a rare detail. Every copy is redacted, whatever its case.",
    )
    restore = BooleanField("Show the post to members again once it is redacted")
