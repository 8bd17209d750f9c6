"""Notification settings and watching levels: shape validation only."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from forum.text.notifications import THREAD_LEVEL_CHOICES, TOPIC_LEVEL_CHOICES

DAY_CHOICES = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]
DIGEST_CHOICES = [
    ("off", "No digest"),
    ("daily", "Daily, on the days email may be sent"),
    ("weekly", "Weekly"),
]


def _options(choices: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in choices]  # type: ignore[arg-type]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ThreadLevelForm(FlaskForm):
    level = SelectField(
        "Notifications for this thread",
        choices=_options(THREAD_LEVEL_CHOICES),
        validators=[InputRequired()],
    )


class CategoryLevelForm(FlaskForm):
    level = SelectField(
        "Notifications for this category",
        choices=_options(TOPIC_LEVEL_CHOICES),
        validators=[InputRequired()],
    )


class NotificationSettingsForm(FlaskForm):
    watch_started = BooleanField("Watch threads I start")
    watch_replied = BooleanField("Watch threads I reply to")
    email_enabled = BooleanField(
        "Email me notifications I have not read on the site",
        description="Mentions, replies, quotes, solutions and threads you watch.",
    )
    email_days = CheckboxesField(
        "Days email may be sent", coerce=int, choices=_options(DAY_CHOICES)
    )
    window_start = TimeField("Send from", validators=[InputRequired("Give a time, like 18:30.")])
    window_end = TimeField(
        "Send until",
        validators=[InputRequired("Give a time, like 22:00.")],
        description="UK time. An end before the start runs past midnight (18:30 to 07:00).",
    )
    digest = RadioField("Digest of the categories you watch", choices=_options(DIGEST_CHOICES))
    digest_time = TimeField(
        "Digest time",
        validators=[InputRequired("Give a time, like 07:00.")],
        description="UK time.",
    )
    digest_weekday = SelectField("Weekly digest day", coerce=int, choices=_options(DAY_CHOICES))


def watching_form(
    categories: Iterable[tuple[int, str]], tags: Iterable[tuple[int, str]]
) -> type[FlaskForm]:
    """A form with a level for each category (plus its email switch) and each tag."""

    class WatchingForm(FlaskForm):
        pass

    for category_id, name in categories:
        setattr(
            WatchingForm,
            f"category_{category_id}",
            SelectField(name, choices=_options(TOPIC_LEVEL_CHOICES), validators=[InputRequired()]),
        )
        setattr(WatchingForm, f"category_{category_id}_email", BooleanField(f"Email about {name}"))
    for tag_id, name in tags:
        setattr(
            WatchingForm,
            f"tag_{tag_id}",
            SelectField(name, choices=_options(TOPIC_LEVEL_CHOICES), validators=[InputRequired()]),
        )
    return WatchingForm
