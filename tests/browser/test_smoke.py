"""The app answers in a real browser and its sign-in page is usable and accessible."""

import re

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


def test_healthz_answers_200(page: Page) -> None:
    response = page.goto("/healthz")

    assert response is not None and response.status == 200


def test_login_page_has_labelled_fields_and_no_axe_violations(page: Page, browser_errors) -> None:
    response = page.goto("/login")

    assert response is not None and response.status == 200
    form = page.locator("form", has=page.locator("input[name=password]"))
    email = form.locator("input[name=email]")
    password = form.locator("input[name=password]")
    expect(email).to_be_visible()
    expect(email).to_have_accessible_name(re.compile(r"e-?mail", re.IGNORECASE))
    expect(password).to_be_visible()
    expect(password).to_have_attribute("type", "password")
    expect(password).to_have_accessible_name(re.compile(r"password", re.IGNORECASE))
    expect(form.locator("input[name=csrf_token]")).to_have_count(1)
    expect(form.locator("button[type=submit], input[type=submit]").first).to_be_visible()
    assert_no_violations(page)
    browser_errors.assert_none()
