"""Accessibility checks with axe-core, injected into the page under test.

The site's Content-Security-Policy forbids inline and foreign scripts, so axe is not added as a
``<script>``: ``page.evaluate`` runs it through the DevTools protocol, which the page's CSP does
not govern.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOWN_NODES = 3

_RUN_AXE = """async ([tags, within]) => {
    const results = await axe.run(within ? {include: [within]} : document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return results.violations;
}"""


@cache
def _axe_source() -> str:
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `make test` or `npm ci` first")
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page: Page, tags: list[str] | None = None, within: str | None = None) -> list[dict]:
    """Return axe-core's violations on the page as it is now (WCAG A and AA by default), or
    only within the element that the CSS selector ``within`` names."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(_RUN_AXE, [tags or WCAG_TAGS, within])


def assert_no_violations(
    page: Page, tags: list[str] | None = None, within: str | None = None
) -> None:
    """Fail with a readable summary if axe-core finds any violation on the page (or within
    one element of it: an open menu, which covers the content under it by design)."""
    # Audit the page as it is shown: rules such as target size and contrast read the layout,
    # and a layout taken before the stylesheet arrives (a slow 304 under load) is unstyled.
    page.wait_for_load_state("load")
    violations = run_axe(page, tags, within)
    if violations:
        raise AssertionError(describe(violations, page.url))


def describe(violations: list[dict], url: str) -> str:
    """Summarise violations: rule, impact, help, and the first few offending elements."""
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{len(nodes)} element(s)] {violation['helpUrl']}"
        )
        for node in nodes[:SHOWN_NODES]:
            target = " ".join(str(part) for part in node["target"])
            html = " ".join(node["html"].split())
            lines.append(f"    {target}: {html[:200]}")
            if node.get("failureSummary"):
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"      {summary[:300]}")
        if len(nodes) > SHOWN_NODES:
            lines.append(f"    ... and {len(nodes) - SHOWN_NODES} more")
    return "\n".join(lines)
