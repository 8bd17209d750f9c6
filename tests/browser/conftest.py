"""End-to-end tests in headless Debian Chromium, driven by Playwright's sync API.

Mark every test module ``pytestmark = pytest.mark.browser``; ``make test`` installs what these
need (axe-core in ``node_modules/``, Chromium at ``/usr/bin/chromium``).

Fixtures:

``live_server``
    The real app (``config.TestingConfig`` with CSRF on, rate limits off) on a fresh, migrated
    SQLite file, served over HTTP on 127.0.0.1 in a background thread. ``live_server.url`` is
    its address, ``live_server.app`` the Flask app, for setting up data with the factories
    (they commit, so the server's threads see the rows)::

        from tests.factories import PASSWORD, make_thread, make_user

        with live_server.app.app_context():
            email = make_user(role="moderator", email="mod@example.org").email
            thread_id = make_thread(title="Two-week-wait referrals").id

    Read what you need (``.email``, ``.id``) inside the ``with``: the objects are detached
    after it. Override the fixture ``live_server_overrides`` (a dict of config values) in a
    module or a class to serve the app with other settings, e.g. ``{"RATELIMIT_ENABLED": True}``.

``sign_in``
    ``sign_in(page, email, password=PASSWORD)`` signs in through the real form and waits until
    the browser has left ``/login``.

``page``
    A new browser context (1280x800, ``base_url`` set to the live server, so
    ``page.goto("/login")`` works) and page, closed after the test. ``phone_page`` is the same
    at 320x640, for reflow and touch-size checks. Both wait at most 10 s for anything.

``browser_errors``
    The console errors and uncaught page errors seen by ``page`` and ``phone_page`` in this test
    (a failed resource load or a Content-Security-Policy violation is a console error). Call
    ``browser_errors.assert_none()`` at the end of a test that should be clean.

``playwright_browser``
    The one Chromium for the whole session; use it directly only for a context of your own
    (``playwright_browser.new_context(...)``), and close that context yourself.

Accessibility: ``from .axe import assert_no_violations`` and call ``assert_no_violations(page)``
on a loaded page (axe-core, WCAG 2.0/2.1 A and AA and 2.2 AA rules).

When a browser test fails, a screenshot and the HTML of each open page are saved under the
test's ``tmp_path`` and their paths are shown in the report.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright
from werkzeug.serving import make_server

from forum.extensions import db
from tests.conftest import build_app
from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking switches Chromium keeps dialling out, and this machine's
# closed network refuses it; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 320, "height": 640}
TIMEOUT_MS = 10_000


@dataclass
class LiveServer:
    url: str
    app: Flask


@dataclass
class BrowserErrors:
    """Console errors and uncaught exceptions seen by this test's pages."""

    console: list[str] = field(default_factory=list)
    page: list[str] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list, repr=False)

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        self.pages.append(page)

    def assert_none(self) -> None:
        """Let each page's network settle, then fail if any page reported an error."""
        for page in self.pages:
            if not page.is_closed():
                # Late requests (the favicon, say) fail after "load"; wait to hear of them.
                page.wait_for_load_state("networkidle")
        lines = [f"console: {text}" for text in self.console]
        lines += [f"page error: {text}" for text in self.page]
        if lines:
            raise AssertionError("the browser reported errors:\n" + "\n".join(lines))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.console.append(f"{message.text} ({where})" if where else message.text)

    def _on_page_error(self, error: Error) -> None:
        self.page.append(f"{error.name}: {error.message}")


@pytest.fixture(scope="session")
def playwright_browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: run `make test` (as root it installs it), "
            "or `apt-get install chromium`",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server_overrides() -> dict:
    """Config values for ``live_server``; override this fixture to change them."""
    return {}


@pytest.fixture
def live_server(tmp_path: Path, live_server_overrides: dict) -> Iterator[LiveServer]:
    app = _migrated_app(tmp_path / "forum.sqlite", live_server_overrides)
    with serving(app) as server:
        yield server


@contextmanager
def serving(app: Flask, port: int = 0) -> Iterator[LiveServer]:
    """Serve ``app`` on 127.0.0.1 (any free port, or ``port``) in a background thread."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        _dispose_engines(app)


def _migrated_app(path: Path, overrides: dict) -> Flask:
    settings = {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False, **overrides}
    app = build_app(f"sqlite:///{path}", **settings)
    with app.app_context():
        upgrade(revision="heads")
    return app


def _dispose_engines(app: Flask) -> None:
    """Close pooled SQLite connections now rather than in a garbage-collector warning."""
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def sign_in() -> Callable[..., None]:
    def _sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
        page.goto("/login")
        form = page.locator("form", has=page.locator("input[name=password]"))
        form.locator("input[name=email]").fill(email)
        form.locator("input[name=password]").fill(password)
        form.locator("[type=submit]").click()
        page.wait_for_url(lambda url: urlsplit(url).path != "/login")

    return _sign_in


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    playwright_browser: Browser,
    live_server: LiveServer,
    browser_errors: BrowserErrors,
) -> Iterator[Page]:
    yield from _open_page(request, playwright_browser, live_server, browser_errors, DESKTOP)


@pytest.fixture
def phone_page(
    request: pytest.FixtureRequest,
    playwright_browser: Browser,
    live_server: LiveServer,
    browser_errors: BrowserErrors,
) -> Iterator[Page]:
    yield from _open_page(request, playwright_browser, live_server, browser_errors, PHONE)


_PAGES = pytest.StashKey[list[tuple[str, Page]]]()


def _open_page(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server: LiveServer,
    errors: BrowserErrors,
    viewport: dict,
) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors.watch(page)
    label = f"{viewport['width']}x{viewport['height']}"
    request.node.stash.setdefault(_PAGES, []).append((label, page))
    try:
        yield page
    finally:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    if report.when == "call" and report.failed and item.stash.get(_PAGES, None):
        folder = Path(item.funcargs["tmp_path"]) / "browser-evidence"
        lines = [_save_evidence(page, folder, label) for label, page in item.stash[_PAGES]]
        report.sections.append(("browser evidence", "\n".join(lines)))
    return report


def _save_evidence(page: Page, folder: Path, label: str) -> str:
    """Save a screenshot and the HTML of ``page``; return what was saved where."""
    if page.is_closed():
        return f"{label}: page already closed"
    folder.mkdir(exist_ok=True)
    screenshot, html = folder / f"{label}.png", folder / f"{label}.html"
    try:
        page.screenshot(path=screenshot, full_page=True)
        html.write_text(page.content(), encoding="utf-8")
    except Error as exc:
        return f"{label}: could not save evidence of {page.url}: {exc.message}"
    return f"{label}: {page.url}\n  {screenshot}\n  {html}"
