"""The member's own account: profile, email, two-factor sign-in, pledge, deletion."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

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
