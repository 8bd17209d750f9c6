"""Ways in, in a real browser: an invitation and a join request, from email to first post;
every new page of the closed-membership feature is checked with axe-core."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_admin, make_category, make_thread, make_user, publish_pledge
from tests.mail_server import links_in

from .axe import assert_no_violations

pytestmark = pytest.mark.browser

PASSWORD = "harbour violet compass drum"


@pytest.fixture
def live_server_overrides(smtp_server):
    return {"MAIL_SERVER": smtp_server.host, "MAIL_PORT": smtp_server.port}


@pytest.fixture
def forum(live_server):
    with live_server.app.app_context():
        admin = make_admin(name="Alex Admin", email="admin@example.org")
        admin_id = admin.id
        category = make_category("Safety-netting")
        thread = make_thread(category, title="Monthly 2WW search", author=admin)
        publish_pledge("I will never post anything that could identify a patient.")
        # The admin has accepted the pledge already.
        from forum.extensions import db
        from forum.models import User

        db.session.get(User, admin_id).pledge_version = 1
        db.session.commit()
        return {"admin": "admin@example.org", "slug": category.slug, "thread": thread.id}


def _path(link: str) -> str:
    parts = urlsplit(link)
    return parts.path


def _link_to(smtp_server, email: str, part: str) -> str:
    smtp_server.wait_for(1)
    [link] = [u for u in links_in(smtp_server.last_to(email)) if part in u]
    return _path(link)


def _accept_pledge(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Confidentiality pledge")
    assert_no_violations(page)
    page.get_by_label("I have read the pledge and agree to keep to it").check()
    page.get_by_role("button", name="Accept the pledge").click()


def _post_a_reply(page: Page, thread_id: int) -> None:
    page.goto(f"/t/{thread_id}")
    page.get_by_label("Your reply").fill("Glad to be here: we run this search too.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("article.post").last).to_contain_text("Glad to be here")


def test_invitation_journey(
    page: Page, forum, sign_in, smtp_server, browser_errors, playwright_browser, live_server
):
    sign_in(page, forum["admin"])
    page.get_by_role("link", name="Staff").click()
    assert_no_violations(page)
    page.get_by_role("navigation", name="Staff pages").get_by_role(
        "link", name="Invitations"
    ).click()
    assert_no_violations(page)
    invite = page.locator("form", has=page.get_by_role("button", name="Send invitation"))
    invite.get_by_label("Full name").fill("Dr Nia Evans")
    invite.get_by_label("Email address").fill("nia@example.nhs.uk")
    invite.get_by_label("Cancer Alliance").select_option("Wessex")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to nia@example.nhs.uk")
    expect(page.get_by_role("cell", name="nia@example.nhs.uk", exact=True)).to_be_visible()
    assert_no_violations(page)

    path = _link_to(smtp_server, "nia@example.nhs.uk", "/invite/")
    context = playwright_browser.new_context(base_url=live_server.url)
    try:
        invitee = context.new_page()
        browser_errors.watch(invitee)
        invitee.goto(path)
        expect(invitee.get_by_role("heading", level=1)).to_contain_text("Welcome")
        assert_no_violations(invitee)
        invitee.get_by_label("Password", exact=True).fill("short")
        invitee.get_by_label("Confirm password").fill("short")
        invitee.get_by_role("button", name="Create my account").click()
        expect(invitee.get_by_role("alert")).to_contain_text("Use between 12 and 1,000")
        assert_no_violations(invitee)
        invitee.get_by_label("Password", exact=True).fill(PASSWORD)
        invitee.get_by_label("Confirm password").fill(PASSWORD)
        invitee.get_by_role("button", name="Create my account").click()
        _accept_pledge(invitee)
        expect(invitee.get_by_role("heading", level=1)).to_have_text("Your profile")
        assert_no_violations(invitee)
        _post_a_reply(invitee, forum["thread"])
        invitee.goto(path)
        expect(invitee.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
        assert_no_violations(invitee)
    finally:
        context.close()
    assert browser_errors.page == []  # no script errors (422 answers are logged as console errors)


def test_join_request_journey(
    page: Page, forum, sign_in, smtp_server, browser_errors, playwright_browser, live_server
):
    page.goto("/login")
    page.get_by_role("link", name="Ask to join").click()
    assert_no_violations(page)
    page.get_by_label("Full name").fill("Dr Sam Okafor")
    page.get_by_label("Email address").fill("sam@example.nhs.uk")
    page.get_by_label("Job title").fill("GP partner")
    page.get_by_label("Practice or organisation").fill("Riverside Surgery")
    page.get_by_label("Cancer Alliance").select_option("Greater Manchester")
    page.get_by_label("GMC number (optional)").fill("123")
    page.get_by_label("Why would you like to join?").fill("I lead cancer work in our PCN.")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert")).to_contain_text("A GMC number has 7 digits")
    assert_no_violations(page)
    page.get_by_label("GMC number (optional)").fill("7654321")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("we have your request")
    assert_no_violations(page)

    context = playwright_browser.new_context(base_url=live_server.url)
    try:
        staff = context.new_page()
        browser_errors.watch(staff)
        sign_in(staff, forum["admin"])
        staff.goto("/admin/join-requests")
        expect(staff.get_by_role("heading", name="Dr Sam Okafor")).to_be_visible()
        assert_no_violations(staff)
        staff.get_by_role("button", name="Approve Dr Sam Okafor").click()
        expect(staff.get_by_role("status")).to_contain_text("Approved Dr Sam Okafor")
    finally:
        context.close()

    path = _link_to(smtp_server, "sam@example.nhs.uk", "/reset/")
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    assert_no_violations(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Save password").click()
    _accept_pledge(page)
    _post_a_reply(page, forum["thread"])
    assert browser_errors.page == []  # no script errors (422 answers are logged as console errors)


@pytest.mark.parametrize(
    "path",
    ["/register", "/register/sent", "/reset", "/invite/not-a-token", "/reset/not-a-token"],
)
def test_public_membership_pages_have_no_axe_violations(page: Page, live_server, path):
    response = page.goto(path)
    assert response is not None and response.status in (200, 400)
    assert_no_violations(page)


@pytest.mark.parametrize(
    "path",
    [
        "/account",
        "/account/profile",
        "/account/2fa",
        "/account/data",
        "/pledge",
        "/members",
        "/admin/",
        "/admin/join-requests",
        "/admin/invitations",
        "/admin/members",
        "/admin/members/1",
        "/admin/pledge",
    ],
)
def test_signed_in_membership_pages_have_no_axe_violations(
    page: Page, forum, sign_in, path, live_server
):
    with live_server.app.app_context():
        make_user(name="Dr Directory Entry", job_title="GP", alliance="Wessex")
    sign_in(page, forum["admin"])
    response = page.goto(path)
    assert response is not None and response.status == 200
    assert_no_violations(page)


def test_two_factor_setup_page_shows_a_qr_code_and_works_at_320px(
    phone_page: Page, live_server, sign_in
):
    with live_server.app.app_context():
        email = make_user(email="phone@example.org").email
    sign_in(phone_page, email)
    phone_page.goto("/account/2fa")
    qr = phone_page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_violations(phone_page)
