"""Reporting a post for a patient identifier, in a real browser: the report hides the post at
once, and the reporter lands back in the thread where the post was, with a placeholder saying
it is hidden until a moderator checks it; reporting an opening post (which hides the whole
thread) lands on the category with a clear message. Never "Page not found"; axe-clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_category, make_reply, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        category = make_category("Case discussions")
        thread = make_thread(category, title="Iron deficiency in an older woman")
        make_reply(thread, body="Ferritin 9: refer on the two-week pathway.")
        make_reply(thread, body="She is the farmer at Zebrafish Lane, you know her.")
        make_reply(thread, body="Agreed: refer, and check coeliac serology.")
        other = make_thread(category, title="Opening posts can be reported too")
        return {
            "reporter": make_user(name="Dr Ada Report").email,
            "thread": thread.id,
            "other": other.id,
            "category": category.slug,
        }


def report(page: Page, number: int) -> None:
    page.locator(f"#post-{number}").locator("summary", has_text="More actions").click()
    page.get_by_role("link", name=f"Report post {number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a post to the moderators")
    assert_no_violations(page)
    page.get_by_label("Possible patient identifier").check()
    page.get_by_role("button", name="Send the report").click()


def test_the_reporter_lands_where_the_post_was(page: Page, forum, sign_in, browser_errors):
    sign_in(page, forum["reporter"])
    page.goto(f"/t/{forum['thread']}")
    with page.expect_response(re.compile(r"/t/\d+")) as landed:
        report(page, 3)
    assert landed.value.status == 200
    assert re.search(rf"/t/{forum['thread']}/[^?#]+\?reported=\d+#post-3$", page.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Iron deficiency in an older woman")
    expect(page.locator(".flash--success")).to_contain_text(
        "The post is hidden from members until a moderator checks it"
    )
    placeholder = page.locator("#post-3")
    expect(placeholder).to_contain_text("Post #3 is hidden until a moderator checks it.")
    expect(placeholder).to_be_in_viewport()
    expect(page.locator("body")).not_to_contain_text("Zebrafish Lane")
    expect(page.locator("#post-2")).to_be_visible()
    expect(page.locator("#post-4")).to_be_visible()
    page.wait_for_load_state("load")
    assert_no_violations(page)

    page.goto(f"/t/{forum['other']}")
    report(page, 1)
    assert page.url.endswith(f"/c/{forum['category']}")
    expect(page.locator(".flash--success")).to_contain_text(
        "The thread “Opening posts can be reported too” is hidden from members"
    )
    page.wait_for_load_state("load")
    assert_no_violations(page)
    browser_errors.assert_none()


def test_the_landing_reflows_on_a_phone(phone_page: Page, forum, sign_in, browser_errors):
    sign_in(phone_page, forum["reporter"])
    phone_page.goto(f"/t/{forum['thread']}")
    report(phone_page, 3)
    expect(phone_page.locator("#post-3")).to_be_in_viewport()
    phone_page.wait_for_load_state("load")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_violations(phone_page)
    browser_errors.assert_none()
