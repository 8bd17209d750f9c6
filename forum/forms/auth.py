"""Sign-in and password forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from forum.forms.fields import strip_whitespace


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address."), Length(max=254)],
        filters=[strip_whitespace],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        "New password",
        validators=[
            DataRequired("Choose a new password."),
            Length(min=12, max=1000, message="Use between 12 and 1,000 characters."),
        ],
        description="At least 12 characters. A short phrase is easier to remember.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("password", "The passwords do not match."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
