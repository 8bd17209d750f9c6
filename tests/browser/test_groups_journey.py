"""An admin creates a group, adds members by name and from a CSV file, and restricts a
category to it; a member in the group reads the category, one outside gets "not found". At a
phone's 390x844 and a desktop's 1280x800, with axe-core on every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_admin, make_category, make_moderator, make_thread, make_user

from .axe import assert_no_violations
from .conftest import _open_page

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(params=sorted(VIEWPORTS))
def sized_page(request, playwright_browser, live_server, browser_errors):
    yield from _open_page(
        request, playwright_browser, live_server, browser_errors, VIEWPORTS[request.param]
    )


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        category = make_category("Case reviews")
        make_thread(category, author=make_moderator(), title="A difficult two-week-wait case")
        make_category("Open discussion")
        return {
            "admin": make_admin(name="Ada Admin").email,
            "gina": make_user(name="Gina Partridge", email="gina@practice.example").email,
            "ben": make_user(name="Ben Okafor", email="ben@practice.example").email,
            "oscar": make_user(name="Oscar Outside", email="oscar@practice.example").email,
            "slug": category.slug,
        }


def sign_out(page: Page) -> None:
    page.goto("/account")
    page.locator(".site-menu > summary").click()  # Sign out is in the header's Menu
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(re.compile(r"/login"))


def test_an_admin_restricts_a_category_to_a_group(
    sized_page: Page, forum, sign_in, browser_errors
) -> None:
    page = sized_page
    sign_in(page, forum["admin"])
    page.goto("/admin/")
    page.get_by_role("navigation", name="Staff pages").get_by_role("link", name="Groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Groups")
    assert_no_violations(page)

    # A mistake first: the form says what is wrong and keeps what was typed.
    page.get_by_label("Name").fill("Clinical reviewers")
    page.get_by_label("Handle").fill("no")
    page.get_by_role("button", name="Add group").click()
    expect(page.get_by_role("alert")).to_contain_text("A handle is 3 to 30")
    expect(page.get_by_label("Name")).to_have_value("Clinical reviewers")
    assert_no_violations(page)
    page.get_by_label("Handle").fill("reviewers")
    page.get_by_label("Members may mention this group").check()
    page.get_by_role("button", name="Add group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinical reviewers")
    expect(page.locator(".flashes")).to_contain_text("is added")
    assert_no_violations(page)

    # One member by name, another from a file that also holds an unknown address.
    page.get_by_label("Name, username or email").fill("partridge")
    page.get_by_role("button", name="Find members").click()
    page.get_by_role("button", name="Add Gina Partridge").click()
    expect(page.locator(".flashes")).to_contain_text("Gina Partridge is added")
    members = page.get_by_role("table", name="Members of Clinical reviewers")
    expect(members).to_contain_text("Gina Partridge")
    page.get_by_label("CSV file of email addresses").set_input_files(files=[{
        "name": "reviewers.csv", "mimeType": "text/csv",
        "buffer": b"Name,Email\nBen,ben@practice.example\nNobody,nobody@example.org\n",
    }])  # fmt: skip
    page.get_by_role("button", name="Add from the file").click()
    expect(page.get_by_role("status")).to_contain_text("1 added, 0 already in the group, 1 line")
    expect(page.get_by_role("table", name="Lines not matched")).to_contain_text(
        "no member has this email address"
    )
    assert_no_violations(page)
    page.get_by_role("link", name="Back to the group").click()
    expect(members).to_contain_text("Ben Okafor")

    # Only the group may read "Case reviews".
    page.get_by_role("checkbox", name="Read Case reviews").check()
    page.get_by_role("button", name="Save categories").click()
    expect(page.locator(".flashes")).to_contain_text("Case reviews: the group may read")
    expect(page.get_by_role("group", name="Case reviews")).to_contain_text(
        "Readers now: Clinical reviewers (and staff)"
    )
    assert_no_violations(page)
    page.get_by_role("link", name="Edit or delete the group").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit the group")
    assert_no_violations(page)
    sign_out(page)

    # In the group: the category is there. Outside it: it does not exist.
    sign_in(page, forum["gina"])
    expect(page.get_by_role("link", name="Case reviews")).to_be_visible()
    page.goto(f"/c/{forum['slug']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case reviews")
    # The composer offers the group to mention, by keyboard.
    page.get_by_role("link", name="A difficult two-week-wait case").click()
    box = page.locator("textarea[name=body]")
    box.click()
    box.press_sequentially("Could the @revi")
    option = page.get_by_role("option", name=re.compile("@reviewers"))
    expect(option).to_contain_text("Clinical reviewers")
    expect(option).to_contain_text("group of 2 members")
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("Could the @reviewers ")
    box.press_sequentially("look at this?")
    page.get_by_role("button", name=re.compile("^Post")).click()
    mention = page.locator("article.post").last.get_by_role("link", name="@reviewers")
    mention.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinical reviewers")
    expect(page.get_by_role("list").filter(has_text="Ben Okafor")).to_contain_text("Gina")
    assert_no_violations(page)
    sign_out(page)
    sign_in(page, forum["oscar"])
    expect(page.get_by_role("link", name="Open discussion")).to_be_visible()
    expect(page.get_by_role("link", name="Case reviews")).to_have_count(0)
    response = page.goto(f"/c/{forum['slug']}")
    assert response is not None and response.status == 404
    assert_no_violations(page)
    # The refused form (422) and the hidden category (404) are the only errors the browser saw.
    page.wait_for_load_state("networkidle")
    expected = ("status of 422 (UNPROCESSABLE ENTITY) (", "status of 404 (NOT FOUND) (")
    assert [e for e in browser_errors.console if not any(x in e for x in expected)] == []
    assert len(browser_errors.console) == 2 and browser_errors.page == []
