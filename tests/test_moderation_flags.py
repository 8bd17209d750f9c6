"""Members report posts; reports gather into one queue item; the flagger hears the outcome."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditEntry, Flag, ModerationItem, ModerationMessage, Post, Thread
from tests.factories import (
    confirmed_reply,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    opening_post,
    sign_in,
)


def _report(client, post, reason="unkind", note=""):
    return client.post(f"/p/{post.id}/report", data={"reason": reason, "note": note})


def test_a_member_reports_a_post_and_it_reaches_the_queue(app, client, reload):
    thread = make_thread(replies=1)
    reply = make_reply(thread, body="You are all wrong.")
    reporter = make_user(name="Dr Reporter")
    sign_in(client, reporter)

    page = client.get(f"/p/{reply.id}/report")
    response = _report(client, reply, "unkind", "Rude to a colleague.")

    assert page.status_code == 200 and b"Possible patient identifier" in page.data
    assert response.status_code == 302
    reload()
    item = db.session.scalars(select(ModerationItem)).one()
    assert (item.kind, item.post_id, item.flag_count, item.resolved_at) == (
        "flag",
        reply.id,
        1,
        None,
    )
    flag = db.session.scalars(select(Flag)).one()
    assert (flag.reporter_id, flag.reason, flag.note) == (
        reporter.id,
        "unkind",
        "Rude to a colleague.",
    )


def test_repeat_reports_gather_into_one_item(app, client, reload):
    thread = make_thread()
    post = make_reply(thread)
    for reason in ("spam", "unkind", "outdated_guidance"):
        other = make_user()
        sign_in(client, other)
        assert _report(client, post, reason).status_code == 302
        client.post("/logout")
    reload()
    item = db.session.scalars(select(ModerationItem)).one()
    assert item.flag_count == 3
    assert db.session.scalar(select(func.count()).select_from(Flag)) == 3


def test_reporting_twice_is_refused_with_a_message(app, client, reload):
    post = make_reply(make_thread())
    sign_in(client, make_user())
    assert _report(client, post).status_code == 302
    again = _report(client, post, "spam")
    assert again.status_code == 422
    assert b"already reported" in again.data
    reload()
    assert db.session.scalar(select(func.count()).select_from(Flag)) == 1


def test_other_needs_a_note_and_an_unknown_reason_is_refused(app, client, reload):
    post = make_reply(make_thread())
    sign_in(client, make_user())
    assert _report(client, post, "other", "").status_code == 422
    assert _report(client, post, "not-a-reason").status_code == 422
    assert _report(client, post, "watched_word").status_code == 422
    reload()
    assert db.session.scalar(select(func.count()).select_from(Flag)) == 0


def test_members_cannot_report_their_own_post(app, client):
    author = make_user()
    post = make_reply(make_thread(), author=author)
    sign_in(client, author)
    assert client.get(f"/p/{post.id}/report").status_code == 403
    assert _report(client, post).status_code == 403


def test_a_possible_patient_identifier_hides_the_post_at_once(app, client, reload):
    thread = make_thread()
    author = make_user()
    post = confirmed_reply(
        thread, author=author, body="Seen in clinic, born 1 May 1950, ferritin 9."
    )
    reader = make_user()
    sign_in(client, make_user())

    assert _report(client, post, "patient_identifier").status_code == 302

    reload()
    post = db.session.get(Post, post.id)
    assert post.hidden_at is not None
    assert db.session.get(Thread, thread.id).reply_count == 0
    assert db.session.scalars(select(ModerationItem)).one().hid_post is True
    message = db.session.scalars(select(ModerationMessage)).one()
    assert message.user_id == author.id and message.kind == "post_hidden"
    assert db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("post.%"))
    ).all() == ["post.hide_pending_review"]
    client.post("/logout")
    sign_in(client, reader)
    page = client.get(f"/t/{thread.id}")
    assert b"born 1 May" not in page.data
    assert client.get(f"/p/{post.id}").status_code == 404
    client.post("/logout")
    sign_in(client, author)
    own = client.get(f"/t/{thread.id}")
    assert b"born 1 May" in own.data and b"Hidden by the moderators" in own.data


def test_the_flagger_hears_the_outcome(app, client, reload):
    thread = make_thread()
    post = make_reply(thread, body="Use the 2015 guidance.")
    reporter = make_user()
    moderator = make_moderator()
    sign_in(client, reporter)
    _report(client, post, "outdated_guidance", "NG12 was updated.")
    reload()
    item = db.session.scalars(select(ModerationItem)).one()
    client.post("/logout")

    sign_in(client, moderator)
    decided = client.post(
        f"/mod/items/{item.id}/resolve",
        data={"outcome": "dismissed", "reason": "The post links the current guidance."},
    )
    assert decided.status_code == 302
    client.post("/logout")

    sign_in(client, reporter)
    page = client.get("/account/moderation")
    assert page.status_code == 200
    assert b"decided no action was needed" in page.data
    assert b"The post links the current guidance." in page.data


def test_opening_post_patient_identifier_hides_the_whole_thread(app, client, reload):
    thread = make_thread(title="A patient of mine")
    sign_in(client, make_user())
    assert _report(client, opening_post(thread), "patient_identifier").status_code == 302
    reload()
    assert db.session.get(Thread, thread.id).hidden_at is not None
    assert client.get(f"/t/{thread.id}").status_code == 404
    home = client.get("/")
    assert b"A patient of mine" not in home.data
