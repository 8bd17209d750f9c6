"""A forum set up from nothing, through its pages only: an empty database and one admin made
on the command line; the admin adds categories, writes the welcome message, publishes the
pledge, makes a group and restricts a category to it, and invites a member, who signs in and
sees exactly what the group allows. At a phone's 390x844 and a desktop's 1280x800, with
axe-core on every page on the way."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.mail_server import links_in

from .axe import assert_no_violations

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
ADMIN_EMAIL = "lead@programme.example.org"
ADMIN_PASSWORD = "first light over the estuary"
MEMBER_PASSWORD = "harbour violet compass drum"


@pytest.fixture
def live_server_overrides(smtp_server):
    return {"MAIL_SERVER": smtp_server.host, "MAIL_PORT": smtp_server.port}


@pytest.fixture
def one_admin(live_server) -> str:
    """What a fresh install has: the schema and one admin, made by the real command."""
    result = live_server.app.test_cli_runner().invoke(
        args=["forum", "create-user", ADMIN_EMAIL, "--name", "Programme Lead", "--role",
              "admin", "--password-stdin"],
        input=ADMIN_PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return ADMIN_EMAIL


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request) -> dict:
    return VIEWPORTS[request.param]


def _context_page(browser: Browser, live_server, viewport: dict, errors) -> tuple:
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors.watch(page)
    return context, page


def _sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _accept_pledge(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Confidentiality pledge")
    assert_no_violations(page)
    page.get_by_label("I have read the pledge and agree to keep to it").check()
    page.get_by_role("button", name="Accept the pledge").click()


def _staff_link(page: Page, name: str) -> None:
    page.goto("/admin/")
    page.get_by_role("navigation", name="Staff pages").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert_no_violations(page)


def _add_category(page: Page, name: str, *, sensitive: bool = False) -> None:
    page.get_by_role("link", name="Add a category").click()
    assert_no_violations(page)
    page.get_by_label("Name").fill(name)
    if sensitive:
        page.get_by_label("Sensitive: no titles or text in email").check()
    page.get_by_role("button", name="Add category").click()
    expect(page.locator(".flashes")).to_contain_text(f"“{name}” is added")


def _admin_sets_up_the_forum(page: Page) -> None:
    # An empty forum: nothing to read yet.
    _staff_link(page, "Categories")
    _add_category(page, "Case reviews")
    _add_category(page, "Open discussion")
    _add_category(page, "Peer support", sensitive=True)
    expect(page.locator(".category-admin__name")).to_have_text(
        ["Case reviews", "Open discussion", "Peer support"]
    )
    assert_no_violations(page)

    _staff_link(page, "Site settings")
    page.get_by_label("Forum name").fill("North East Cancer Leads")
    page.get_by_label("Staff contact address").fill("team@programme.example.org")
    page.get_by_label("Welcome message on the home page").fill(
        "Welcome. Start with **Open discussion**; case reviews are for the regional group."
    )
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".flashes")).to_be_visible()
    assert_no_violations(page)

    page.goto("/admin/pledge")
    assert_no_violations(page)
    page.get_by_role("button", name="Publish as version 1").click()
    if page.get_by_role("heading", level=1, name="Confidentiality pledge").count():
        _accept_pledge(page)  # the admin is asked too, before any other page

    _staff_link(page, "Groups")
    page.get_by_label("Name").fill("North East and Cumbria GPs")
    page.get_by_label("Handle").fill("necgps")
    page.get_by_role("button", name="Add group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("North East and Cumbria GPs")
    page.get_by_role("checkbox", name="Read Case reviews").check()
    page.get_by_role("button", name="Save categories").click()
    expect(page.locator(".flashes")).to_contain_text("Case reviews: the group may read")
    assert_no_violations(page)


def _admin_invites(page: Page, smtp_server) -> str:
    _staff_link(page, "Invitations")
    invite = page.locator("form", has=page.get_by_role("button", name="Send invitation"))
    invite.get_by_label("Full name").fill("Dr Nia Evans")
    invite.get_by_label("Email address").fill("nia@example.nhs.uk")
    invite.get_by_label("Cancer Alliance").select_option("Northern (North East and North Cumbria)")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to nia@example.nhs.uk")
    smtp_server.wait_for(1)
    [link] = [u for u in links_in(smtp_server.last_to("nia@example.nhs.uk")) if "/invite/" in u]
    return urlsplit(link).path


def _admin_adds_to_group(page: Page) -> None:
    page.goto("/admin/groups")
    page.get_by_role("link", name="North East and Cumbria GPs").click()
    page.get_by_label("Name, username or email").fill("nia@example.nhs.uk")
    page.get_by_role("button", name="Find members").click()
    page.get_by_role("button", name="Add Dr Nia Evans").click()
    expect(page.locator(".flashes")).to_contain_text("Dr Nia Evans is added")
    assert_no_violations(page)


def test_a_forum_set_up_from_nothing_through_its_pages(
    playwright_browser, live_server, one_admin, smtp_server, viewport, browser_errors
):
    admin_context, admin = _context_page(playwright_browser, live_server, viewport, browser_errors)
    member_context, member = _context_page(
        playwright_browser, live_server, viewport, browser_errors
    )
    try:
        _sign_in(admin, one_admin, ADMIN_PASSWORD)
        admin.goto("/")
        assert_no_violations(admin)
        _admin_sets_up_the_forum(admin)
        invitation = _admin_invites(admin, smtp_server)

        # The invited member: a password, the pledge, then the home page.
        member.goto(invitation)
        expect(member.get_by_role("heading", level=1)).to_contain_text("Welcome")
        assert_no_violations(member)
        member.get_by_label("Password", exact=True).fill(MEMBER_PASSWORD)
        member.get_by_label("Confirm password").fill(MEMBER_PASSWORD)
        member.get_by_role("button", name="Create my account").click()
        _accept_pledge(member)
        member.goto("/")
        expect(member.locator("header")).to_contain_text("North East Cancer Leads")
        expect(member.locator("main")).to_contain_text("case reviews are for the regional group")
        expect(member.get_by_role("link", name="Open discussion")).to_be_visible()
        expect(member.get_by_role("link", name="Peer support")).to_be_visible()
        # Not in the group: the restricted category does not exist for her.
        expect(member.get_by_role("link", name="Case reviews")).to_have_count(0)
        assert member.goto("/c/case-reviews").status == 404
        assert_no_violations(member)

        # In the group: exactly one category more, and she can start a thread there.
        _admin_adds_to_group(admin)
        member.goto("/")
        expect(member.get_by_role("link", name="Case reviews")).to_be_visible()
        member.get_by_role("link", name="Case reviews").click()
        expect(member.get_by_role("heading", level=1)).to_have_text("Case reviews")
        member.get_by_role("link", name="Start a new thread").click()
        member.get_by_label("Title").fill("Ferritin 9 and Hb 98 in a man in his 60s")
        member.get_by_label("Message").fill(
            "Upper and lower GI referral together, or FIT first? Our practice does both."
        )
        member.get_by_role("button", name="Post thread").click()
        expect(member.get_by_role("heading", level=1)).to_contain_text("Ferritin 9")
        assert_no_violations(member)
        width = member.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], "the page scrolls sideways"
    finally:
        admin_context.close()
        member_context.close()
    assert browser_errors.page == []  # no script errors (422 and 404 answers are logged)
