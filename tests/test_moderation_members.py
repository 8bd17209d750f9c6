"""Member actions take effect on the member's very next request; notes are for staff only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from forum.extensions import db
from forum.models import (
    AuditEntry,
    CategoryModerator,
    MemberNote,
    MemberSanction,
    ModerationMessage,
    User,
    utcnow,
)
from tests.factories import (
    make_admin,
    make_category,
    make_category_moderator,
    make_moderator,
    make_thread,
    make_user,
    sign_in,
)


def fresh(user: User) -> User:
    db.session.commit()
    return db.session.get(User, user.id)


def test_a_suspended_members_open_session_is_refused_on_the_next_request(app, client):
    member = make_user()
    thread = make_thread()
    sign_in(client, member)
    assert client.get(f"/t/{thread.id}").status_code == 200
    moderator = app.test_client()
    sign_in(moderator, make_moderator())

    response = moderator.post(
        f"/mod/members/{member.id}/suspend",
        data={"suspend-days": "7", "suspend-reason": "Cooling-off period."},
    )

    assert response.status_code == 302
    refused = client.get(f"/t/{thread.id}")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")
    again = app.test_client()
    failed = again.post(
        "/login", data={"email": member.email, "password": "correct horse battery staple"}
    )
    assert failed.status_code == 422
    user = fresh(member)
    assert user.suspended_until > utcnow() + timedelta(days=6)
    sanction = db.session.scalars(select(MemberSanction)).one()
    assert (sanction.kind, sanction.reason) == ("suspension", "Cooling-off period.")


def test_a_suspension_ends_by_itself(app, client):
    member = make_user()
    db.session.commit()
    db.session.execute(
        update(User)
        .where(User.id == member.id)
        .values(suspended_until=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    sign_in(client, member)


def test_the_session_check_needs_no_extra_query(app, client, count_queries):
    member = make_user()
    sign_in(client, member)
    client.get("/account")
    with count_queries() as before:
        client.get("/account")
    db.session.commit()
    db.session.execute(
        update(User).where(User.id == member.id).values(silenced_until=utcnow() + timedelta(days=1))
    )
    db.session.commit()
    with count_queries() as after:
        client.get("/account")
    assert after.count == before.count


def test_a_silenced_member_reads_but_cannot_post(app, client):
    member = make_user()
    category = make_category()
    thread = make_thread(category)
    sign_in(client, member)
    moderator = app.test_client()
    sign_in(moderator, make_moderator())
    moderator.post(
        f"/mod/members/{member.id}/silence",
        data={"silence-days": "3", "silence-reason": "Repeated unkind posts."},
    )

    page = client.get(f"/t/{thread.id}")
    reply = client.post(f"/t/{thread.id}/reply", data={"body": "Still here."})
    new_thread = client.get(f"/c/{category.slug}/new")

    assert page.status_code == 200 and b"a moderator has silenced your account" in page.data
    assert reply.status_code == 403
    assert new_thread.status_code == 403
    messages = client.get("/account/moderation")
    assert b"Repeated unkind posts." in messages.data


def test_a_silence_until_a_chosen_date(app, client):
    member = make_user()
    sign_in(client, make_moderator())
    day = (utcnow() + timedelta(days=10)).date()
    past = (utcnow() - timedelta(days=1)).date()
    ok = client.post(
        f"/mod/members/{member.id}/silence",
        data={"silence-until": day.isoformat(), "silence-reason": "Until the review."},
    )
    refused = client.post(
        f"/mod/members/{make_user().id}/silence",
        data={"silence-until": past.isoformat(), "silence-reason": "Too late."},
    )
    assert ok.status_code == 302
    assert fresh(member).silenced_until.date() == day
    assert refused.status_code == 422 and b"in the future" in refused.data


def test_ban_ends_sessions_and_lifting_lets_them_back(app, client):
    member = make_user()
    sign_in(client, member)
    moderator = app.test_client()
    sign_in(moderator, make_moderator())
    unconfirmed = moderator.post(f"/mod/members/{member.id}/ban", data={"ban-reason": "Spam."})
    banned = moderator.post(
        f"/mod/members/{member.id}/ban", data={"ban-reason": "Spam.", "ban-confirm": "y"}
    )
    assert unconfirmed.status_code == 422
    assert banned.status_code == 302
    assert client.get("/").status_code == 302
    lifted = moderator.post(f"/mod/members/{member.id}/lift/ban", data={"lift-reason": "Appeal."})
    assert lifted.status_code == 302
    assert fresh(member).banned_at is None
    again = app.test_client()
    sign_in(again, member)
    sanction = db.session.scalars(select(MemberSanction)).one()
    assert sanction.lifted_at is not None
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("member.%")).order_by(AuditEntry.id)
    ).all()
    assert actions == ["member.ban", "member.lift_ban"]


def test_a_formal_warning_is_recorded_and_shown_to_the_member(app, client):
    member = make_user()
    sign_in(client, make_moderator())
    assert (
        client.post(
            f"/mod/members/{member.id}/warn", data={"warn-reason": "Please declare interests."}
        ).status_code
        == 302
    )
    db.session.commit()
    message = db.session.scalars(select(ModerationMessage)).one()
    assert (message.user_id, message.kind) == (member.id, "warning")
    record = client.get(f"/mod/members/{member.id}")
    assert b"Please declare interests." in record.data


def test_moderators_cannot_sanction_staff_or_themselves(app, client):
    moderator, other, admin = make_moderator(), make_moderator(), make_admin()
    sign_in(client, moderator)
    data = {"warn-reason": "No."}
    assert client.post(f"/mod/members/{other.id}/warn", data=data).status_code == 403
    assert client.post(f"/mod/members/{admin.id}/warn", data=data).status_code == 403
    assert client.post(f"/mod/members/{moderator.id}/warn", data=data).status_code == 403
    boss = app.test_client()
    sign_in(boss, admin)
    assert boss.post(f"/mod/members/{moderator.id}/warn", data=data).status_code == 302


def test_staff_notes_are_for_staff_only(app, client):
    member = make_user()
    sign_in(client, make_moderator())
    assert client.post(f"/mod/members/{member.id}/notes", data={"note-body": ""}).status_code == 422
    assert (
        client.post(
            f"/mod/members/{member.id}/notes", data={"note-body": "Spoke on the phone; all fine."}
        ).status_code
        == 302
    )
    assert b"Spoke on the phone" in client.get(f"/mod/members/{member.id}").data
    db.session.commit()
    assert db.session.scalars(select(MemberNote.body)).all() == ["Spoke on the phone; all fine."]
    for who in (member, make_category_moderator(make_category())):
        peer = app.test_client()
        sign_in(peer, who)
        assert peer.get(f"/mod/members/{member.id}").status_code == 403
        assert b"Spoke on the phone" not in peer.get(f"/u/{member.username}").data


def test_admins_make_a_member_moderator_of_chosen_categories(app, client):
    member = make_user()
    first, second = make_category(), make_category()
    staff_only = make_category(staff_only=True)
    sign_in(client, make_admin())
    page = client.get(f"/mod/members/{member.id}")
    chosen = client.post(
        f"/mod/members/{member.id}/categories",
        data={"categories-categories": [first.id, second.id]},
    )
    assert b"Category moderator" in page.data and staff_only.name.encode() not in page.data
    assert chosen.status_code == 302
    assert sorted(fresh(member).moderated_category_ids) == sorted([first.id, second.id])
    client.post(f"/mod/members/{member.id}/categories", data={"categories-categories": [second.id]})
    assert fresh(member).moderated_category_ids == [second.id]
    rows = db.session.scalars(select(CategoryModerator.category_id)).all()
    assert rows == [second.id]
    client.post(f"/mod/members/{member.id}/categories", data={})
    assert fresh(member).moderated_category_ids is None


def test_moderators_cannot_appoint_category_moderators(app, client):
    member = make_user()
    category = make_category()
    sign_in(client, make_moderator())
    response = client.post(
        f"/mod/members/{member.id}/categories", data={"categories-categories": [category.id]}
    )
    assert response.status_code == 403
    assert fresh(member).moderated_category_ids is None


def test_member_search(app, client):
    make_user(name="Dr Findable Person")
    sign_in(client, make_moderator())
    found = client.get("/mod/members/?q=findable")
    missing = client.get("/mod/members/?q=%25_nobody")
    assert b"Dr Findable Person" in found.data
    assert b"No member matches" in missing.data
