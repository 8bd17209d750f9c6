"""The OpenAPI document and its readable reference page, both served by the forum itself."""

from __future__ import annotations

from flask import Response, current_app, jsonify, render_template

from forum.api.core import bp
from forum.api.spec import build_document


def document() -> dict:
    """Built once per app: the routes do not change while it runs."""
    cached = current_app.extensions.get("forum_openapi")
    if cached is None:
        cached = current_app.extensions["forum_openapi"] = build_document(current_app)
    return cached


@bp.get("/v1/openapi.json")
def openapi() -> Response:
    return jsonify(document())


@bp.get("/docs")
def reference() -> str:
    return render_template("api/reference.html", doc=document())
