"""The OpenAPI 3.1 document, made from the code: each route's ``@operation`` declaration, its
URL rule (path, methods, parameters) and the pydantic models it reads and returns.

pydantic writes JSON Schema 2020-12, which is OpenAPI 3.1's own dialect, so the models that
check request bodies are the schemas the document publishes: the two cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask
from pydantic import BaseModel

from forum.api import schemas

F = TypeVar("F", bound=Callable[..., Any])

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    type: str = "string"
    enum: tuple[str, ...] = ()
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.enum:
            out["enum"] = list(self.enum)
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.type == "string" and not self.enum:
            out["maxLength"] = 200
        return out


PAGED = (
    Query("cursor", "Opaque cursor from a previous page's next_cursor."),
    Query("limit", "Items per page (1 to 100, default 20).", "integer", minimum=1, maximum=100),
)


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    response: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    query: tuple[Query, ...] = ()
    status: int = 200
    scope: str = ""
    errors: tuple[int, ...] = field(default=())


def operation(summary: str, tag: str, **details: Any) -> Callable[[F], F]:
    """Declare what a route does for the document (the route itself is the Flask rule)."""

    def mark(view: F) -> F:
        view.api_operation = Operation(summary, tag, **details)  # type: ignore[attr-defined]
        return view

    return mark


def build_document(app: Flask) -> dict[str, Any]:
    """Walk the app's /api/v1 rules and their declarations into an OpenAPI 3.1 document."""
    components: dict[str, Any] = {"Problem": schemas.problem_schema()}
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        declared: Operation | None = getattr(view, "api_operation", None)
        if declared is None or not rule.rule.startswith("/api/v1/"):
            continue
        path, parameters = _path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operations = paths.setdefault(path, {})
            operations[method.lower()] = _operation(
                declared, method, parameters, rule.endpoint, components
            )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "GP forum API",
            "version": "1",
            "description": "The forum's JSON API: the same rules as its pages. See docs/api.md.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer", "description": "gpf_... token"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
        "security": [{"token": []}, {"session": []}],
    }


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    parameters = []
    for converter, name in _PARAM.findall(rule):
        if converter in ("id", "int"):
            schema: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
        else:
            schema = {"type": "string", "minLength": 1, "maxLength": 30, "pattern": "^[a-z0-9_]+$"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _PARAM.sub(r"{\2}", rule), parameters


def _schema_ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


ERRORS = {
    400: "The request is malformed (query, cursor or body).",
    401: "No valid token or session.",
    403: "Not allowed: the policy refused, or the token lacks the scope.",
    404: "Not found, or not visible to you.",
    409: "Conflicts with the current state.",
    413: "The body is too large.",
    415: "The body is not JSON.",
    422: "A rule refused it; the confidentiality guard lists its findings.",
    429: "Too many requests; see Retry-After.",
}


def _operation(
    declared: Operation,
    method: str,
    parameters: list[dict[str, Any]],
    endpoint: str,
    components: dict[str, Any],
) -> dict[str, Any]:
    scope = declared.scope or ("read" if method in SAFE else "write")
    query = [
        {"name": q.name, "in": "query", "required": q.required, "description": q.description}
        | {"schema": q.schema()}
        for q in declared.query
    ]
    success: dict[str, Any] = {"description": "Done."}
    if declared.response is not None:
        content = {"schema": _schema_ref(declared.response, components)}
        success = {"description": "OK.", "content": {"application/json": content}}
    responses: dict[str, Any] = {str(declared.status): success}
    if method in SAFE:
        responses["304"] = {"description": "Not modified (If-None-Match matched the ETag)."}
    codes = {400, 401, 403, 404, 429, *declared.errors}
    if parameters:
        codes.add(404)
    if method not in SAFE:
        codes |= {413, 415, 422}
    for code in sorted(codes):
        responses[str(code)] = _problem(ERRORS[code])
    out: dict[str, Any] = {
        "operationId": endpoint.removeprefix("api."),
        "summary": declared.summary,
        "tags": [declared.tag],
        "description": f"Needs the `{scope}` scope.",
        "parameters": parameters + query,
        "responses": responses,
    }
    if declared.body is not None:
        schema = _schema_ref(declared.body, components)
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    return out
