"""The house plan, checked: which layer may import which, where commits happen, what is |safe."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORUM = ROOT / "forum"

#: Layer of each module path prefix (most specific first).
LAYERS = [
    ("forum/views/", "edge"),
    ("forum/api/", "edge"),
    ("forum/cli/commands.py", "edge"),
    ("forum/services/", "service"),
    ("forum/queries/__init__.py", "read"),
    ("forum/queries/listings.py", "read"),
    ("forum/queries/thread_page.py", "read"),
    ("forum/queries/composer.py", "read"),
    ("forum/text/case_template.py", "pure"),
    ("forum/text/revision_diff.py", "pure"),
    ("forum/text/quoting.py", "pure"),
    ("forum/forms/", "form"),
    ("forum/policy/", "pure"),
    ("forum/text/markup.py", "pure"),
    ("forum/pii/", "pure"),
    ("forum/search/", "pure"),
    ("forum/models/", "model"),
]

#: Modules a layer must never import.
FORBIDDEN = {
    "service": ("forum.views", "forum.api", "forum.cli.commands", "flask_login"),
    "read": ("forum.views", "forum.api", "forum.cli.commands", "forum.services", "flask_login"),
    "form": ("forum.views", "forum.services", "forum.queries", "forum.extensions", "forum.models"),
    "pure": (
        "forum.views",
        "forum.api",
        "forum.cli.commands",
        "forum.services",
        "forum.queries",
        "flask_login",
    ),
    "model": (
        "forum.views",
        "forum.api",
        "forum.cli.commands",
        "forum.services",
        "forum.queries",
        "forum.policy",
        "flask",
    ),
}
#: The text pipeline and the detector know nothing of Flask or the database.
STANDALONE = {"forum/text/markup.py", "forum/pii/"}
STANDALONE_FORBIDDEN = ("flask", "forum.models", "forum.extensions", "sqlalchemy")


def python_files() -> list[Path]:
    return [p for p in FORUM.rglob("*.py") if "migrations" not in p.parts]


def layer_of(path: Path) -> str | None:
    rel = path.relative_to(ROOT).as_posix()
    return next((layer for prefix, layer in LAYERS if rel.startswith(prefix)), None)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _violations(path: Path, banned: tuple[str, ...]) -> list[str]:
    return sorted(
        name
        for name in imported_modules(path)
        if any(name == b or name.startswith(b + ".") for b in banned)
    )


@pytest.mark.parametrize("path", python_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_layers_import_only_downwards(path: Path) -> None:
    layer = layer_of(path)
    banned = FORBIDDEN.get(layer, ())
    rel = path.relative_to(ROOT).as_posix()
    if any(rel == s or (s.endswith("/") and rel.startswith(s)) for s in STANDALONE):
        banned = banned + STANDALONE_FORBIDDEN
    assert _violations(path, banned) == []


@pytest.mark.parametrize("path", python_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_only_the_edges_commit(path: Path) -> None:
    if layer_of(path) == "edge":
        return
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"\.commit\(", source), "commit() belongs in views, api or cli"


def test_safe_filter_only_on_rendered_post_bodies() -> None:
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        for match in re.finditer(
            r"([\w.\[\]'\"]+)\s*\|\s*safe\b", template.read_text(encoding="utf-8")
        ):
            if not match.group(1).endswith("body_html"):
                offenders.append(f"{template.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_no_current_user_or_request_in_services_and_policy() -> None:
    checked = [p for p in python_files() if layer_of(p) in ("service", "pure", "read")]
    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in checked
        if re.search(
            r"\b(current_user|flask\.request|from flask import [^\n]*\brequest\b)", p.read_text()
        )
    ]
    assert offenders == []


def test_no_utils_or_helpers_modules() -> None:
    names = {p.stem for p in python_files()}
    assert not names & {"utils", "helpers", "misc", "common"}
