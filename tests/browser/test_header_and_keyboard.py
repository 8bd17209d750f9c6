"""The header on a phone and on a desktop, its Menu with and without JavaScript, the review
queue's count for moderators, and reaching a thread's reply box by keyboard."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import (
    locked_thread,
    make_category,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    reported_post,
)

from .axe import assert_no_violations
from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LAPTOP = {"width": 1024, "height": 768}
MAX_PHONE_HEADER = 120
MAX_PRESSES = 10


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        category = make_category("Referral pathways")
        member = make_user(name="Dr Mia Member")
        thread = make_thread(category, title="Two-week-wait referrals for dysphagia")
        for n in range(4):
            make_reply(thread, body=f"Reply number {n + 1} about the pathway.")
        reported_post(make_reply(make_thread(category), body="Reported for a check."))
        locked = locked_thread(category=category, title="A locked thread")
        return {
            "member": member.email,
            "moderator": make_moderator(name="Mo Moderator").email,
            "thread": f"/t/{thread.id}",
            "locked": f"/t/{locked.id}",
        }


@contextmanager
def browsing(
    browser: Browser, live_server, sign_in, email: str, viewport: dict, *, javascript: bool = True
) -> Iterator[Page]:
    context = browser.new_context(
        viewport=viewport, base_url=live_server.url, java_script_enabled=javascript
    )
    context.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, email)
        yield page
        assert errors == [], errors
    finally:
        context.close()


def header_height(page: Page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def visible_header_items(page: Page) -> list[dict]:
    """The boxes of what the header shows: the name, links, search, notifications, Menu."""
    selector = (
        ".site-header .brand, .site-nav a, .site-search input, .site-search button, "
        ".site-tools__search, .nav-notifications, .site-menu > summary"
    )
    items = page.locator(selector)
    boxes = []
    for n in range(items.count()):
        if items.nth(n).is_visible():
            boxes.append(items.nth(n).bounding_box())
    return boxes


def assert_one_row(page: Page) -> None:
    boxes = visible_header_items(page)
    assert len(boxes) >= 4
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) <= 4, middles
    # Nothing overlaps its neighbour, nothing runs off the screen.
    lefts = sorted((box["x"], box["x"] + box["width"]) for box in boxes)
    for (_, right), (left, _) in zip(lefts, lefts[1:], strict=False):
        assert right <= left + 1, lefts
    assert lefts[-1][1] <= page.viewport_size["width"]


def test_on_a_phone_the_header_is_one_short_row(playwright_browser, live_server, sign_in, forum):
    with browsing(playwright_browser, live_server, sign_in, forum["member"], PHONE) as page:
        for url in ("/", forum["thread"]):
            page.goto(url)
            assert header_height(page) <= MAX_PHONE_HEADER
            assert_one_row(page)
            expect(page.get_by_role("link", name="Search", exact=True)).to_be_visible()
            expect(page.get_by_role("link", name=re.compile("^Notifications"))).to_be_visible()
            expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
            assert_no_violations(page)

        menu = page.locator(".site-menu > summary")
        menu.click()
        panel = page.get_by_role("navigation", name="Menu")
        for name in ("Home", "Threads", "Library", "Members", "My profile", "Account"):
            expect(panel.get_by_role("link", name=name, exact=True)).to_be_visible()
        expect(panel.get_by_role("button", name="Sign out")).to_be_visible()
        assert header_height(page) <= MAX_PHONE_HEADER  # the open Menu overlays the page
        assert_no_violations(page)

        # Escape closes the Menu and puts focus back on its button.
        panel.get_by_role("link", name="Threads").focus()
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        expect(menu).to_be_focused()


def test_the_menu_works_by_keyboard(playwright_browser, live_server, sign_in, forum):
    with browsing(playwright_browser, live_server, sign_in, forum["member"], PHONE) as page:
        page.goto(forum["thread"])
        page.locator(".site-menu > summary").focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # Home
        page.keyboard.press("Tab")  # Threads
        page.keyboard.press("Tab")  # Library
        expect(page.get_by_role("link", name="Library", exact=True)).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/library/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Resource library")


def test_the_menu_works_without_javascript(playwright_browser, live_server, sign_in, forum):
    with browsing(
        playwright_browser, live_server, sign_in, forum["member"], PHONE, javascript=False
    ) as page:
        page.goto(forum["thread"])
        summary = page.locator(".site-menu > summary")
        summary.focus()
        page.keyboard.press("Enter")
        panel = page.get_by_role("navigation", name="Menu")
        expect(panel.get_by_role("link", name="Members", exact=True)).to_be_visible()
        panel.get_by_role("link", name="Members", exact=True).focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/members$"))

        summary.click()
        panel.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r"/login"))


@pytest.mark.parametrize("viewport", [DESKTOP, LAPTOP], ids=["1280", "1024"])
def test_on_a_desktop_everything_shares_one_row(
    playwright_browser, live_server, sign_in, forum, viewport
):
    with browsing(playwright_browser, live_server, sign_in, forum["moderator"], viewport) as page:
        for url in ("/", forum["thread"]):
            page.goto(url)
            main = page.get_by_role("navigation", name="Main")
            for name in ("Home", "Threads", "Library", "Members", "Staff"):
                expect(main.get_by_role("link", name=name, exact=True)).to_be_visible()
            # The moderator sees the review queue's pending count on the Moderation link.
            expect(main.get_by_role("link", name="Moderation 1 pending")).to_be_visible()
            assert_one_row(page)
            assert header_height(page) <= 64
            assert_no_violations(page)
        page.locator(".site-menu > summary").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        # The open menu lies over the thread's controls, as a menu does; audit the menu.
        assert_no_violations(page, within=".site-menu")


def test_the_search_box_in_the_header_searches(playwright_browser, live_server, sign_in, forum):
    with browsing(playwright_browser, live_server, sign_in, forum["member"], DESKTOP) as page:
        page.get_by_role("search", name="Site search").get_by_label("Search the forum").fill(
            "dysphagia"
        )
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/search\?q=dysphagia"))


def test_signed_out_pages_keep_a_clean_header(page: Page, live_server):
    page.goto("/login")
    expect(page.locator(".site-header .brand")).to_be_visible()
    expect(page.locator(".site-menu")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    assert header_height(page) <= 64


def presses_to_reply_box(page: Page) -> int:
    """Tab from the top of the page, as a keyboard user does, taking the first way offered to
    the reply box (Enter on it); the number of key presses until the reply box has focus."""
    page.locator("body").focus()
    page.evaluate("document.activeElement.blur()")
    presses = 0
    while presses < 60:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement.id") == "body":
            return presses
        text = page.evaluate("document.activeElement.textContent.trim()")
        if text in ("Skip to the reply box", "Jump to reply"):
            page.keyboard.press("Enter")
            presses += 1
            if page.evaluate("document.activeElement.id") == "body":
                return presses
    raise AssertionError("never reached the reply box")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_reply_box_is_a_few_key_presses_from_the_top(
    playwright_browser, live_server, sign_in, forum, viewport
):
    with browsing(playwright_browser, live_server, sign_in, forum["member"], viewport) as page:
        page.goto(forum["thread"])
        expect(page.locator("article.post")).to_have_count(5)

        assert presses_to_reply_box(page) <= MAX_PRESSES
        expect(page.get_by_label("Your reply")).to_be_focused()

        # Each post is a few Tab stops: its author, its number, Reply, and one "More" button.
        page.goto(forum["thread"])
        post = page.locator("#post-2")
        stops = post.locator("a:visible, button:visible, summary:visible")
        assert stops.count() <= 4
        post.locator("summary", has_text="More actions").click()
        for name in ("Quote post 2", "Report post 2"):
            expect(post.get_by_role("link", name=name)).to_be_visible()
        expect(post.get_by_role("button", name="Bookmark post 2")).to_be_visible()
        assert_no_violations(page)


def test_the_jump_link_focuses_the_reply_box(playwright_browser, live_server, sign_in, forum):
    with browsing(playwright_browser, live_server, sign_in, forum["member"], PHONE) as page:
        page.goto(forum["thread"])
        jump = page.get_by_role("link", name="Jump to reply")
        expect(jump).to_be_visible()
        jump.click()
        expect(page.get_by_label("Your reply")).to_be_focused()
        page.keyboard.type("Thank you.")
        expect(page.get_by_label("Your reply")).to_have_value("Thank you.")

        # Where there is no reply box, the link says so and leads to the reason.
        page.goto(forum["locked"])
        page.get_by_role("link", name="Why you cannot reply").click()
        expect(page).to_have_url(re.compile(r"#reply-title$"))
        expect(page.get_by_text("This thread is locked: no new replies.")).to_be_in_viewport()


def test_the_jump_link_works_without_javascript(playwright_browser, live_server, sign_in, forum):
    with browsing(
        playwright_browser, live_server, sign_in, forum["member"], DESKTOP, javascript=False
    ) as page:
        page.goto(forum["thread"])
        page.get_by_role("link", name="Jump to reply").click()
        page.keyboard.press("Tab")  # from the reply heading, the next stop is the reply box
        expect(page.get_by_label("Your reply")).to_be_focused()


class TestALongForumName:
    """A name of 80 characters (the most the settings allow) is cut short, never pushed under
    the links or off the screen."""

    @pytest.fixture
    def live_server_overrides(self) -> dict:
        name = "The GP Cancer Leads Forum of the Cancer Clinical Leadership Programme, 2026-2027"
        assert len(name) == 80
        return {"SITE_NAME": name}

    @pytest.mark.parametrize("viewport", [DESKTOP, LAPTOP, PHONE], ids=["1280", "1024", "390"])
    def test_the_name_gives_way(self, playwright_browser, live_server, sign_in, forum, viewport):
        with browsing(
            playwright_browser, live_server, sign_in, forum["moderator"], viewport
        ) as page:
            page.goto(forum["thread"])
            assert_one_row(page)
            assert header_height(page) <= MAX_PHONE_HEADER
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            expect(page.locator(".site-menu > summary")).to_be_in_viewport()
