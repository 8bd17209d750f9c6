"""Reply by email, in process: reply addresses and their tokens, Reply-To in notification
emails and digests, what the parser keeps of each mail client's shape, and the same
permissions as the site (``forum.services.inbound``). The whole path over SMTP and the real
``forum receive-email`` command is in tests/test_reply_by_email_smtp.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Draft, InboundEmail, OutboxMessage, Post, utcnow
from forum.services.inbound import addresses, parsing
from forum.services.inbound.receive import receive_email
from tests import reply_email_fixtures as shapes
from tests.factories import (
    locked_thread,
    make_reply,
    make_thread,
    make_user,
    publish_pledge,
    silenced_member,
    suspended_member,
)
from tests.notification_helpers import later, run_worker

DOMAIN = "forum.test"


@pytest.fixture
def replies_on(app):
    app.config.update(REPLY_DOMAIN=DOMAIN)
    return app


def _address(user, thread, **kw) -> str:
    return f"reply+{addresses.make_token(user.id, thread.id, **kw)}@{DOMAIN}"


def _receive(message) -> str:
    db.session.commit()
    receipt = receive_email(bytes(message))
    db.session.commit()
    return receipt.outcome


def _answers() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# Addresses -----------------------------------------------------------------------------------


def test_a_reply_address_fits_a_local_part_and_survives_lower_casing(replies_on):
    address = addresses.reply_address(10**9, 10**9)
    local = address.rpartition("@")[0]
    assert len(local) <= 64
    found = addresses.read_token(addresses.token_in(address.upper()))
    assert (found.user_id, found.thread_id) == (10**9, 10**9)
    assert not found.expired()


@pytest.mark.parametrize("change", [lambda t: t[:-1] + "a", lambda t: "2" + t[1:], str.swapcase])
def test_an_altered_token_is_refused(replies_on, change):
    token = addresses.make_token(7, 8)
    altered = change(token)
    if altered.lower() == token:
        assert addresses.read_token(altered).user_id == 7  # case only: still the same token
        return
    with pytest.raises(addresses.ReplyAddressInvalid):
        addresses.read_token(altered)


def test_a_token_expires_after_its_days(replies_on):
    old = addresses.make_token(7, 8, today=date.today() - timedelta(days=31))
    assert addresses.read_token(old).expired()


def test_no_reply_address_when_the_feature_is_off(app):
    assert addresses.reply_address(1, 2) is None
    assert addresses.reply_headers(1, 2) == {}
    assert addresses.token_in("reply+abc@anything.example") is None


# Reply-To in what the forum sends ------------------------------------------------------------


def _watched(watcher, **kw):
    thread = make_thread(author=watcher, **kw)
    make_reply(thread, author=make_user(name="Dr Tom Reply"), body="Repeat the FIT.")
    return thread


def test_a_notification_email_about_one_thread_has_a_reply_to(replies_on, smtp_server):
    smtp_server.configure(replies_on)
    watcher = make_user()
    thread = _watched(watcher)
    run_worker(replies_on, later(11))
    message = smtp_server.last_to(watcher.email)
    found = addresses.read_token(addresses.token_in(message["Reply-To"]))
    assert (found.user_id, found.thread_id) == (watcher.id, thread.id)
    assert "Reply to this email to answer" in parsing.full_text(message)


def test_an_email_about_two_threads_gives_each_its_own_address(replies_on, smtp_server):
    smtp_server.configure(replies_on)
    watcher = make_user()
    first, second = _watched(watcher), _watched(watcher)
    run_worker(replies_on, later(11))
    message = smtp_server.last_to(watcher.email)
    assert message["Reply-To"] is None
    text = parsing.full_text(message)
    for thread in (first, second):
        assert f"Reply to this thread by email: {_address(watcher, thread)}" in text


def test_without_a_reply_domain_no_reply_to_is_sent(app, smtp_server):
    smtp_server.configure(app)
    watcher = make_user()
    _watched(watcher)
    run_worker(app, later(11))
    message = smtp_server.last_to(watcher.email)
    assert message["Reply-To"] is None
    assert "reply+" not in parsing.full_text(message)


def test_a_digest_offers_one_reply_address_per_thread(replies_on):
    from forum.models import Category
    from forum.services.notifications import digests
    from forum.services.notifications.schedule import DigestPeriod

    reader = make_user()
    thread = make_thread(title="Ferritin in young women")
    category = db.session.get(Category, thread.category_id)
    period = DigestPeriod(key="test", start=utcnow() - timedelta(days=1), end=later(1))
    content = digests.digest_content(reader, [category], period)
    assert [e.reply_address for e in content.threads] == [_address(reader, thread)]


# What the parser keeps -----------------------------------------------------------------------


@pytest.mark.parametrize("shape", sorted(shapes.SHAPES))
def test_the_parser_keeps_only_the_members_words(shape):
    message = shapes.SHAPES[shape]("reply+x@forum.test", "asha.patel@nhs.net")
    assert parsing.reply_text(parsing.parse(bytes(message))) == shapes.KEPT[shape]


def test_outlooks_plain_text_part_is_preferred_and_cut_at_its_header_block():
    message = shapes.outlook_desktop("reply+x@forum.test", "asha.patel@nhs.net")
    assert parsing.reply_text(parsing.parse(bytes(message))) == shapes.KEPT["outlook_desktop"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"Return-Path": "<>"},
        {"X-Autoreply": "yes"},
        {"X-Autorespond": "Out of office"},
    ],
)
def test_machines_mail_is_recognised(headers):
    message = shapes.reply("reply+x@forum.test", "a@nhs.net", text="Out of office", **headers)
    assert parsing.automatic_reason(parsing.parse(bytes(message))) is not None


def test_auto_submitted_no_is_a_person():
    message = shapes.reply("r@x", "a@nhs.net", text="Hello", Auto_Submitted="no")
    assert parsing.automatic_reason(parsing.parse(bytes(message))) is None


# The same permissions as the site -------------------------------------------------------------


def _refused_reply(thread, author) -> tuple[str, list[OutboxMessage]]:
    message = shapes.gmail_text(_address(author, thread), author.email)
    outcome = _receive(message)
    return outcome, _answers()


@pytest.mark.parametrize(
    "who, where",
    [
        ("silenced", "open"),
        ("suspended", "open"),
        ("revoked", "open"),
        ("member", "locked"),
    ],
)
def test_a_reply_is_refused_where_the_site_would_refuse_it(replies_on, who, where):
    author = {
        "silenced": silenced_member,
        "suspended": suspended_member,
        "revoked": make_user,
        "member": make_user,
    }[who]()
    if who == "revoked":
        author.deactivated_at = utcnow()
        db.session.commit()
    thread = locked_thread() if where == "locked" else make_thread()
    outcome, answers = _refused_reply(thread, author)
    assert outcome == "refused"
    assert db.session.scalar(select(Post).where(Post.author_id == author.id)) is None
    assert [a.to_address for a in answers] == [author.email]
    assert "Auto-Submitted" in answers[0].headers
    assert "really helpful" not in answers[0].text_body  # never quotes their text


def test_a_member_who_has_not_accepted_the_new_pledge_is_sent_to_it(replies_on):
    author = make_user()
    thread = make_thread()
    publish_pledge()
    outcome, answers = _refused_reply(thread, author)
    assert outcome == "refused"
    assert "pledge" in answers[0].text_body


def test_a_thread_the_member_can_no_longer_see_is_not_named(replies_on):
    from tests.factories import make_staff_category

    author = make_user()
    thread = make_thread(make_staff_category(), title="Staff-only matters here")
    outcome, answers = _refused_reply(thread, author)
    assert outcome == "refused"
    assert "Staff-only" not in answers[0].text_body and "Staff-only" not in answers[0].subject


def test_answers_stop_after_the_daily_limit(replies_on):
    replies_on.config["REPLY_ANSWERS_PER_DAY"] = 2
    author = make_user()
    thread = locked_thread()
    for _ in range(4):
        assert _refused_reply(thread, author)[0] == "refused"
    assert len(_answers()) == 2


def test_a_posted_reply_keeps_no_text_in_the_record(replies_on):
    author = make_user()
    thread = make_thread()
    assert _receive(shapes.gmail_text(_address(author, thread), author.email)) == "posted"
    record = db.session.scalars(select(InboundEmail)).one()
    post = db.session.get(Post, record.post_id)
    assert post.body_source == shapes.KEPT["gmail_text"]
    assert len(record.message_hash) == 64
    assert db.session.scalar(select(Draft)) is None


def test_a_sensitive_category_offers_no_reply_address(replies_on, smtp_server):
    smtp_server.configure(replies_on)
    watcher = make_user()
    from tests.factories import make_category

    _watched(watcher, category=make_category(is_sensitive=True))
    run_worker(replies_on, later(11))
    message = smtp_server.last_to(watcher.email)
    assert message["Reply-To"] is None
    assert "reply+" not in parsing.full_text(message)


# forum poll-mailbox --------------------------------------------------------------------------


@pytest.fixture
def mailbox(replies_on):
    from tests.imap_server import PASSWORD, USER, running_imap_server

    with running_imap_server() as box:
        replies_on.config.update(
            IMAP_HOST=box.host,
            IMAP_PORT=box.port,
            IMAP_SSL=False,
            IMAP_USER=USER,
            IMAP_PASSWORD=PASSWORD,
        )
        yield box


def test_poll_mailbox_handles_each_message_once_and_empties_the_mailbox(replies_on, mailbox):
    author = make_user()
    thread = make_thread()
    reply = shapes.gmail_text(_address(author, thread), author.email, message_id="<a@nhs.net>")
    auto = shapes.reply(
        _address(author, thread), author.email, text="Out of office", Auto_Submitted="auto-replied"
    )
    for message in (reply, auto, reply):
        mailbox.add(bytes(message))
    db.session.commit()
    result = replies_on.test_cli_runner().invoke(args=["forum", "poll-mailbox"])
    assert result.output == "Handled 3 message(s): 1 automatic, 1 duplicate, 1 posted.\n"
    assert mailbox.messages == {}
    db.session.commit()
    assert [
        p.body_source for p in db.session.scalars(select(Post).where(Post.author_id == author.id))
    ] == [shapes.KEPT["gmail_text"]]
    again = replies_on.test_cli_runner().invoke(args=["forum", "poll-mailbox"])
    assert again.output == "Handled 0 message(s).\n"


def test_poll_mailbox_keep_marks_messages_read(replies_on, mailbox):
    author = make_user()
    mailbox.add(bytes(shapes.gmail_text(_address(author, make_thread()), author.email)))
    db.session.commit()
    result = replies_on.test_cli_runner().invoke(args=["forum", "poll-mailbox", "--keep"])
    assert result.exit_code == 0, result.output
    assert mailbox.flags() == [{"\\Seen"}]


def test_poll_mailbox_says_when_the_password_is_wrong(replies_on, mailbox):
    replies_on.config["IMAP_PASSWORD"] = "wrong"
    result = replies_on.test_cli_runner().invoke(args=["forum", "poll-mailbox"])
    assert result.exit_code == 1
    assert "IMAP:" in result.output


# forum receive-email's exit codes (sysexits.h, as Postfix's pipe reads them) ---------------------


def test_receive_email_asks_to_retry_when_not_set_up(app):
    result = app.test_cli_runner().invoke(args=["forum", "receive-email"], input=b"")
    assert result.exit_code == 75


def test_receive_email_refuses_a_message_too_large(replies_on):
    replies_on.config["REPLY_MAX_BYTES"] = 100
    result = replies_on.test_cli_runner().invoke(args=["forum", "receive-email"], input=b"x" * 101)
    assert result.exit_code == 65


def test_receive_email_drops_an_unknown_address_without_a_bounce(replies_on):
    message = shapes.gmail_text(f"reply+nonsense@{DOMAIN}", "someone@example.com")
    result = replies_on.test_cli_runner().invoke(
        args=["forum", "receive-email"], input=bytes(message)
    )
    assert (result.exit_code, result.output) == (0, "unknown\n")
    assert _answers() == []


def test_a_reply_held_for_approval_is_held_as_on_the_site(replies_on):
    author = make_user()
    thread = make_thread()
    replies_on.config["MODERATION_HOLD_FIRST_POSTS"] = 1
    assert _receive(shapes.gmail_text(_address(author, thread), author.email)) == "held"
    post = db.session.scalars(select(Post).where(Post.author_id == author.id)).one()
    assert post.is_held
    assert _answers() == []
