"""The member's own account: profile, email change, pledge, data download, deletion; the
member directory; staff member pages."""

from __future__ import annotations

import io
import json
import zipfile
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from forum import queries
from forum.extensions import db
from forum.models import AuditEntry, PledgeAcceptance, Post, User
from forum.policy import SYSTEM
from forum.services.discussions import posting as discussions
from tests.factories import (
    PASSWORD,
    make_admin,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    opening_post,
    publish_pledge,
    sign_in,
)
from tests.mail_server import links_in

PROFILE = {
    "display_name": "Dr Asha Patel",
    "username": "asha",
    "job_title": "GP partner",
    "organisation": "Hillside Practice",
    "alliance": "Wessex",
    "bio": "Interested in safety-netting.",
    "interests": "Paid adviser to a diagnostics company.",
}


def test_profile_edit_saves_and_renames_earlier_posts(app, client, reload):
    user = make_user(name="Asha P")
    thread = make_thread(author=user)
    sign_in(client, user)
    assert client.get("/account/profile").status_code == 200
    assert client.post("/account/profile", data=PROFILE).status_code == 302
    reload()
    user = db.session.get(User, user.id)
    assert (user.username, user.alliance, user.interests) == (
        "asha",
        "Wessex",
        "Paid adviser to a diagnostics company.",
    )
    assert opening_post(thread).author_name == "Dr Asha Patel"
    page = client.get(f"/t/{thread.id}")
    assert b"Paid adviser to a diagnostics company." in page.data  # declared beside posts


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"username": "a"}, b"Use 2 to 30"),
        ({"username": "Has Space"}, b"letters, digits, dots"),
        ({"username": "asha.patel."}, b"not ending with a dot"),
        ({"username": "admin"}, b"reserved"),
        ({"username": "former-member"}, b"reserved"),
        ({"alliance": "Atlantis"}, b"Not a valid choice"),
        ({"display_name": ""}, b"Enter your name"),
    ],
)
def test_profile_errors_rerender_with_the_text_kept(app, client, changes, message):
    sign_in(client, make_user())
    response = client.post("/account/profile", data={**PROFILE, **changes})
    assert response.status_code == 422
    assert message in response.data
    assert b"Interested in safety-netting." in response.data


def test_usernames_are_unique(app, client):
    make_user().username = "taken_name"
    db.session.commit()
    sign_in(client, make_user())
    response = client.post("/account/profile", data={**PROFILE, "username": "taken_name"})
    assert response.status_code == 422 and b"taken" in response.data


def test_email_change_needs_the_link_sent_to_the_new_address(app, client, smtp_server, reload):
    smtp_server.configure(app)
    user = make_user(email="old@example.org")
    sign_in(client, user)
    data = {"email": "new@example.org", "password": PASSWORD}
    assert client.post("/account/email", data=data).status_code == 302
    assert "changing" in smtp_server.last_to("old@example.org")["Subject"]
    [link] = [u for u in links_in(smtp_server.last_to("new@example.org")) if "/verify/" in u]
    reload()
    assert db.session.get(User, user.id).email == "old@example.org"
    path = urlsplit(link).path
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    reload()
    assert db.session.get(User, user.id).email == "new@example.org"
    assert client.post(path).status_code == 400  # used once


def test_email_change_refuses_a_wrong_password(app, client):
    sign_in(client, make_user())
    response = client.post("/account/email", data={"email": "n@example.org", "password": "nope"})
    assert response.status_code == 422 and b"not right" in response.data


def test_pledge_acceptance_is_recorded_with_time_and_version(app, client, reload):
    user = make_user()
    sign_in(client, user)
    publish_pledge("Version one of the pledge text.")
    assert client.get("/").location.startswith("/pledge")
    client.post("/pledge", data={"version": "1", "agree": "y"})
    assert client.get("/").status_code == 200
    publish_pledge("Version two of the pledge text, changed.")
    again = client.get("/")
    assert again.status_code == 302 and again.location.startswith("/pledge")
    assert b"has changed" in client.get("/pledge").data
    stale = client.post("/pledge", data={"version": "1", "agree": "y"})
    assert stale.status_code == 422
    client.post("/pledge", data={"version": "2", "agree": "y"})
    reload()
    rows = db.session.scalars(
        select(PledgeAcceptance).where(PledgeAcceptance.user_id == user.id)
    ).all()
    assert [r.version for r in rows] == [1, 2]
    assert all(r.accepted_at is not None for r in rows)


def test_the_pledge_gate_answers_json_with_403(app, client):
    sign_in(client, make_user())
    publish_pledge()
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 403


def test_only_admins_publish_the_pledge_and_it_is_audited(app, reload):
    moderator_client = app.test_client()
    sign_in(moderator_client, make_moderator())
    refused = moderator_client.post(
        "/admin/pledge", data={"text": "A new pledge text, long enough."}
    )
    assert refused.status_code == 403
    admin_client = app.test_client()
    sign_in(admin_client, make_admin())
    assert b"Publish as version 1" in admin_client.get("/admin/pledge").data
    done = admin_client.post("/admin/pledge", data={"text": "A new pledge text, long enough."})
    assert done.status_code == 302
    reload()
    assert db.session.scalar(select(AuditEntry.after).where(AuditEntry.action == "pledge.publish"))


