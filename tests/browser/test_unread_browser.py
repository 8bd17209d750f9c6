"""Unread you can trust: a member's own reply is never "new" for them, nor makes its thread or
category unread; the next reply by someone else does, and only it is marked new."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_category, make_reply, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def discussion(live_server):
    with live_server.app.app_context():
        category = make_category("Early diagnosis")
        grace = make_user(name="Dr Grace Adeyemi")
        asha = make_user(name="Dr Asha Patel")
        thread = make_thread(category, author=grace, title="FIT under 10 but ongoing symptoms")
        make_reply(thread, author=make_user(name="Dr Tom O'Connell"), body="Safety-net it.")
        return {
            "asha": asha.email,
            "grace_id": grace.id,
            "thread": thread.id,
            "category": category.slug,
        }


def _category_card(page):
    return page.locator(".category-card", has=page.get_by_role("link", name="Early diagnosis"))


def test_my_reply_is_not_unread_and_the_next_one_by_someone_else_is(
    page, sign_in, discussion, live_server, browser_errors
):
    sign_in(page, discussion["asha"])
    page.goto("/")
    expect(_category_card(page).locator(".badge--unread")).to_have_text(re.compile("^1 unread"))

    page.goto(f"/t/{discussion['thread']}")
    page.get_by_label("Your reply").fill("We recall at six weeks and code the result.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#post-3")).to_contain_text("We recall at six weeks")
    expect(page.locator(".post__new")).to_have_count(0)

    page.goto("/")
    expect(_category_card(page).locator(".badge--unread")).to_have_count(0)
    page.goto(f"/c/{discussion['category']}")
    row = page.locator(".thread-row", has_text="FIT under 10")
    expect(row).not_to_have_class(re.compile("thread-row--unread"))
    expect(row.locator(".badge--unread, .badge--new")).to_have_count(0)
    page.goto("/unread")
    expect(page.locator(".thread-row")).to_have_count(0)

    with live_server.app.app_context():
        from forum.extensions import db
        from forum.models import Thread, User

        grace = db.session.get(User, discussion["grace_id"])
        thread = db.session.get(Thread, discussion["thread"])
        make_reply(thread, author=grace, body="Thanks, Asha.")

    page.goto("/")
    expect(_category_card(page).locator(".badge--unread")).to_have_text(re.compile("^1 unread"))
    page.goto(f"/c/{discussion['category']}")
    row = page.locator(".thread-row", has_text="FIT under 10")
    expect(row.locator(".badge--unread")).to_have_text(re.compile("^1 new"))
    row.locator(".badge--unread").click()
    expect(page).to_have_url(re.compile(r"#post-4$"))
    # The divider: only the other member's reply, never mine before it.
    expect(page.locator(".post__new")).to_have_count(1)
    expect(page.locator("#post-4 .post__new")).to_have_text("New since your last visit")
    expect(page.locator("#post-3 .post__new")).to_have_count(0)
    assert_no_violations(page)
    browser_errors.assert_none()
