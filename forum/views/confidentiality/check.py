"""The confidentiality guard as the member types: a JSON check of the composer's fields.

Progressive enhancement only (static/js/confidentiality.js): the server checks again, and
decides, when the form is sent. Nothing is stored or logged; the answer carries kinds and
offsets into the member's own text, never the text.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from forum import policy
from forum.extensions import limiter
from forum.forms.confidentiality import CHECKED
from forum.services.confidentiality import guard as confidentiality

bp = Blueprint("confidentiality", __name__)

#: Characters checked per request, all fields together (a long post and its title).
MAX_CHARS = 130_000


def check_limit() -> str:
    return current_app.config["RATELIMIT_PII_CHECK"]


def _fields() -> dict[str, str]:
    data = request.get_json(silent=True)
    fields = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise BadRequest('Send {"fields": {"body": "..."}}: each field\'s text.')
    texts = {name: value for name, value in fields.items() if name in CHECKED}
    if sum(len(value) for value in texts.values()) > MAX_CHARS:
        raise BadRequest(f"Check at most {MAX_CHARS:,} characters at a time.")
    return texts


def _finding(spotted: confidentiality.Spotted) -> dict[str, Any]:
    return {
        "field": spotted.field,
        **spotted.finding.as_dict(),
        "name": spotted.name,
        "explanation": spotted.explanation,
    }


@bp.post("/composer/pii-check")
@limiter.limit(check_limit)
def check() -> dict[str, Any]:
    """What the guard would say about these fields: ``{"findings": [...], "severity": ...}``."""
    policy.require(policy.can_post(current_user))
    verdict = confidentiality.scan_fields(_fields())
    return {
        "findings": [_finding(spotted) for spotted in verdict.shown],
        "severity": verdict.severity,
        "guidance_url": current_app.config["CONFIDENTIALITY_GUIDANCE_URL"],
    }
