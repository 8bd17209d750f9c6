"""A member signs in, starts a thread, replies, and every page on the way is accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_category, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        category = make_category("Safety-netting", description="Systems that catch everyone.")
        member = make_user(name="Dr Asha Patel", job_title="GP partner")
        other = make_user(name="Dr Tom Reed")
        thread = make_thread(category, author=other, title="Monthly 2WW search", replies=3)
        return {"slug": category.slug, "email": member.email, "thread": thread.id}


def test_member_starts_a_thread_replies_and_sees_both_posts(
    page: Page, forum, sign_in, browser_errors
):
    sign_in(page, forum["email"])
    page.get_by_role("link", name="Safety-netting").first.click()
    page.get_by_role("link", name="Start a new thread").click()
    page.get_by_label("Title").fill("Safety-netting negative FIT results")
    page.get_by_label("Message").fill("How do you track **negative FIT** results?")
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety-netting negative FIT results")
    page.get_by_label("Your reply").fill("We add a recall at six weeks.")
    page.get_by_role("button", name="Post reply").click()
    posts = page.locator("article.post")
    expect(posts).to_have_count(2)
    expect(posts.nth(0)).to_contain_text("How do you track negative FIT results?")
    expect(posts.nth(0).locator("strong")).to_have_text("negative FIT")
    expect(posts.nth(1)).to_contain_text("We add a recall at six weeks.")
    assert page.url.endswith("#post-2")
    browser_errors.assert_none()


def test_an_empty_reply_is_explained_and_focus_moves_to_the_message(page: Page, forum, sign_in):
    sign_in(page, forum["email"])
    page.goto(f"/t/{forum['thread']}")
    page.get_by_role("button", name="Post reply").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Write something before posting.")
    expect(summary).to_be_focused()
    assert_no_violations(page)


@pytest.mark.parametrize(
    "path",
    ["/", "/c/{slug}", "/c/{slug}/new", "/t/{thread}", "/account", "/no-such-page"],
)
def test_pages_have_no_axe_violations(page: Page, forum, sign_in, path):
    sign_in(page, forum["email"])
    page.goto(path.format(**forum))
    assert_no_violations(page)


def test_sign_in_page_has_no_axe_violations_with_an_error(page: Page, forum):
    page.goto("/login")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    assert_no_violations(page)


def test_keyboard_user_can_skip_to_content_and_reach_the_reply_box(page: Page, forum, sign_in):
    sign_in(page, forum["email"])
    page.goto(f"/t/{forum['thread']}")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_phone_layout_has_no_horizontal_scroll(phone_page: Page, forum, sign_in):
    sign_in(phone_page, forum["email"])
    for path in ("/", f"/c/{forum['slug']}", f"/t/{forum['thread']}"):
        phone_page.goto(path)
        overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
