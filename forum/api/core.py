"""What every API endpoint shares: the blueprint, scopes, CSRF, errors, cursors, ETags.

- A GET needs the ``read`` scope, any other method ``write``; the review queue
  (``/api/v1/mod/``) needs ``moderate``, reading or deciding. A browser session has every
  scope; the policy decides what its member may do.
- A session's writes need the CSRF token in the ``X-CSRFToken`` header, like the pages' own
  JSON endpoints; a bearer token needs none (a browser never sends the header by itself).
- Every error is RFC 9457 ``application/problem+json`` (forum/errors.py ``problem``).
- Lists are paged by an opaque cursor; reads carry an ETag and answer If-None-Match with 304.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import BadRequest, Forbidden, UnsupportedMediaType

from forum.database import write_intent
from forum.errors import ServiceError, problem
from forum.extensions import csrf, db
from forum.services.confidentiality.guard import ConfidentialityError
from forum.services.discussions.posting import EditConflict
from forum.services.membership import api_tokens
from forum.web.bearer import has_scope, request_token, token_use_due

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Endpoints anyone may read: the API's description says nothing about the forum's content.
PUBLIC = frozenset({"api.openapi", "api.reference"})
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@bp.before_request
def check_scope_and_csrf() -> Response | None:
    """Scopes first (a token without ``write`` cannot write), then CSRF for sessions."""
    if request.endpoint in PUBLIC:
        return None
    if request.path.startswith("/api/v1/mod/"):
        needed = "moderate"
    else:
        needed = "read" if request.method in SAFE_METHODS else "write"
    if not has_scope(needed):
        return _insufficient(needed)
    if request.method not in SAFE_METHODS and request_token() is None:
        if current_app.config["WTF_CSRF_ENABLED"]:
            csrf.protect()
    return None


def _insufficient(scope: str) -> Response:
    response = problem(403, f"This token lacks the “{scope}” scope.", scope=scope)
    response.headers["WWW-Authenticate"] = (
        f'Bearer realm="forum", error="insufficient_scope", scope="{scope}"'
    )
    return response


@bp.after_request
def finish(response: Response) -> Response:
    """Note the token's use after the request's own work; nothing is cached by others."""
    if (token_id := token_use_due()) is not None:
        _note_token_use(token_id)
    response.headers.setdefault("Cache-Control", "private, no-cache")
    response.vary.add("Authorization")
    response.vary.add("Cookie")
    return response


def _note_token_use(token_id: int) -> None:
    """A short write transaction of its own (SQLite begins it IMMEDIATE, so it waits its turn
    rather than fail), after the request's transaction has ended; never fails the request."""
    db.session.rollback()  # a refused write has left nothing; a read or a committed write ends
    write_intent.set(True)
    try:
        api_tokens.note_use(token_id)
        db.session.commit()
    except OperationalError:
        db.session.rollback()


# Reading ------------------------------------------------------------------------------------


def etagged(payload: Any, status: int = 200) -> Response:
    """The payload as JSON with a strong ETag; 304 when the client already holds it."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    tag = hashlib.sha256(body.encode()).hexdigest()[:32]
    if request.if_none_match.contains(tag) and request.method in SAFE_METHODS:
        response = Response(status=304)
    else:
        response = Response(body, status=status, mimetype="application/json")
    response.set_etag(tag)
    return response


def cursor_page() -> tuple[int, int]:
    """The page number the ``cursor`` names and the ``limit`` asked for (400 when malformed)."""
    limit = request.args.get("limit", str(DEFAULT_LIMIT))
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    cursor = request.args.get("cursor", "")
    if not cursor:
        return 1, int(limit)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
        number = int(decoded["p"])
    except (ValueError, KeyError, TypeError, UnicodeError) as error:
        raise BadRequest("The cursor is not one this API gave out.") from error
    if not 1 <= number <= 1_000_000:
        raise BadRequest("The cursor is not one this API gave out.")
    return number, int(limit)


def next_cursor(number: int, has_next: bool) -> str | None:
    """The opaque cursor of the page after ``number`` (``None`` on the last page)."""
    if not has_next:
        return None
    return base64.urlsafe_b64encode(json.dumps({"p": number + 1}).encode()).decode().rstrip("=")


# Writing ------------------------------------------------------------------------------------


def body(model: type[M]) -> M:
    """The JSON body as ``model``: 415 when it is not JSON, 400 when it has the wrong shape."""
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in error.errors(include_url=False, include_input=False)
        ]
        raise _Invalid(fields) from error


class _Invalid(BadRequest):
    def __init__(self, fields: list[dict[str, str]]) -> None:
        super().__init__("The body does not have the shape this endpoint takes.")
        self.fields = fields


@bp.errorhandler(_Invalid)
def _invalid(error: _Invalid) -> Response:
    return problem(400, error.description or "", errors=error.fields)


def run(action: Callable[[], T]) -> T | Response:
    """Run one service call and commit; a rule's refusal is a 422 problem (nothing kept)."""
    try:
        result = action()
    except ServiceError as refusal:
        db.session.rollback()
        return refused(refusal)
    except Forbidden:
        db.session.rollback()
        raise
    db.session.commit()
    return result


def run_guarded(action: Callable[[frozenset[str]], T], confirm: list[str]) -> T | Response:
    """Run a write the confidentiality guard checks, with the pages' confirm flow made explicit.

    The action runs with nothing confirmed. When the guard asks for confirmation and ``confirm``
    names every kind it found to confirm (and nothing is blocked), the action runs again with
    those findings confirmed, exactly as ticking the page's box after seeing them does. The
    action loads what it acts on itself: a refusal rolls the session back.
    """
    try:
        result = action(frozenset())
    except ConfidentialityError as refusal:
        db.session.rollback()
        verdict, wanted = refusal.pii_review, set(confirm)
        if verdict.blocked or any(s.kind not in wanted for s in verdict.unconfirmed):
            return refused(refusal)
        fingerprints = frozenset(s.fingerprint for s in verdict.to_confirm if s.kind in wanted)
        return run(lambda: action(fingerprints))
    except ServiceError as refusal:
        db.session.rollback()
        return refused(refusal)
    db.session.commit()
    return result


def refused(refusal: ServiceError) -> Response:
    """A refusal as 422; the confidentiality guard's findings by kind and place, never text."""
    extra: dict[str, Any] = {}
    if refusal.field:
        extra["field"] = refusal.field
    review = getattr(refusal, "pii_review", None)
    if review is not None:
        extra["findings"] = findings_of(review)
    return problem(409 if isinstance(refusal, EditConflict) else 422, refusal.message, **extra)


def findings_of(verdict: Any) -> list[dict[str, Any]]:
    """Each refusing finding's field, kind, start and end: the matched text never leaves."""
    return [
        {
            "field": s.field,
            "kind": s.kind,
            "severity": s.severity,
            "start": s.finding.start,
            "end": s.finding.end,
        }
        for s in [*verdict.blocked, *verdict.unconfirmed]
    ]


def created(payload: dict[str, Any], location: str) -> Response:
    response = jsonify(payload)
    response.status_code = 201
    response.headers["Location"] = location
    return response
