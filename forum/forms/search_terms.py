"""The search thesaurus's form (/admin/search-terms)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from forum.forms.fields import NoControlCharacters, strip_whitespace


class SearchTermsForm(FlaskForm):
    terms = TextAreaField(
        "Terms that mean the same",
        validators=[
            DataRequired("Give at least two terms, e.g. 2WW, two week wait."),
            Length(max=1200),
            NoControlCharacters(),
        ],
        filters=[strip_whitespace],
        description="Separate them with commas or put one on each line, e.g. "
        "“2WW, two week wait, urgent suspected cancer”. Capitals and punctuation are ignored.",
    )
    note = StringField(
        "What the group is for (optional)",
        validators=[Length(max=200), NoControlCharacters()],
        filters=[strip_whitespace],
        description="Seen by staff only, e.g. “Urgent referral for suspected cancer”.",
    )
