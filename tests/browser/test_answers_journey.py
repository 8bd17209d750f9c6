"""A asks, B answers, A accepts the answer; C sees "Solved" and the solution under the question,
and C's unread counts change along the way. Every new page and state has no axe violations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD, make_category, make_moderator, make_tag, make_user

from .axe import assert_no_violations
from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser


@pytest.fixture
def people(live_server):
    with live_server.app.app_context():
        category = make_category("Lower GI", description="Referral and safety-netting questions.")
        make_tag("FIT")
        make_tag("Safety-netting")
        a = make_user(name="Dr Asha Patel", job_title="GP partner")
        b = make_user(name="Dr Ben Okafor")
        c = make_user(name="Dr Cara Jones")
        moderator = make_moderator(name="Mo Derator")
        return {
            "slug": category.slug,
            "a": a.email,
            "b": b.email,
            "c": c.email,
            "moderator": moderator.email,
        }


@contextmanager
def member(browser: Browser, live_server, sign_in, email: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    # A form sent with mistakes answers 422 on purpose; anything else is a real error.
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "422" not in m.text else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sign_in(page, email, PASSWORD)
        yield page
        page.wait_for_load_state("networkidle")
        assert errors == [], errors
    finally:
        context.close()


def _unread_tab(page: Page) -> str:
    page.goto("/latest")
    return (
        page.get_by_role("navigation", name="Thread lists").get_by_role("link").nth(1).inner_text()
    )


def test_question_answered_solved_and_seen(playwright_browser, live_server, sign_in, people):
    with (
        member(playwright_browser, live_server, sign_in, people["a"]) as a,
        member(playwright_browser, live_server, sign_in, people["b"]) as b,
        member(playwright_browser, live_server, sign_in, people["c"]) as c,
    ):
        assert "(" not in _unread_tab(c)

        # A asks, tagging the question.
        a.goto(f"/c/{people['slug']}/new")
        a.get_by_label("Title").fill("Negative FIT but ongoing symptoms: what next?")
        a.get_by_label("Message").fill(
            "Patient in their sixties, FIT negative, still has symptoms."
        )
        a.get_by_label("FIT", exact=True).check()
        a.get_by_role("button", name="Post thread").click()
        expect(a.get_by_role("heading", level=1)).to_have_text(
            "Negative FIT but ongoing symptoms: what next?"
        )
        thread_url = a.url

        # C sees one unread thread, marked New, in the list and on the category.
        expect_unread = _unread_tab(c)
        assert "(1" in expect_unread
        c.goto("/unread")
        row = c.locator(".thread-row", has_text="Negative FIT")
        expect(row.locator(".badge--new")).to_be_visible()
        assert_no_violations(c)

        # B answers.
        b.goto(thread_url)
        b.get_by_label("Your reply").fill(
            "Safety-net and re-test in 6 weeks; refer if symptoms persist."
        )
        b.get_by_role("button", name="Post reply").click()
        expect(b.locator("article.post")).to_have_count(2)

        # A marks B's reply as the solution.
        a.goto(thread_url)
        a.get_by_role("button", name="Mark as solution").click()
        expect(a.locator(".solution-box")).to_contain_text("re-test in 6 weeks")
        assert_no_violations(a)

        # C sees Solved in the list, with one thread unread, then reads it.
        c.goto("/latest")
        row = c.locator(".thread-row", has_text="Negative FIT")
        expect(row.locator(".badge--solved")).to_have_text("Solved")
        assert_no_violations(c)
        row.locator(".thread-row__title").click()
        solution = c.locator(".solution-box")
        expect(solution).to_contain_text("re-test in 6 weeks")
        box_top = solution.bounding_box()["y"]
        question_top = c.locator("#post-1").bounding_box()["y"]
        reply_top = c.locator("#post-2").bounding_box()["y"]
        assert question_top < box_top < reply_top
        solution.get_by_role("link", name="Go to the answer in the thread").click()
        assert c.url.endswith("#post-2")
        assert "(" not in _unread_tab(c)

        # B replies again: C has one new post, and the link jumps to it.
        b.goto(thread_url)
        b.get_by_label("Your reply").fill("Also check ferritin.")
        b.get_by_role("button", name="Post reply").click()
        c.goto("/unread")
        row = c.locator(".thread-row", has_text="Negative FIT")
        expect(row.locator(".badge--unread")).to_contain_text("1 new")
        row.locator(".badge--unread").click()
        assert c.url.endswith("#post-3")
        c.goto("/unread")
        expect(c.get_by_text("You are all caught up")).to_be_visible()
        assert_no_violations(c)


def test_new_pages_have_no_axe_violations(playwright_browser, live_server, sign_in, people):
    with member(playwright_browser, live_server, sign_in, people["a"]) as a:
        a.goto(f"/c/{people['slug']}/new")
        a.get_by_label("Title").fill("Persistent hoarse voice")
        a.get_by_text("A case question: a structured").click()
        expect(a.get_by_label("Presentation")).to_be_visible()
        expect(a.get_by_label("Message")).to_be_hidden()
        assert_no_violations(a)
        a.get_by_role("button", name="Post thread").click()
        expect(a.get_by_role("alert")).to_contain_text("age band")
        assert_no_violations(a)
        a.get_by_label("Age band").select_option("60–69")
        a.get_by_label("Presentation").fill("Hoarse for four weeks.")
        a.get_by_label("Your question").fill("Refer now?")
        a.get_by_label("I confirm this case").check()
        a.get_by_role("button", name="Post thread").click()
        expect(a.locator(".badge--case").first).to_be_visible()
        thread_url = a.url
        # Edit is among the post's other actions, behind "More".
        a.locator("#post-1").locator("summary", has_text="More actions").click()
        a.get_by_role("link", name="Edit post 1").click()
        a.get_by_label("Message").fill(
            a.get_by_label("Message").input_value() + "\n\nUpdate: seen ENT."
        )
        a.get_by_role("button", name="Save changes").click()
        a.goto(thread_url)
        a.get_by_role("link", name="history").click()
        expect(a.get_by_role("heading", level=1)).to_contain_text("Edit history")
        assert_no_violations(a)
        a.get_by_role("button", name="Compare versions").click()
        expect(a.locator(".word-diff ins").first).to_be_visible()
        assert_no_violations(a)
        for path in ("/latest", "/unanswered", "/unsolved", "/my-threads", "/bookmarks", "/tags"):
            a.goto(path)
            assert_no_violations(a)
    with member(playwright_browser, live_server, sign_in, people["b"]) as b:
        b.goto(thread_url)
        # Each mark is a form that reloads the page: wait for it before opening the menu
        # again, or the click lands on the old page and the new one opens with it shut.
        b.locator("#post-1").locator("summary", has_text="More actions").click()
        with b.expect_navigation():
            b.get_by_role("button", name="Helpful post 1").click()
        b.locator("#post-1").locator("summary", has_text="More actions").click()
        with b.expect_navigation():
            b.get_by_role("button", name="Bookmark post 1").click()
        b.locator("#post-1").locator("summary", has_text="More actions").click()
        expect(b.get_by_role("button", name="Bookmarked post 1")).to_be_visible()
        assert_no_violations(b)
        b.get_by_role("link", name="found this helpful").first.click()
        assert_no_violations(b)
        b.goto("/bookmarks")
        expect(b.locator(".bookmark-row")).to_have_count(1)
        assert_no_violations(b)
        b.goto(thread_url)
        b.locator("#post-1").locator("summary", has_text="More actions").click()
        b.get_by_role("link", name="Quote post 1").click()
        expect(b.get_by_label("Your reply")).to_have_value(
            re.compile(r"^> \*\*Dr Asha Patel\*\* \[wrote\]")
        )
        expect(b.locator("[data-reply-context]")).to_contain_text("Replying to #1")
        assert_no_violations(b)
    with member(playwright_browser, live_server, sign_in, people["moderator"]) as mod:
        for path in ("/admin/tags",):
            mod.goto(path)
            assert_no_violations(mod)
        mod.goto("/tags/fit")
        assert_no_violations(mod)


def test_drafts_are_saved_as_you_type_and_restored(
    playwright_browser, live_server, sign_in, people
):
    with member(playwright_browser, live_server, sign_in, people["a"]) as a:
        a.goto(f"/c/{people['slug']}/new")
        a.get_by_label("Title").fill("An unfinished question")
        a.get_by_label("Message").fill("Half of what I meant to say")
        expect(a.locator("[data-draft-status]")).to_have_text("Draft saved.", timeout=8000)
    with member(playwright_browser, live_server, sign_in, people["a"]) as elsewhere:
        elsewhere.goto(f"/c/{people['slug']}/new")
        expect(elsewhere.get_by_label("Message")).to_have_value("Half of what I meant to say")
        assert_no_violations(elsewhere)
