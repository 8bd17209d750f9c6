"""Citations of guidance in posts (``[[NG12 1.3.1]]``): rendered as links to the source at the
version current when the post was written, stored with that version, re-cited on edit; unknown
codes shown as typed, with a note to the author; the composer's "Cite guidance" lookup."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from forum import queries
from forum.extensions import db
from forum.models import Post, PostCitation, Thread
from forum.policy import SYSTEM
from forum.services.discussions import posting as discussions
from forum.text import markup
from forum.text.citations import CitationKey, CitationLink
from tests import corpus
from tests.factories import (
    citable_guideline,
    loaded,
    make_category,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    next_guideline_version,
    opening_post,
    sign_in,
    solved_thread,
)
from tests.html_safety import assert_safe

JSON = {"Accept": "application/json"}
NG12 = CitationKey("NG12", "1.3.1")
LINK = CitationLink(
    href="https://www.nice.org.uk/guidance/ng12",
    text="NG12 1.3.1 (Oct 2023)",
    title="Refer for a chest X-ray (NICE NG12 1.3.1, version of 2 October 2023)",
)
LINKS = {NG12: LINK}
CHANGED_AT = datetime(2025, 6, 2, tzinfo=UTC)


def _citations(html: str) -> list[str]:
    return re.findall(r'<a [^>]*class="citation"[^>]*>([^<]*)</a>', html)


# --- the text pipeline ---


def test_a_known_citation_links_to_the_source_naming_the_version() -> None:
    html = markup.render("As [[NG12 1.3.1]] says.", citations=LINKS)
    assert _citations(html) == ["NG12 1.3.1 (Oct 2023)"]
    assert 'href="https://www.nice.org.uk/guidance/ng12"' in html
    assert 'title="Refer for a chest X-ray (NICE NG12 1.3.1, version of 2 October 2023)"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_codes_are_matched_whatever_their_case() -> None:
    assert _citations(markup.render("[[ng12 1.3.1]]", citations=LINKS)) == [LINK.text]


def test_an_unknown_citation_stays_exactly_as_typed() -> None:
    html = markup.render("See [[NG99 1.2]] and [[ng12 9.9]].", citations=LINKS)
    assert html == "<p>See [[NG99 1.2]] and [[ng12 9.9]].</p>\n"


def test_without_the_register_nothing_becomes_a_link() -> None:
    assert "<a" not in markup.render("See [[NG12 1.3.1]].")


@pytest.mark.parametrize(
    "source",
    ["`[[NG12 1.3.1]]`", "    [[NG12 1.3.1]]", "```\n[[NG12 1.3.1]]\n```",
     "[see [[NG12 1.3.1]]](https://example.org)", "\\[[NG12 1.3.1]]"],
)  # fmt: skip
def test_not_in_code_links_or_when_escaped(source: str) -> None:
    html = markup.render(source, citations=LINKS)
    assert _citations(html) == [] and "[NG12 1.3.1]" in html
    assert markup.extract_citations(source) == []


def test_mentions_beside_citations_still_link() -> None:
    html = markup.render("@asha see [[NG12 1.3.1]], @tom", citations=LINKS)
    assert html.count('class="mention"') == 2 and _citations(html) == [LINK.text]


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "java\tscript:alert(1)", "mailto:a@b.c", "/local", "data:x"]
)
def test_a_source_that_is_not_a_web_address_never_becomes_a_link(href: str) -> None:
    html = markup.render("[[NG12 1.3.1]]", citations={NG12: LINK.__class__(href, "NG12", "t")})
    assert "<a" not in html and "NG12" in html


def test_hostile_titles_and_texts_are_escaped() -> None:
    hostile = CitationLink(LINK.href, '<img src=x onerror=alert(1)>"', '"><script>x</script>')
    html = markup.render("[[NG12 1.3.1]]", citations={NG12: hostile})
    assert_safe(html)
    assert "<script" not in html and "<img" not in html


@corpus.needs_corpus
def test_hostile_input_around_citations_renders_safely() -> None:
    for payload in corpus.xss_payloads():
        for source in (f"[[NG12 1.3.1]]{payload}", f"{payload} [[NG12 1.3.1]] {payload}"):
            assert_safe(markup.render(source, citations=LINKS))


def test_extract_citations_unique_in_order() -> None:
    source = "[[NG12 1.3.1]] then [[sign-145]] then [[ng12 1.3.1]] and `[[NG5]]` [[NG12]]"
    assert markup.extract_citations(source) == [
        NG12, CitationKey("SIGN-145"), CitationKey("NG12")
    ]  # fmt: skip


# --- posting: what is stored, at which version ---


def _loaded_post(post_id: int) -> Post:
    """The post with its thread and category, as the pages load it."""
    db.session.commit()
    return queries.get_post_or_404(post_id, SYSTEM)


def _rows(post_id: int) -> list[tuple[str, int]]:
    db.session.commit()
    return [
        (row.number, row.version_id)
        for row in db.session.scalars(select(PostCitation).where(PostCitation.post_id == post_id))
    ]


def test_a_reply_cites_the_current_version_and_stores_it(app) -> None:
    guideline = citable_guideline()
    newer = next_guideline_version(
        guideline, {"1.3.1": "Refer for an urgent chest X-ray"}, published_on=date(2025, 3, 1)
    )
    post = make_reply(make_thread(), body="Per [[NG12 1.3.1]] and [[NG12]], and [[NG99 1]].")
    assert _citations(post.body_html) == ["NG12 1.3.1 (Mar 2025)", "NG12 (Mar 2025)"]
    assert "[[NG99 1]]" in post.body_html
    assert sorted(_rows(post.id)) == [("", newer.id), ("1.3.1", newer.id)]


def test_a_new_thread_stores_the_opening_posts_citations(app) -> None:
    citable_guideline()
    thread = make_thread(body="Opening with [[NG12 1.3.1]].")
    assert [number for number, _ in _rows(opening_post(thread).id)] == ["1.3.1"]


def test_a_number_only_an_older_version_had_is_unknown(app) -> None:
    guideline = citable_guideline(recommendations={"1.3.1": "Old", "1.3.2": "Gone"})
    next_guideline_version(guideline, {"1.3.1": "Kept"}, published_on=date(2025, 1, 1))
    post = make_reply(make_thread(), body="[[NG12 1.3.2]]")
    assert _rows(post.id) == [] and "[[NG12 1.3.2]]" in post.body_html


def test_posting_resolves_in_one_statement_only_when_cited(app, count_queries) -> None:
    citable_guideline()
    thread, author = make_thread(), make_user()
    db.session.commit()

    def reply(body: str) -> int:
        with count_queries() as counted:
            discussions.reply_to_thread(author, loaded(thread), body=body)
            db.session.commit()
        return counted.count

    plain = reply("No citation here.")
    one = reply("[[NG12 1.3.1]]")
    many = reply("[[NG12 1.3.1]] [[NG12]] [[NG99 1.2]] [[SIGN-1 2]]")
    assert one == plain + 2  # the resolve, and the rows' INSERT
    assert many == one


def test_an_edit_re_cites_at_the_current_version_and_clears_the_flags(app) -> None:
    guideline = citable_guideline()
    author = make_user()
    thread, answer = solved_thread(answerer=author)
    post = db.session.get(Post, answer.id)
    discussions.edit_post(author, _loaded_post(post.id), body="Now with [[NG12 1.3.1]].")
    db.session.commit()
    first = _rows(post.id)
    newer = next_guideline_version(guideline, {"1.3.1": "Changed"}, published_on=date(2025, 6, 1))
    post = db.session.get(Post, answer.id)
    post.guidance_changed_at, post.guidance_note = CHANGED_AT, "1.3.1 changed."
    db.session.get(Thread, thread.id).solution_guidance_changed_at = CHANGED_AT
    db.session.commit()

    post = _loaded_post(answer.id)
    discussions.edit_post(author, post, body="Re-read [[NG12 1.3.1]] today.")
    db.session.commit()
    assert first != [("1.3.1", newer.id)] and _rows(post.id) == [("1.3.1", newer.id)]
    post = db.session.get(Post, answer.id)
    assert post.guidance_changed_at is None and post.guidance_note == ""
    assert db.session.get(Thread, thread.id).solution_guidance_changed_at is None
    assert _citations(post.body_html) == ["NG12 1.3.1 (Jun 2025)"]


def test_removing_a_citation_in_an_edit_removes_its_row(app) -> None:
    citable_guideline()
    author = make_user()
    post = make_reply(make_thread(), author=author, body="[[NG12 1.3.1]]")
    discussions.edit_post(author, _loaded_post(post.id), body="No longer cited.")
    assert _rows(post.id) == []


def test_a_moderators_edit_keeps_the_authors_guidance_flag(app) -> None:
    citable_guideline()
    post = make_reply(make_thread(), body="[[NG12 1.3.1]]")
    post = db.session.get(Post, post.id)
    post.guidance_changed_at = CHANGED_AT
    db.session.commit()
    discussions.edit_post(make_moderator(), _loaded_post(post.id), body="[[NG12]] typo")
    db.session.commit()
    assert db.session.get(Post, post.id).guidance_changed_at is not None
    assert [number for number, _ in _rows(post.id)] == [""]


def test_rerendering_keeps_the_version_each_post_recorded(app) -> None:
    guideline = citable_guideline()
    post = make_reply(make_thread(), body="As [[NG12 1.3.1]] says.")
    next_guideline_version(guideline, {"1.3.1": "Changed"}, published_on=date(2026, 1, 5))
    db.session.get(Post, post.id).markup_version = 1
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["forum", "rerender-posts"])
    assert result.exit_code == 0, result.output
    db.session.commit()
    post = db.session.get(Post, post.id)
    assert post.markup_version == markup.MARKUP_VERSION
    assert _citations(post.body_html) == ["NG12 1.3.1 (Oct 2023)"]


# --- notes to the author: preview and after submitting ---


def _preview(client, body: str, target: dict):
    return client.post("/composer/preview", json={"body": body, "for": target}, headers=JSON)


def test_the_preview_notes_unknown_citations_and_links_the_register(app, client) -> None:
    citable_guideline()
    sign_in(client, make_user())
    thread = make_thread()
    html = _preview(client, "[[NG12 1.3.1]] and [[NG99 1.2]]", {"thread": thread.id}).get_json()[
        "html"
    ]
    assert "NG99 1.2 is not in the guideline register, so it will show as plain text" in html
    assert '<a href="/guidelines">see the register</a>' in html
    assert _citations(html) == ["NG12 1.3.1 (Oct 2023)"]
    quiet = _preview(client, "[[NG12 1.3.1]]", {"thread": thread.id}).get_json()["html"]
    assert "guideline register" not in quiet


def test_the_preview_button_without_javascript_notes_them_too(app, client) -> None:
    sign_in(client, make_user())
    thread = make_thread()
    data = {"body": "[[NG99 1.2]] and [[NG98]]", "preview": "1"}
    page = client.post(f"/t/{thread.id}/reply", data=data).get_data(as_text=True)
    assert "NG99 1.2 and NG98 are not in the guideline register" in page


def test_a_reply_with_an_unknown_citation_is_saved_with_a_note(app, client) -> None:
    citable_guideline()
    sign_in(client, make_user())
    thread = make_thread()
    response = client.post(f"/t/{thread.id}/reply", data={"body": "[[NG12 1.3.1]], [[NG99 1.2]]"})
    assert response.status_code == 302
    page = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "NG99 1.2 is not in the guideline register" in page
    assert '<a href="/guidelines">see the register</a>' in page
    assert "[[NG99 1.2]]" in page and "NG12 1.3.1 (Oct 2023)" in page


def test_a_new_thread_and_an_edit_note_unknown_citations(app, client) -> None:
    member = make_user()
    sign_in(client, member)
    category = make_category()
    data = {"title": "Which pathway applies?", "body": "See [[LP-X 2]].", "kind": "question"}
    response = client.post(f"/c/{category.slug}/new", data=data, follow_redirects=True)
    assert "LP-X 2 is not in the guideline register" in response.get_data(as_text=True)
    post = make_reply(make_thread(), author=member, body="Plain.")
    response = client.post(
        f"/p/{post.id}/edit", data={"body": "Now [[NG7]].", "edit_count": "0"},
        follow_redirects=True,
    )  # fmt: skip
    assert "NG7 is not in the guideline register" in response.get_data(as_text=True)


def test_known_citations_bring_no_note(app, client) -> None:
    citable_guideline()
    sign_in(client, make_user())
    thread = make_thread()
    response = client.post(f"/t/{thread.id}/reply", data={"body": "[[NG12 1.3.1]]"})
    page = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "not in the guideline register" not in page


# --- the composer ---


def test_the_composer_offers_the_picker_and_a_hint_without_javascript(app, client) -> None:
    sign_in(client, make_user())
    page = client.get(f"/t/{make_thread().id}").get_data(as_text=True)
    assert 'data-citations-url="/citations"' in page and "Cite guidance</button>" in page
    assert "Cite guidance as [[NG12 1.3.1]]" in page and 'href="/guidelines"' in page


def test_citations_lookup_by_code_number_and_title_words(app, client) -> None:
    citable_guideline(
        recommendations={"1.3.1": "Refer for a chest X-ray", "1.3.2": "Haemoptysis referral"}
    )
    sign_in(client, make_user())

    def found(q: str) -> list[str]:
        data = client.get("/citations", query_string={"q": q}, headers=JSON).get_json()
        return [r["insert"] for r in data["recommendations"]]

    assert found("ng12") == ["[[NG12 1.3.1]]", "[[NG12 1.3.2]]"]
    assert found("NG12 1.3.2") == ["[[NG12 1.3.2]]"]
    assert found("chest x-ray") == ["[[NG12 1.3.1]]"]
    assert found("") == [] and found("%") == [] and found("nothing-like-it") == []
    first = client.get("/citations?q=1.3.1").get_json()["recommendations"][0]
    assert first == {
        "code": "NG12", "number": "1.3.1", "title": "Refer for a chest X-ray",
        "version": "2023-10-02", "version_label": "Oct 2023", "insert": "[[NG12 1.3.1]]",
    }  # fmt: skip


def test_citations_lookup_lists_only_current_recommendations_not_withdrawn(app, client) -> None:
    guideline = citable_guideline(recommendations={"1.1": "Old wording", "1.2": "Stays"})
    next_guideline_version(
        guideline, {"1.1": "New wording", "1.2": "Stays"}, published_on=date(2025, 1, 1),
        statuses={"1.2": "withdrawn"},
    )  # fmt: skip
    sign_in(client, make_user())
    data = client.get("/citations?q=NG12").get_json()["recommendations"]
    assert [(r["number"], r["title"], r["version"]) for r in data] == [
        ("1.1", "New wording", "2025-01-01")
    ]


def test_citations_lookup_needs_a_signed_in_member(app, client) -> None:
    assert client.get("/citations?q=ng", headers=JSON).status_code == 401
