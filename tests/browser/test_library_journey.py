"""A member adds a resource to the library, uploads a new version, and finds it by a word inside
the PDF; pictures attach to posts from the composer; the library pages pass axe-core."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import upload_samples as samples
from tests.factories import make_admin, make_category, make_resource, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server_overrides(tmp_path: Path) -> dict:
    return {"UPLOAD_FOLDER": str(tmp_path / "uploads")}


@pytest.fixture
def forum(live_server, tmp_path: Path) -> dict:
    app = live_server.app
    with app.app_context():
        category = make_category("Education and resources")
        app.config["LIBRARY_CATEGORY"] = category.slug
        member = make_user(name="Dr Asha Patel")
        admin = make_admin(name="Sam Staff")
        resource = make_resource(category, title="FIT in primary care")
        thread = make_thread(category, title="Teaching ideas")
        ids = {"resource": resource.id, "thread": thread.id}
        emails = {"member": member.email, "admin": admin.email}
    first = tmp_path / "guide.pdf"
    first.write_bytes(samples.pdf("Haematuria pathway for suspected bladder cancer"))
    second = tmp_path / "guide-2026.pdf"
    second.write_bytes(samples.pdf("Thrombocytosis and the 2026 referral criteria"))
    picture = tmp_path / "pathway.png"
    picture.write_bytes(samples.image())
    return {**ids, **emails, "first": first, "second": second, "picture": picture}


def test_add_a_resource_upload_a_version_and_find_it_by_a_word_in_the_pdf(
    page: Page, forum, sign_in, browser_errors
):
    sign_in(page, forum["member"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Add a resource").click()
    page.get_by_label("Title").fill("Bladder cancer referral guide")
    page.get_by_label("Description").fill("Which patients with haematuria to refer, on one page.")
    page.get_by_label("Owner organisation").fill("East Cancer Alliance")
    page.get_by_label("Audience (optional)").fill("GPs and practice nurses")
    page.get_by_label("Licence", exact=True).select_option("cc-by")
    review_by = (datetime.now(UTC).date() + timedelta(days=200)).isoformat()
    page.get_by_label("Review by").fill(review_by)
    page.get_by_label("File", exact=True).set_input_files(forum["first"])
    page.get_by_label("This resource contains no patient-identifiable information").check()
    page.get_by_role("button", name="Add to the library").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bladder cancer referral guide")
    expect(page.get_by_role("status")).to_contain_text("its own discussion thread")
    assert_no_violations(page)

    page.get_by_role("link", name="Upload a new version").click()
    page.get_by_label("File", exact=True).set_input_files(forum["second"])
    page.get_by_label("What changed").fill("Updated for the 2026 referral criteria")
    page.get_by_label("This resource contains no patient-identifiable information").check()
    page.get_by_role("button", name="Upload version 2").click()

    expect(page.get_by_text("Version 2 is now the current one.")).to_be_visible()
    history = page.get_by_role("table")
    expect(history.get_by_role("row")).to_have_count(3)  # a header and two versions
    old_link = history.get_by_role("link", name="guide.pdf (version 1)")
    old_file = page.request.get(old_link.get_attribute("href"))
    assert old_file.ok and old_file.headers["content-disposition"].startswith("attachment")

    page.get_by_role("searchbox", name="Search the forum").fill("thrombocytosis")
    page.get_by_role("searchbox", name="Search the forum").press("Enter")
    result = page.locator(".search-result").first
    expect(result).to_contain_text("Bladder cancer referral guide")
    expect(result.locator("mark")).to_have_text("Thrombocytosis")
    result.get_by_role("link", name="Bladder cancer referral guide", exact=True).click()
    page.locator(".post__body").get_by_role("link", name="Bladder cancer referral guide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bladder cancer referral guide")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    page.get_by_label("Words").fill("thrombocytosis")
    page.get_by_role("button", name="Show resources").click()
    expect(page.locator(".resource-card")).to_have_count(1)
    browser_errors.assert_none()


def test_a_refused_file_is_explained_on_the_form(page: Page, forum, sign_in, tmp_path):
    fake = tmp_path / "slides.pdf"
    fake.write_bytes(samples.web_page())
    sign_in(page, forum["member"])
    page.goto("/library/new")
    page.get_by_label("Title").fill("Slides that are not a PDF")
    page.get_by_label("Description").fill("A test.")
    page.get_by_label("Owner organisation").fill("Nobody")
    page.get_by_label("Licence", exact=True).select_option("ogl")
    page.get_by_label("File", exact=True).set_input_files(fake)
    page.get_by_label("This resource contains no patient-identifiable information").check()
    page.get_by_role("button", name="Add to the library").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("it looks like a web page")
    expect(page.get_by_label("Title")).to_have_value("Slides that are not a PDF")
    assert_no_violations(page)


def test_a_picture_is_attached_from_the_composer_with_its_alt_text(
    page: Page, forum, sign_in, browser_errors
):
    sign_in(page, forum["member"])
    page.goto(f"/t/{forum['thread']}")
    page.get_by_text("Attach a file or picture").click()
    expect(page.get_by_label("Describe the picture (alt text)")).to_be_hidden()
    page.get_by_label("File", exact=True).set_input_files(forum["picture"])
    dialog = page.get_by_role("dialog", name="Describe the picture")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Attach the picture").click()
    expect(dialog.get_by_text("Describe the picture, or tick the box")).to_be_visible()
    dialog.get_by_label("What does it show? (alt text)").fill("Referral pathway flowchart")
    dialog.get_by_role("button", name="Attach the picture").click()
    status = page.locator(".attach__status")
    expect(status).to_contain_text("Attached pathway.png")
    body = page.locator("textarea[name=body]")
    expect(body).to_have_value(
        __import__("re").compile(r"!\[Referral pathway flowchart\]\(/uploads/\d+\)")
    )
    expect(page.get_by_label("File", exact=True)).to_have_value("")
    assert_no_violations(page)
    page.get_by_role("button", name="Post reply").click()
    image = page.get_by_role("img", name="Referral pathway flowchart")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 40
    browser_errors.assert_none()


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("member", "/library/"),
        ("member", "/library/?type=pdf&q=toolkit"),
        ("member", "/library/new"),
        ("member", "/library/{resource}"),
        ("admin", "/library/{resource}/edit"),
        ("admin", "/library/{resource}/versions/new"),
        ("admin", "/library/review"),
        ("admin", "/admin/uploads"),
    ],
)
def test_library_pages_have_no_axe_violations(page: Page, forum, sign_in, who, path):
    sign_in(page, forum[who])
    page.goto(path.format(**forum))
    assert page.url.endswith(path.format(**forum).split("?")[0]) or "?" in path
    assert_no_violations(page)


def test_the_library_reflows_at_320_pixels(phone_page: Page, forum, sign_in):
    sign_in(phone_page, forum["member"])
    for path in ("/library/", f"/library/{forum['resource']}"):
        phone_page.goto(path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways ({width}px)"
