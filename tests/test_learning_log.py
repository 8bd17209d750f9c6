"""The learning log: writing entries, the confidentiality guard on reflections, and privacy
(no one else, staff included, reaches an entry or an export).

The exports, totals and contributions: tests/test_learning_log_exports.py."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import LearningEntry, User, utcnow
from tests.corpus import bad_inputs, needs_corpus
from tests.factories import (
    PASSWORD,
    export_learning_log,
    make_admin,
    make_learning_entry,
    make_moderator,
    make_reply,
    make_resource,
    make_staff_category,
    make_thread,
    make_user,
    sign_in,
)

TODAY = utcnow().date()


def _form(**fields: object) -> dict[str, object]:
    data = {
        "title": "Two-week-wait referrals for unexplained weight loss",
        "learned_on": TODAY.isoformat(),
        "minutes": "45",
        "link": "",
        "learned": "NG12 thresholds for weight loss in over-60s.",
        "practice_change": "I will safety-net with a review date.",
        "follow_up": "",
    }
    data.update(fields)
    return data


def _count_entries() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(LearningEntry)) or 0


# Writing entries -----------------------------------------------------------------------------


def test_a_member_adds_edits_and_deletes_an_entry(app, client, reload):
    member = make_user()
    sign_in(client, member)
    assert client.get("/account/learning/new").status_code == 200
    response = client.post("/account/learning/new", data=_form())
    assert response.status_code == 302
    assert "/account/learning?year=" in response.headers["Location"]
    reload()
    entry = db.session.scalars(select(LearningEntry)).one()
    assert (entry.user_id, entry.minutes, entry.follow_up) == (member.id, 45, "")
    page = client.get("/account/learning").get_data(as_text=True)
    assert "Two-week-wait referrals" in page and "45 min" in page and "0.75" in page

    assert client.get(f"/account/learning/{entry.id}/edit").status_code == 200
    edited = client.post(f"/account/learning/{entry.id}/edit", data=_form(minutes="90"))
    assert edited.status_code == 302
    reload()
    assert db.session.get(LearningEntry, entry.id).minutes == 90
    assert client.post(f"/account/learning/{entry.id}/delete").status_code == 302
    assert _count_entries() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"learned": "", "practice_change": "", "follow_up": ""}, "at least one of the three"),
        ({"minutes": "0"}, "1 to 1,440"),
        ({"minutes": "lots"}, "minutes"),
        ({"learned_on": (TODAY + timedelta(days=3)).isoformat()}, "in the future"),
        ({"learned_on": "31/02/2026"}, "Enter a date"),
        ({"link": "javascript:alert(1)"}, "https://"),
        ({"title": ""}, "Give the entry a title"),
        ({"learned": "x" * 2001}, "2,000 characters"),
    ],
)
def test_a_bad_entry_comes_back_with_what_was_typed(app, client, fields, message):
    sign_in(client, make_user())
    response = client.post("/account/learning/new", data=_form(**fields))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Two-week-wait" in page or fields.get("title") == ""
    assert _count_entries() == 0


def test_an_entry_starts_from_a_thread_a_post_or_a_resource(app, client):
    member = make_user()
    thread = make_thread(title="Haematuria in a 45-year-old smoker")
    reply = make_reply(thread, body="Refer under NG12 1.6.1.")
    resource = make_resource(title="Safety-netting audit toolkit")
    sign_in(client, member)
    for query, title, link in (
        (f"thread={thread.id}", "Haematuria in a 45-year-old smoker", f"/t/{thread.id}"),
        (f"post={reply.id}", "Haematuria in a 45-year-old smoker: reply by", f"/p/{reply.id}"),
        (f"resource={resource.id}", "Safety-netting audit toolkit", f"/library/{resource.id}"),
    ):
        page = client.get(f"/account/learning/new?{query}").get_data(as_text=True)
        assert title in page and link in page
    assert f"/account/learning/new?thread={thread.id}" in client.get(f"/t/{thread.id}").text
    assert f"/account/learning/new?post={reply.id}" in client.get(f"/t/{thread.id}").text
    assert f"/account/learning/new?resource={resource.id}" in client.get(
        f"/library/{resource.id}"
    ).get_data(as_text=True)


def test_a_thread_the_member_cannot_see_is_not_offered(app, client):
    hidden = make_thread(make_staff_category(), title="Staff only")
    sign_in(client, make_user())
    assert client.get(f"/account/learning/new?thread={hidden.id}").status_code == 404


# The confidentiality guard ---------------------------------------------------------------------


def test_a_reflection_naming_an_nhs_number_is_refused_as_a_post_is(app, client):
    sign_in(client, make_user())
    response = client.post(
        "/account/learning/new", data=_form(learned="Seen: NHS number 943 476 5919.")
    )
    assert response.status_code == 422
    assert "cannot be posted" in response.get_data(as_text=True)
    assert _count_entries() == 0


def test_a_detail_to_confirm_is_saved_once_confirmed(app, client):
    sign_in(client, make_user())
    text = "A patient from LS1 4AP taught me to ask about night sweats."
    first = client.post("/account/learning/new", data=_form(practice_change=text))
    assert first.status_code == 422
    page = first.get_data(as_text=True)
    assert "This may identify a patient" in page and "your entry stays private" in page
    seen = page.split('name="pii_seen" value="')[1].split('"')[0]
    confirmed = client.post(
        "/account/learning/new",
        data=_form(practice_change=text, pii_seen=seen, pii_confirmed="y"),
    )
    assert confirmed.status_code == 302
    assert _count_entries() == 1


# Privacy -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "moderator", "admin"])
def test_no_one_else_reaches_an_entry_or_its_export(app, client, who):
    owner = make_user(name="Dr Private Owner")
    entry = make_learning_entry(
        owner, title="My private reflection", learned="About my own doubts."
    )
    other = {"member": make_user, "moderator": make_moderator, "admin": make_admin}[who]()
    sign_in(client, other)
    assert client.get(f"/account/learning/{entry.id}/edit").status_code == 404
    assert client.post(f"/account/learning/{entry.id}/edit", data=_form()).status_code == 404
    assert client.post(f"/account/learning/{entry.id}/delete").status_code == 404
    assert "My private reflection" not in client.get("/account/learning").get_data(as_text=True)
    for kind in ("pdf", "docx", "csv"):
        exported = export_learning_log(client, kind, TODAY - timedelta(days=1), TODAY)
        assert exported.status_code == 200
        assert b"My private reflection" not in exported.data
    assert "My private reflection" not in client.get("/search?q=private+reflection").text
    assert _count_entries() == 1


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    entry = make_learning_entry(make_user())
    for url in (
        "/account/learning",
        f"/account/learning/{entry.id}/edit",
        "/account/learning/export?start=2026-01-01&end=2026-02-01&format=pdf",
    ):
        assert client.get(url).status_code == 302  # fmt: skip


def test_the_gmc_number_is_the_members_own(app, client, reload):
    member = make_user(name="Dr Gee")
    sign_in(client, member)
    profile = {"display_name": "Dr Gee", "username": "gee", "alliance": "", "gmc_number": "12345"}
    assert client.post("/account/profile", data=profile).status_code == 422
    saved = client.post("/account/profile", data={**profile, "gmc_number": "1234567"})
    assert saved.status_code == 302
    reload()
    assert db.session.get(User, member.id).gmc_number == "1234567"
    other = make_user()
    sign_in(client, other)
    assert "1234567" not in client.get("/u/gee").get_data(as_text=True)
    assert "1234567" not in client.get(f"/api/v1/users/{member.username}").get_data(as_text=True)


def test_the_members_data_export_has_the_log_and_deletion_removes_it(app, client):
    member = make_user()
    member.gmc_number = "7654321"
    db.session.commit()
    make_learning_entry(member, title="Kept in my data")
    sign_in(client, member)
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/export").data))
    log = json.loads(archive.read("learning_log.json"))
    assert log[0]["title"] == "Kept in my data"
    assert json.loads(archive.read("profile.json"))["gmc_number"] == "7654321"
    deleted = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert deleted.status_code == 302
    assert _count_entries() == 0
    assert db.session.get(User, member.id).gmc_number == ""


# Bad input ---------------------------------------------------------------------------------------

TEXT_TAGS = [
    tag
    for tag in bad_inputs()
    if tag.startswith(("overlong-", "markdown-", "unicode-", "sqli-", "search-"))
]


@needs_corpus
@pytest.mark.parametrize("tag", TEXT_TAGS)
def test_any_text_is_saved_and_exported_or_refused_with_the_text_kept(app, client, tag):
    value = bad_inputs()[tag]
    sign_in(client, make_user())
    response = client.post("/account/learning/new", data=_form(learned=value))
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 422:
        assert _count_entries() == 0
        assert str(escape(value[:40])) in response.get_data(as_text=True)
        return
    for kind in ("pdf", "docx", "csv"):
        exported = export_learning_log(client, kind, TODAY, TODAY)
        assert exported.status_code == 200, kind
