"""HTTP security headers and safe redirect targets."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes, urlsplit

from flask import Flask, Response, request
from werkzeug.exceptions import BadRequest

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def safe_next_url(target: str | None, default: str = "/") -> str:
    """Return ``target`` if it is a path on this site, else ``default``.

    Accepts only a single leading slash followed by a non-slash, non-backslash character,
    no scheme, no host, and no control characters (browsers strip tabs and newlines, which
    would turn ``/\\t/evil.example`` into a protocol-relative URL).
    """
    if not target or any(ord(c) < 0x20 or c in "\\\x7f" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def _decoded(raw: bytes) -> str | None:
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return None


def reject_invalid_utf8() -> None:
    """Refuse a query string or form body that is not UTF-8, instead of storing U+FFFD, and
    a NUL in an address (no link ever needs one, and no database text column can hold it)."""
    query = _decoded(request.query_string)
    if query is None:
        raise BadRequest("The address contains characters that are not valid UTF-8.")
    if "\x00" in query:
        raise BadRequest("The address contains a NUL character.")
    if request.mimetype == "application/x-www-form-urlencoded" and (
        _decoded(request.get_data(cache=True)) is None
    ):
        raise BadRequest("The form contained text that is not valid UTF-8, so nothing was saved.")


def register_security_headers(app: Flask) -> None:
    app.before_request(reject_invalid_utf8)
    app.after_request(add_security_headers)
