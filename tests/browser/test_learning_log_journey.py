"""A member logs what they learned from a thread, confirms a detail the guard asks about,
finds the entry in their learning log, and downloads the PDF for their appraiser."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_no_violations
from tests.factories import make_thread, make_user

pytestmark = pytest.mark.browser


def test_a_member_logs_a_thread_and_downloads_the_pdf(
    page: Page, live_server, sign_in, browser_errors
):
    with live_server.app.app_context():
        email = make_user(name="Dr Asha Patel", email="asha@example.org").email
        thread_id = make_thread(title="Haematuria in a 45-year-old smoker").id
    sign_in(page, email)

    page.goto(f"/t/{thread_id}")
    page.get_by_role("link", name="Add this thread to my learning log").first.click()
    expect(page.get_by_label("Title")).to_have_value("Haematuria in a 45-year-old smoker")
    assert_no_violations(page)
    page.get_by_label("Time spent, in minutes").fill("40")
    page.get_by_label("What I learned").fill("A patient from LS1 4AP reminded me to refer.")
    page.get_by_role("button", name="Add to my learning log").click()

    expect(page.get_by_role("heading", name="Check these details before you save")).to_be_visible()
    assert_no_violations(page)
    page.get_by_label(re.compile("This is not patient-identifiable")).check()
    page.get_by_role("button", name="Add to my learning log").click()

    expect(page).to_have_url(re.compile(r"/account/learning\?year=\d{4}#entries$"))
    logged = page.get_by_role("link", name="Haematuria in a 45-year-old smoker", exact=True)
    expect(logged).to_be_visible()
    expect(page.get_by_text("40 min", exact=False).first).to_be_visible()
    assert_no_violations(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    data = open(download.value.path(), "rb").read()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Dr Asha Patel" in text and "Haematuria in a 45-year-old smoker" in text
    assert browser_errors.page == []  # (the console shows the guard's 422, as it should)
