"""Ways in: join requests, invitations (one, or a cohort CSV), choosing a password."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from forum.alliances import alliance_choices
from forum.forms.fields import NoControlCharacters, strip_whitespace

ROLE_CHOICES = [
    SelectChoice("member", "Member"),
    SelectChoice("moderator", "Moderator"),
    SelectChoice("admin", "Admin"),
]


def alliance_select_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in alliance_choices()]


PASSWORD_HINT = (
    "At least 12 characters. A phrase of three or four unrelated words is strong and easy to "
    "remember. Common passwords are refused."
)


def email_field(label: str = "Email address", **kwargs: object) -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired("Enter an email address."),
            Length(max=254),
            Email("Enter an email address like name@example.nhs.uk.", check_deliverability=False),
        ],
        filters=[strip_whitespace],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
        **kwargs,
    )


def _name_field(label: str = "Full name") -> StringField:
    return StringField(
        label,
        validators=[DataRequired("Enter a name."), Length(max=80), NoControlCharacters()],
        filters=[strip_whitespace],
        render_kw={"autocomplete": "name"},
    )


class NewPasswordMixin:
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Choose a password."),
            Length(min=12, max=1000, message="Use between 12 and 1,000 characters."),
        ],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The passwords do not match."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class JoinRequestForm(FlaskForm):
    display_name = _name_field()
    email = email_field(description="Your work address: we email you here.")
    job_title = StringField(
        "Job title",
        validators=[DataRequired("Enter your job title."), Length(max=120), NoControlCharacters()],
        filters=[strip_whitespace],
        render_kw={"autocomplete": "organization-title"},
    )
    organisation = StringField(
        "Practice or organisation",
        validators=[
            DataRequired("Enter your practice or organisation."),
            Length(max=160),
            NoControlCharacters(),
        ],
        filters=[strip_whitespace],
        render_kw={"autocomplete": "organization"},
    )
    alliance = SelectField("Cancer Alliance", choices=alliance_select_choices(), default="")
    gmc_number = StringField(
        "GMC number (optional)",
        validators=[Optional(), Regexp(r"^\d{7}$", message="A GMC number has 7 digits.")],
        filters=[strip_whitespace],
        description="Helps staff confirm you are a registered doctor.",
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    reason = TextAreaField(
        "Why would you like to join?",
        validators=[
            DataRequired("Tell us briefly why you would like to join."),
            Length(max=2000, message="Keep this under 2,000 characters."),
            NoControlCharacters(),
        ],
        description="For example, your role in the programme or your cancer lead work.",
    )

    def details(self) -> dict[str, str]:
        """What the applicant says about themselves, all but the address."""
        names = ("display_name", "job_title", "organisation", "alliance", "gmc_number", "reason")
        return {name: getattr(self, name).data or "" for name in names}


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    display_name = _name_field("Your name as colleagues know you")


class SetPasswordForm(NewPasswordMixin, FlaskForm):
    pass


class ResetRequestForm(FlaskForm):
    email = email_field()


class InviteForm(FlaskForm):
    display_name = _name_field()
    email = email_field()
    role = SelectField("Role", choices=ROLE_CHOICES, default="member")
    alliance = SelectField("Cancer Alliance", choices=alliance_select_choices(), default="")


class CohortUploadForm(FlaskForm):
    file = FileField(
        "Cohort CSV file",
        validators=[
            FileRequired("Choose a CSV file."),
            FileAllowed(["csv", "txt"], "Upload a .csv file."),
        ],
        description="Columns: name, email, role (member, moderator or admin), alliance. "
        "The first line names the columns.",
    )


class RejectJoinRequestForm(FlaskForm):
    reason = TextAreaField(
        "Reason (sent to the applicant)",
        validators=[
            DataRequired("Give a reason: it is sent to the applicant."),
            Length(max=1000),
            NoControlCharacters(),
        ],
    )


class OrganisationJoinForm(JoinRequestForm):
    """Asking to join through an organisation account, which already verified the address."""

    email = None
