"""An admin sets up the site (name, welcome, contact) and publishes the privacy notice; a visitor
reads it from the join form. On a phone (390x844) and a desktop (1280x800), with axe-core."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_admin

from .axe import assert_no_violations

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(params=list(SIZES))
def sized_page(request, playwright_browser, live_server) -> Iterator[Page]:
    context = playwright_browser.new_context(
        viewport=SIZES[request.param], base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_an_admin_sets_up_the_site_and_a_visitor_reads_the_privacy_notice(
    sized_page: Page, live_server, sign_in, playwright_browser
):
    page = sized_page
    with live_server.app.app_context():
        email = make_admin(name="Alex Admin", email="admin@example.org").email
    sign_in(page, email)

    page.goto("/admin/")
    page.get_by_role("link", name="Site settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Site settings")
    assert_no_violations(page)
    _fits(page)

    # A mistake: no name, and an address that is not one. The form comes back, text kept.
    page.get_by_label("Forum name").fill("")
    page.get_by_label("Staff contact address").fill("forum team")
    page.get_by_role("button", name="Save settings").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Give the forum a name.")
    expect(page.get_by_label("Staff contact address")).to_have_value("forum team")
    assert_no_violations(page)
    _fits(page)
    summary.get_by_role("link", name="Give the forum a name.").click()
    expect(page.get_by_label("Forum name")).to_be_focused()

    page.keyboard.type("Sarcoma Leads Network")
    page.get_by_label("Staff contact address").fill("forum-team@example.nhs.uk")
    page.get_by_label("Welcome message on the home page").fill("Start with the **house rules**.")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("The site settings are saved")
    expect(page).to_have_title("Site settings · Sarcoma Leads Network")

    page.goto("/")
    expect(page.locator(".welcome-message")).to_contain_text("Start with the house rules.")
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name="forum-team@example.nhs.uk")).to_be_visible()
    assert_no_violations(page)
    _fits(page)

    # The privacy notice: publish version 1 with the controller's name filled in.
    page.goto("/admin/settings")
    page.get_by_role("link", name="Privacy notice").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    assert_no_violations(page)
    _fits(page)
    text = page.get_by_label("Page text")
    text.fill(text.input_value().replace("[fill in: the data controller's name and address]",
                                         "Wessex Cancer Alliance, 1 Example Road"))  # fmt: skip
    page.get_by_label("What changed (optional)").fill("Named the data controller")
    page.get_by_role("button", name="Publish as version 1").click()
    expect(page.get_by_role("status")).to_contain_text("Version 1 of “Privacy notice”")
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice, version 1")
    assert_no_violations(page)
    _fits(page)

    # Version 2 changes one thing; its page shows what changed, word by word.
    page.get_by_role("link", name="Privacy notice: all versions").click()
    text = page.get_by_label("Page text")
    text.fill(text.input_value().replace("1 Example Road", "2 Example Road"))
    page.get_by_role("button", name="Publish as version 2").click()
    page.get_by_role("link", name="Version 2", exact=True).click()
    expect(page.get_by_role("heading", name="Changes from version 1")).to_be_visible()
    expect(page.locator("ins").filter(has_text="2")).to_have_count(1)
    assert_no_violations(page)
    _fits(page)

    # A visitor, not signed in, follows the join form's link.
    viewport = page.viewport_size
    visitor = playwright_browser.new_context(viewport=viewport, base_url=live_server.url)
    try:
        other = visitor.new_page()
        other.goto("/register")
        other.get_by_role("main").get_by_role("link", name="privacy notice").click()
        expect(other.get_by_role("heading", level=1)).to_have_text("Privacy notice")
        expect(other.get_by_role("main")).to_contain_text("Wessex Cancer Alliance")
        expect(other).to_have_title("Privacy notice · Sarcoma Leads Network")
        assert_no_violations(other)
        _fits(other)
        other.get_by_role("contentinfo").get_by_role("link", name="Terms of use").click()
        expect(other.get_by_role("heading", level=1)).to_have_text("Terms of use")
        assert_no_violations(other)
    finally:
        visitor.close()
