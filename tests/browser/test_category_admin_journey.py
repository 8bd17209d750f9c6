"""An admin sets up categories through the pages, by keyboard where it matters: adds one (a
mistake first), orders them with the move buttons, archives one and deletes one whose threads
move elsewhere. Every page passes axe-core, on a phone and on a desktop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.factories import make_admin, make_category, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        referrals = make_category("Referrals", slug="referrals", position=1)
        make_category("Education", slug="education", position=2)
        make_thread(referrals, title="Two-week-wait referral for dysphagia", replies=1)
        return {"admin": make_admin(name="Ann Admin").email, "member": make_user().email}


@pytest.fixture(params=list(VIEWPORTS))
def admin_page(request, playwright_browser: Browser, live_server, sign_in, forum):
    context = playwright_browser.new_context(
        viewport=VIEWPORTS[request.param], base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, forum["admin"])
    yield page
    context.close()


def _names(page: Page) -> Locator:
    return page.locator(".category-admin__name")


def test_an_admin_sets_up_categories_through_the_pages(admin_page: Page, live_server):
    page = admin_page
    page.goto("/admin/")
    page.get_by_role("navigation", name="Staff pages").get_by_role(
        "link", name="Categories"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Categories")
    assert_no_violations(page)

    # Adding: a mistake is explained, with what was typed kept.
    page.get_by_role("link", name="Add a category").click()
    page.get_by_label("Address (optional)").fill("Not A Slug!")
    page.get_by_role("button", name="Add category").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Give the category a name.")
    expect(summary).to_contain_text("lower-case letters, digits")
    expect(page.get_by_label("Address (optional)")).to_have_value("Not A Slug!")
    assert_no_violations(page)
    page.get_by_label("Name").fill("Peer support")
    page.get_by_label("Address (optional)").fill("")
    page.get_by_label("Sensitive: no titles or text in email").check()
    page.get_by_role("button", name="Add category").click()
    expect(page.locator(".flashes")).to_contain_text("“Peer support” is added")
    expect(_names(page)).to_have_text(["Referrals", "Education", "Peer support"])

    # Ordering by keyboard: focus comes back to the button, which names the category.
    move_up = page.get_by_role("button", name="Move up: Peer support")
    move_up.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("moved up, above “Education”")
    expect(_names(page)).to_have_text(["Referrals", "Peer support", "Education"])
    expect(page.get_by_role("button", name="Move up: Peer support")).to_be_focused()
    page.keyboard.press("Enter")
    expect(_names(page)).to_have_text(["Peer support", "Referrals", "Education"])
    expect(page.get_by_role("button", name="Move down: Peer support")).to_be_focused()
    assert_no_violations(page)

    # Archiving: read-only, apart at the end of the home page.
    page.get_by_role("button", name="Archive Education").click()
    expect(page.locator(".flashes")).to_contain_text("“Education” is archived")
    page.goto("/")
    archived = page.locator(".archived-categories")
    expect(archived.get_by_role("heading", name="Archived")).to_be_visible()
    expect(archived).to_contain_text("Education")
    page.goto("/c/education")
    expect(page.locator(".notice")).to_contain_text("is archived")
    expect(page.get_by_role("link", name="Start a new thread")).to_have_count(0)
    assert_no_violations(page)

    # Deleting a category that holds threads: they move to the category chosen.
    page.goto("/admin/categories")
    page.get_by_role("link", name="Delete Referrals").click()
    page.get_by_role("button", name="Move the threads and delete").click()
    expect(page.locator(".error-summary")).to_contain_text("still holds 1 thread")
    assert_no_violations(page)
    page.get_by_label("Move its threads to").select_option(label="Peer support")
    page.get_by_role("button", name="Move the threads and delete").click()
    expect(page.locator(".flashes")).to_contain_text("“Referrals” is deleted. Its 1 thread moved.")
    expect(_names(page)).to_have_text(["Peer support", "Education"])
    page.goto("/c/referrals")
    expect(page).to_have_url(re.compile(r"/c/peer-support$"))
    expect(page.get_by_role("link", name="Two-week-wait referral for dysphagia")).to_be_visible()
    page.goto("/search?q=dysphagia")
    expect(page.locator(".search-result")).to_contain_text("Peer support")

    # Deleting an empty category.
    page.goto("/admin/categories")
    page.get_by_role("link", name="Delete Education").click()
    expect(page.get_by_text("holds no threads")).to_be_visible()
    page.get_by_role("button", name="Delete category").click()
    expect(_names(page)).to_have_text(["Peer support"])
    assert_no_violations(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], "the page scrolls sideways"
