"""The small things: compact watch menus on a category and a thread (keyboard, screen reader
and axe, open and closed, at 1280 and 390 px), kind badges, and guidance on an empty tags page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_category, make_reply, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        category = make_category("Early diagnosis")
        member = make_user(name="Dr Asha Patel")
        thread = make_thread(category, author=member, title="FIT under 10 but ongoing symptoms")
        make_reply(thread, author=make_user(name="Dr Tom O'Connell"), body="Safety-net it.")
        return {"email": member.email, "thread": thread.id, "category": category.slug}


def test_the_category_watch_menu_opens_by_keyboard_and_saves(page, sign_in, forum, browser_errors):
    sign_in(page, forum["email"])
    page.goto(f"/c/{forum['category']}")
    expect(page.locator("select")).to_have_count(0)
    expect(page.locator(".thread-row .badge--question")).to_have_text("Question")
    menu = page.locator("details.watch-menu")
    summary = menu.locator("summary")
    expect(summary).to_have_text(re.compile(r"^Notifications: Normal"))
    assert_no_violations(page)

    summary.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    levels = page.get_by_role("group", name="Notifications for this category")
    expect(levels.get_by_role("radio", name=re.compile("^Normal"))).to_be_checked()
    assert_no_violations(page)
    page.keyboard.press("Tab")  # into the levels: arrow keys move between them
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(levels.get_by_role("radio", name=re.compile("^Watching$"))).to_be_checked()
    menu.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notifications for Early diagnosis are saved.")).to_be_visible()
    expect(page.locator("details.watch-menu summary")).to_have_text(
        re.compile(r"^Notifications: Watching")
    )
    browser_errors.assert_none()


def test_the_thread_watch_menu_and_kind_badge(page, sign_in, forum, browser_errors):
    sign_in(page, forum["email"])
    page.goto(f"/t/{forum['thread']}")
    expect(page.locator(".thread-summary .badge--question")).to_have_text("Question")
    menu = page.locator("details.watch-menu")
    expect(menu.locator("summary")).to_have_text(re.compile(r"^Notifications: Watching"))
    menu.locator("summary").click()
    levels = page.get_by_role("group", name="Notifications for this thread")
    expect(levels).to_be_visible()
    assert_no_violations(page)
    page.keyboard.press("Escape")  # with menus.js: closes, focus back on the button
    expect(menu).not_to_have_attribute("open", "")
    expect(menu.locator("summary")).to_be_focused()
    menu.locator("summary").click()
    levels.get_by_role("radio", name=re.compile("^Muted")).check()
    menu.get_by_role("button", name="Save").click()
    expect(page.get_by_text("This thread is muted.")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/t/{forum['thread']}"))
    expect(page.locator("details.watch-menu summary")).to_have_text(
        re.compile(r"^Notifications: Muted")
    )
    browser_errors.assert_none()


def test_the_open_menus_fit_a_phone(playwright_browser, live_server, forum):
    context = playwright_browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email address").fill(forum["email"])
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        for path in (f"/c/{forum['category']}", f"/t/{forum['thread']}"):
            page.goto(path)
            page.locator("details.watch-menu summary").click()
            panel = page.locator(".watch-menu__panel")
            expect(panel).to_be_visible()
            box = panel.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (path, box)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            assert_no_violations(page)
    finally:
        context.close()


def test_an_empty_tags_page_explains_what_tags_are(page, sign_in, forum, browser_errors):
    sign_in(page, forum["email"])
    page.goto(f"/t/{forum['thread']}")
    page.get_by_role("link", name=re.compile("^Add tags")).click()
    expect(page.get_by_role("heading", name="There are no tags to choose from yet")).to_be_visible()
    expect(page.get_by_text("ask a moderator")).to_be_visible()
    expect(page.get_by_role("button", name="Save tags")).to_have_count(0)
    assert_no_violations(page)
    page.get_by_role("link", name="Back to the thread").click()
    expect(page).to_have_url(re.compile(rf"/t/{forum['thread']}"))
    browser_errors.assert_none()
