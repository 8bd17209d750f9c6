"""Staff screens read well at 1280 px and on a phone: the audit log (a table at desktop, cards on
a phone, no word broken mid-way, plain-English actions, real targets) and the revision diff
(a compact word diff that wraps). No horizontal scrolling of the page; axe finds nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from forum import queries
from forum.extensions import db
from forum.policy import SYSTEM
from forum.services import audit
from forum.services.discussions import posting
from tests.factories import make_admin, make_reply, make_thread, make_user

from .axe import assert_no_violations

pytestmark = pytest.mark.browser

LONG = " ".join(
    "Safety-netting matters when the first FIT comes back under ten but symptoms persist."
    for _ in range(15)
)


@pytest.fixture
def staff_world(live_server) -> dict:
    with live_server.app.app_context():
        admin = make_admin(name="Ann Admin")
        member = make_user(name="Dr Grace Adeyemi")
        thread = make_thread(title="FIT under 10 but ongoing symptoms: what do you do next?")
        post = make_reply(thread, author=member, body=f"{LONG}\n\nRefer within two weeks.")
        post = queries.get_post_or_404(post.id, SYSTEM)
        posting.edit_post(
            member, post, body=f"{LONG}\n\nRefer urgently within six weeks, and re-check FIT."
        )
        audit.record(admin, "queue.flag.hidden", target=post, before={"hidden": False},
                     after={"hidden": True, "outcome": "hidden"}, ip="127.0.0.1",
                     reason="Names a patient and their street")  # fmt: skip
        audit.record(member, "2fa.enable", target=member, ip="192.168.100.200")
        audit.record(member, "auth.sign_in", target=member, after={"method": "password"},
                     ip="2001:0db8:85a3:0000:0000:8a2e:0370:7334")  # fmt: skip
        audit.record(admin, "thread.rename", target=thread, before={"title": "FIT"},
                     after={"title": thread.title}, reason="A clearer title")  # fmt: skip
        db.session.commit()
        return {"admin": admin.email, "post": post.id}


ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")

#: Words (hyphenated parts count apart) of at most 16 characters must sit on one line; longer
#: tokens (an email address, an IPv6 address) may wrap.
NO_BROKEN_WORDS = """(root) => {
  const broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('.visually-hidden') || !parent.getClientRects().length) continue;
    for (const match of node.data.matchAll(/[^\\s-]+/g)) {
      if (match[0].length > 16) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


def assert_no_page_overflow(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.evaluate("innerWidth"), f"the page scrolls sideways: {width} px"


def lines_of(page: Page, selector: str) -> int:
    """How many lines the text of the first element matching ``selector`` takes."""
    return page.locator(selector).first.evaluate(
        """(el) => {
          const range = document.createRange();
          range.selectNodeContents(el);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        }"""
    )


@pytest.fixture
def wide_phone(playwright_browser: Browser, live_server) -> Iterator[Page]:
    context = playwright_browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_audit_log_at_1280_is_a_table_that_breaks_no_word(page: Page, staff_world, sign_in):
    sign_in(page, staff_world["admin"])
    page.goto("/mod/audit/")
    table = page.locator("table.audit-table")
    expect(table).to_be_visible()
    assert table.evaluate("(t) => getComputedStyle(t).display") == "table"
    assert_no_page_overflow(page)
    for header in ("When", "Who", "Action", "Target", "Details", "Address"):
        assert lines_of(page, f"th:text-is('{header}')") == 1, header
    assert lines_of(page, ".audit-ip >> text=127.0.0.1") == 1
    assert lines_of(page, ".audit-ip >> text=192.168.100.200") == 1
    assert table.evaluate(NO_BROKEN_WORDS) == []
    assert table.evaluate("(t) => getComputedStyle(t.querySelector('td')).wordBreak") == "normal"
    # Plain-English actions and named targets, never codes or proxies.
    row = page.locator("tr", has_text="Hid a post after a report")
    expect(row).to_contain_text("Post #2 in “FIT under 10 but ongoing symptoms")
    expect(row.locator("time")).to_have_attribute("datetime", ISO_TIME)
    expect(page.locator("tr", has_text="Set up two-factor sign-in")).to_contain_text(
        "Dr Grace Adeyemi"
    )
    expect(page.locator("main")).not_to_contain_text("queue.flag")
    expect(page.locator("main")).not_to_contain_text("localproxy")
    assert_no_violations(page)


@pytest.mark.parametrize("size", ["390x844", "320x640"])
def test_the_audit_log_on_a_phone_is_a_stack_of_cards(
    request, staff_world, sign_in, size, wide_phone
):
    page = wide_phone if size == "390x844" else request.getfixturevalue("phone_page")
    sign_in(page, staff_world["admin"])
    page.goto("/mod/audit/")
    assert_no_page_overflow(page)
    row = page.locator("tbody tr").first
    assert row.evaluate("(r) => getComputedStyle(r).display") in ("flex", "block")
    # Each line of a card carries its label; the table's own header row is for screen readers.
    assert page.locator("thead").evaluate("(h) => h.getBoundingClientRect().height") <= 1
    label = page.locator("td[data-label=Target]").first.evaluate(
        "(td) => getComputedStyle(td, '::before').content"
    )
    assert "Target" in label
    assert page.locator("table.audit-table").evaluate(NO_BROKEN_WORDS) == []
    assert lines_of(page, ".audit-ip >> text=192.168.100.200") == 1
    # The filters fold away until wanted, and open with the keyboard.
    summary = page.locator("summary", has_text="Filter the log")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Action")).to_be_visible()
    assert_no_page_overflow(page)
    assert_no_violations(page)


@pytest.mark.parametrize("size", ["1280x800", "390x844", "320x640"])
def test_the_revision_diff_is_a_compact_word_diff_that_wraps(
    request, staff_world, sign_in, size, wide_phone
):
    page = {
        "1280x800": lambda: request.getfixturevalue("page"),
        "390x844": lambda: wide_phone,
        "320x640": lambda: request.getfixturevalue("phone_page"),
    }[size]()
    sign_in(page, staff_world["admin"])
    page.goto(f"/p/{staff_world['post']}/revisions/diff?from=1&to=2")
    diff = page.locator(".word-diff")
    expect(diff.locator("ins").first).to_contain_text("urgently")
    expect(diff.locator(".word-diff__skip")).to_contain_text("unchanged words")
    # Changes are marked by more than colour, and named for screen readers.
    assert "underline" in diff.locator("ins").first.evaluate(
        "(e) => getComputedStyle(e).textDecorationLine"
    )
    assert "line-through" in diff.locator("del").first.evaluate(
        "(e) => getComputedStyle(e).textDecorationLine"
    )
    expect(diff.locator("ins .visually-hidden").first).to_have_text("added: ")
    expect(diff.locator("del .visually-hidden").first).to_have_text("removed: ")
    height = diff.evaluate("(d) => d.getBoundingClientRect().height")
    assert height < 400, f"the diff should be compact, not {height} px tall"
    assert_no_page_overflow(page)
    assert diff.evaluate(NO_BROKEN_WORDS) == []
    assert_no_violations(page)
