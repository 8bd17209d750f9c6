"""An Alliance lead reads their alliance's dashboards, and staff every alliance: the charts are
SVG with a title and a description beside a table of the same figures, the page reflows at
320px, and axe-core finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from tests.factories import make_admin, make_category, make_group, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser
WESSEX = "Wessex"


@pytest.fixture
def people(live_server):
    with live_server.app.app_context():
        category = make_category("Referrals")
        for n in range(7):
            author = make_user(alliance=WESSEX if n % 2 else "Peninsula")
            make_thread(category, author=author, title=f"Question {n} about a referral")
        lead = make_user(name="Dr Lee Lead", alliance=WESSEX)
        make_group("Alliance leads", members=(lead,), leads_alliance=True)
        db.session.commit()
        return {"lead": lead.email, "admin": make_admin().email, "member": make_user().email}


def test_a_lead_reads_their_alliance_and_staff_every_alliance(
    page, sign_in, people, browser_errors
):
    sign_in(page, people["lead"])
    page.get_by_role("link", name="Insight").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme insight: Wessex")
    chart = page.locator("svg.insight-chart__svg").first
    expect(chart.locator("title")).to_have_count(1)
    expect(chart.locator("desc")).to_have_count(1)
    expect(page.get_by_role("table", name="Questions asked, by week")).to_be_visible()
    assert "Peninsula" not in page.content()
    assert_no_violations(page)
    page.get_by_role("link", name="Unanswered questions").click()
    assert_no_violations(page)
    browser_errors.assert_none()


def test_the_dashboard_reflows_at_320px(phone_page, sign_in, people, browser_errors):
    sign_in(phone_page, people["admin"])
    phone_page.goto("/insight")
    expect(phone_page.get_by_text("Peninsula").first).to_be_attached()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, width
    assert_no_violations(phone_page)
    browser_errors.assert_none()
