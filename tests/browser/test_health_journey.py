"""An administrator finds the health page, reads its problems, follows one, and sends failed
email again by keyboard; the page passes axe and reflows on a phone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from forum.extensions import db
from forum.models import BackupRecord, OutboxMessage, OutboxStatus, utcnow
from forum.policy import SYSTEM
from forum.services.operations import records
from tests.factories import make_admin, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser

LONG_PATH = "/var/backups/forum-on-the-programme-server/nightly/forum-2026-12-05-0230.tar.gz"


@pytest.fixture
def forum(live_server) -> dict:
    with live_server.app.app_context():
        admin = make_admin(name="Sam Staff")
        member = make_user(name="Dr Asha Patel")
        db.session.add(
            OutboxMessage(
                to_address="asha@example.org", subject="Weekly digest", text_body="-",
                status=OutboxStatus.FAILED, last_error="SMTPRecipientsRefused: 550",
            )
        )  # fmt: skip
        records.record_backup(
            SYSTEM, kind="sqlite", path=Path(LONG_PATH), size_bytes=48 * 1024 * 1024,
            seconds=2.4, posts=1200, uploads=35,
        )  # fmt: skip
        db.session.execute(update(BackupRecord).values(finished_at=utcnow() - timedelta(days=2)))
        db.session.commit()
        return {"admin": admin.email, "member": member.email}


def test_an_admin_reads_the_problems_and_retries_failed_email(page: Page, forum, sign_in):
    sign_in(page, forum["admin"])
    page.goto("/admin/")
    page.get_by_role("navigation", name="Staff pages").get_by_role("link", name="Health").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forum health")
    problems = page.locator(".notice--warning li")
    expect(problems).to_have_count(3)
    expect(page.get_by_text("3 problems need attention:")).to_be_visible()
    expect(problems.nth(0)).to_have_text("No job worker has ever run: email is not being sent.")
    assert_no_violations(page)

    page.get_by_role("link", name="The last backup is more than a day old.").focus()
    page.keyboard.press("Enter")
    assert page.url.endswith("#backups-title")
    expect(page.get_by_text("Problem: more than a day old.")).to_be_visible()
    expect(page.get_by_text(LONG_PATH)).to_be_visible()

    retry = page.get_by_role("button", name="Retry 1 failed message")
    retry.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 failed message queued again")).to_be_visible()
    assert page.url.endswith("/admin/health#email")
    expect(problems).to_have_count(2)
    expect(page.get_by_role("button", name="Retry 1 failed message")).to_have_count(0)
    assert_no_violations(page)


def test_the_health_page_reflows_on_a_phone(phone_page: Page, forum, sign_in):
    sign_in(phone_page, forum["admin"])
    phone_page.goto("/admin/health")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the health page scrolls sideways ({width}px)"
    assert_no_violations(phone_page)


def test_the_health_page_does_not_exist_for_members(page: Page, forum, sign_in):
    sign_in(page, forum["member"])
    response = page.goto("/admin/health")
    assert response is not None and response.status == 404
    assert_no_violations(page)
