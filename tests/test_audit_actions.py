"""The audit log in plain English: every action code the code base records has a name."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import forum
from forum.models import ItemKind, Outcome
from forum.services.moderation.decisions import FLAG_OUTCOMES
from forum.services.moderation.members import LIFTABLE
from forum.text.audit_actions import (
    ACTION_NAMES,
    Change,
    action_choices,
    action_name,
    changes,
    humanise,
)

SOURCE = Path(forum.__file__).parent

#: Codes built with f-strings, and every value each can take. A new f-string code fails the
#: scan until it is listed here (and its codes named).
DYNAMIC = {
    "f'queue.{item.kind}.{item.outcome}'": [
        *(f"queue.{ItemKind.FLAG}.{o}" for o in (*FLAG_OUTCOMES, Outcome.EDITED)),
        *(f"queue.{ItemKind.HELD}.{o}" for o in (Outcome.APPROVED, Outcome.REJECTED)),
    ],
    "f'member.lift_{kind}'": [f"member.lift_{kind}" for kind in LIFTABLE],
}


class Module:
    """One source file's tree, with each node's parent, for following a code to its value."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parent: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node

    def function_of(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def constant(self, name: str) -> ast.expr | None:
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets
            ):
                return node.value
        return None

    def calls_to(self, function: str) -> Iterator[ast.Call]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == function:
                yield node


MODULES = {path: Module(path) for path in sorted(SOURCE.rglob("*.py"))}


def _module_named(stem: str) -> Module:
    found = [m for p, m in MODULES.items() if p.stem == stem]
    assert len(found) == 1, f"cannot tell which module {stem!r} is"
    return found[0]


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _from_name(name: str, module: Module, node: ast.AST) -> set[str]:
    function = module.function_of(node)
    if function is not None:
        assigned = [
            n.value
            for n in ast.walk(function)
            if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == name for t in n.targets)
        ]
        if assigned:
            return set().union(*(_codes(v, module, v) for v in assigned))
        params = [a.arg for a in function.args.args]
        if name in params:  # a helper passing its caller's code on: read every call to it
            index = params.index(name)
            calls = list(module.calls_to(function.name))
            assert calls, f"{module.path}: nothing calls {function.name}"
            return set().union(*(_codes(_argument(c, index, name), module, c) for c in calls))
    value = module.constant(name)
    assert value is not None, f"{module.path}: cannot follow {name!r} to a code"
    return _codes(value, module, value)


def _codes(expr: ast.expr | None, module: Module, node: ast.AST) -> set[str]:
    """Every code ``expr`` can be, following names back to literals."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _codes(expr.body, module, node) | _codes(expr.orelse, module, node)
    if isinstance(expr, ast.JoinedStr):
        key = ast.unparse(expr)
        assert key in DYNAMIC, f"{module.path}: list the codes of {key} in DYNAMIC"
        return set(DYNAMIC[key])
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        other = _module_named(expr.value.id)
        return _codes(other.constant(expr.attr), other, expr)
    if isinstance(expr, ast.Name):
        return _from_name(expr.id, module, node)
    raise AssertionError(f"{module.path}: cannot read the code {ast.dump(expr) if expr else None}")


def recorded_codes() -> dict[str, set[str]]:
    """Every action code passed to ``audit.record`` anywhere in forum/, by file."""
    found: dict[str, set[str]] = {}
    for path, module in MODULES.items():
        for call in module.calls_to("audit.record"):
            codes = _codes(_argument(call, 1, "action"), module, call)
            found.setdefault(str(path.relative_to(SOURCE)), set()).update(codes)
    return found


def test_the_scan_finds_the_codes_of_the_whole_code_base():
    codes = set().union(*recorded_codes().values())
    # Literals, names followed back through helpers and conditionals, and f-strings.
    assert {"post.hide", "confidentiality.clear", "auth.password_set", "thread.pin"} <= codes
    assert {"account.delete", "audit.names_forgotten", "thread.accept_solution"} <= codes
    assert {"queue.flag.hidden", "queue.held.rejected", "member.lift_suspension"} <= codes
    assert len(recorded_codes()) >= 20  # files
    # Every writer goes through ``audit.record`` by that name, so the scan sees them all.
    for path, module in MODULES.items():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ImportFrom) and node.module == "forum.services.audit":
                assert path.name == "__init__.py", f"{path}: call audit.record instead"


def test_every_recorded_action_code_has_a_plain_english_name():
    unnamed = {
        f"{path}: {code}"
        for path, codes in recorded_codes().items()
        for code in codes
        if code not in ACTION_NAMES
    }
    assert not unnamed, "name these in forum/text/audit_actions.py: " + ", ".join(sorted(unnamed))


def test_names_read_as_sentences_not_codes():
    for code, name in ACTION_NAMES.items():
        assert name[0].isupper() and "_" not in name and "." not in name, code
    assert action_name("queue.flag.hidden") == "Hid a post after a report"
    assert action_name("confidentiality.clear") == "Cleared a post in a confidentiality check"
    assert action_name("2fa.enable") == "Set up two-factor sign-in"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("watched_word.archive", "Watched word archive"),
        ("2fa.something_new", "Two-factor something new"),
        ("member..odd__code", "Member odd code"),
        ("", "Unknown action"),
        ("   ", "Unknown action"),
        ("<script>", "<script>"),  # escaped by the template like any text
    ],
)
def test_an_unknown_code_is_humanised_never_an_error(code, name):
    assert action_name(code) == name == humanise(code)


def test_filter_choices_are_names_in_alphabetical_order():
    choices = action_choices(["thread.lock", "auth.sign_in", "made.up"])
    assert choices == [
        ("thread.lock", "Locked a thread"),
        ("made.up", "Made up"),
        ("auth.sign_in", "Signed in"),
    ]


def test_changes_pair_before_and_after_in_words():
    assert changes({"hidden": False, "held": False}, {"hidden": True, "reason": None}) == [
        Change("Hidden", "no", "yes"),
        Change("Held", "no", None),
        Change("Reason", None, "none"),
    ]
    assert changes(None, {"kinds": ["name", "postcode"], "solution_post_id": 4}) == [
        Change("Kinds", None, "name, postcode"),
        Change("Solution post ID", None, "4"),
    ]
    assert changes(None, None) == []
