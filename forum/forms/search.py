"""The search page's controls. Shape only: forum/search/query.py interprets the values."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from forum.search.query import MAX_QUERY_LENGTH

ANY_CATEGORY = SelectChoice("", "Any category")
STATUS_CHOICES = [
    SelectChoice("", "Solved or not"),
    SelectChoice("solved", "Solved"),
    SelectChoice("unsolved", "Not solved yet"),
]


class SearchForm(FlaskForm):
    """Sent with GET, so it has no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    q = SearchField(
        "Search for",
        validators=[Optional()],
        render_kw={"maxlength": MAX_QUERY_LENGTH, "autocomplete": "off", "spellcheck": "true"},
    )
    category = SelectField("Category", choices=[ANY_CATEGORY], validate_choice=False)
    author = StringField(
        "Author",
        description="Their username, as in @asha.patel.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    tag = StringField(
        "Tag",
        description="As in its address, e.g. two-week-wait.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    status = SelectField("Solved?", choices=STATUS_CHOICES, validate_choice=False)
    after = StringField(
        "Posted on or after",
        description="For example 2024-03-01.",
        render_kw={"type": "date"},
    )
    before = StringField(
        "Posted on or before",
        description="For example 2024-12-31.",
        render_kw={"type": "date"},
    )
    cites = StringField(
        "Cites guidance",
        description="A guideline's code, e.g. NG12, or a recommendation, e.g. NG12 1.3.1.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    verified = BooleanField("Only checked answers", false_values=("", "0", "false", "off", "n"))
    outdated = BooleanField(
        "Only answers needing review",
        description="The guidance changed since the answer was accepted, or its review is overdue.",
        false_values=("", "0", "false", "off", "n"),
    )
