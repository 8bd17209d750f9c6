"""The site's pages (about, terms of use, privacy notice): readable without signing in,
published by admins as versions, earlier versions kept for staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, SitePageVersion
from tests.factories import make_admin, make_moderator, make_user, publish_pledge, sign_in

PAGES = {"/about": "About this forum", "/terms": "Terms of use", "/privacy": "Privacy notice"}
PRIVACY_V1 = "# Who we are\n\nThe programme team runs this forum. Version one of the notice."
PRIVACY_V2 = "# Who we are\n\nThe programme team runs this forum. Version two, with retention."


@pytest.fixture
def admin_client(app, client):
    sign_in(client, make_admin(name="Alex Admin"))
    return client


def _publish(client, text, note="", page="privacy"):
    return client.post(f"/admin/settings/pages/{page}", data={"text": text, "note": note})


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_anyone_can_read_the_pages_without_signing_in(app, client, path, title):
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in page
    assert 'href="/login"' in page  # a way in for visitors


def test_the_default_privacy_notice_says_what_it_must_and_marks_what_to_fill_in(app, client):
    page = client.get("/privacy").get_data(as_text=True)
    for heading in ("What we hold", "lawful basis", "How long we keep it", "Your rights"):
        assert heading in page
    assert "[fill in: the data controller" in page
    assert "<h2>" in page and "<h3>" not in page  # headings sit right under the h1


def test_the_join_form_and_every_footer_link_to_the_pages(app, client):
    join = client.get("/register").get_data(as_text=True)
    assert 'href="/terms">terms of use</a>' in join
    assert 'href="/privacy">privacy notice</a>' in join
    login = client.get("/login").get_data(as_text=True)
    assert 'href="/about"' in login and 'href="/privacy"' in login


def test_a_member_who_has_not_accepted_the_pledge_can_still_read_them(app, client):
    sign_in(client, make_user())
    publish_pledge()
    assert client.get("/").status_code == 302
    assert client.get("/privacy").status_code == 200


def test_each_publish_is_a_new_version_with_who_and_when(app, admin_client, reload):
    assert _publish(admin_client, PRIVACY_V1).status_code == 302
    assert _publish(admin_client, PRIVACY_V2, note="Added retention").status_code == 302
    public = app.test_client().get("/privacy").get_data(as_text=True)
    assert "Version two, with retention" in public
    assert "Version one" not in public
    assert "Version 2, last updated" in public
    reload()
    versions = db.session.scalars(select(SitePageVersion).order_by(SitePageVersion.version)).all()
    assert [(v.page, v.version, v.published_by_name) for v in versions] == [
        ("privacy", 1, "Alex Admin"),
        ("privacy", 2, "Alex Admin"),
    ]
    assert versions[1].note == "Added retention"
    audit = db.session.scalars(
        select(AuditEntry.after).where(AuditEntry.action == "site.page.publish")
    ).all()
    assert [a["version"] for a in audit] == [1, 2]


def test_staff_can_read_every_earlier_version(app, admin_client):
    _publish(admin_client, PRIVACY_V1)
    _publish(admin_client, PRIVACY_V2, note="Added retention")
    moderator = app.test_client()
    sign_in(moderator, make_moderator())
    history = moderator.get("/admin/settings/pages/privacy").get_data(as_text=True)
    assert "Version 1" in history and "Version 2" in history and "Added retention" in history
    assert "<form" not in history.split("<main")[1]  # moderators read, admins publish
    old = moderator.get("/admin/settings/pages/privacy/versions/1")
    assert old.status_code == 200
    assert "Version one of the notice" in old.get_data(as_text=True)
    assert "Not the current version" in old.get_data(as_text=True)
    assert "Changes from version" not in old.get_data(as_text=True)
    second = moderator.get("/admin/settings/pages/privacy/versions/2").get_data(as_text=True)
    assert "Changes from version 1" in second
    assert "removed: </span>one of the notice</del>" in second
    assert "added: </span>two, with retention</ins>" in second
    assert "This is the current version." in second
    assert (
        moderator.post("/admin/settings/pages/privacy", data={"text": PRIVACY_V1}).status_code
        == 403
    )
    public = moderator.get("/privacy").get_data(as_text=True)
    assert 'href="/admin/settings/pages/privacy"' in public


def test_members_and_visitors_find_no_history(app, admin_client):
    _publish(admin_client, PRIVACY_V1)
    member = app.test_client()
    sign_in(member, make_user())
    for path in ("/admin/settings/pages/privacy", "/admin/settings/pages/privacy/versions/1"):
        assert member.get(path).status_code == 404
        assert app.test_client().get(path).headers["Location"].startswith("/login")
    assert "/admin/settings/pages" not in member.get("/privacy").get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    ["/admin/settings/pages/cookies", "/admin/settings/pages/privacy/versions/9",
     "/admin/settings/pages/privacy/versions/99999999999"],
)  # fmt: skip
def test_unknown_pages_and_versions_are_404(app, admin_client, path):
    _publish(admin_client, PRIVACY_V1)
    assert admin_client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("data", "message", "kept"),
    [
        ({"text": "Too short."}, "Write the page in full", "Too short."),
        ({"text": "   "}, "Write the page.", ""),
        ({"text": "T" * 50_001}, "Keep the page to 50,000 characters or fewer.", "T" * 50_001),
        ({"text": PRIVACY_V1, "note": "N" * 201}, "Keep the note to 200 characters", "N" * 201),
        ({"text": PRIVACY_V1 + " NHS 943 476 5919."}, "identifies a patient", "943 476 5919"),
    ],
    ids=["too short", "empty", "too long", "long note", "NHS number"],
)
def test_bad_input_comes_back_with_the_message_and_the_text_kept(
    app, admin_client, reload, data, message, kept
):
    response = admin_client.post("/admin/settings/pages/terms", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and kept in page
    reload()
    assert db.session.scalar(select(SitePageVersion.id)) is None


def test_the_settings_page_lists_the_pages_and_their_versions(app, admin_client):
    _publish(admin_client, PRIVACY_V1)
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "Version 1, published" in page
    assert page.count("Showing the default text") == 2  # about and terms


def test_two_admins_publishing_at_once_do_not_lose_a_version(app, admin_client, monkeypatch):
    """The second publish of the same version number is refused on the form, text kept."""
    from forum.services.site import pages as site_pages

    _publish(admin_client, PRIVACY_V1)
    monkeypatch.setattr(site_pages, "_next_version", lambda page: 1)  # read before theirs
    response = _publish(admin_client, PRIVACY_V2)
    assert response.status_code == 422
    assert "Another admin has just published this page" in response.get_data(as_text=True)
    assert "Version two, with retention" in response.get_data(as_text=True)
