"""Staff page about uploaded files: limits, storage used, and whether virus scanning is on."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user

from forum.policy import can_view_staff_pages
from forum.services.library import uploads
from forum.uploads import clamd
from forum.uploads.storage import upload_folder

bp = Blueprint("admin_uploads", __name__, url_prefix="/admin")


@bp.before_request
def staff_only() -> None:
    if not can_view_staff_pages(current_user):
        abort(404)


@bp.get("/uploads")
def index() -> str:
    files, size = uploads.usage()
    config = current_app.config
    status, detail = clamd.status(config.get("CLAMD_SOCKET"))
    return render_template(
        "admin/uploads/index.html",
        files=files,
        size=size,
        scanner=status,
        scanner_detail=detail,
        socket_path=config.get("CLAMD_SOCKET"),
        folder=upload_folder(),
        max_mb=config["UPLOAD_MAX_BYTES"] / (1024 * 1024),
        pending_hours=config["UPLOAD_PENDING_HOURS"],
        library_category=config["LIBRARY_CATEGORY"],
    )
