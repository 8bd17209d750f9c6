"""An admin adds a webhook from the staff pages, copies its secret, sends a test event and
sends a delivery again; every page passes axe and reflows on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from forum.extensions import db
from forum.policy import SYSTEM
from forum.services.webhooks import endpoints
from tests.factories import make_admin, make_category

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def forum(live_server) -> dict:
    with live_server.app.app_context():
        admin = make_admin(name="Sam Staff")
        make_category("Staff room", staff_only=True)
        hook = endpoints.create_endpoint(
            SYSTEM, url="http://127.0.0.1:9/a-rather-long-path/for-the-audit-system/hooks",
            description="The audit system", event_names=["thread.created"], category_ids=[],
        )  # fmt: skip
        endpoints.send_test(SYSTEM, hook)
        db.session.commit()
        return {"admin": admin.email, "hook": hook.id}


def test_an_admin_adds_a_webhook_and_sends_a_delivery_again(page: Page, forum, sign_in):
    sign_in(page, forum["admin"])
    page.goto("/admin/")
    page.get_by_role("navigation", name="Staff pages").get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    assert_no_violations(page)

    page.get_by_role("link", name="Add a webhook").last.click()
    page.get_by_label("URL").fill("http://10.0.0.1/hook")
    page.get_by_label("thread.created", exact=False).check()
    page.get_by_role("button", name="Add the webhook").click()
    expect(page.get_by_role("alert")).to_contain_text("private address")
    assert_no_violations(page)

    page.get_by_label("URL").fill("http://127.0.0.1:9/new")
    page.get_by_label("Staff room").check()
    page.get_by_role("button", name="Add the webhook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The webhook is added")
    expect(page.get_by_label("Signing secret")).to_have_value(
        re.compile(r"^whsec_[A-Za-z0-9+/=]{44}$")
    )
    assert_no_violations(page)

    page.goto(f"/admin/webhooks/{forum['hook']}")
    expect(page.get_by_text("webhook.ping", exact=True)).to_be_visible()
    again = page.get_by_role("button", name="Send again", exact=False)
    again.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("The delivery is queued again")).to_be_visible()
    assert_no_violations(page)


def test_the_webhook_pages_reflow_on_a_phone(phone_page: Page, forum, sign_in):
    sign_in(phone_page, forum["admin"])
    for path in ("/admin/webhooks", "/admin/webhooks/new", f"/admin/webhooks/{forum['hook']}"):
        phone_page.goto(path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways ({width}px)"
        assert_no_violations(phone_page)
