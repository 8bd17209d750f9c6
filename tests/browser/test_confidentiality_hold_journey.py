"""Identifiers that combine wait for a check, in a real browser: a member confirms a name, a
date of birth and a postcode and is told the post waits for a confidentiality check; another
member can neither see it nor find it; a moderator clears it from the queue; now it is there
for everyone. Every page passes axe-core. Identifiers are synthetic."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_category, make_moderator, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser

COMBINED = "Mrs Jones, born 12/03/1958, lives near LS6 2QT"
CONFIRM_START = "This is not patient-identifiable"


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        category = make_category("Case discussions")
        writer = make_user(name="Dr Mina Member")
        reader = make_user(name="Dr Rhys Reader")
        moderator = make_moderator(name="Mo Moderator")
        thread = make_thread(category, title="Iron deficiency in an older woman")
        return {
            "writer": writer.email,
            "reader": reader.email,
            "moderator": moderator.email,
            "thread": thread.id,
        }


def sign_out(page: Page) -> None:
    page.locator(".site-menu > summary").click()  # Sign out is in the header's Menu
    page.get_by_role("button", name="Sign out").click()


def search_results(page: Page, words: str):
    page.goto(f"/search?q={words}")
    return page.locator("li.search-result")


def test_a_combination_waits_for_a_moderator_then_appears(
    page: Page, forum, sign_in, browser_errors
):
    sign_in(page, forum["writer"])
    page.goto(f"/t/{forum['thread']}")
    page.get_by_label("Your reply").fill(COMBINED)
    page.get_by_role("button", name="Post reply").click()
    page.get_by_label(CONFIRM_START).check()
    page.get_by_role("button", name="Post reply").click()

    flash = page.locator(".flash", has_text="awaiting a confidentiality check")
    expect(flash).to_contain_text("the moderators have been asked to check it")
    expect(flash).to_contain_text("It will appear to other members once they have")
    mine = page.locator("article.post", has_text="LS6 2QT")
    expect(mine.locator(".post__status")).to_contain_text("Awaiting a confidentiality check.")
    page.wait_for_load_state("load")
    assert_no_violations(page)
    sign_out(page)

    sign_in(page, forum["reader"])
    response = page.goto(f"/t/{forum['thread']}")
    assert response is not None and response.status == 200
    expect(page.locator("article.post")).to_have_count(1)
    expect(page.locator("body")).not_to_contain_text("LS6 2QT")
    assert_no_violations(page)
    expect(search_results(page, "Jones")).to_have_count(0)
    assert_no_violations(page)
    sign_out(page)

    sign_in(page, forum["moderator"])
    page.goto("/mod/?type=confidentiality")
    entry = page.locator("article.queue-entry--confidentiality")
    expect(entry.get_by_role("heading", level=2)).to_contain_text(
        "Held for a confidentiality check"
    )
    expect(entry).to_contain_text("nobody else can see this post yet")
    assert_no_violations(page)
    entry.get_by_role("button", name="Nothing identifies a patient: publish it").click()
    expect(page.locator(".flash--success")).to_contain_text("It is published now")
    expect(page.locator("article.queue-entry--confidentiality")).to_have_count(0)
    assert_no_violations(page)
    sign_out(page)

    sign_in(page, forum["reader"])
    page.goto(f"/t/{forum['thread']}")
    expect(page.locator("article.post", has_text="LS6 2QT")).to_be_visible()
    expect(page.locator(".post__status")).to_have_count(0)
    expect(search_results(page, "Jones")).to_have_count(1)
    assert_no_violations(page)
    for each in browser_errors.pages:
        each.wait_for_load_state("networkidle")
    assert [line for line in browser_errors.console if "status of 422" not in line] == []
    assert browser_errors.page == []
