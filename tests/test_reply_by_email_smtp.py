"""Replies sent as real email: smtplib talks to a loopback mail server (aiosmtpd) that pipes
each message into the real ``forum receive-email`` command (tests/reply_mx.py), on the test's
own database. The answers the forum sends arrive at a second loopback server.

Covered: a plain reply (to the Reply-To of a real notification email), an HTML reply with
quoted history, an attachment, a blocked identifier, one to confirm, a forged sender, an
expired token, an auto-reply and a duplicate Message-ID.
"""

from __future__ import annotations

import re
import smtplib
from datetime import date, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Attachment, Draft, InboundEmail, Notification, Post
from forum.services.inbound import addresses
from tests import reply_email_fixtures as shapes
from tests import upload_samples
from tests.factories import make_reply, make_thread, make_user, sign_in
from tests.mail_server import text_of
from tests.notification_helpers import later, run_worker
from tests.reply_mx import command_env, running_reply_mx

DOMAIN = "forum.test"
NHS_NUMBER = "943 476 5919"


@pytest.fixture
def mx(app, database_url, smtp_server, tmp_path):
    app.config.update(REPLY_DOMAIN=DOMAIN, UPLOAD_FOLDER=str(tmp_path / "uploads"))
    smtp_server.configure(app)
    with running_reply_mx(command_env(app, database_url, smtp_server)) as server:
        yield server


@pytest.fixture
def gp():
    return make_user(name="Dr Asha Patel", email="asha.patel@nhs.net")


@pytest.fixture
def thread(gp):
    thread = make_thread(author=gp, title="Ferritin in young women")
    make_reply(thread, author=make_user(name="Dr Tom Reply"), body="Repeat the FIT.")
    return thread


def _address(user, thread, **kw) -> str:
    return f"reply+{addresses.make_token(user.id, thread.id, **kw)}@{DOMAIN}"


def _send(mx, message: EmailMessage, *, to: str | None = None) -> None:
    db.session.commit()  # the command is another process: let it see everything
    with smtplib.SMTP(mx.host, mx.port) as smtp:
        smtp.send_message(message, to_addrs=[to or message["To"]])
    db.session.commit()


def _posts_by(user) -> list[Post]:
    stmt = select(Post).where(Post.author_id == user.id, Post.post_number > 1)
    return list(db.session.scalars(stmt))


def _only_answer(smtp_server, user) -> EmailMessage:
    found = smtp_server.to(user.email)
    assert len(found) == 1, [m["Subject"] for m in found]
    assert found[0]["Auto-Submitted"] == "auto-replied"
    return found[0]


def test_a_plain_reply_to_a_notification_is_posted(mx, smtp_server, gp, thread):
    run_worker(mx_app(), later(11))
    notification = smtp_server.last_to(gp.email)
    message = shapes.gmail_text(notification["Reply-To"], gp.email)
    _send(mx, message)
    assert mx.outcomes == ["posted"]
    (post,) = _posts_by(gp)
    assert post.body_source == shapes.KEPT["gmail_text"]
    # No email to the member about their own post, and no answer either.
    run_worker(mx_app(), later(30))
    assert len(smtp_server.to(gp.email)) == 1
    mine = select(Notification).where(Notification.post_id == post.id)
    assert db.session.scalars(mine.where(Notification.user_id == gp.id)).all() == []


def mx_app():
    from flask import current_app

    return current_app._get_current_object()


def test_an_html_reply_with_quoted_history_keeps_only_the_new_words(mx, gp, thread):
    _send(mx, shapes.outlook_desktop_html_only(_address(gp, thread), gp.email))
    _send(mx, shapes.apple_mail(_address(gp, thread), gp.email))
    assert mx.outcomes == ["posted", "posted"]
    bodies = [p.body_source for p in _posts_by(gp)]
    assert bodies == [shapes.KEPT["outlook_desktop"], shapes.KEPT["apple_mail"]]
    assert all("Repeat the FIT" not in body for body in bodies)


def test_an_attachment_goes_through_the_upload_checks_into_the_post(mx, gp, thread):
    message = shapes.gmail_text(_address(gp, thread), gp.email)
    message.add_attachment(
        upload_samples.pdf(), maintype="application", subtype="pdf", filename="audit.pdf"
    )
    _send(mx, message)
    assert mx.outcomes == ["posted"]
    (post,) = _posts_by(gp)
    attachment = db.session.scalars(select(Attachment)).one()
    assert f"[audit.pdf]({attachment.url})" in post.body_source
    assert attachment.post_id == post.id


