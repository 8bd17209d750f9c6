"""Forms for keeping categories: their details and flags, and deleting one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from forum.forms.fields import NoControlCharacters, strip_whitespace

NAME_MAX = 80
SLUG_MAX = 80
DESCRIPTION_MAX = 500
#: Words of letters and digits joined by single hyphens (the service makes it lower-case).
SLUG_SHAPE = r"^(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)?$"
SLUG_MESSAGE = (
    "Use lower-case letters, digits and single hyphens between words, for example "
    "“cancer-screening”."
)


class CategoryForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired("Give the category a name."),
            Length(max=NAME_MAX, message=f"Keep the name to {NAME_MAX} characters or fewer."),
            NoControlCharacters(),
        ],
        filters=[strip_whitespace],
        description="Shown on the home page and at the top of the category's page.",
    )
    slug = StringField(
        "Address (optional)",
        validators=[
            Length(max=SLUG_MAX, message=f"Keep the address to {SLUG_MAX} characters or fewer."),
            Regexp(SLUG_SHAPE, message=SLUG_MESSAGE),
        ],
        filters=[strip_whitespace],
        description=(
            "The last part of the category's web address, /c/…: lower-case letters, digits and "
            "hyphens. Leave it empty to make it from the name. If you change it, links to the "
            "old address keep working."
        ),
    )
    description = TextAreaField(
        "Description (optional)",
        validators=[
            Length(
                max=DESCRIPTION_MAX,
                message=f"Keep the description to {DESCRIPTION_MAX} characters or fewer.",
            ),
            NoControlCharacters(),
        ],
        filters=[strip_whitespace],
        description="One or two sentences under the name: what belongs here.",
    )
    is_staff_only = BooleanField(
        "Staff only",
        description=(
            "Only moderators and admins can see it: for everyone else it does not exist, in "
            "lists, search, email or anywhere else. Members made its category moderators stop "
            "moderating it."
        ),
    )
    requires_approval = BooleanField(
        "Hold new posts for approval",
        description=(
            "Every new thread and reply waits in the moderation queue until a moderator "
            "approves it; until then only its author sees it."
        ),
    )
    requires_case_template = BooleanField(
        "New threads must use the case question template",
        description=(
            "Authors fill in an age band (never an exact age), optional sex, history, "
            "presentation, what was done and their question, and confirm nothing identifies "
            "the patient."
        ),
    )
    is_sensitive = BooleanField(
        "Sensitive: no titles or text in email",
        description=(
            "Notification and digest emails about it say only that there is something new, "
            "with a link: for peer support and the like."
        ),
    )

    FLAGS = ("is_staff_only", "requires_approval", "requires_case_template", "is_sensitive")


def _category_id(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


class DeleteCategoryForm(FlaskForm):
    destination = SelectField(
        "Move its threads to",
        coerce=_category_id,
        validate_choice=False,
        description="Every thread moves, with its replies, readers and watchers.",
    )
