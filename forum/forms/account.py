"""The member's own account: profile, email, two-factor sign-in, pledge, deletion."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from forum.forms.confidentiality import ConfidentialityFields
from forum.forms.fields import NoControlCharacters, strip_whitespace
from forum.forms.membership import ROLE_CHOICES, alliance_select_choices, email_field


def _password(label: str = "Your password") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired("Enter your password."), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


def _code_field(label: str, description: str) -> StringField:
    return StringField(
        label,
        validators=[DataRequired("Enter the code."), Length(max=40)],
        filters=[strip_whitespace],
        description=description,
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )


class ProfileForm(ConfidentialityFields, FlaskForm):
    display_name = StringField(
        "Name",
        validators=[DataRequired("Enter your name."), Length(max=80), NoControlCharacters()],
        filters=[strip_whitespace],
        description="As colleagues know you, for example Dr Asha Patel.",
        render_kw={"autocomplete": "name"},
    )
    username = StringField(
        "Your handle",
        validators=[
            DataRequired("Choose a handle, for example asha.patel."),
            Length(max=30, message="Keep your handle to 30 characters or fewer."),
        ],
        filters=[strip_whitespace],
        description=(
            "Colleagues mention you as @handle. 2 to 30 letters, digits, dots, hyphens or "
            "underscores, for example asha.patel. If you change it, earlier mentions of you "
            "change with it."
        ),
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "off"},
    )
    job_title = StringField(
        "Job title", validators=[Length(max=120), NoControlCharacters()], filters=[strip_whitespace]
    )
    organisation = StringField(
        "Practice or organisation",
        validators=[Length(max=160), NoControlCharacters()],
        filters=[strip_whitespace],
    )
    alliance = SelectField("Cancer Alliance", choices=alliance_select_choices(), default="")
    bio = TextAreaField(
        "About you",
        validators=[
            Length(max=1000, message="Keep this under 1,000 characters."),
            NoControlCharacters(),
        ],
        description="A few lines: your interests, projects, what you can help with.",
    )
    interests = TextAreaField(
        "Declaration of interests",
        validators=[
            Length(max=500, message="Keep this under 500 characters."),
            NoControlCharacters(),
        ],
        description="Shown beside your posts. For example, paid work for a diagnostics company. "
        "Leave empty if you have none.",
    )
    gmc_number = StringField(
        "GMC number (optional)",
        validators=[Optional(), Regexp(r"^\d{7}$", message="A GMC number has 7 digits.")],
        filters=[strip_whitespace],
        description="Printed on your learning log's exports for your appraiser. Only you see "
        "it: it is never shown on your profile or to other members.",
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class ChangeEmailForm(FlaskForm):
    email = email_field("New email address")
    password = _password()


class EnableTwoFactorForm(FlaskForm):
    code = _code_field("Code from your app", "The 6-digit code your authenticator app shows now.")


class PasswordConfirmForm(FlaskForm):
    password = _password()


class TwoFactorSignInForm(FlaskForm):
    code = _code_field(
        "Code",
        "The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class PledgeForm(FlaskForm):
    version = HiddenField(validators=[InputRequired()])
    agree = BooleanField(
        "I have read the pledge and agree to keep to it",
        validators=[DataRequired("Tick the box to accept the pledge.")],
    )


class DeleteAccountForm(FlaskForm):
    password = _password()
    confirm = BooleanField(
        "I understand that this cannot be undone",
        validators=[DataRequired("Tick the box to confirm.")],
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class ReasonForm(FlaskForm):
    reason = StringField(
        "Reason (for the audit log)",
        validators=[Length(max=500), NoControlCharacters()],
        filters=[strip_whitespace],
    )


class PublishPledgeForm(FlaskForm):
    text = TextAreaField(
        "Pledge text",
        validators=[DataRequired("Write the pledge."), Length(max=10_000), NoControlCharacters()],
        description="Publishing makes a new version: every member accepts it again.",
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


SCOPE_LABELS = {"read": "Read", "write": "Write", "moderate": "Moderate (staff)"}


class ApiTokenForm(FlaskForm):
    """A new personal access token: the view fills the scopes the member may choose."""

    name = StringField(
        "Name",
        validators=[DataRequired("Give the token a name."), Length(max=80), NoControlCharacters()],
        filters=[strip_whitespace],
        description="What it is for, such as “Practice dashboard”.",
    )
    scopes = MultiCheckboxField(
        "Scopes",
        validators=[DataRequired("Choose at least one scope.")],
        description="Read: see what you can see. Write: post, edit, mark. Moderate: the queue.",
    )
    expires_in = SelectField(
        "Expires",
        choices=[
            SelectChoice("7", "In 7 days"),
            SelectChoice("30", "In 30 days"),
            SelectChoice("90", "In 90 days"),
            SelectChoice("365", "In a year"),
            SelectChoice("never", "Never"),
        ],
        default="30",
    )

    @classmethod
    def offering(cls, scopes: tuple[str, ...]) -> ApiTokenForm:
        """The form with the scopes this member may choose (moderate: staff only)."""
        form = cls()
        form.scopes.choices = [SelectChoice(s, SCOPE_LABELS[s]) for s in scopes]
        return form

    def expires_in_days(self) -> int | None:
        value = self.expires_in.data
        return None if value == "never" else int(value)
