"""Moderation forms: shape only. Choices that come from the database are set by the views."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forum.forms.fields import NoControlCharacters, strip_whitespace
from forum.forms.posts import BODY_MAX, TITLE_MAX

REASON_MAX = 1000


def choices(*pairs: tuple[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


_THREAD_REF = re.compile(r"(?:/t/)?([0-9]{1,10})(?:[/?#].*)?$")


def _reason(label: str, hint: str, *, required: bool = True) -> TextAreaField:
    checks = [DataRequired("Give a reason.")] if required else [Optional()]
    return TextAreaField(
        label,
        validators=[*checks, Length(max=REASON_MAX), NoControlCharacters()],
        filters=[strip_whitespace],
        description=hint,
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FlagForm(FlaskForm):
    reason = RadioField(
        "Why are you reporting this post?",
        validators=[InputRequired("Choose why you are reporting this post.")],
    )
    note = TextAreaField(
        "Anything the moderators should know? (required for “Something else”)",
        validators=[Length(max=1000), NoControlCharacters()],
        filters=[strip_whitespace],
        description="Only moderators see this. Do not repeat any patient details here.",
    )


class ReasonForm(FlaskForm):
    reason = _reason("Reason", "The author sees this.")


class OptionalReasonForm(FlaskForm):
    reason = _reason("Reason (optional)", "Recorded in the audit log.", required=False)


class ResolveReportsForm(FlaskForm):
    outcome = RadioField(
        "Decision",
        choices=choices(
            ("hidden", "Agree: hide the post"),
            ("deleted", "Agree: delete the post"),
            ("warned", "Agree: leave the post, formally warn its author"),
            ("dismissed", "Dismiss the reports: nothing wrong"),
        ),
        validators=[InputRequired("Choose a decision.")],
    )
    reason = _reason(
        "Reason",
        "The author sees it when their post is affected; members who reported it see it "
        "when the reports are dismissed.",
    )
    warn = BooleanField("Also give the author a formal warning")


class StaffEditForm(FlaskForm):
    body = TextAreaField(
        "Post text",
        validators=[
            DataRequired("The post cannot be empty."),
            Length(max=BODY_MAX),
            NoControlCharacters(),
        ],
    )
    reason = _reason("Reason for the edit", "The author sees this beside the edit.")
    warn = BooleanField("Also give the author a formal warning")


class ApproveForm(FlaskForm):
    note = _reason("Note to the author (optional)", "Sent with the approval.", required=False)


class RejectForm(FlaskForm):
    reason = _reason("Why not?", "The author sees this.")


class JoinDecisionForm(FlaskForm):
    reason = _reason(
        "Reason (needed to reject)", "Sent to the applicant if you reject.", required=False
    )


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    type = SelectField("Type", choices=choices(("", "Everything")), validate_choice=False)
    category = SelectField(
        "Category", choices=choices(("", "All categories")), validate_choice=False
    )
    age = SelectField("Age", choices=choices(("", "Any age")), validate_choice=False)
    claim = SelectField("Claimed", choices=choices(("", "Anyone's")), validate_choice=False)
    sort = SelectField(
        "Order",
        choices=choices(("", "Oldest first"), ("newest", "Newest first")),
        validate_choice=False,
    )


class RenameForm(FlaskForm):
    title = StringField(
        "New title",
        validators=[
            DataRequired("Give the thread a title."),
            Length(min=5, max=TITLE_MAX),
            NoControlCharacters(),
        ],
        filters=[strip_whitespace],
    )
    reason = _reason("Reason (optional)", "Recorded in the audit log.", required=False)


class MoveForm(FlaskForm):
    category = SelectField("Move to", coerce=int, validate_choice=True)
    reason = _reason("Reason (optional)", "Recorded in the audit log.", required=False)


class PinForm(FlaskForm):
    scope = RadioField(
        "Pin where?",
        choices=choices(
            ("category", "Top of its category"), ("site", "Site-wide: also the home page")
        ),
        default="category",
        validators=[InputRequired("Choose where to pin the thread.")],
    )
    reason = _reason("Reason (optional)", "Recorded in the audit log.", required=False)


def thread_ref(value: str | None) -> int | None:
    """A thread's number, from ``123``, ``/t/123/slug`` or a full thread address."""
    if not value:
        return None
    match = _THREAD_REF.search(value.strip())
    return int(match.group(1)) if match and int(match.group(1)) < 2**31 else None


_POST_LINK = re.compile(r"/p/([0-9]{1,10})(?:[/?#].*)?$")
_THREAD_POST_LINK = re.compile(r"/t/([0-9]{1,10})(?:/[^?#]*)?(?:\?[^#]*)?(?:#post-([0-9]{1,10}))?$")


