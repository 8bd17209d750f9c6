"""How the app sits behind a proxy and tells its requests apart in the logs.

- ``PROXY_COUNT`` proxies (nginx, a load balancer) are trusted for ``X-Forwarded-For``,
  ``-Proto``, ``-Host`` and ``-Port``; 0 (the default) trusts none, so a client cannot
  forge its address for rate limits or the audit log.
- Every request has an id: a well-formed ``X-Request-ID`` sent by the proxy, or a new one.
  It is echoed in the response's ``X-Request-ID`` and in every log line written meanwhile.
- ``LOG_FORMAT = "json"`` writes one JSON object per line to standard error, with one access
  line per request. Paths are logged without their query string: a search may hold text
  nobody should find in a log file.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger import json as json_logging
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger("forum.access")

REQUEST_ID_HEADER = "X-Request-ID"
#: A feed address carries its member's secret (docs/feeds.md): logs never keep it.
_FEED_SECRET = re.compile(r"^/feeds/[^/]+/")


def loggable_path(path: str) -> str:
    """The request's path as the access log may keep it: a feed's secret masked."""
    return _FEED_SECRET.sub("/feeds/[secret]/", path)


#: What a proxy's id may look like (nginx's $request_id is 32 hex digits; UUIDs pass too).
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def current_request_id() -> str:
    """The id of the request being served ("" outside a request)."""
    if not has_request_context():
        return ""
    if "request_id" not in g:
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = sent if WELL_FORMED_ID.fullmatch(sent) else uuid.uuid4().hex
    return g.request_id


class JsonFormatter(json_logging.JsonFormatter):
    """One JSON object per record: time, level, logger, message, request id, extras."""

    def __init__(self) -> None:
        super().__init__(
            ["asctime", "levelname", "name", "message", "request_id"],
            rename_fields={
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "exc_info": "exception",
            },
            json_default=str,
            json_ensure_ascii=False,
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        log_data["request_id"] = log_data["request_id"] or current_request_id()
        if not log_data["request_id"]:
            del log_data["request_id"]
        if "exception" in log_data:  # last: it spans many lines
            log_data["exception"] = log_data.pop("exception")
        return log_data


def _configure_json_logging(level: str) -> None:
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.handlers = [handler]
    root.setLevel(level)


def _start_timer() -> None:
    g.request_started = time.perf_counter()
    current_request_id()


def _finish(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = current_request_id()
    started = g.get("request_started")
    if started is not None and log.isEnabledFor(logging.INFO):
        log.info(
            "%s %s %s",
            request.method,
            loggable_path(request.path),
            response.status_code,
            extra={
                "request_id": current_request_id(),
                "method": request.method,
                "path": loggable_path(request.path),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "remote_addr": request.remote_addr,
                "user_id": _signed_in_user_id(),
            },
        )
    return response


def _signed_in_user_id() -> int | None:
    user = g.get("_login_user")  # only if this request loaded it: logging never queries
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None


def register(app: Flask) -> None:
    """Trust the configured proxies, and give every request an id and an access log line."""
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    if app.config.get("LOG_FORMAT") == "json":
        _configure_json_logging(app.config.get("LOG_LEVEL", "INFO"))
    app.before_request(_start_timer)
    app.after_request(_finish)
