"""The pledge, the first page a new member reads, runs as paragraphs on a phone and a desktop:
the line breaks of the textarea staff typed it in do not cut its sentences."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_user, publish_pledge

from .axe import assert_no_violations

pytestmark = pytest.mark.browser

# Typed in a narrow textarea: each sentence broken over lines, a blank line between paragraphs.
HARD_WRAPPED = """\
I will protect patient confidentiality. I will never post
anything that could identify a patient, alone or together
with other details.

I will treat what colleagues share here as confidential
to this community, and I will be kind.
"""


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 800)], ids=["phone", "desktop"])
def test_a_new_member_reads_the_pledge_as_paragraphs(
    playwright_browser, live_server, sign_in, browser_errors, viewport
):
    with live_server.app.app_context():
        publish_pledge(HARD_WRAPPED)
        email = make_user(name="Dr Nia Evans").email
    width, height = viewport
    context = playwright_browser.new_context(
        viewport={"width": width, "height": height}, base_url=live_server.url
    )
    page = context.new_page()
    try:
        sign_in(page, email)
        page.goto("/pledge")
        paragraphs = page.locator(".pledge-text > p")
        expect(paragraphs).to_have_count(2)
        first = paragraphs.first
        assert first.inner_text().startswith("I will protect patient confidentiality. I will never")
        # innerText shows a <br> or a pre-line break as a new line: the sentence runs on.
        assert "\n" not in first.inner_text()
        assert first.locator("br").count() == 0
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
        assert_no_violations(page)
    finally:
        context.close()
    browser_errors.assert_none()
