"""The confidentiality guard in a real browser: a reply with a valid NHS number is blocked with
the text kept and the number highlighted; a postcode asks for confirmation; the confirmed reply
appears in the moderators' review queue; the live check speaks as the member types; a
moderator redacts the post. Pages pass axe-core. Identifiers are synthetic."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_category, make_moderator, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser

NHS = "999 000 0018"
POSTCODE = "LS1 4AP"
BLOCKED = f"Her NHS number is {NHS}; ferritin 9 and Hb 98. Refer?"
CONFIRMABLE = f"She lives near {POSTCODE}; ferritin 9 and Hb 98. Refer?"


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        category = make_category("Case discussions")
        member = make_user(name="Dr Mina Member")
        moderator = make_moderator(name="Mo Moderator")
        thread = make_thread(category, title="Iron deficiency in an older woman")
        return {"member": member.email, "moderator": moderator.email, "thread": thread.id}


def assert_only_refusals(errors) -> None:
    """No browser errors but the 422s the guard answers with (the refused form, and the
    draft the server will not keep while it holds an identifier)."""
    for page in errors.pages:
        if not page.is_closed():
            page.wait_for_load_state("networkidle")
    unexpected = [line for line in errors.console if "status of 422" not in line]
    assert unexpected == [] and errors.page == []


def reply(page: Page, body: str) -> None:
    page.get_by_label("Your reply").fill(body)
    page.get_by_role("button", name="Post reply").click()


def sign_out(page: Page) -> None:
    page.locator(".site-menu > summary").click()  # Sign out is in the header's Menu
    page.get_by_role("button", name="Sign out").click()


def test_blocked_then_confirmed_then_reviewed(page: Page, forum, sign_in, browser_errors):
    sign_in(page, forum["member"])
    page.goto(f"/t/{forum['thread']}")
    reply(page, BLOCKED)

    review = page.locator("#pii-review")
    expect(review.get_by_role("heading", name="Remove what identifies a patient")).to_be_visible()
    expect(review.locator("mark.pii-mark--block")).to_have_text(NHS)
    expect(review.get_by_role("link", name="GMC guidance on confidentiality")).to_be_visible()
    expect(page.get_by_label("Your reply")).to_have_value(BLOCKED)
    expect(page.get_by_label(CONFIRM_START)).to_have_count(0)
    assert_no_violations(page)

    reply(page, CONFIRMABLE)
    expect(
        review.get_by_role("heading", name="Check these details before you post")
    ).to_be_visible()
    expect(review.locator("mark.pii-mark--confirm")).to_have_text(POSTCODE)
    expect(page.get_by_label("Your reply")).to_have_value(CONFIRMABLE)
    assert_no_violations(page)
    page.get_by_label(CONFIRM_START).check()
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".post__body", has_text=POSTCODE)).to_be_visible()

    sign_out(page)
    sign_in(page, forum["moderator"])
    page.goto("/mod/?type=confidentiality")
    entry = page.locator("article.queue-entry--confidentiality")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Postcode")
    expect(entry.locator("mark.pii-mark--confirm")).to_have_text(POSTCODE)
    assert_no_violations(page)

    entry.get_by_role("link", name="Redact identifiers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Redact patient identifiers")
    expect(page.get_by_label("Postcode:")).to_be_checked()
    assert_no_violations(page)
    page.get_by_role("button", name="Redact and record the incident").click()
    expect(page.locator(".flash--success")).to_contain_text("confidentiality incident")
    page.goto("/mod/incidents")
    expect(page.locator("table")).to_contain_text("Postcode")
    assert_no_violations(page)
    assert_only_refusals(browser_errors)


CONFIRM_START = "This is not patient-identifiable"


def test_the_live_check_lists_identifiers_as_the_member_types(
    page: Page, forum, sign_in, browser_errors
):
    sign_in(page, forum["member"])
    page.goto(f"/t/{forum['thread']}")
    page.get_by_label("Your reply").fill(BLOCKED)
    status = page.locator("[data-pii-summary]")
    expect(status).to_have_text(
        "1 possible patient identifier found: 1 must be removed before you can post."
    )
    expect(status).to_have_attribute("role", "status")
    expect(page.locator("[data-pii-list] mark")).to_have_text(NHS)
    page.get_by_label("Your reply").fill("Ferritin 9 and Hb 98: would you refer?")
    expect(status).to_have_text("")
    assert_no_violations(page)
    assert_only_refusals(browser_errors)


def test_the_guard_works_at_320_pixels(phone_page: Page, forum, sign_in, browser_errors):
    sign_in(phone_page, forum["member"])
    phone_page.goto(f"/t/{forum['thread']}")
    reply(phone_page, CONFIRMABLE)
    review = phone_page.locator("#pii-review")
    expect(review).to_be_visible()
    # Measure once the stylesheet has loaded: a layout forced before it (a slow 304 under
    # load) is the unstyled page, wider than any styled one.
    phone_page.wait_for_load_state("load")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    assert_only_refusals(browser_errors)
