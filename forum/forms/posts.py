"""Composer forms: new thread, reply and edit."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

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


class ReplyForm(FlaskForm):
    body = TextAreaField("Your reply", validators=_body_validators, description=_BODY_HELP)


class NewThreadForm(FlaskForm):
    title = StringField("Title", validators=_title_validators, filters=[strip_whitespace])
    body = TextAreaField("Message", validators=_body_validators, description=_BODY_HELP)


class EditPostForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=TITLE_MAX), NoControlCharacters()])
    body = TextAreaField("Message", validators=_body_validators, description=_BODY_HELP)
    reason = StringField("Reason for the edit (optional)", validators=[Length(max=300)])
