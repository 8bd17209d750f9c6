"""Map errors to pages or JSON in one place."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from forum.extensions import db
from forum.policy import AnonymousActor

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A rule refused the action; ``field`` names the form field to attach it to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class CategoryMoved(HTTPException):
    """The category of the address has a new slug: send the reader there.

    GET and HEAD get a 301; other methods a 308, so a form sent from a page opened before the
    rename arrives with its method and body.
    """

    code = 301

    def __init__(self, slug: str) -> None:
        super().__init__()
        self.slug = slug

    def get_response(self, environ: object = None, scope: object = None) -> Response:
        url = url_for(request.endpoint or "", **{**(request.view_args or {}), "slug": self.slug})
        if request.query_string:
            url += "?" + request.query_string.decode("utf-8", "replace")
        return redirect(url, 301 if request.method in ("GET", "HEAD") else 308)


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > 0


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem(code: int, detail: str, **extra: object) -> Response:
    """An RFC 9457 problem document: the API's one error shape."""
    from werkzeug.http import HTTP_STATUS_CODES

    body = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(code, "Error"), "status": code}
    body.update(detail=detail, **extra)
    response = jsonify(body)
    response.status_code = code
    response.mimetype = "application/problem+json"
    return response


def _render(error: HTTPException) -> tuple[Response | str, int]:
    code = error.code or 500
    if is_api_request():
        response = problem(code, error.description or error.name)
        if code == 405 and isinstance(getattr(error, "valid_methods", None), list | tuple):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response, code
    if wants_json():
        return {"error": {"code": code, "name": error.name, "message": error.description}}, code
    template = f"errors/{code}.html" if code in (403, 404, 413, 429) else "errors/generic.html"
    return render_template(template, error=error, code=code), code


def handle_http_error(error: HTTPException) -> tuple[Response | str, int] | HTTPException:
    if error.code is not None and error.code < 400:
        return error  # redirects raised as exceptions pass through untouched
    return _render(error)


def handle_database_unavailable(error: OperationalError) -> tuple[Response | str, int]:
    db.session.rollback()
    if "_login_user" not in g:  # the page must not ask the failing database who is signed in
        g._login_user = AnonymousActor()
    log.warning("database unavailable: %s", type(error.orig).__name__)
    unavailable = ServiceUnavailable(
        "The forum's database is busy or restarting. Please try again in a moment; "
        "nothing you sent was saved."
    )
    body, code = _render(unavailable)
    response = Response(body) if isinstance(body, str) else body
    return response, code


def handle_unexpected(error: Exception) -> tuple[Response | str, int]:
    log.exception("unhandled error")
    db.session.rollback()
    return _render_500()


def _render_500() -> tuple[Response | str, int]:
    from werkzeug.exceptions import InternalServerError

    return _render(InternalServerError())


def handle_csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    error.description = (
        "This form had expired or did not come from this site, so nothing was saved. "
        "Go back, reload the page and send it again (copy your text first if it is long)."
    )
    return _render(error)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)

    @app.after_request
    def add_retry_after(response: Response) -> Response:
        if response.status_code == 503:
            response.headers.setdefault("Retry-After", "5")
        if response.status_code == 429:
            response.headers.setdefault("Retry-After", "60")
        return response


def attach_to_form(form: object, error: ServiceError) -> None:
    """Show a service's refusal on the form field it concerns (or the form as a whole)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)  # type: ignore[attr-defined]
    review = getattr(error, "pii_review", None)  # the confidentiality guard's findings
    if review is not None:
        form.pii_review = review  # type: ignore[attr-defined]
