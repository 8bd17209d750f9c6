"""Forms for asking and answering: thread kind, tags, the case template, replies, tag admin."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from forum.forms.confidentiality import ConfidentialityFields
from forum.forms.fields import NoControlCharacters, strip_whitespace
from forum.forms.posts import (
    _BODY_HELP,
    BODY_MAX,
    TITLE_MAX,
    ReplyForm,
    _client_token_field,
    _title_validators,
)
from forum.text.case_template import AGE_BANDS, SEXES

MAX_TAGS = 5
CASE_FIELD_MAX = 10_000
KIND_CHOICES = [
    SelectChoice(
        "question", "A question: colleagues answer, and you can mark the answer that solved it"
    ),
    SelectChoice("discussion", "A discussion: news, ideas or experience to share"),
    SelectChoice("case", "A case question: a structured, anonymised clinical case"),
]
_NO_CONTROL = NoControlCharacters()


def tag_choices(tags: Any) -> list[SelectChoice]:
    """Choices for a tags field from ``Tag`` rows (the view loads them)."""
    return [SelectChoice(tag.id, tag.name) for tag in tags]


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice: usable without JavaScript and by keyboard."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _case_text(label: str, hint: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=CASE_FIELD_MAX), _NO_CONTROL],
        description=hint,
    )


def _tag_field() -> MultiCheckboxField:
    return MultiCheckboxField("Tags", coerce=int, validate_choice=True, choices=[])


class AskForm(ConfidentialityFields, FlaskForm):
    """A new thread: a question, a discussion or a case question (fields ``title`` and
    ``body`` as before; ``kind`` defaults to a question)."""

    title = StringField("Title", validators=_title_validators, filters=[strip_whitespace])
    kind = RadioField("What are you posting?", choices=KIND_CHOICES, default="question")
    body = TextAreaField(
        "Message",
        validators=[Optional(), Length(max=BODY_MAX), _NO_CONTROL],
        description=_BODY_HELP,
    )
    tags = _tag_field()
    age_band = SelectField(
        "Age band",
        choices=[SelectChoice("", "Choose an age band"), *[SelectChoice(b, b) for b in AGE_BANDS]],
        default="",
        description="A band, never an exact age.",
    )
    sex = SelectField(
        "Sex (optional)",
        choices=[SelectChoice("", "Not given"), *[SelectChoice(s, s) for s in SEXES]],
        default="",
    )
    history = _case_text("Relevant history", "Past history, medication, risk factors.")
    presentation = _case_text("Presentation", "Symptoms, signs and how long they have lasted.")
    actions = _case_text("What has been done so far", "Tests, results, referrals, safety-netting.")
    question = _case_text("Your question", "What would you like colleagues' views on?")
    no_identifiers = BooleanField(
        "I confirm this case contains nothing that could identify the patient: no names, "
        "dates of birth, exact ages, NHS or hospital numbers, addresses or rare details."
    )
    client_token = _client_token_field()

    def __init__(self, *args: Any, case_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_required = case_required
        #: The draft the form was filled from, if any (set by the view).
        self.restored_draft: Any = None
        if case_required:
            self.kind.data = "case"

    @property
    def is_case(self) -> bool:
        return self.case_required or self.kind.data == "case"

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        missing = self._case_missing() if self.is_case else self._body_missing()
        for field, message in missing:
            field.errors = [*field.errors, message]
        return ok and not missing

    def _body_missing(self) -> list[tuple[Any, str]]:
        return [] if (self.body.data or "").strip() else [(self.body, "Write something first.")]

    def _case_missing(self) -> list[tuple[Any, str]]:
        checks = [
            (self.age_band, bool(self.age_band.data), "Choose the patient's age band."),
            (self.presentation, _filled(self.presentation), "Describe the presentation."),
            (self.question, _filled(self.question), "Write your question."),
            (self.no_identifiers, bool(self.no_identifiers.data), CONFIRM_MESSAGE),
        ]
        return [(field, message) for field, ok, message in checks if not ok]


CONFIRM_MESSAGE = "Confirm that the case contains nothing that could identify the patient."


def _filled(field: Any) -> bool:
    return bool((field.data or "").strip())


class AnswerForm(ReplyForm):
    """A reply, optionally to one post of the thread (``reply_to`` is its id)."""

    reply_to = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,12}$")])


class ThreadTagsForm(FlaskForm):
    tags = _tag_field()


class TagForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Give the tag a name."), Length(max=40), _NO_CONTROL],
        filters=[strip_whitespace],
        description="Short and specific, for example “NG12” or “Safety-netting”.",
    )
    description = StringField(
        "Description (optional)",
        validators=[Length(max=200), _NO_CONTROL],
        filters=[strip_whitespace],
        description="Shown on the tag's page.",
    )


__all__ = [
    "MAX_TAGS",
    "TITLE_MAX",
    "AnswerForm",
    "AskForm",
    "MultiCheckboxField",
    "TagForm",
    "ThreadTagsForm",
]
