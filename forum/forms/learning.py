"""The learning log's forms: an entry, and the range of dates to export."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from forum.forms.confidentiality import ConfidentialityFields
from forum.forms.fields import NoControlCharacters, strip_whitespace
from forum.forms.library import UKDateField

_DATE = "Enter a date, for example 31/03/2027."
_PROMPT_LENGTH = Length(max=2000, message="Keep each answer to 2,000 characters or fewer.")


def _prompt(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[_PROMPT_LENGTH, NoControlCharacters()],
        description=description,
        render_kw={"rows": 4},
    )


class EntryForm(ConfidentialityFields, FlaskForm):
    title = StringField(
        "Title",
        validators=[
            InputRequired("Give the entry a title, for example the thread or the webinar."),
            Length(max=200, message="Keep the title to 200 characters or fewer."),
            NoControlCharacters(),
        ],
        filters=[strip_whitespace],
    )
    learned_on = UKDateField(
        "Date", validators=[InputRequired(_DATE)], description="The day you did it."
    )
    minutes = IntegerField(
        "Time spent, in minutes",
        validators=[
            InputRequired("Give the time spent in minutes, for example 30."),
            NumberRange(1, 1440, "Give the time spent in minutes, 1 to 1,440."),
        ],
        description="An hour is usually one CPD credit.",
        render_kw={"inputmode": "numeric"},
    )
    link = StringField(
        "Link (optional)",
        validators=[Length(max=500), NoControlCharacters()],
        filters=[strip_whitespace],
        description="The thread, resource or page you learned from. Leave empty for a "
        "meeting or a webinar.",
        render_kw={"inputmode": "url", "spellcheck": "false", "autocapitalize": "off"},
    )
    learned = _prompt("What I learned", "A few lines in your own words.")
    practice_change = _prompt(
        "How it changes my practice", "What you will do differently, or why you will not."
    )
    follow_up = _prompt(
        "Anything to follow up", "Reading, an audit, a conversation with a colleague."
    )
    source = HiddenField(validators=[Optional(), Regexp(r"^(thread|post|resource):\d{1,12}$")])

    def source_parts(self) -> tuple[str, int | None]:
        if not self.source.data:
            return "", None
        kind, _, number = self.source.data.partition(":")
        return kind, int(number)


class ExportForm(FlaskForm):
    """Sent by GET: a download link that can be bookmarked, and nothing changes."""

    class Meta:
        csrf = False

    start = UKDateField("From", validators=[InputRequired(_DATE)])
    end = UKDateField("To", validators=[InputRequired(_DATE)])
    format = RadioField(
        "Format",
        choices=[
            SelectChoice("pdf", "PDF, to hand to your appraiser"),
            SelectChoice("docx", "Word document, to edit or paste into an appraisal system"),
            SelectChoice("csv", "CSV spreadsheet, one row per entry"),
        ],
        default="pdf",
        validators=[InputRequired("Choose a format.")],
    )
