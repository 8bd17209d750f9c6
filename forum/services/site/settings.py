"""Admins change the forum's name, description, welcome message and staff contact address.

Staff texts pass the confidentiality guard like a moderator's: a patient identifier that blocks
(an NHS number) is refused; details members would be asked to confirm (a postcode, a phone
number) are not asked about, since staff are the reviewers.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import SiteSettings, utcnow
from forum.policy import Actor, can_change_site_settings, require
from forum.queries import site as site_reads
from forum.services import audit
from forum.services.confidentiality.guard import ConfidentialityError, scan_fields
from forum.text import markup

NAME_MAX, DESCRIPTION_MAX, WELCOME_MAX, EMAIL_MAX = 80, 200, 5_000, 254
#: How long an accepted answer may stand before it is due a review (docs/answers.md).
REVIEW_MONTHS_MIN, REVIEW_MONTHS_MAX = 1, 60
#: The learning log's credits for an hour of learning (docs/learning-log.md).
CREDITS_MIN, CREDITS_MAX = 0.1, 10.0


@dataclass(frozen=True)
class SiteDetails:
    """What the settings form sends."""

    name: str
    description: str
    welcome: str
    contact_email: str
    answer_review_months: int = 12
    appraisal_year_start_month: int = 4
    learning_credits_per_hour: float = 1.0


def check_staff_texts(texts: dict[str, str]) -> None:
    """Refuse a staff text holding an identifier that no one may publish (see the module)."""
    verdict = scan_fields(texts, trusted=True)
    if verdict.refused:
        raise ConfidentialityError(verdict)


def _one_line(value: str, field: str, label: str, limit: int) -> str:
    value = " ".join(value.split())
    if len(value) > limit:
        raise ServiceError(f"Keep the {label} to {limit} characters or fewer.", field)
    return value


def _contact(value: str) -> str:
    value = value.strip()
    if not value:
        raise ServiceError("Enter the staff contact address.", "contact_email")
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        message = "Enter an email address like forum-team@example.nhs.uk."
        raise ServiceError(message, "contact_email") from error
    if len(checked.normalized) > EMAIL_MAX:
        raise ServiceError("That address is too long.", "contact_email")
    return checked.normalized


def _cleaned(details: SiteDetails) -> SiteDetails:
    name = _one_line(details.name, "name", "name", NAME_MAX)
    if not name:
        raise ServiceError("Give the forum a name.", "name")
    welcome = details.welcome.strip()
    if len(welcome) > WELCOME_MAX:
        raise ServiceError(
            f"Keep the welcome message to {WELCOME_MAX:,} characters or fewer.", "welcome"
        )
    description = _one_line(details.description, "description", "description", DESCRIPTION_MAX)
    months = details.answer_review_months
    if not REVIEW_MONTHS_MIN <= months <= REVIEW_MONTHS_MAX:
        message = f"Give a number of months from {REVIEW_MONTHS_MIN} to {REVIEW_MONTHS_MAX}."
        raise ServiceError(message, "answer_review_months")
    _check_learning(details)
    return SiteDetails(
        name, description, welcome, _contact(details.contact_email), months,
        details.appraisal_year_start_month, round(details.learning_credits_per_hour, 2),
    )  # fmt: skip


def _check_learning(details: SiteDetails) -> None:
    if not 1 <= details.appraisal_year_start_month <= 12:
        raise ServiceError("Choose the month the appraisal year starts in.", "appraisal_month")
    if not CREDITS_MIN <= details.learning_credits_per_hour <= CREDITS_MAX:
        message = f"Give a number of credits from {CREDITS_MIN:g} to {CREDITS_MAX:g}."
        raise ServiceError(message, "credits_per_hour")


def _shown(row: SiteSettings) -> dict[str, object]:
    return {
        "name": row.name,
        "description": row.description,
        "contact_email": row.contact_email,
        "welcome_characters": len(row.welcome_source),
        "answer_review_months": row.answer_review_months,
        "appraisal_year_start_month": row.appraisal_year_start_month,
        "learning_credits_per_hour": row.learning_credits_per_hour,
    }


def _first_row(name: str) -> SiteSettings:
    """Make the one row; if another admin's first save made it a moment ago, use theirs."""
    row = SiteSettings(id=site_reads.SETTINGS_ID, name=name)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        row = site_reads.settings_row()
    return row


def save_site_settings(actor: Actor, details: SiteDetails) -> SiteSettings:
    """Save the settings (making the one row on the first save), with an audit entry."""
    require(can_change_site_settings(actor))
    details = _cleaned(details)
    check_staff_texts(
        {"name": details.name, "description": details.description, "welcome": details.welcome}
    )
    row = site_reads.settings_row()
    before = _shown(row) if row else None
    row = row or _first_row(details.name)
    row.name, row.description = details.name, details.description
    row.welcome_source, row.welcome_html = details.welcome, markup.render_page(details.welcome)
    row.markup_version, row.contact_email = markup.MARKUP_VERSION, details.contact_email
    row.answer_review_months = details.answer_review_months
    row.appraisal_year_start_month = details.appraisal_year_start_month
    row.learning_credits_per_hour = details.learning_credits_per_hour
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    row.updated_by_name = getattr(actor, "display_name", "")
    audit.record(actor, "site.settings", before=before, after=_shown(row))
    db.session.flush()
    return row
