"""Staff add a group of search terms; a member's abbreviation then finds the spelt-out
thread, and a misspelling offers its correction one click away. No axe violations, on a
desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from forum.extensions import db
from forum.search import vocabulary
from tests.factories import make_admin, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        make_thread(title="Sent to the unit", body="Sent to same day emergency care.")
        make_thread(title="Bone pain relief", body="Regular paracetamol at night.")
        vocabulary.refresh(db.session.connection())
        db.session.commit()
        return {"admin": make_admin().email, "member": make_user().email}


def test_staff_add_a_group_and_members_find_with_it(page: Page, forum, sign_in, browser_errors):
    sign_in(page, forum["admin"])
    page.goto("/admin/search-terms/")
    assert_no_violations(page)
    page.get_by_label("Terms that mean the same").fill("SDEC, same day emergency care")
    page.get_by_label("What the group is for (optional)").fill("Same day emergency care")
    page.get_by_role("button", name="Add group").click()
    expect(page.locator("td", has_text="sdec, same day emergency care")).to_be_visible()

    page.goto("/search?q=SDEC")
    expect(page.get_by_role("heading", name="1 thread matches")).to_be_visible()
    expect(page.get_by_text("Also searched for")).to_be_visible()
    assert_no_violations(page)
    browser_errors.assert_none()


def test_a_misspelling_is_one_click_from_its_correction_on_a_phone(
    phone_page: Page, forum, sign_in, browser_errors
):
    sign_in(phone_page, forum["member"])
    phone_page.goto("/search?q=paracetomol")
    expect(phone_page.get_by_role("heading", name="No results")).to_be_visible()
    assert_no_violations(phone_page)
    phone_page.get_by_role("link", name="paracetamol").click()
    expect(phone_page.get_by_role("heading", name="1 thread matches")).to_be_visible()
    browser_errors.assert_none()
