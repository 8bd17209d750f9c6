"""A member searches from the header box, narrows with a filter control, and reads a result;
the pages have no axe violations and work at 320 pixels wide."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_category, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        screening = make_category("Screening")
        make_thread(
            screening,
            title="Calprotectin in young adults",
            body="Raised calprotectin with a normal FIT: <b>refer</b> or repeat?",
        )
        make_thread(title="Calprotectin audit", body="Our calprotectin audit results.")
        return {"email": make_user().email, "screening": screening.name}


def test_search_from_the_header_and_narrow_by_category(page: Page, forum, sign_in, browser_errors):
    sign_in(page, forum["email"])

    page.get_by_role("search", name="Site search").get_by_label("Search the forum").fill(
        "calprotectin"
    )
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="2 threads match")).to_be_visible()
    expect(page.locator("mark").first).to_have_text("Calprotectin")
    assert_no_violations(page)

    page.locator("summary", has_text="Filters").click()
    page.get_by_label("Category").select_option(label=forum["screening"])
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_role("heading", name="1 thread matches")).to_be_visible()
    expect(page.locator(".search-result__snippet")).to_contain_text("<b>refer</b>")
    page.get_by_role("link", name="Calprotectin in young adults", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calprotectin in young adults")
    browser_errors.assert_none()


def test_no_results_and_tips_are_accessible_on_a_phone(
    phone_page: Page, forum, sign_in, browser_errors
):
    sign_in(phone_page, forum["email"])

    phone_page.goto("/search?q=xylophone+is:solved")

    expect(phone_page.get_by_role("heading", name="No results")).to_be_visible()
    expect(phone_page.get_by_role("link", name="Remove is:solved")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    assert_no_violations(phone_page)
    phone_page.goto("/search")
    expect(phone_page.get_by_role("heading", name="Search tips")).to_be_visible()
    assert_no_violations(phone_page)
    browser_errors.assert_none()
