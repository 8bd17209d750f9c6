"""Uploading files (``POST /uploads``, JSON) and downloading them (``GET /uploads/<id>``).

``attach_composer_file`` lets the composers take a file without JavaScript: the file sent with
the post is stored first (committed on its own, so a post refused for another reason keeps
it) and its Markdown is added to the post's text.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, current_app, g, request, send_file
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from forum import policy
from forum.errors import handle_http_error
from forum.extensions import db, limiter
from forum.models import Attachment, utcnow
from forum.queries import library as library_queries
from forum.redis_client import redis_for
from forum.services.insight import downloads as insight_downloads
from forum.services.library import uploads
from forum.uploads.filetypes import KINDS
from forum.uploads.storage import storage

log = logging.getLogger(__name__)

bp = Blueprint("uploads", __name__)

#: Downloads are never run as pages: no scripts, no plugins, no frames, a unique origin.
DOWNLOAD_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
TRUE_VALUES = {"1", "true", "on", "yes"}


def upload_limit() -> str:
    return current_app.config["RATELIMIT_POSTING"]


def _error(message: str, status: int, **extra: Any) -> tuple[dict[str, Any], int]:
    return {"error": {"code": status, "message": message, **extra}}, status


def _refusal(error: uploads.UploadRefused) -> tuple[dict[str, Any], int]:
    extra: dict[str, Any] = {"field": error.field or "file"}
    if error.concerns:
        extra["concerns"] = [concern.as_dict() for concern in error.concerns]
    if error.needs_check:
        extra["needs_check"] = True
    return _error(error.message, error.status, **extra)


def _description(attachment: Attachment) -> dict[str, Any]:
    stored = attachment.file
    return {
        "id": attachment.id,
        "url": attachment.url,
        "filename": attachment.filename,
        "kind": stored.kind,
        "size": stored.size,
        "markdown": uploads.markdown_for(attachment),
    }


def _sent_file(field: str) -> FileStorage | None:
    file = request.files.get(field)
    return file if file is not None and file.filename else None


def _store(file: FileStorage, alt: str, checked: bool, decorative: bool = False) -> Attachment:
    return uploads.store_upload(
        current_user,
        file.stream,
        file.filename or "",
        alt_text=alt,
        checked=checked,
        decorative=decorative,
    )


@bp.post("/uploads")
@limiter.limit(upload_limit)
def create() -> tuple[dict[str, Any], int]:
    if not policy.can_upload(current_user):
        return _error("You cannot upload files while your account cannot post.", 403)
    try:
        file = _sent_file("file")
    except RequestEntityTooLarge:
        return _error(uploads.size_limit_message(), 413)
    if file is None:
        return _error("Choose a file to upload (send it in the form field “file”).", 400)
    checked = request.form.get("checked", "").lower() in TRUE_VALUES
    decorative = request.form.get("decorative", "").lower() in TRUE_VALUES
    try:
        attachment = _store(file, request.form.get("alt", ""), checked, decorative)
    except uploads.UploadRefused as error:
        db.session.rollback()
        return _refusal(error)
    description = _description(attachment)  # before the commit expires the attachment
    db.session.commit()
    return description, 201


def attach_composer_file(form: Any) -> bool:
    """Store a file sent with a composer form (field ``attachment``) and add its Markdown to
    ``form.body``. False, with the reason on the form, if the file was refused."""
    file = _sent_file("attachment") if request.method == "POST" else None
    if file is None:
        return True
    checked = request.form.get("attachment_checked", "").lower() in TRUE_VALUES
    try:
        attachment = _store(file, request.form.get("attachment_alt", ""), checked)
    except uploads.UploadRefused as error:
        db.session.rollback()
        g.upload_refusal = error
        form.form_errors.append(f"Your file was not attached. {error.message}")
        return False
    markdown = uploads.markdown_for(attachment)  # before the commit expires the attachment
    db.session.commit()
    body = (form.body.data or "").rstrip()
    form.body.data = f"{body}\n\n{markdown}".lstrip()
    return True


@bp.get("/uploads/<id:attachment_id>")
def show(attachment_id: int) -> Response:
    attachment = library_queries.get_attachment_or_404(attachment_id, current_user)
    stored, kind = attachment.file, KINDS[attachment.file.kind]
    try:
        stream = storage().open(stored.sha256)
    except FileNotFoundError:
        log.error("stored file missing for attachment %s", attachment.id)
        abort(404, "That file is missing from the forum's storage. Tell the forum's staff.")
    response = send_file(
        stream,
        mimetype=kind.media_type,
        as_attachment=not kind.inline,
        download_name=attachment.filename,
        etag=stored.sha256,
        conditional=True,
        max_age=0,
    )
    if response.status_code == 200:
        response.content_length = stored.size
        _count_download(attachment)
    response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _count_download(attachment: Attachment) -> None:
    """Tally the download (Redis or memory); write this process's tally when a batch is due."""
    client = redis_for(current_app)
    today = utcnow().date()
    insight_downloads.count_download(attachment.id, current_user.alliance, today, client)
    config = current_app.config
    batch, seconds = config["INSIGHT_DOWNLOAD_BATCH"], config["INSIGHT_DOWNLOAD_SECONDS"]
    if insight_downloads.TALLY.due(batch, seconds):
        insight_downloads.write_counts(insight_downloads.TALLY.take())
        db.session.commit()


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Any:
    """Every 413 says what the limits are (the page, or the JSON for scripts)."""
    request_mb = int(current_app.config["MAX_CONTENT_LENGTH"]) // (1024 * 1024)
    error.description = (
        f"{uploads.size_limit_message()} (A whole form, with its files, may be up to "
        f"{request_mb} MB.)"
    )
    return handle_http_error(error)


@bp.app_template_global()
def upload_refusal() -> uploads.UploadRefused | None:
    """The composer's refused file, if any, for ``uploads/_attach.html``."""
    return g.get("upload_refusal")


@bp.app_template_global()
def upload_max_megabytes() -> int:
    return int(current_app.config["UPLOAD_MAX_BYTES"]) // (1024 * 1024)


@bp.app_template_global()
def upload_scanning_on() -> bool:
    return bool(current_app.config.get("CLAMD_SOCKET"))
