"""The house plan, checked: every module has a layer, layers import only what the table allows,
no import cycles (imports inside functions count), only the edges commit, views build no queries,
and ``|safe`` only on rendered bodies. docs/architecture.md describes the same plan."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORUM = ROOT / "forum"

#: The layer of each module, by path (the most specific prefix wins).
LAYERS = {
    "forum/__init__.py": "factory",
    # Edges: they know HTTP, the command line or the job queue, and they alone commit.
    "forum/views/": "edge",
    "forum/api/": "edge",
    "forum/cli/": "edge",
    "forum/jobs/": "edge",
    # Request plumbing the edges share: who is asking, gates, headers, paging.
    "forum/web/": "web",
    # The write side, the read side, and the shape of forms.
    "forum/services/": "service",
    "forum/queries/": "read",
    "forum/forms/": "form",
    # Per-reader cards rendered from what the read side loaded.
    "forum/cards/": "card",
    # Building blocks.
    "forum/policy/": "block",
    "forum/text/": "block",
    "forum/pii/": "block",
    "forum/search/": "block",
    "forum/uploads/": "block",
    "forum/alliances.py": "block",
    "forum/stats/": "block",
    # Modules every layer shares.
    "forum/extensions.py": "shared",
    "forum/database.py": "shared",
    "forum/errors.py": "shared",
    "forum/links.py": "shared",
    "forum/paging.py": "shared",
    "forum/redis_client.py": "shared",
    "forum/models/": "model",
    "forum/migrations/": "migration",
}

#: The layers each layer may import from (its own included). Anything else is refused.
MAY_IMPORT = {
    "factory": {
        "factory",
        "edge",
        "web",
        "service",
        "read",
        "form",
        "card",
        "block",
        "shared",
        "model",
    },
    "edge": {"edge", "web", "service", "read", "form", "card", "block", "shared", "model"},
    "web": {"web", "service", "read", "card", "block", "shared", "model"},
    "service": {"service", "read", "block", "shared", "model"},
    "read": {"read", "block", "shared", "model"},
    "card": {"card", "read", "block", "shared", "model"},
    "form": {"form", "block"},
    "block": {"block", "shared", "model"},
    "shared": {"shared", "block", "model"},
    "model": {"model"},
    "migration": {"block", "model"},
}

#: Edges that must not reach into each other: a view is not a command, a job is not a page.
EDGE_PACKAGES_APART = {
    "forum/views/": ("forum.cli", "forum.api"),
    "forum/api/": ("forum.views", "forum.cli"),
    "forum/cli/": ("forum.views", "forum.api"),
    "forum/jobs/": ("forum.views", "forum.api", "forum.cli"),
}

#: Third-party modules a layer must not import.
LIBRARIES_BANNED = {
    "service": ("flask_login",),
    "read": ("flask_login",),
    "card": ("flask_login",),
    "form": ("flask_login", "sqlalchemy"),
    "block": ("flask_login",),
    "model": ("flask", "flask_login"),
}
#: The text pipeline and the detector know nothing of Flask or the database.
STANDALONE = ("forum/text/", "forum/pii/", "forum/stats/")
STANDALONE_BANNED = ("flask", "forum.models", "forum.extensions", "sqlalchemy")

#: What a view may take from SQLAlchemy: errors to catch. Queries are built in
#: ``forum/queries/`` and ``forum/services/``.
VIEW_SQLALCHEMY_ALLOWED = ("sqlalchemy.exc",)
QUERY_BUILDING = re.compile(
    r"(?<![\w.])(?<!def )(select|insert|update|delete|text)\("
    r"|\bdb\.session\.(get|execute|scalar|scalars|query)\("
)
COMMITTING = re.compile(r"\.commit\(|\bengine\.begin\(|\.connect\(\)\s*as\b")


def python_files() -> list[Path]:
    return sorted(FORUM.rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def layer_of(relpath: str, layers: Mapping[str, str] = LAYERS) -> str | None:
    matches = [prefix for prefix in layers if relpath == prefix or relpath.startswith(prefix)]
    matches = [p for p in matches if p.endswith("/") or p == relpath]
    return layers[max(matches, key=len)] if matches else None


def module_name(relpath: str) -> str:
    parts = relpath.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_path(name: str, modules: Mapping[str, str]) -> str | None:
    """The file of ``name``, or of the nearest enclosing module that exists."""
    while name:
        if name in modules:
            return modules[name]
        name = name.rpartition(".")[0]
    return None


def imported_names(source: str) -> set[str]:
    """Every module name imported anywhere in ``source``, inside functions too; for
    ``from a import b`` both ``a`` and ``a.b``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def forum_imports(source: str, modules: Mapping[str, str]) -> set[str]:
    """The forum modules ``source`` imports, inside functions too: ``from forum.x import y``
    names ``forum.x.y`` when that is a module, else ``forum.x``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                names.add(submodule if submodule in modules else node.module)
    found = set()
    for name in names:
        if name == "forum" or name.startswith("forum."):
            path = module_path(name, modules)
            if path is not None:
                found.add(path)
    return found


def import_graph(files: Mapping[str, str]) -> dict[str, set[str]]:
    """Module path -> module paths it imports, for ``files`` (path -> source)."""
    modules = {module_name(path): path for path in files}
    graph = {}
    for path, source in files.items():
        graph[path] = forum_imports(source, modules) - {path}
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def layer_violations(files: Mapping[str, str]) -> list[str]:
    """Modules without a layer, and imports the table does not allow."""
    graph = import_graph(files)
    problems = []
    for path in sorted(files):
        layer = layer_of(path)
        if layer is None:
            problems.append(f"{path}: no layer (add it to LAYERS and to docs/architecture.md)")
            continue
        for target in sorted(graph[path]):
            target_layer = layer_of(target)
            if target_layer is not None and target_layer not in MAY_IMPORT[layer]:
                problems.append(f"{path} ({layer}) imports {target} ({target_layer})")
    return problems


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    return {rel(p): p.read_text(encoding="utf-8") for p in python_files()}


def test_every_module_has_a_layer_and_imports_only_what_its_layer_may(sources) -> None:
    assert layer_violations(sources) == []


def test_no_import_cycles_counting_imports_inside_functions(sources) -> None:
    assert cycles(import_graph(sources)) == []


def test_the_root_of_forum_holds_ten_modules_or_fewer() -> None:
    assert len(list(FORUM.glob("*.py"))) <= 10


def _banned(source: str, banned: tuple[str, ...]) -> list[str]:
    return sorted(
        name
        for name in imported_names(source)
        if any(name == b or name.startswith(b + ".") for b in banned)
    )


@pytest.mark.parametrize("path", python_files(), ids=rel)
def test_libraries_and_edges_stay_in_their_place(path: Path) -> None:
    relpath, source = rel(path), path.read_text(encoding="utf-8")
    banned = LIBRARIES_BANNED.get(layer_of(relpath) or "", ())
    if relpath.startswith(STANDALONE):
        banned += STANDALONE_BANNED
    for package, others in EDGE_PACKAGES_APART.items():
        if relpath.startswith(package):
            banned += others
    assert _banned(source, banned) == []


@pytest.mark.parametrize("path", python_files(), ids=rel)
def test_only_the_edges_commit(path: Path) -> None:
    if layer_of(rel(path)) in ("edge", "migration"):
        return
    source = path.read_text(encoding="utf-8")
    assert not COMMITTING.search(source), "commit() and engine.begin() belong in views, cli, jobs"


@pytest.mark.parametrize("path", sorted((FORUM / "views").rglob("*.py")), ids=rel)
def test_views_never_build_queries(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    sqlalchemy = [
        name
        for name in _banned(source, ("sqlalchemy",))
        if not name.startswith(VIEW_SQLALCHEMY_ALLOWED)
    ]
    assert sqlalchemy == []
    assert QUERY_BUILDING.findall(source) == []


def test_safe_filter_only_on_rendered_post_bodies() -> None:
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        for match in re.finditer(
            r"([\w.\[\]'\"]+)\s*\|\s*safe\b", template.read_text(encoding="utf-8")
        ):
            if not match.group(1).endswith("body_html"):
                offenders.append(f"{template.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_no_current_user_or_request_below_the_edges() -> None:
    """Services, the read side and the building blocks take the actor and values explicitly."""
    below = ("service", "read", "block", "card", "form", "model")
    request_locals = ("flask.request", "flask.session", "flask.g", "flask_login.current_user")
    offenders = {
        rel(p): _banned(p.read_text(encoding="utf-8"), request_locals)
        for p in python_files()
        if layer_of(rel(p)) in below
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_no_utils_or_helpers_modules() -> None:
    names = {p.stem for p in python_files()}
    assert not names & {"utils", "helpers", "misc", "common"}


def test_template_folders_mirror_the_view_packages() -> None:
    """``views/<feature>/<module>.py`` renders from ``templates/<feature>/...``."""
    offenders = []
    for path in (FORUM / "views").rglob("*.py"):
        package = path.relative_to(FORUM / "views").parts
        if len(package) < 2:
            continue
        for name in re.findall(r"render_template\(\s*f?\"([^\"]+)\"", path.read_text()):
            if not name.startswith((package[0] + "/", "errors/")):
                offenders.append(f"{rel(path)}: {name}")
    assert offenders == []


# The checks check themselves: a module without a layer, a cycle through an import inside a
# function, and an upward import must each be caught.


def test_the_checks_catch_a_module_without_a_layer() -> None:
    files = {"forum/stray.py": "", "forum/extensions.py": ""}
    assert layer_violations(files) == [
        "forum/stray.py: no layer (add it to LAYERS and to docs/architecture.md)"
    ]


def test_the_checks_catch_a_cycle_through_an_import_inside_a_function() -> None:
    files = {
        "forum/text/a.py": "from forum.text import b\n",
        "forum/text/b.py": "def late():\n    from forum.text.a import thing\n",
        "forum/text/c.py": "from forum.text import a\n",
    }
    assert cycles(import_graph(files)) == [["forum/text/a.py", "forum/text/b.py"]]


def test_the_checks_catch_an_upward_import() -> None:
    files = {
        "forum/services/x.py": "def f():\n    from forum.views.moderation import queue\n",
        "forum/views/moderation/queue.py": "",
    }
    assert layer_violations(files) == [
        "forum/services/x.py (service) imports forum/views/moderation/queue.py (edge)"
    ]
