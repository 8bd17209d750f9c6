"""Signing in with an organisation account, in Chromium, through a real OpenID provider's own
sign-in and consent pages (``oidc-provider`` from npm, tests/oidc/provider.mjs): a new
member's join request, an existing account linked by its email, a moderator with and without
the provider's multi-factor claim, and signing out at the provider too. axe-core checks the
forum's pages on the way (the provider's development pages are not ours to check)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, _migrated_app, serving
from tests.factories import make_moderator, make_user
from tests.oidc.running import (
    ACCOUNTS,
    client_registration,
    forum_provider,
    free_port,
    running_provider,
)

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def forum_port() -> int:
    return free_port(5460)


@pytest.fixture(scope="module")
def provider(forum_port: int) -> Iterator:
    base = f"http://127.0.0.1:{forum_port}"
    clients = [client_registration("forum", base, "nhs")]
    with running_provider(clients=clients, accounts=ACCOUNTS, port=free_port(5440)) as running:
        yield running


@pytest.fixture
def live_server(tmp_path, forum_port, provider) -> Iterator[LiveServer]:
    """The forum on the port the provider sends people back to."""
    base = f"http://127.0.0.1:{forum_port}"
    settings = {
        "BASE_URL": base,
        "STAFF_2FA_REQUIRED": True,
        "OIDC_PROVIDERS": [forum_provider("nhs", provider.issuer, trust_mfa=True)],
    }
    app = _migrated_app(tmp_path / "forum.sqlite", settings)
    with serving(app, forum_port) as server:
        yield server


def through_provider(page: Page, login: str) -> None:
    """From the forum's sign-in page, sign in at the provider as ``login`` and consent."""
    # Only loopback: the provider's development pages ask for a web font.
    page.context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page.goto("/login")
    assert_no_violations(page)
    page.get_by_role("button", name="Sign in with NHSmail").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def test_a_new_member_asks_to_join_through_their_organisation_account(page, live_server):
    through_provider(page, "new-gp")
    expect(page).to_have_url(re.compile(r"/login/org/join$"))
    expect(page.get_by_text("nia.okafor@nhs.net")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Dr Nia Okafor")
    assert_no_violations(page)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("alert")).to_be_visible()  # the form says what is missing
    page.get_by_label("Job title").fill("GP partner")
    page.get_by_label("Practice or organisation").fill("Riverside Surgery")
    page.get_by_label("Why would you like to join?").fill("Cancer lead for our PCN.")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: we have your request")


def test_an_existing_member_is_linked_by_email_and_sees_it_on_the_account_page(page, live_server):
    with live_server.app.app_context():
        make_user(email="sam.patel@nhs.net", name="Sam Patel")
    through_provider(page, "existing")
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/account")
    expect(page.get_by_text("NHSmail (sam.patel@nhs.net), linked")).to_be_visible()
    assert_no_violations(page)
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(re.compile(r"/login(\?state=[^&]+)?$"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_a_moderator_with_the_providers_mfa_claim_reaches_the_staff_pages(page, live_server):
    with live_server.app.app_context():
        make_moderator(email="mod@nhs.net")
    through_provider(page, "staff-mfa")
    page.goto("/mod/")
    expect(page).to_have_url(re.compile(r"/mod/$"))
    assert_no_violations(page)


def test_a_moderator_without_the_mfa_claim_sets_up_the_forums_own_code(page, live_server):
    with live_server.app.app_context():
        make_moderator(email="mod@nhs.net")
    through_provider(page, "staff-pwd")
    page.goto("/mod/")
    expect(page).to_have_url(re.compile(r"/account/2fa\?next="))
    expect(page.get_by_role("heading", level=1)).to_contain_text("two-factor")


def test_an_address_the_provider_may_not_vouch_for_is_refused_clearly(page, live_server):
    through_provider(page, "elsewhere")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in refused")
    expect(
        page.get_by_text("NHSmail can only confirm addresses at nhs.net, not at gmail.com")
    ).to_be_visible()
    assert_no_violations(page)
