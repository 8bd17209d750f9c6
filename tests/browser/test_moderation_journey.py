"""A member reports a post, a moderator handles it from the queue, the author sees the reason,
and the audit log shows the action with before and after. Moderation pages pass axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from forum.extensions import db
from forum.models import Post
from tests.factories import (
    make_admin,
    make_category,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    reported_post,
)

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        category = make_category("Referral pathways")
        author = make_user(name="Dr Ada Author")
        reporter = make_user(name="Dr Rita Reporter")
        moderator = make_moderator(name="Mo Moderator")
        admin = make_admin(name="Ann Admin")
        thread = make_thread(category, title="Suspected cancer referrals in practice", replies=1)
        post = make_reply(thread, author=author, body="Anyone who disagrees is an idiot.")
        other = make_reply(thread, body="A calmer reply about the pathway.")
        queued = make_reply(thread, body="Another reply someone reported.")
        item = reported_post(queued, reason="spam")
        return {
            "author": author.email,
            "reporter": reporter.email,
            "moderator": moderator.email,
            "admin": admin.email,
            "thread": thread.id,
            "post": post.id,
            "other": other.id,
            "item": item.id,
            "member": author.id,
        }


def change(cell, key: str):
    """The value shown for ``key`` in an audit entry's details cell."""
    name = cell.page.locator("dt").filter(has_text=re.compile(rf"^{key}$"))
    return cell.locator("div", has=name).locator("dd")


def sign_out(page: Page) -> None:
    page.locator(".site-menu > summary").click()  # Sign out is in the header's Menu
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))


def test_report_decide_and_tell(page: Page, forum, sign_in, browser_errors) -> None:
    # The member reports the post.
    sign_in(page, forum["reporter"])
    page.goto(f"/t/{forum['thread']}")
    page.locator("#post-3").locator("summary", has_text="More actions").click()  # post actions
    page.get_by_role("link", name="Report post 3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a post to the moderators")
    page.get_by_label("Unkind or inappropriate").check()
    page.get_by_label(re.compile("Anything the moderators should know")).fill(
        "Insults a colleague."
    )
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".flashes")).to_contain_text("A moderator will look at your report")
    sign_out(page)

    # The moderator handles it from the queue.
    sign_in(page, forum["moderator"])
    page.get_by_role("link", name="Moderation").click()
    entry = page.locator("article.queue-entry", has_text="Anyone who disagrees")
    expect(entry).to_contain_text("Unkind or inappropriate")
    expect(entry).to_contain_text("Insults a colleague.")
    entry.get_by_label("Agree: hide the post").check()
    entry.get_by_label("Reason").fill("Please disagree without insults.")
    entry.get_by_role("button", name=re.compile("^Decide")).click()
    expect(page.locator(".flashes")).to_contain_text("Decided.")
    expect(page.locator("article.queue-entry", has_text="Anyone who disagrees")).to_have_count(0)

    # The audit log shows who did what, in words, with before and after.
    page.get_by_role("link", name="Audit log").click()
    row = page.locator("tr", has_text="Hid a post after a report")
    expect(row).to_contain_text("Mo Moderator")
    expect(row).to_contain_text("Please disagree without insults.")
    expect(row).to_contain_text("Post #3 in “Suspected cancer referrals in practice”")
    details = row.locator("td").nth(4)
    expect(change(details, "Hidden")).to_have_text(re.compile(r"^no\s*→.*\byes$"))
    expect(change(details, "Outcome")).to_have_text("hidden")
    sign_out(page)

    # The author sees the reason on the post and in their moderation messages.
    sign_in(page, forum["author"])
    page.goto(f"/t/{forum['thread']}")
    hidden = page.locator("#post-3")
    expect(hidden).to_contain_text("Hidden by the moderators")
    expect(hidden).to_contain_text("Please disagree without insults.")
    page.goto("/account")
    page.get_by_role("link", name="Moderation messages and your reports").click()
    expect(page.locator(".message").first).to_contain_text("A moderator hid your post.")
    expect(page.locator(".message").first).to_contain_text("Please disagree without insults.")
    sign_out(page)

    # The member who reported it hears the outcome.
    sign_in(page, forum["reporter"])
    page.goto("/account/moderation")
    expect(page.get_by_role("table")).to_contain_text("Post hidden")
    browser_errors.assert_none()


def test_members_do_not_see_the_hidden_post(page: Page, forum, sign_in, live_server) -> None:
    with live_server.app.app_context():
        reported_post(db.session.get(Post, forum["post"]), reason="patient_identifier")
    sign_in(page, forum["reporter"])
    page.goto(f"/t/{forum['thread']}")
    expect(page.locator("article.post")).to_have_count(4)
    expect(page.get_by_text("Anyone who disagrees")).to_have_count(0)


MODERATOR_PAGES = [
    "/mod/",
    "/mod/?type=flag&age=day",
    "/mod/items/{item}",
    "/mod/items/{item}/edit",
    "/mod/posts/{post}",
    "/mod/posts/{post}/edit",
    "/mod/threads/{thread}",
    "/mod/threads/{thread}/split",
    "/mod/members/",
    "/mod/members/{member}",
    "/mod/watched-words/",
    "/mod/audit/",
]


@pytest.mark.parametrize("path", MODERATOR_PAGES)
def test_moderation_pages_have_no_axe_violations(page: Page, forum, sign_in, path) -> None:
    sign_in(page, forum["admin"])
    response = page.goto(path.format(**forum))
    assert response is not None and response.status == 200
    assert_no_violations(page)


@pytest.mark.parametrize("path", ["/p/{other}/report", "/account/moderation"])
def test_member_moderation_pages_have_no_axe_violations(page: Page, forum, sign_in, path) -> None:
    sign_in(page, forum["reporter"])
    page.goto(path.format(**forum))
    assert_no_violations(page)


def test_error_states_have_no_axe_violations(page: Page, forum, sign_in) -> None:
    sign_in(page, forum["moderator"])
    page.goto(f"/mod/items/{forum['item']}")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_no_violations(page)
    page.goto(f"/mod/posts/{forum['post']}")
    page.locator("#hide-heading ~ form").get_by_role("button", name="Hide").click()
    expect(page.get_by_role("alert")).to_contain_text("Give a reason")
    assert_no_violations(page)


def test_the_queue_reflows_at_320_pixels(phone_page: Page, forum, sign_in) -> None:
    sign_in(phone_page, forum["moderator"])
    phone_page.goto("/mod/")
    expect(phone_page.locator("article.queue-entry")).to_have_count(1)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, width
    assert_no_violations(phone_page)
