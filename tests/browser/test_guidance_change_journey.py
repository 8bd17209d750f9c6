"""Answers that stay right, end to end: a member cites [[NG12 1.3.1]] in an answer that is
accepted; staff record a version of NG12 changing 1.3.1; the answer shows "Guidance changed
since this answer", is at the top of the review list, its author has a notification and
``is:outdated`` finds it; "Still correct" clears all of that. No axe violations on the way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from forum.extensions import db
from forum.models import Thread
from forum.models.base import utcnow
from forum.policy import SYSTEM
from forum.services.guidance import register
from tests.factories import PASSWORD, make_category, make_moderator, make_thread, make_user

from .axe import assert_no_violations
from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

QUESTION = "FIT result of 12 in a man of 58: which pathway?"


@pytest.fixture
def world(live_server):
    with live_server.app.app_context():
        category = make_category("Lower GI")
        asker = make_user(name="Dr Asha Patel")
        answerer = make_user(name="Dr Ben Okafor")
        moderator = make_moderator(name="Sam Hughes")
        details = register.Details(
            "NG12",
            "Suspected cancer: recognition and referral",
            "NICE",
            "https://www.nice.org.uk/guidance/ng12",
        )
        lines = "1.1.1 Lung: chest X-ray findings\n1.3.1 Colorectal: referral criteria"
        register.create_guideline(
            SYSTEM,
            details,
            published_on=utcnow().date().replace(year=2015),
            recommendations=register.rows_from_lines(lines),
        )
        # An older question in the list, so the review list has something below ours.
        make_thread(category, author=asker, title="Another question")
        db.session.commit()
        return {
            "slug": category.slug,
            "asker": asker.email,
            "answerer": answerer.email,
            "moderator": moderator.email,
        }


@contextmanager
def person(browser: Browser, live_server, sign_in, email: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, email, PASSWORD)
        yield page
    finally:
        context.close()


def _search(page: Page, query: str) -> None:
    page.goto(f"/search?q={quote(query)}")


def test_a_cited_answer_is_flagged_when_guidance_changes_and_cleared_by_review(
    playwright_browser, live_server, sign_in, world
):
    with (
        person(playwright_browser, live_server, sign_in, world["asker"]) as asker,
        person(playwright_browser, live_server, sign_in, world["answerer"]) as author,
        person(playwright_browser, live_server, sign_in, world["moderator"]) as staff,
    ):
        # The asker asks; the author answers citing NG12 1.3.1, resting on a national guideline.
        asker.goto(f"/c/{world['slug']}/new")
        asker.get_by_label("Title").fill(QUESTION)
        asker.get_by_label("Message").fill("Asymptomatic apart from a change in bowel habit.")
        asker.get_by_role("button", name="Post thread").click()
        expect(asker.get_by_role("heading", level=1)).to_have_text(QUESTION)
        thread_url = asker.url

        author.goto(thread_url)
        author.get_by_label("Your reply").fill(
            "Refer on the suspected cancer pathway: [[NG12 1.3.1]] covers a FIT of 10 or more."
        )
        author.get_by_label("National guideline").check()
        author.get_by_role("button", name="Post reply").click()
        answer = author.locator("#post-2")
        citation = answer.locator("a.citation")
        expect(citation).to_contain_text("NG12 1.3.1")
        assert citation.get_attribute("href") == "https://www.nice.org.uk/guidance/ng12"
        expect(answer).to_contain_text("Rests on: national guideline")

        asker.goto(thread_url)
        asker.get_by_role("button", name="Mark as solution").click()
        expect(asker.locator(".solution-box")).to_contain_text("FIT of 10 or more")

        # Staff record a version of NG12 that changes 1.3.1.
        staff.goto("/admin/guidelines/NG12/versions/new")
        assert_no_violations(staff)
        staff.get_by_label("Date published").fill(utcnow().date().isoformat())
        staff.get_by_label("What changed").first.fill("Colorectal referral criteria revised.")
        staff.get_by_label("What this version did to 1.3.1").select_option("changed")
        staff.get_by_label("What changed in 1.3.1, in our words").fill("FIT threshold revised.")
        staff.get_by_role("button", name="Record version").click()
        expect(staff.locator(".flashes")).to_contain_text("1 post")

        # The answer shows the change, with what changed.
        author.goto(thread_url)
        banner = author.locator("#post-2").get_by_text("Guidance changed since this answer")
        expect(banner).to_be_visible()
        expect(author.locator("#post-2")).to_contain_text("FIT threshold revised.")
        assert_no_violations(author)

        # Its author has a notification about it.
        author.goto("/notifications")
        expect(author.locator("main")).to_contain_text("has changed")
        expect(author.locator("main")).to_contain_text(QUESTION)

        # It is at the top of the review list.
        staff.goto("/mod/answers-to-review")
        first = staff.locator("main li, main article").filter(has_text=QUESTION).first
        expect(first).to_contain_text("FIT threshold revised.")
        items = staff.locator("main").get_by_role("heading", level=2)
        expect(items.first).to_contain_text(QUESTION)
        assert_no_violations(staff)

        # is:outdated finds it.
        _search(staff, "FIT is:outdated")
        expect(staff.locator("main")).to_contain_text(QUESTION)

        # "Still correct" clears it everywhere.
        staff.goto("/mod/answers-to-review")
        item = staff.locator("li.answer-review", has_text=QUESTION)
        item.get_by_role("button", name="Still correct").click()
        staff.goto("/mod/answers-to-review")
        expect(staff.locator("main")).not_to_contain_text(QUESTION)
        author.goto(thread_url)
        expect(author.locator("#post-2")).not_to_contain_text("Guidance changed since this answer")
        expect(author.locator(".solution-box")).to_contain_text("Reviewed")
        _search(staff, "FIT is:outdated")
        expect(staff.locator("main")).not_to_contain_text(QUESTION)
        staff.goto("/latest")
        row = staff.locator(".thread-row", has_text=QUESTION)
        expect(row).to_contain_text(re.compile(r"Reviewed \w+ \d{4}"))
        assert_no_violations(staff)

    with live_server.app.app_context():
        thread = db.session.query(Thread).filter_by(title=QUESTION).one()
        assert thread.solution_guidance_changed_at is None
        assert thread.solution_reviewed_by_name == "Sam Hughes"
