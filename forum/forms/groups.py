"""Forms of the group pages: a group's details, adding members three ways, and the
categories a group may read and post in."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from forum.alliances import alliance_choices
from forum.forms.fields import NoControlCharacters, strip_whitespace


class GroupForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Give the group a name."), Length(max=80), NoControlCharacters()],
        filters=[strip_whitespace],
        description="For example “North East and Cumbria GPs” or “Clinical reviewers”.",
    )
    handle = StringField(
        "Handle",
        validators=[DataRequired("Give the group a handle."), Length(max=31)],
        filters=[strip_whitespace],
        description="Used to mention the group as @handle: 3 to 30 letters, digits, hyphens or "
        "underscores, for example north-east-gps.",
    )
    description = TextAreaField(
        "Description (optional)",
        validators=[Length(max=500), NoControlCharacters()],
        filters=[strip_whitespace],
        description="Who is in the group and why; staff see it on the group pages.",
    )
    is_mentionable = BooleanField(
        "Members may mention this group",
        description="Writing @handle in a post then notifies the group's members who can read "
        "the thread (up to 50 of them), and members see the group's name, description and "
        "members on its page.",
    )
    verifies_answers = BooleanField(
        "Members can mark accepted answers as checked by a clinical lead",
        description="For a group of clinical reviewers: its members see “Mark as checked by a "
        "clinical lead” under a question's accepted answer. An edit to the answer clears the "
        "check.",
    )
    leads_alliance = BooleanField(
        "Members are Cancer Alliance leads",
        description="Its members see the programme's figures (/insight) for the Cancer Alliance "
        "on their own profile, with small numbers suppressed.",
    )


class AddMemberForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired("Choose a member to add.")])


class AllianceForm(FlaskForm):
    alliance = SelectField(
        "Cancer Alliance",
        choices=[SelectChoice(value, label) for value, label in alliance_choices("Choose one")],
        validators=[DataRequired("Choose a Cancer Alliance from the list.")],
        description="Adds every member who chose this alliance on their profile. Members who "
        "choose it later are not added by themselves: add the alliance again then.",
    )


class ImportMembersForm(FlaskForm):
    file = FileField(
        "CSV file of email addresses",
        validators=[
            FileRequired("Choose a CSV file."),
            FileAllowed(["csv", "txt"], "Upload a .csv or .txt file."),
        ],
        description="One member a line; the first cell holding an “@” on each line is read "
        "as their email address, so a spreadsheet export works as it is. At most 5,000 lines.",
    )
