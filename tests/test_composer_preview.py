"""The composer's preview: ``POST /composer/preview`` for the Preview tab, and the forms'
"Preview" button without JavaScript. Rendered by the one text pipeline, checked by the
confidentiality guard, and nothing is saved."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Attachment, ConfidentialityReview, Draft, Post, Thread
from forum.text import markup
from tests import corpus, upload_samples
from tests.factories import (
    make_category,
    make_category_moderator,
    make_reply,
    make_staff_category,
    make_thread,
    make_user,
    opening_post,
    sign_in,
    silenced_member,
)

JSON = {"Accept": "application/json"}
NHS = "999 000 0018"
DOB_AND_NAME = "Mrs Jones, born 12/03/1958, asked about her ferritin."


def _count(model) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


def _preview(client, body: str, target: dict, **fields: str):
    payload = {"body": body, "for": target, **fields}
    return client.post("/composer/preview", json=payload, headers=JSON)


# The endpoint ---------------------------------------------------------------------------------


def test_the_preview_renders_markdown_and_mentions_as_the_post_will(app, client):
    sign_in(client, make_user())
    thread = make_thread()
    mentioned = make_user(name="Dr Asha Patel")
    body = f"**Bold** and _italic_\n\n- one\n- two\n\n> quoted\n\nThanks @{mentioned.username}."
    response = _preview(client, body, {"thread": thread.id})
    data = response.get_json()
    assert response.status_code == 200 and data["severity"] is None and data["findings"] == 0
    html = data["html"]
    assert "<strong>Bold</strong>" in html and "<em>italic</em>" in html
    assert "<li>one</li>" in html and "<blockquote>" in html
    assert f'<a href="/u/{mentioned.username}" class="mention"' in html
    assert 'class="post__body prose"' in html


def test_an_empty_text_says_there_is_nothing_to_preview(app, client):
    sign_in(client, make_user())
    response = _preview(client, "   ", {"category": make_category().slug})
    assert response.status_code == 200
    assert "Nothing to preview yet" in response.get_json()["html"]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, attrs))


@corpus.needs_corpus
def test_the_preview_is_sanitised_exactly_like_a_post(app, client):
    sign_in(client, make_user())
    thread = make_thread()
    payloads = corpus.xss_payloads()
    assert payloads
    allowed = markup.ALLOWED_TAGS | {"div"}
    for payload in payloads[:60]:
        html = _preview(client, payload, {"thread": thread.id}).get_json()["html"]
        assert markup.render(payload) in html
        parser = _Tags()
        parser.feed(html)
        for tag, attrs in parser.seen:
            assert tag in allowed, payload
            for name, value in attrs:
                assert not name.startswith("on"), payload
                assert markup.is_safe_url(value or "") or name not in ("href", "src"), payload


def test_the_preview_reports_what_the_guard_would_block_without_saving(app, client):
    member = make_user()
    sign_in(client, member)
    thread = make_thread()
    posts_before = _count(Post)
    response = _preview(client, f"Her NHS number is {NHS}.", {"thread": thread.id})
    data = response.get_json()
    assert response.status_code == 200 and data["severity"] == "block"
    assert "NHS number" in data["html"] and "must be removed" in data["html"]
    assert "cannot be posted" in data["html"]
    assert _count(Post) == posts_before and _count(ConfidentialityReview) == 0
    assert _count(Draft) == 0


def test_the_preview_reports_what_must_be_confirmed_and_a_title_too(app, client):
    sign_in(client, make_user())
    category = make_category()
    response = _preview(
        client, DOB_AND_NAME, {"category": category.slug}, title="Ferritin for LS6 2QT"
    )
    data = response.get_json()
    assert data["severity"] == "confirm" and data["findings"] >= 2
    assert "Date of birth" in data["html"] and "in your title" in data["html"]
    assert "confirm that they are not patient-identifiable" in data["html"]


def test_a_moderator_of_the_category_is_not_asked_to_confirm(app, client):
    category = make_category()
    sign_in(client, make_category_moderator(category))
    data = _preview(client, DOB_AND_NAME, {"category": category.slug}).get_json()
    assert data["severity"] is None and data["findings"] >= 1
    assert "(confirmed)" in data["html"]


def test_an_edit_preview_knows_what_the_post_already_had_confirmed(app, client):
    author = make_user()
    thread = make_thread(author=author)
    post = opening_post(thread)
    sign_in(client, author)
    data = _preview(client, "Edited text.", {"post": post.id}).get_json()
    assert data["severity"] is None and "Edited text." in data["html"]


@pytest.mark.parametrize(
    "payload",
    [
        None,
        ["body"],
        {"body": 3, "for": {"thread": 1}},
        {"body": "x"},
        {"body": "x", "for": "thread"},
        {"body": "x", "for": {"thread": "one"}},
        {"body": "x", "for": {"thread": True}},
        {"body": "x", "for": {"nothing": 1}},
        {"body": "x", "for": {"thread": 1}, "title": ["t"]},
        {"body": "x" * 130_001, "for": {"thread": 1}},
    ],
)
def test_bad_input_is_a_400_with_a_message(app, client, payload):
    make_thread()
    sign_in(client, make_user())
    response = client.post("/composer/preview", json=payload, headers=JSON)
    assert response.status_code == 400 and response.get_json()["error"]["message"]


def test_members_only_csrf_required_and_only_for_what_they_can_read(app, client):
    thread = make_thread()
    anonymous = _preview(client, "Hello", {"thread": thread.id})
    assert anonymous.status_code == 401
    sign_in(client, silenced_member())
    assert _preview(client, "Hello", {"thread": thread.id}).status_code == 403
    client = app.test_client()
    member = make_user()
    sign_in(client, member)
    staff_thread = make_thread(category=make_staff_category())
    assert _preview(client, "Hello", {"thread": staff_thread.id}).status_code == 404
    someone_elses = make_reply(thread, author=make_user())
    assert _preview(client, "Hello", {"post": someone_elses.id}).status_code == 403
    app.config["WTF_CSRF_ENABLED"] = True
    assert _preview(client, "Hello", {"thread": thread.id}).status_code == 400


# The "Preview" button, without JavaScript --------------------------------------------------------


def test_the_reply_preview_button_shows_the_preview_and_keeps_the_text(app, client):
    member = make_user()
    thread = make_thread()
    sign_in(client, member)
    posts_before = _count(Post)
    response = client.post(
        f"/t/{thread.id}/reply", data={"body": "A **careful** reply", "preview": "1"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>careful</strong>" in html and "A **careful** reply</textarea>" in html
    assert _count(Post) == posts_before
    draft = db.session.scalar(select(Draft).where(Draft.user_id == member.id))
    assert draft is not None and draft.body == "A **careful** reply"


def test_the_reply_preview_button_shows_the_guards_findings(app, client):
    sign_in(client, make_user())
    thread = make_thread()
    response = client.post(f"/t/{thread.id}/reply", data={"body": DOB_AND_NAME, "preview": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Date of birth" in html
    assert "Posting this will ask you to check some details" in html


def test_the_new_thread_preview_keeps_title_and_text_even_when_half_written(app, client):
    category = make_category()
    sign_in(client, make_user())
    response = client.post(
        f"/c/{category.slug}/new",
        data={"title": "", "kind": "question", "body": "# Plan\n\nHi", "preview": "1"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h3>Plan</h3>" in html
    assert "Enter a title" not in html and "# Plan\n\nHi</textarea>" in html
    assert _count(Thread) == 0


def test_the_edit_preview_shows_the_new_text_and_saves_nothing(app, client):
    author = make_user()
    thread = make_thread(author=author)
    post = opening_post(thread)
    before = post.body_source
    sign_in(client, author)
    response = client.post(
        f"/p/{post.id}/edit",
        data={"body": "Changed _a lot_", "title": thread.title, "edit_count": "0", "preview": "1"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<em>a lot</em>" in html
    db.session.expire_all()
    assert db.session.get(Post, post.id).body_source == before


def test_a_file_sent_with_the_preview_button_is_attached_to_the_text(app, client, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    sign_in(client, make_user())
    thread = make_thread()
    response = client.post(
        f"/t/{thread.id}/reply",
        data={
            "body": "See the chart",
            "preview": "1",
            "attachment": (io.BytesIO(upload_samples.image("PNG")), "chart.png"),
            "attachment_alt": "Referrals by month",
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and _count(Attachment) == 1
    assert 'alt="Referrals by month"' in html and "![Referrals by month](/uploads/" in html


def test_a_decorative_picture_uploads_without_a_description(app, client, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    sign_in(client, make_user())
    picture = (io.BytesIO(upload_samples.image("PNG")), "divider.png")
    refused = client.post(
        "/uploads", data={"file": picture}, content_type="multipart/form-data", headers=JSON
    )
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "alt"
    picture = (io.BytesIO(upload_samples.image("PNG")), "divider.png")
    response = client.post(
        "/uploads",
        data={"file": picture, "decorative": "1"},
        content_type="multipart/form-data",
        headers=JSON,
    )
    assert response.status_code == 201 and response.get_json()["markdown"].startswith("![](")