def test_a_refused_attachment_refuses_the_reply_and_says_why(mx, smtp_server, gp, thread):
    message = shapes.gmail_text(_address(gp, thread), gp.email)
    message.add_attachment(
        b"MZ\x90\x00program", maintype="application", subtype="octet-stream", filename="tool.exe"
    )
    _send(mx, message)
    assert mx.outcomes == ["refused"]
    assert _posts_by(gp) == []
    assert "could not be attached" in text_of(_only_answer(smtp_server, gp))


def test_a_blocked_identifier_is_not_posted_and_the_member_is_told_where(
    mx, smtp_server, client, gp, thread
):
    text = "Thanks.\n\nI referred her last week,\nNHS number " + NHS_NUMBER + ".\n"
    _send(mx, shapes.reply(_address(gp, thread), gp.email, text=text))
    assert mx.outcomes == ["blocked"]
    assert _posts_by(gp) == []
    answer = _only_answer(smtp_server, gp)
    body = text_of(answer)
    assert "line 4: NHS number" in body
    assert NHS_NUMBER not in body and NHS_NUMBER.replace(" ", "") not in body
    assert "referred her" not in body  # their text is never quoted
    draft = db.session.scalars(select(Draft)).one()
    assert draft.body == "Thanks.\n\nI referred her last week,\nNHS number [NHS number removed]."
    sign_in(client, gp)
    page = client.get(f"/t/{thread.id}")
    assert "[NHS number removed]" in page.get_data(as_text=True)


def test_an_identifier_to_confirm_waits_as_a_draft_to_confirm_on_the_site(
    mx, smtp_server, client, gp, thread
):
    text = "Same here: a woman in her forties near SW1A 1AA, referred on the 2WW pathway."
    _send(mx, shapes.reply(_address(gp, thread), gp.email, text=text))
    assert mx.outcomes == ["to_confirm"]
    assert _posts_by(gp) == []
    body = text_of(_only_answer(smtp_server, gp))
    assert "line 1: Postcode" in body and "SW1A" not in body
    assert f"/t/{thread.id}/" in body
    # On the site: the reply box holds it; posting asks to confirm, as the composer does.
    sign_in(client, gp)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "SW1A 1AA" in page
    refused = client.post(f"/t/{thread.id}/reply", data={"body": text})
    assert refused.status_code == 422
    seen = re.search(r'name="pii_seen" value="([0-9a-f ]+)"', refused.get_data(as_text=True))
    data = {"body": text, "pii_confirmed": "y", "pii_seen": seen.group(1)}
    posted = client.post(f"/t/{thread.id}/reply", data=data)
    assert posted.status_code == 302
    db.session.commit()
    assert [p.body_source for p in _posts_by(gp)] == [text]


def test_a_forged_sender_is_dropped_without_an_answer(mx, smtp_server, gp, thread):
    _send(mx, shapes.gmail_text(_address(gp, thread), "someone.else@example.com"))
    assert mx.outcomes == ["forged"]
    assert _posts_by(gp) == []
    assert smtp_server.messages == []


def test_an_expired_address_is_answered_with_a_link(mx, smtp_server, gp, thread):
    old = _address(gp, thread, today=date.today() - timedelta(days=31))
    _send(mx, shapes.gmail_text(old, gp.email))
    assert mx.outcomes == ["expired"]
    assert _posts_by(gp) == []
    assert "has expired" in text_of(_only_answer(smtp_server, gp))


def test_an_auto_reply_is_ignored_and_never_answered(mx, smtp_server, gp, thread):
    message = shapes.reply(
        _address(gp, thread),
        gp.email,
        text="I am out of the surgery until Monday. For urgent matters call reception.",
        subject="Automatic reply: Dr Tom Reply replied in “Ferritin in young women”",
        Auto_Submitted="auto-replied",
        X_Auto_Response_Suppress="All",
    )
    _send(mx, message)
    assert mx.outcomes == ["automatic"]
    assert _posts_by(gp) == []
    assert smtp_server.messages == []


def test_a_message_sent_twice_is_handled_once(mx, smtp_server, gp, thread):
    message = shapes.gmail_text(_address(gp, thread), gp.email, message_id="<same@nhs.net>")
    _send(mx, message)
    _send(mx, message)
    assert mx.outcomes == ["posted", "duplicate"]
    assert len(_posts_by(gp)) == 1
    assert db.session.scalar(select(InboundEmail.outcome)) == "posted"
    refused = shapes.gmail_text(
        _address(gp, thread, today=date.today() - timedelta(days=40)),
        gp.email,
        message_id="<expired@nhs.net>",
    )
    _send(mx, refused)
    _send(mx, refused)
    assert mx.outcomes[2:] == ["expired", "duplicate"]
    assert len(smtp_server.to(gp.email)) == 1  # answered once
