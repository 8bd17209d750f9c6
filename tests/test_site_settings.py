"""Site settings at /admin/settings: where each one shows, who may change them, bad input, and
how soon every process sees a change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, SiteSettings
from forum.policy import SYSTEM
from forum.queries import site as site_reads
from forum.services.site import settings as site_settings
from forum.text import site_pages
from tests.factories import make_admin, make_moderator, make_user, sign_in
from tests.mail_server import html_of, text_of

GOOD = {
    "name": "Sarcoma Leads Network",
    "description": "Where the programme's GP cancer leads compare notes.",
    "welcome": "Read the **house rules** first.\n\n# Getting started\n\nSay hello.",
    "contact_email": "forum-team@example.nhs.uk",
}


@pytest.fixture
def admin_client(app, client):
    sign_in(client, make_admin(name="Alex Admin"))
    return client


def _save(client, **changes):
    return client.post("/admin/settings", data={**GOOD, **changes})


def test_before_any_save_the_forum_uses_the_configured_name_and_default_texts(app, client):
    sign_in(client, make_user())
    page = client.get("/").get_data(as_text=True)
    assert f"<title>Home · {app.config['SITE_NAME']}</title>" in page
    assert "This is the place to ask colleagues on the programme" in page
    assert site_pages.DEFAULT_DESCRIPTION.replace("'", "&#39;") in page
    assert 'href="/about"' in page and 'href="/terms"' in page and 'href="/privacy"' in page
    assert "mailto:" not in page


def test_the_admin_form_starts_from_the_configured_name(app, admin_client):
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert f'value="{app.config["SITE_NAME"]}"' in page
    assert "Not saved yet" in page


def test_saved_settings_show_on_every_page_at_once(app, admin_client, reload):
    assert _save(admin_client).status_code == 302
    home = admin_client.get("/").get_data(as_text=True)
    assert "<title>Home · Sarcoma Leads Network</title>" in home
    assert '<a class="brand" href="/">Sarcoma Leads Network</a>' in home
    assert "Where the programme&#39;s GP cancer leads compare notes." in home
    assert '<meta name="description" content="Where the programme&#39;s GP' in home
    assert "<strong>house rules</strong>" in home
    assert "<h2>Getting started</h2>" in home  # under the page's h1
    assert 'href="mailto:forum-team@example.nhs.uk"' in home
    login = app.test_client().get("/login").get_data(as_text=True)
    assert "Sign in · Sarcoma Leads Network" in login
    assert "GP cancer leads compare notes" in login
    assert "forum-team@example.nhs.uk" in login


def test_an_empty_welcome_message_shows_none(app, admin_client):
    _save(admin_client, welcome="")
    assert "welcome-message" not in admin_client.get("/").get_data(as_text=True)


def test_each_save_is_audited_with_before_and_after(app, admin_client, reload):
    _save(admin_client)
    _save(admin_client, name="Cancer Leads Forum")
    reload()
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "site.settings").order_by(AuditEntry.id)
    ).all()
    assert [e.before for e in entries][0] is None
    assert entries[1].before["name"] == "Sarcoma Leads Network"
    assert entries[1].after["name"] == "Cancer Leads Forum"
    assert entries[1].actor_name == "Alex Admin"
    row = db.session.get(SiteSettings, 1)
    assert row.updated_by_name == "Alex Admin"


@pytest.mark.parametrize(
    ("changes", "message", "kept"),
    [
        ({"name": "   "}, "Give the forum a name.", "forum-team@example.nhs.uk"),
        ({"name": "N" * 81}, "Keep the name to 80 characters or fewer.", "N" * 81),
        ({"description": "D" * 201}, "Keep the description to 200 characters", "D" * 201),
        ({"welcome": "W" * 5001}, "Keep the welcome message to 5,000 characters", "W" * 5001),
        ({"contact_email": "staff at example"}, "Enter an email address like", "staff at example"),
        ({"contact_email": ""}, "Enter an email address.", "Sarcoma Leads Network"),
        ({"welcome": "Ask about NHS number 943 476 5919."}, "identifies a patient", "943 476 5919"),
    ],
    ids=["empty name", "long name", "long description", "long welcome", "bad email",
         "no email", "NHS number"],
)  # fmt: skip
def test_bad_input_comes_back_with_the_message_and_the_text_kept(
    app, admin_client, reload, changes, message, kept
):
    response = _save(admin_client, **changes)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert kept in page
    assert 'class="error-summary"' in page
    reload()
    assert db.session.get(SiteSettings, 1) is None


def test_a_postcode_in_a_staff_text_is_not_asked_about(app, admin_client):
    """Staff are the reviewers: only identifiers that block are refused in their texts."""
    response = _save(admin_client, welcome="Our office: 1 Main Street, Leeds LS1 4AP.")
    assert response.status_code == 302


def test_the_service_refuses_members_and_moderators(app):
    details = site_settings.SiteDetails(**GOOD)
    for actor in (make_user(), make_moderator()):
        with pytest.raises(Exception, match="permission"):
            site_settings.save_site_settings(actor, details)
    assert site_settings.save_site_settings(SYSTEM, details).name == "Sarcoma Leads Network"


def test_the_settings_page_does_not_exist_for_members_or_moderators(app, client):
    for user in (make_user(), make_moderator()):
        visitor = app.test_client()
        sign_in(visitor, user)
        assert visitor.get("/admin/settings").status_code == 404
        assert visitor.post("/admin/settings", data=GOOD).status_code == 404
    assert client.get("/admin/settings").headers["Location"].startswith("/login")


def test_only_admins_see_the_settings_link_in_the_staff_pages(app):
    admin, moderator = app.test_client(), app.test_client()
    sign_in(admin, make_admin())
    sign_in(moderator, make_moderator())
    assert 'href="/admin/settings"' in admin.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/settings"' not in moderator.get("/admin/").get_data(as_text=True)


def test_emails_carry_the_name_and_the_contact(app, admin_client, smtp_server):
    smtp_server.configure(app)
    _save(admin_client)
    admin_client.post(
        "/admin/invitations",
        data={"display_name": "Dr Nia Evans", "email": "nia@example.nhs.uk", "role": "member"},
    )
    message = smtp_server.last_to("nia@example.nhs.uk")
    assert message["Subject"] == "You're invited to join the Sarcoma Leads Network"
    assert "join the Sarcoma Leads Network" in text_of(message)
    assert "programme staff at forum-team@example.nhs.uk" in text_of(message)
    html = html_of(message)
    assert "Sarcoma Leads Network" in html
    assert 'href="mailto:forum-team@example.nhs.uk"' in html
    assert "GP cancer leads compare notes" in html


def test_another_process_sees_a_change_when_its_copy_lapses(app, client, reload):
    """Each process keeps the settings for SITE_SETTINGS_CACHE_SECONDS; a change saved
    elsewhere (here: straight to the database, as another worker would) shows after that."""
    app.config["SITE_SETTINGS_CACHE_SECONDS"] = 3600
    sign_in(client, make_user())
    assert app.config["SITE_NAME"] in client.get("/").get_data(as_text=True)
    reload()
    site_settings.save_site_settings(SYSTEM, site_settings.SiteDetails(**GOOD))
    reload()
    assert "Sarcoma Leads Network" not in client.get("/").get_data(as_text=True)
    app.config["SITE_SETTINGS_CACHE_SECONDS"] = 0  # the copy has lapsed
    assert "Sarcoma Leads Network" in client.get("/").get_data(as_text=True)


def test_the_settings_are_read_once_then_served_from_the_copy(app, client, count_queries):
    sign_in(client, make_user())
    with count_queries() as cold:
        site_reads.forget_site_settings()
        client.get("/")
    with count_queries() as warm:
        client.get("/")
    reads = [s for s in cold.statements if "site_settings" in s]
    assert len(reads) == 1
    assert not [s for s in warm.statements if "site_settings" in s]
    assert warm.count == cold.count - 1


def test_the_description_stays_on_one_line(app, admin_client):
    _save(admin_client, description="For the programme's GPs\r\nand its staff.")
    page = admin_client.get("/").get_data(as_text=True)
    assert "For the programme&#39;s GPs and its staff." in page


def test_two_first_saves_at_once_both_land_on_the_one_row(app, reload, monkeypatch):
    site_settings.save_site_settings(SYSTEM, site_settings.SiteDetails(**GOOD))
    reload()
    real, calls = site_reads.settings_row, []

    def read_before_the_first_committed():  # the second admin's first read: "no row yet"
        calls.append(1)
        return None if len(calls) == 1 else real()

    monkeypatch.setattr(site_reads, "settings_row", read_before_the_first_committed)
    details = site_settings.SiteDetails(**{**GOOD, "name": "Cancer Leads Forum"})
    assert site_settings.save_site_settings(SYSTEM, details).name == "Cancer Leads Forum"
    reload()
    assert db.session.scalars(select(SiteSettings.name)).all() == ["Cancer Leads Forum"]
    assert len(calls) == 2


def test_settings_cannot_carry_script(app, admin_client):
    _save(
        admin_client,
        name="<script>alert(1)</script>",
        description='"><img src=x onerror=alert(1)>',
        welcome="<img src=x onerror=alert(1)> [click](javascript:alert(1))",
    )
    page = admin_client.get("/").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript:' not in page


def test_when_the_database_cannot_be_read_pages_show_the_last_settings_or_the_defaults():
    """A 503 page renders the forum's name while the database is down: it must not fail too."""
    from forum import create_app

    down = create_app("config.TestingConfig", SQLALCHEMY_DATABASE_URI="sqlite:////no/such/dir.db")
    with down.test_request_context():
        assert site_reads.site_settings().name == down.config["SITE_NAME"]
        last = site_reads.SiteSnapshot("Leads Network", "", "", "t@example.org", saved=True)
        down.extensions[site_reads.CACHE_KEY] = (last, 0.0)  # read long ago, lapsed
        assert site_reads.site_settings() == last
