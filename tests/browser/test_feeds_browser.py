"""A member makes their private feed address on the feeds page, and a feed reader (no
cookies, a plain HTTP client against the live server) reads the feed at it: no axe
violations on the page, at desktop width and at 320px."""

from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import make_category, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def reader(live_server):
    with live_server.app.app_context():
        make_thread(make_category("Referrals"), title="Sarcoma pathway for a deep lump")
        return make_user(name="Dr Feed Reader").email


def test_a_member_makes_a_feed_address_and_a_reader_follows_it(
    page, live_server, sign_in, reader, browser_errors
):
    sign_in(page, reader)
    page.goto("/account/feeds")
    expect(page.get_by_role("heading", level=1)).to_have_text("Feeds")
    expect(page.get_by_text("Keep your feed addresses private, like a password")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="Make a new address").click()
    latest = page.get_by_label("Latest threads")
    expect(latest).to_be_visible()
    assert_no_violations(page)
    path = urlsplit(latest.input_value()).path
    with urllib.request.urlopen(live_server.url + path, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.read())
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert titles == ["Sarcoma pathway for a deep lump"]
    browser_errors.assert_none()


def test_the_feeds_page_reflows_at_320px(phone_page, sign_in, reader, browser_errors):
    sign_in(phone_page, reader)
    phone_page.goto("/account/feeds")
    phone_page.get_by_role("button", name="Make a new address").click()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, width
    assert_no_violations(phone_page)
    browser_errors.assert_none()