def post_ref(value: str | None) -> tuple[int | None, int | None, int | None]:
    """A post named by ``123``, ``/p/123``, ``/t/5/slug#post-3`` or a full address of either:
    ``(post id, None, None)`` or ``(None, thread id, post number)``; all None if neither."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 10:
        return _small(int(value)), None, None
    if match := _POST_LINK.search(value):
        return _small(int(match.group(1))), None, None
    if match := _THREAD_POST_LINK.search(value):
        thread_id, number = _small(int(match.group(1))), _small(int(match.group(2) or 1))
        if thread_id is not None and number is not None:
            return None, thread_id, number
    return None, None, None


def _small(value: int) -> int | None:
    return value if 0 < value < 2**31 else None


class SupersedeForm(FlaskForm):
    newer = StringField(
        "Superseded by",
        validators=[DataRequired("Give the address of the newer post, or its number."),
                    Length(max=500), NoControlCharacters()],
        filters=[strip_whitespace],
        description="Paste the newer post's address (/p/123, or /t/5/title#post-3), or its "
        "number.",
    )  # fmt: skip


class WithdrawAnswerForm(FlaskForm):
    reason = _reason(
        "Why withdraw it", "The author and every reader of the post see this.", required=True
    )


class MergeForm(FlaskForm):
    target = StringField(
        "Merge into thread",
        validators=[DataRequired("Give the address or number of the thread to merge into.")],
        description="Paste the other thread's address, or its number (the 123 in /t/123).",
    )
    reason = _reason("Reason (optional)", "Recorded in the audit log.", required=False)


class SplitForm(FlaskForm):
    posts = MultiCheckboxField("Posts to move to the new thread", coerce=int, validate_choice=False)
    title = StringField(
        "Title of the new thread",
        validators=[
            DataRequired("Give the new thread a title."),
            Length(min=5, max=TITLE_MAX),
            NoControlCharacters(),
        ],
        filters=[strip_whitespace],
    )
    category = SelectField("Category of the new thread", coerce=int, validate_choice=True)
    reason = _reason("Reason (optional)", "Recorded in the audit log.", required=False)


DURATIONS = choices(
    ("1", "1 day"),
    ("3", "3 days"),
    ("7", "1 week"),
    ("14", "2 weeks"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
)


class WarnForm(FlaskForm):
    reason = _reason("Warning", "The member reads this on their moderation messages page.")


class TimedSanctionForm(FlaskForm):
    days = SelectField("For how long?", choices=DURATIONS, default="7")
    until = DateField(
        "Or until this date (optional)",
        validators=[Optional()],
        description="Ends at midnight UTC at the start of this date.",
    )
    reason = _reason("Reason", "The member sees this.")


class BanForm(FlaskForm):
    reason = _reason("Reason", "The member sees this.")
    confirm = BooleanField(
        "I understand the member will be signed out and cannot sign in again",
        validators=[DataRequired("Tick the box to confirm the ban.")],
    )


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add a staff note",
        validators=[DataRequired("Write the note first."), Length(max=5000), NoControlCharacters()],
        filters=[strip_whitespace],
        description="Only staff can read notes. They cannot be edited or deleted.",
    )


class CategoryModeratorsForm(FlaskForm):
    categories = MultiCheckboxField("Moderates these categories", coerce=int, validate_choice=False)


class WatchedWordForm(FlaskForm):
    phrase = StringField(
        "Word or phrase",
        validators=[
            DataRequired("Enter a word or phrase."),
            Length(min=2, max=100),
            NoControlCharacters(),
        ],
        filters=[strip_whitespace],
        description="Matched as whole words, ignoring case. Use * for any ending: refer* "
        "matches refer, referral and referrals.",
    )
    action = RadioField(
        "When a post contains it",
        choices=choices(
            ("block", "Block: the writer must remove it before posting"),
            ("hold", "Hold: the post waits for a moderator's approval"),
            ("flag", "Flag: the post appears, and a report goes to the queue"),
        ),
        default="hold",
        validators=[InputRequired("Choose what happens.")],
    )
    explanation = StringField(
        "Explanation shown to the writer (for blocks)",
        validators=[Length(max=300), NoControlCharacters()],
        filters=[strip_whitespace],
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField("Done by", filters=[strip_whitespace], description="Name, or @username")
    action = SelectField("Action", choices=choices(("", "Any action")), validate_choice=False)
    member = StringField("Member concerned", filters=[strip_whitespace], description="@username")
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])


class MemberSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(
        "Find a member",
        validators=[Length(max=254)],
        filters=[strip_whitespace],
        description="Name, @username or email address",
    )
