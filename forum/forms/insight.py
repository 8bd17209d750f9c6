"""The dashboards' filter (a GET form: shape only; the view checks the choices)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired


class InsightFilterForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField("From", validators=[InputRequired("Give the first day, as yyyy-mm-dd.")])
    end = DateField("To", validators=[InputRequired("Give the last day, as yyyy-mm-dd.")])
    alliance = SelectField("Cancer Alliance", validate_choice=False)
    category = SelectField("Category", validate_choice=False)
