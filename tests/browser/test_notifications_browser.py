"""A watcher sees the unread count in the header, opens the notifications page, follows a
notification to the exact post, and changes their settings: no axe violations on any of it,
at desktop width and at 320px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_category, make_reply, make_tag, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def watched(live_server):
    with live_server.app.app_context():
        make_category("Peer support", is_sensitive=True)
        make_tag("FIT")
        watcher = make_user(name="Dr Asha Patel")
        thread = make_thread(author=watcher, title="FIT under 10 but ongoing symptoms")
        for n in range(3):
            make_reply(thread, author=make_user(name=f"Dr Replier {n}"), body=f"Reply {n}")
        return {"email": watcher.email, "thread": thread.id}


def test_notifications_page_and_settings_have_no_violations(page, sign_in, watched, browser_errors):
    sign_in(page, watched["email"])
    badge = page.locator(".nav-notifications .count-badge")
    expect(badge).to_have_text(re.compile(r"^3\s*unread$"))
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    # One entry for the thread's three replies, with a preview of the latest.
    entry = page.locator(".notification--unread")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Dr Replier 2 and 2 others replied in")
    expect(entry.locator(".badge--unread")).to_have_text("3 new")
    expect(entry.locator(".notification__preview")).to_have_text("Reply 2")
    assert_no_violations(page)

    entry.get_by_role("link", name=re.compile("Dr Replier 2 and 2 others replied")).click()
    expect(page).to_have_url(re.compile(rf"/t/{watched['thread']}/.*#post-2$"))
    expect(page.get_by_text("Notifications: Watching")).to_be_visible()
    assert_no_violations(page)

    page.goto("/account/notifications")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    assert_no_violations(page)
    page.get_by_label("Saturday").uncheck()
    page.get_by_label("Sunday").uncheck()
    page.get_by_label("Send from").fill("18:30")
    page.get_by_label("Daily, on the days email may be sent").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.get_by_label("Send from")).to_have_value("18:30")
    expect(page.get_by_label("Saturday")).not_to_be_checked()
    assert_no_violations(page)

    page.goto("/account/notifications/watching")
    expect(page.get_by_role("heading", level=1)).to_have_text("What you watch")
    assert_no_violations(page)
    page.get_by_label("Peer support", exact=True).select_option("watching_first_post")
    page.get_by_role("button", name="Save categories and tags").click()
    expect(page.get_by_text("What you watch is saved.")).to_be_visible()
    expect(page.get_by_label("Peer support", exact=True)).to_have_value("watching_first_post")
    assert_no_violations(page)
    browser_errors.assert_none()


def test_pages_reflow_at_320px(phone_page, sign_in, watched, browser_errors):
    sign_in(phone_page, watched["email"])
    for path in ("/notifications", "/account/notifications", "/account/notifications/watching"):
        phone_page.goto(path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
        assert_no_violations(phone_page)
    browser_errors.assert_none()


def test_unsubscribe_page_signed_out_has_no_violations(page, live_server, watched):
    with live_server.app.app_context():
        from forum.extensions import db
        from forum.models import User
        from forum.services.notifications.unsubscribe import make_token

        user_id = db.session.scalar(db.select(User.id).where(User.email == watched["email"]))
        token = make_token(user_id)
    page.goto(f"/unsubscribe/{token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    assert_no_violations(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert_no_violations(page)
