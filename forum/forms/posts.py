"""Composer forms: new thread, reply and edit."""

import secrets
from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from forum.forms.confidentiality import ConfidentialityFields
from forum.forms.fields import NoControlCharacters, strip_whitespace

TITLE_MAX = 200
BODY_MAX = 60_000

_body_validators = [
    DataRequired("Write something before posting."),
    Length(max=BODY_MAX, message=f"Keep posts under {BODY_MAX:,} characters; split long ones."),
    NoControlCharacters(),
]
_title_validators = [
    DataRequired("Give the thread a title."),
    Length(min=5, max=TITLE_MAX, message=f"Use between 5 and {TITLE_MAX} characters."),
    NoControlCharacters(),
]
_BODY_HELP = "Markdown works: **bold**, *italic*, lists, links and > quotes."


_STALE_FORM = "This form is out of date: reload the page and send it again."


def _new_client_token() -> str:
    return secrets.token_urlsafe(16)


def _client_token_field() -> HiddenField:
    """A token per rendered form, so the same form sent twice makes one post."""
    return HiddenField(
        default=_new_client_token,
        validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{8,64}$", message=_STALE_FORM)],
    )


#: The first choice of "What does this answer rest on?"; the views add the others from
#: ``forum.models.BASIS_NAMES`` with ``offer_bases`` (forms do not import the models).
BASIS_NOT_STATED = SelectChoice("", "Not stated")


def _basis_field() -> RadioField:
    return RadioField(
        "What does this answer rest on? (optional)",
        choices=[BASIS_NOT_STATED],
        default="",
        description="Shown beside your name on the reply.",
        invalid_choice_message="Choose one of the listed answers, or “Not stated”.",
    )


def offer_bases(form: FlaskForm, names: Mapping[str, str]) -> None:
    """Give ``form.basis`` its choices: "Not stated", then each basis as posts show it."""
    form.basis.choices = [
        BASIS_NOT_STATED, *(SelectChoice(str(key), label) for key, label in names.items())
    ]  # fmt: skip


class ReplyForm(ConfidentialityFields, FlaskForm):
    body = TextAreaField("Your reply", validators=_body_validators, description=_BODY_HELP)
    basis = _basis_field()
    client_token = _client_token_field()


class NewThreadForm(ConfidentialityFields, FlaskForm):
    title = StringField("Title", validators=_title_validators, filters=[strip_whitespace])
    body = TextAreaField("Message", validators=_body_validators, description=_BODY_HELP)
    client_token = _client_token_field()


class EditPostForm(ConfidentialityFields, FlaskForm):
    title = StringField("Title", validators=[Length(max=TITLE_MAX), NoControlCharacters()])
    body = TextAreaField("Message", validators=_body_validators, description=_BODY_HELP)
    reason = StringField("Reason for the edit (optional)", validators=[Length(max=300)])
    #: Replies only: the view drops it for an opening post.
    basis = _basis_field()
    #: The post's edit_count when the form was opened: a save over a newer version is refused.
    edit_count = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
