"""The form of the webhook pages: where to send, which events, which restricted categories.
The choices are set by the view (the events known, the categories restricted now)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from forum.forms.fields import NoControlCharacters, strip_whitespace


class WebhookForm(FlaskForm):
    url = StringField(
        "URL",
        validators=[DataRequired("Give the URL to send events to."), Length(max=500)],
        filters=[strip_whitespace],
        description="Where each event is sent as an HTTP POST, for example "
        "https://hooks.example.org/forum. Public addresses only.",
    )
    description = StringField(
        "Description (optional)",
        validators=[Length(max=200), NoControlCharacters()],
        filters=[strip_whitespace],
        description="What receives the events, so other admins know.",
    )
    events = SelectMultipleField("Events", choices=[])
    categories = SelectMultipleField("Restricted categories it may see", coerce=int, choices=[])