def test_export_contains_own_posts_and_revisions_and_no_one_elses_private_data(app, client):
    member = make_user(email="me@example.org", name="Me Member")
    other = make_user(email="other.private@example.org", name="Other Person")
    thread = make_thread(author=other, body="Other person's opening post")
    reply = make_reply(thread, author=member, body="My first version")
    post = queries.get_post_or_404(reply.id, SYSTEM)
    discussions.edit_post(member, post, body="My second version")
    db.session.commit()
    sign_in(client, member)
    assert client.get("/account/data").status_code == 200
    response = client.post("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {"profile.json", "posts.json", "reactions.json", "notifications.json"} <= names
    assert {"settings.json", "README.txt"} <= names
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == "me@example.org"
    posts = json.loads(archive.read("posts.json"))
    assert [p["body"] for p in posts] == ["My second version"]
    assert posts[0]["revisions"][0]["body"] == "My first version"
    everything = b"".join(archive.read(name) for name in names)
    assert b"other.private@example.org" not in everything
    assert b"Other person's opening post" not in everything
    assert b"password_hash" not in everything and b"argon2" not in everything


def test_deleting_the_account_anonymises_it(app, client, reload):
    member = make_user(email="leaving@example.org", name="Dr Leaving")
    thread = make_thread(author=member, title="A thread I started", body="My words stay")
    sign_in(client, member)
    wrong = client.post("/account/delete", data={"password": "wrong", "confirm": "y"})
    assert wrong.status_code == 422
    done = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert done.status_code == 302
    assert client.get("/").status_code == 302  # signed out

    again = app.test_client().post(
        "/login", data={"email": "leaving@example.org", "password": PASSWORD}
    )
    assert again.status_code == 422
    reader = app.test_client()
    sign_in(reader, make_user())
    page = reader.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Former member" in page and "My words stay" in page
    assert "Dr Leaving" not in page
    reload()
    user = db.session.get(User, member.id)
    assert user.anonymised_at is not None and user.email != "leaving@example.org"
    assert reader.get(f"/u/{user.username}").status_code == 404


def test_staff_can_purge_a_former_members_posts(app, reload):
    member = make_user()
    thread = make_thread(author=make_user(), replies=1)
    make_reply(thread, author=member, body="Something to purge")
    member_client = app.test_client()
    sign_in(member_client, member)
    member_client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    admin_client = app.test_client()
    sign_in(admin_client, make_admin())
    assert (
        admin_client.post(f"/admin/members/{member.id}/purge", data={"reason": "Asked"}).status_code
        == 302
    )
    reload()
    posts = db.session.scalars(select(Post).where(Post.author_id == member.id)).all()
    assert posts and all(p.deleted_at is not None for p in posts)


def test_member_directory_searches_and_filters(app, client):
    make_user(name="Dr Ada Lovelace", job_title="GP partner", alliance="Wessex")
    make_user(name="Dr Grace Hopper", organisation="Harbour Surgery", alliance="Peninsula")
    make_moderator(name="Sam Moderator")
    gone = make_user(name="Dr Gone")
    gone.deactivated_at = gone.created_at
    db.session.commit()
    sign_in(client, make_user(name="Viewer"))
    everyone = client.get("/members").get_data(as_text=True)
    assert "Dr Ada Lovelace" in everyone and "Dr Gone" not in everyone
    by_practice = client.get("/members?q=harbour").get_data(as_text=True)
    assert "Dr Grace Hopper" in by_practice and "Dr Ada Lovelace" not in by_practice
    by_alliance = client.get("/members?alliance=Wessex").get_data(as_text=True)
    assert "Dr Ada Lovelace" in by_alliance and "Dr Grace Hopper" not in by_alliance
    staff = client.get("/members?role=moderator").get_data(as_text=True)
    assert "Sam Moderator" in staff and "Dr Ada Lovelace" not in staff
    assert client.get("/members?q=%25").status_code == 200
    assert client.get("/members?page=0").status_code == 400


def test_directory_query_count_does_not_grow_with_members(app, client, count_queries):
    sign_in(client, make_user())
    client.get("/members")
    with count_queries() as few:
        client.get("/members")
    for n in range(12):
        make_user(name=f"Extra {n}")
    with count_queries() as many:
        client.get("/members")
    assert many.count == few.count


class TestStaffMemberPages:
    @pytest.fixture
    def admin_client(self, app):
        client = app.test_client()
        sign_in(client, make_admin())
        return client

    def test_role_change_deactivate_and_reactivate_are_audited(self, app, admin_client, reload):
        member = make_user()
        member_client = app.test_client()
        sign_in(member_client, member)
        base = f"/admin/members/{member.id}"
        assert admin_client.get(base).status_code == 200
        assert admin_client.post(f"{base}/role", data={"role": "moderator"}).status_code == 302
        assert admin_client.post(f"{base}/deactivate", data={"reason": "Left"}).status_code == 302
        assert member_client.get("/").status_code == 302  # their session ended
        assert admin_client.post(f"{base}/reactivate", data={}).status_code == 302
        reload()
        user = db.session.get(User, member.id)
        assert (user.role, user.deactivated_at) == ("moderator", None)
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("member.%"))
        ).all()
        assert sorted(actions) == ["member.deactivate", "member.reactivate", "member.role_change"]

    def test_admins_cannot_act_on_themselves(self, app, reload):
        admin = make_admin()
        client = app.test_client()
        sign_in(client, admin)
        assert (
            client.post(f"/admin/members/{admin.id}/role", data={"role": "member"}).status_code
            == 403
        )

    def test_moderators_see_members_but_cannot_change_them(self, app):
        member = make_user()
        client = app.test_client()
        sign_in(client, make_moderator())
        assert client.get("/admin/members").status_code == 200
        assert client.post(f"/admin/members/{member.id}/deactivate", data={}).status_code == 403

    def test_staff_list_filters_by_state(self, app, admin_client):
        gone = make_user(name="Deactivated Person")
        gone.deactivated_at = gone.created_at
        db.session.commit()
        page = admin_client.get("/admin/members?state=deactivated").get_data(as_text=True)
        assert "Deactivated Person" in page
        assert admin_client.get("/admin/members/999999").status_code == 404
