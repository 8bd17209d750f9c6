"""The guideline register's forms: a guideline, its details, and a new version.

Shape only: the service checks codes, links, numbers and dates against the register.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from forum.forms.fields import NoControlCharacters, strip_whitespace
from forum.forms.library import UKDateField

_NO_CONTROL = NoControlCharacters()
_DATE_MESSAGE = "Enter the date it was published, for example 23/06/2015."
LINES_HELP = (
    "One a line: the recommendation's number as the guideline writes it, a space, then a "
    "short title in our own words (never the guideline's text). For example: "
    "“1.3.1 Colorectal: referral criteria”."
)
STATUS_CHOICES = [
    SelectChoice("unchanged", "Unchanged"),
    SelectChoice("changed", "Changed in this version"),
    SelectChoice("withdrawn", "Withdrawn in this version"),
]


class GuidelineDetailsForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[InputRequired("Give the guideline's code, such as NG12."), Length(max=20)],
        filters=[strip_whitespace],
        description="What members type to cite it, such as NG12 or LP-NSS: letters, digits "
        "and hyphens.",
    )
    title = StringField(
        "Title",
        validators=[InputRequired("Give the guideline's title."), Length(max=200), _NO_CONTROL],
        filters=[strip_whitespace],
    )
    publisher = StringField(
        "Publisher",
        validators=[InputRequired("Say who publishes it."), Length(max=120), _NO_CONTROL],
        filters=[strip_whitespace],
        description="NICE, SIGN, or the Cancer Alliance whose local pathway it is.",
    )
    url = StringField(
        "Link to the publisher's page",
        validators=[InputRequired("Give the link to the guideline."), Length(max=500)],
        filters=[strip_whitespace],
        description="Starting with https://. We link to the guideline; we never copy its text.",
    )


class NewGuidelineForm(GuidelineDetailsForm):
    published_on = UKDateField(
        "Date the current version was published", validators=[InputRequired(_DATE_MESSAGE)]
    )
    recommendations = TextAreaField(
        "Recommendations",
        validators=[Optional(), Length(max=20_000), _NO_CONTROL],
        description=LINES_HELP,
    )


class RecommendationRowForm(Form):
    """One current recommendation in a new version: what the version did to it."""

    number = HiddenField()
    title = StringField("Our short title", filters=[strip_whitespace])
    status = SelectField("In this version", choices=STATUS_CHOICES, validate_choice=False)
    change_note = StringField("What changed", filters=[strip_whitespace])


class VersionForm(FlaskForm):
    published_on = UKDateField("Date published", validators=[InputRequired(_DATE_MESSAGE)])
    summary = TextAreaField(
        "What changed",
        validators=[Optional(), Length(max=2000), _NO_CONTROL],
        description="In our own words, briefly: what this version changes for practice.",
    )
    rows = FieldList(FormField(RecommendationRowForm))
    new_recommendations = TextAreaField(
        "New recommendations",
        validators=[Optional(), Length(max=20_000), _NO_CONTROL],
        description=LINES_HELP,
    )
