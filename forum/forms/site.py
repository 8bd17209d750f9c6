"""The site's settings and pages (admins)."""

import calendar

from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum.forms.fields import NoControlCharacters, strip_whitespace
from forum.forms.membership import email_field


def _within(limit: int, label: str) -> Length:
    return Length(max=limit, message=f"Keep the {label} to {limit:,} characters or fewer.")


class SiteSettingsForm(FlaskForm):
    name = StringField(
        "Forum name",
        validators=[DataRequired("Give the forum a name."), _within(80, "name"),
                    NoControlCharacters()],
        filters=[strip_whitespace],
        description="Shown at the top of every page, in page titles and in every email.",
    )  # fmt: skip
    # A text area, so the whole line can be read on a phone; line breaks become spaces.
    description = TextAreaField(
        "One-line description",
        validators=[_within(200, "description"), NoControlCharacters()],
        filters=[strip_whitespace],
        description="Shown on the sign-in page and at the foot of every page. Up to 200 "
        "characters.",
        render_kw={"rows": 2},
    )
    welcome = TextAreaField(
        "Welcome message on the home page",
        validators=[_within(5_000, "welcome message"), NoControlCharacters()],
        description="Markdown, as in posts: **bold**, [links](https://example.org), lists. "
        "Leave empty to show none.",
        render_kw={"rows": 8},
    )
    contact_email = email_field(
        "Staff contact address",
        description="Shown at the foot of every page and in emails, for members and visitors "
        "who need the programme staff.",
    )
    answer_review_months = IntegerField(
        "Review accepted answers after this many months",
        validators=[
            Optional(),
            NumberRange(1, 60, "Give a number of months from 1 to 60."),
        ],
        default=12,
        description="An accepted answer is listed for review this long after it is accepted or "
        "last reviewed (1 to 60 months; 12 unless you change it).",
        render_kw={"inputmode": "numeric"},
    )
    # The learning log (docs/learning-log.md)
    appraisal_month = SelectField(
        "Appraisal year starts in",
        choices=[SelectChoice(str(n), calendar.month_name[n]) for n in range(1, 13)],
        default="4",
        description="Members' learning logs are grouped and totalled by appraisal year "
        "(April unless you change it).",
    )
    credits_per_hour = DecimalField(
        "CPD credits for an hour of learning",
        places=2,
        validators=[Optional(), NumberRange(0.1, 10, "Give a number of credits from 0.1 to 10.")],
        default=1,
        description="The RCGP counts one credit an hour; the learning log's totals use this.",
        render_kw={"inputmode": "decimal"},
    )


class SitePageForm(FlaskForm):
    text = TextAreaField(
        "Page text",
        validators=[DataRequired("Write the page."), _within(50_000, "page"),
                    NoControlCharacters()],
        description="Markdown, as in posts: # for a heading, - for a list item, "
        "[words](https://example.org) for a link. Replace anything in [square brackets].",
        render_kw={"rows": 24},
    )  # fmt: skip
    note = StringField(
        "What changed (optional)",
        validators=[_within(200, "note"), NoControlCharacters()],
        filters=[strip_whitespace],
        description="A few words for the version history, e.g. “Added how long backups are kept”.",
    )
