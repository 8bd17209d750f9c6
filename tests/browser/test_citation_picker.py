"""The composer's "Cite guidance" picker in a browser: found by words of a title, chosen with
the keyboard, inserted where the cursor was; Escape goes back to the text; axe-core with the
list open; the posted reply shows the citation as a link naming its version."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import citable_guideline, make_category, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def forum(live_server) -> dict:
    with live_server.app.app_context():
        citable_guideline(
            recommendations={"1.3.1": "Refer for a chest X-ray", "1.3.2": "Haemoptysis"}
        )
        member = make_user(name="Dr Grace Adeyemi")
        thread = make_thread(make_category("Clinical questions"), title="Cough for weeks")
        return {"member": member.email, "thread": thread.id}


def test_cite_guidance_by_keyboard(page: Page, forum, sign_in, browser_errors):
    sign_in(page, forum["member"])
    page.goto(f"/t/{forum['thread']}")
    box = page.get_by_role("textbox", name="Your reply")
    box.fill("Per  today.")
    box.evaluate("t => t.setSelectionRange(4, 4)")
    cite = page.get_by_role("button", name="Cite guidance")
    cite.click()
    expect(cite).to_have_attribute("aria-expanded", "true")
    search = page.get_by_role("combobox", name="Find a recommendation")
    expect(search).to_be_focused()
    search.press_sequentially("chest")
    listbox = page.get_by_role("listbox", name="Recommendations to cite")
    option = listbox.get_by_role("option", name=re.compile("NG12 1.3.1"))
    expect(option).to_contain_text("Refer for a chest X-ray")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    assert_no_violations(page)
    search.press("Enter")
    expect(box).to_be_focused()
    expect(box).to_have_value("Per [[NG12 1.3.1]] today.")
    expect(cite).to_have_attribute("aria-expanded", "false")
    cite.click()
    search.press("Escape")
    expect(box).to_be_focused()
    page.get_by_role("button", name="Post reply").click()
    link = page.locator(".post__body a.citation", has_text="NG12 1.3.1 (Oct 2023)")
    expect(link).to_have_attribute("href", "https://www.nice.org.uk/guidance/ng12")
    browser_errors.assert_none()
