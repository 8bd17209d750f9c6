"""Resource library forms: a resource, a new version, a review, and the browsing filters.

Choices that come from the database (categories, licences, tags) are set by the views.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forum.forms.confidentiality import ConfidentialityFields
from forum.forms.fields import NoControlCharacters, strip_whitespace

_DATE_MESSAGE = "Enter a date, for example 31/03/2027."
ATTEST_LABEL = "This resource contains no patient-identifiable information"
CHECKED_LABEL = "I have checked this file: the places listed do not identify a patient"


def _file_field() -> FileField:
    return FileField("File")  # the template gives the hint: the size limit is configurable


def _link_field() -> URLField:
    return URLField(
        "Or a link to it",
        validators=[Optional(), Length(max=2000), NoControlCharacters()],
        filters=[strip_whitespace],
        description="For material that lives elsewhere, such as a NICE or NHS England page.",
    )


def _attest_field() -> BooleanField:
    return BooleanField(
        ATTEST_LABEL,
        validators=[InputRequired("Confirm that the resource identifies no patient.")],
        description="No names, NHS numbers, dates of birth, addresses or anything else that "
        "could identify a patient, in the text, the pictures or the file's properties.",
    )


class UKDateField(DateField):
    """A date from the browser's date picker (ISO) or typed the British way (31/03/2027)."""

    def __init__(self, label: str, **kwargs: object) -> None:
        super().__init__(label, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)  # type: ignore[arg-type]

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_DATE_MESSAGE) from None


class ResourceForm(ConfidentialityFields, FlaskForm):
    title = StringField(
        "Title",
        validators=[DataRequired("Give the resource a title."), Length(min=5, max=200)],
        filters=[strip_whitespace],
    )
    description = TextAreaField(
        "Description",
        validators=[
            DataRequired("Say what the resource is and who it is for."),
            Length(max=5000),
            NoControlCharacters(),
        ],
        description="What it is, who it is for and how it helps. Markdown works.",
    )
    category = SelectField("Category", validators=[DataRequired("Choose a category.")])
    organisation = StringField(
        "Owner organisation",
        validators=[DataRequired("Name the organisation that owns it."), Length(max=120)],
        filters=[strip_whitespace],
        description="Who wrote or maintains it, e.g. “Cancer Research UK” or a Cancer Alliance.",
    )
    audience = StringField(
        "Audience (optional)",
        validators=[Optional(), Length(max=200), NoControlCharacters()],
        filters=[strip_whitespace],
        description="Who it is for, e.g. “GPs and practice nurses” or “practice managers”.",
    )
    licence = SelectField("Licence", validators=[DataRequired("Choose a licence.")])
    licence_note = StringField(
        "Licence details (for “Other licence”)",
        validators=[Optional(), Length(max=200), NoControlCharacters()],
        filters=[strip_whitespace],
    )
    review_by = UKDateField(
        "Review by",
        validators=[InputRequired(_DATE_MESSAGE)],
        description="When someone should check it is still current.",
    )
    tags = SelectMultipleField("Tags", coerce=int, validators=[Optional()])


class NewResourceForm(ResourceForm):
    file = _file_field()
    link_url = _link_field()
    attest = _attest_field()
    checked = BooleanField(CHECKED_LABEL)


class VersionForm(FlaskForm):
    file = _file_field()
    link_url = _link_field()
    change_note = StringField(
        "What changed",
        validators=[DataRequired("Say briefly what changed."), Length(max=500)],
        filters=[strip_whitespace],
        description="For example “Updated for the 2026 NG12 changes”.",
    )
    attest = _attest_field()
    checked = BooleanField(CHECKED_LABEL)


class ReviewForm(FlaskForm):
    review_by = UKDateField("Next review by", validators=[InputRequired(_DATE_MESSAGE)])


class LibraryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField("Words", validators=[Optional(), Length(max=200)])
    category = SelectField("Category", validators=[Optional()])
    tag = SelectField("Tag", validators=[Optional()])
    type = SelectField("Type", validators=[Optional()])
    licence = SelectField("Licence", validators=[Optional()])
    sort = SelectField("Sort by", validators=[Optional()])
