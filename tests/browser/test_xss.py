"""In a real browser, with the Content-Security-Policy switched off so the sanitiser stands alone,
no payload opens a dialog or runs a script."""

from __future__ import annotations

import pytest

from tests import corpus
from tests.factories import loaded, make_thread, make_user
from tests.test_xss_pages import post_payloads
from tests.xss_payloads_extra import PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PER_PAGE = 200
TRAP = """
window.__fired = [];
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = (...args) => { window.__fired.push(name + ":" + String(args[0])); };
}
"""


@pytest.fixture
def live_server_overrides():
    return {"POSTS_PER_PAGE": PER_PAGE}


@corpus.needs_corpus
def test_no_payload_fires_in_the_browser(live_server, playwright_browser, sign_in):
    payloads = corpus.xss_payloads() + PAYLOADS
    with live_server.app.app_context():
        author = make_user()
        thread = loaded(make_thread(title="Attack payloads", author=author))
        posted = post_payloads(author, thread, payloads)
        thread_id, email = thread.id, make_user().email
    context = playwright_browser.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        sign_in(page, email)
        page.add_init_script(TRAP)
        for number in range(1, -(-(posted + 1) // PER_PAGE) + 1):
            page.goto(f"/t/{thread_id}?page={number}")
            page.wait_for_load_state("networkidle")
            page.mouse.move(5, 5)
            assert page.evaluate("window.__fired") == [], number
            assert (
                page.locator(".post__body script, .post__body iframe, .post__body svg").count() == 0
            )
        assert dialogs == []
        # The trap itself works: a script that does run is seen.
        page.evaluate("alert('self-check')")
        assert page.evaluate("window.__fired") == ["alert:self-check"]
    finally:
        context.close()
