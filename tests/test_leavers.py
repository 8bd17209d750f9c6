"""A member who leaves leaves no name behind: after the account is deleted, the old name,
username and address are in no column of any table (nor the search index) except the audit
columns kept on purpose, and no page a member can reach shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import JSON, String, Text, cast, func, select, text

from forum import queries, search
from forum.extensions import db
from forum.jobs.notifications import send_digests, send_notification_emails
from forum.models import (
    AuditEntry,
    Category,
    OutboxMessage,
    Post,
    Resource,
    Thread,
    User,
    WatchLevel,
    utcnow,
)
from forum.policy import SYSTEM
from forum.services.discussions import drafts
from forum.services.discussions import posting as discussions
from forum.services.moderation import flags
from forum.services.notifications import subscriptions
from forum.text import markup
from forum.text.former_members import Identity, NameScrubber
from forum.text.quoting import quote_markdown
from tests import upload_samples
from tests.factories import (
    PASSWORD,
    confirmed_reply,
    loaded,
    make_category,
    make_reply,
    make_resource,
    make_thread,
    make_user,
    sign_in,
    uploaded_file,
)
from tests.notification_helpers import later, run_worker, set_email_settings

NAME = "Dr Zebedee Quillfeather"
USERNAME = "zquill_leaver"
EMAIL = "zebedee.q@leaving.example.org"
#: What no column may hold afterwards: the surname (so any form of the name), the username,
#: the address.
TRACES = ("quillfeather", USERNAME, EMAIL)
#: Kept on purpose (docs/moderation.md#members-who-leave): the audit log's record of who did
#: what, staff-only, until the retention period ends.
KEPT = {
    ("audit_entries", "actor_name"),
    ("audit_entries", "before"),
    ("audit_entries", "after"),
}
#: SQLite FTS5 terms as the porter stemmer keeps them.
TERM_PREFIXES = ("quillfeath", "zquill", "zebede")


# Every text column of every table ------------------------------------------------------------


def _text_columns() -> list[tuple[str, str, bool]]:
    return [
        (table.name, column.name, isinstance(column.type, JSON))
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | Text | JSON)
    ]


def _holding(trace: str) -> set[tuple[str, str]]:
    """``(table, column)`` pairs with a value that contains ``trace``, in any case."""
    found = set()
    tables = db.metadata.tables
    for table_name, column_name, is_json in _text_columns():
        column = tables[table_name].c[column_name]
        value = cast(column, Text) if is_json else column
        stmt = select(func.count()).where(
            func.lower(value).contains(trace.lower(), autoescape=True)
        )
        if db.session.scalar(stmt):
            found.add((table_name, column_name))
    return found | _in_search_index(trace)


def _in_search_index(trace: str) -> set[tuple[str, str]]:
    """Terms of the SQLite FTS5 tables, and the PostgreSQL tsvectors, holding the trace."""
    found = set()
    if db.engine.dialect.name == "sqlite":
        for index in ("search_posts", "search_threads", "search_files"):
            db.session.execute(
                text(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_{index} "
                    f"USING fts5vocab(main, {index}, row)"
                )
            )
            for prefix in TERM_PREFIXES:
                hits = db.session.scalar(
                    text(f"SELECT count(*) FROM temp.v_{index} WHERE term LIKE :p"),
                    {"p": f"{prefix}%"},
                )
                if hits:
                    found.add((index, prefix))
        return found
    for table_name, column_name in (
        ("posts", "search_vector"),
        ("posts", "search_facets"),
        ("threads", "search_vector"),
        ("stored_files", "search_vector"),
    ):
        for prefix in TERM_PREFIXES:
            stmt = text(f"SELECT count(*) FROM {table_name} WHERE {column_name}::text LIKE :p")
            if db.session.scalar(stmt, {"p": f"%{prefix}%"}):
                found.add((table_name, column_name))
    return found


# The member's life on the forum --------------------------------------------------------------


@dataclass
class Forum:
    """The people and places to look at after the leaver has gone."""

    leaver: User
    reader: User
    started: Thread
    asked: Thread
    resource: Resource
    category: Category


def _busy_member_leaves(app, smtp_server) -> Forum:
    """Everything the issue lists, short of deleting the account."""
    smtp_server.configure(app)
    app.config["MAIL_DELIVERY"] = "worker"
    leaver = make_user(name=NAME, email=EMAIL, username=USERNAME)
    asha, bob = make_user(name="Dr Asha Patel"), make_user(name="Dr Bob Stone")
    general, screening = make_category("General"), make_category("Screening")
    set_email_settings(bob, digest="daily", digest_since=utcnow() - timedelta(days=3))
    subscriptions.set_category_level(bob, general, WatchLevel.WATCHING_FIRST_POST)
    db.session.commit()

    started = make_thread(
        general,
        author=leaver,
        title="Safety-netting after a normal FIT",
        body=f"How do you safety-net after a normal FIT? Ask @{asha.username} too.",
    )
    opening = queries.get_post_or_404(_first_post_id(started), SYSTEM)
    quoting = make_reply(
        started,
        author=asha,
        body=quote_markdown(NAME, f"/p/{opening.id}", opening.body_source)
        + f"Agreed with @{USERNAME}. As {NAME} says, write it down.",
    )
    discussions.edit_post(
        asha,
        queries.get_post_or_404(quoting.id, SYSTEM),
        body=quoting.body_source + f"\n\nThanks @{USERNAME.upper()}!",
        reason="Thanks",
    )
    db.session.commit()
    asked = make_thread(screening, author=asha, title=f"A question for {NAME}")
    make_reply(asked, author=leaver, body="My answer: repeat the FIT.")
    flags.flag_post(
        leaver, queries.get_post_or_404(quoting.id, SYSTEM), reason="other", note="Please check"
    )
    drafts.save_reply_draft(bob, loaded(started), body=f"Replying to @{USERNAME} later")
    resource = make_resource(author=leaver, title="Leaflet on safety-netting")
    notes = uploaded_file(asha, "notes.pdf", upload_samples.pdf(f"Notes from {NAME} today"))
    photo = uploaded_file(asha, "photo.png", upload_samples.image(), alt=f"{NAME} speaking")
    make_reply(asked, author=asha, body=f"[Notes]({notes.url}) ![{photo.alt_text}]({photo.url})")
    db.session.commit()

    run_worker(app, later(11))  # sent: the first emails about the leaver's posts
    confirmed_reply(started, author=asha, body=f"Write to {EMAIL}, it is quickest.")
    make_thread(general, author=leaver, title="A second question", body="Anyone?")
    with app.app_context():
        send_notification_emails(later(30))  # queued, unsent
        send_digests(later(60 * 24))
    db.session.commit()
    assert db.session.scalar(
        select(func.count()).where(
            OutboxMessage.status == "queued", OutboxMessage.text_body.contains(NAME)
        )
    )
    digests = select(func.count()).where(OutboxMessage.dedupe_key.startswith("digest:"))
    assert db.session.scalar(digests.where(OutboxMessage.status == "queued"))
    assert search.search_posts(f"author:{USERNAME}", SYSTEM).total > 0
    return Forum(leaver, asha, started, asked, resource, general)


def _first_post_id(thread) -> int:
    return db.session.scalar(
        select(Post.id).where(Post.thread_id == thread.id, Post.post_number == 1)
    )


def _delete_account(app, leaver) -> None:
    client = app.test_client()
    sign_in(client, leaver)
    assert client.post("/account/export", data={"password": PASSWORD}).status_code == 200
    deleted = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert deleted.status_code == 302
    db.session.commit()  # see what the request committed
    db.session.expire_all()


def test_a_deleted_member_leaves_no_name_behind(app, smtp_server):
    leaver = _busy_member_leaves(app, smtp_server).leaver
    before = set().union(*(_holding(trace) for trace in TRACES))
    assert {
        ("posts", "body_source"),
        ("posts", "author_name"),
        ("threads", "last_poster_name"),
        ("categories", "last_poster_name"),
        ("notifications", "actor_name"),
        ("outbox_messages", "text_body"),
        ("resources", "created_by_name"),
        ("post_revisions", "body_source"),
        ("flags", "reporter_name"),
        ("drafts", "body"),
        ("threads", "title"),
        ("users", "display_name"),
        ("stored_files", "extracted_text"),
        ("attachments", "alt_text"),
    } <= before
    assert before & _in_search_index("quillfeather")  # the index is scanned too

    _delete_account(app, leaver)

    for trace in TRACES:
        assert _holding(trace) <= KEPT, trace
    assert ("audit_entries", "actor_name") in _holding(NAME)  # kept, on purpose
    former = db.session.get(User, leaver.id)
    assert (former.display_name, former.anonymised_at is not None) == ("Former member", True)


def test_withdrawn_email_goes_out_again_naming_a_former_member(app, smtp_server):
    forum = _busy_member_leaves(app, smtp_server)
    queued = select(OutboxMessage).where(OutboxMessage.status == "queued")
    before = {m.to_address for m in db.session.scalars(queued)}
    _delete_account(app, forum.leaver)
    assert db.session.scalars(queued).all() == []  # every queued email named the leaver

    with app.app_context():
        send_notification_emails(later(60))
        send_digests(later(60 * 24))
    db.session.commit()
    again = db.session.scalars(queued).all()
    assert again and {m.to_address for m in again} == before - {EMAIL}
    assert all("Former member" in m.text_body and "Quillfeather" not in m.text_body for m in again)


def test_pages_a_member_reaches_show_no_trace(app, smtp_server):
    forum = _busy_member_leaves(app, smtp_server)
    _delete_account(app, forum.leaver)
    reader = app.test_client()
    sign_in(reader, forum.reader)
    pages = [
        "/",
        f"/t/{forum.started.id}",
        f"/t/{forum.asked.id}",
        f"/c/{forum.category.slug}",
        "/latest",
        "/notifications",
        "/search?q=safety",
        "/members",
        "/library/",
        f"/library/{forum.resource.id}",
    ]
    for path in pages:
        response = reader.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True).lower()
        for trace in TRACES:
            assert trace.lower() not in page, (path, trace)
    assert "Former member" in reader.get("/notifications").get_data(as_text=True)
    thread_page = reader.get(f"/t/{forum.started.id}").get_data(as_text=True)
    assert "Former member" in thread_page and "@former-member" in thread_page
    assert 'href="/u/former-member"' not in thread_page
    assert reader.get(f"/u/{USERNAME}").status_code == 404
    for words in (NAME, "quillfeather", USERNAME, f"author:{USERNAME}", EMAIL):
        assert search.search_posts(words, SYSTEM).total == 0, words


# The pieces ----------------------------------------------------------------------------------


SCRUBBER = NameScrubber(Identity(NAME, USERNAME, EMAIL))


@pytest.mark.parametrize(
    ("written", "becomes"),
    [
        (f"Thanks @{USERNAME}!", "Thanks @former-member!"),
        (f"Thanks \\@{USERNAME.upper()}.", "Thanks @former-member."),
        (f"> **{NAME}** [wrote](/p/3):\n>\n> Hi", "> **Former member** [wrote](/p/3):\n>\n> Hi"),
        ("As dr  zebedee QUILLFEATHER said", "As Former member said"),
        (f"Mail {EMAIL}.", "Mail [address removed]."),
        (f"[profile](/u/{USERNAME})", "[profile](/u/former-member)"),
        (
            f"Ask @{USERNAME}_two or mail me@{USERNAME}.org",
            f"Ask @{USERNAME}_two or mail me@{USERNAME}.org",
        ),
    ],
)
def test_the_name_is_replaced_however_it_was_written(written, becomes):
    assert SCRUBBER.sub(written) == becomes


def test_a_one_word_name_is_replaced_only_where_it_is_theirs():
    sam = NameScrubber(Identity("Sam", "sam_gp", "sam@example.org"))
    assert sam.sub("Sam said so") == "Sam said so"
    assert sam.sub("> **Sam** [wrote](/p/1):") == "> **Former member** [wrote](/p/1):"
    assert sam.sub("Dr Ann, Sam", names=True) == "Dr Ann, Former member"


def test_a_mention_of_a_former_member_links_nowhere():
    html = markup.render("Thanks @former-member and @asha")
    assert "@former-member" in html and 'href="/u/former-member"' not in html
    assert 'href="/u/asha"' in html
    assert markup.extract_mentions("@former-member @asha") == ["asha"]


def test_the_audit_log_keeps_the_name_until_its_time_is_up(app, client):
    leaver = make_user(name=NAME, email=EMAIL, username=USERNAME)
    _delete_account(app, leaver)  # after user.create (their address) and their own export
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "account.delete")
    ).one()
    assert entry.before == {"display_name": NAME, "username": USERNAME, "email": EMAIL}

    days = app.config["LEAVER_AUDIT_DAYS"]
    assert run_worker(app, utcnow() + timedelta(days=days - 1))["leavers"] == 0
    db.session.commit()
    assert ("audit_entries", "actor_name") in _holding(NAME)
    assert run_worker(app, utcnow() + timedelta(days=days + 1))["leavers"] == 1
    db.session.commit()
    for trace in TRACES:
        assert _holding(trace) == set(), trace
    db.session.expire_all()
    entry = db.session.get(AuditEntry, entry.id)
    assert list(entry.before) == ["names_forgotten_at"]
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.subject_user_id == leaver.id)
    )
    assert {"account.delete", "audit.names_forgotten", "account.export"} <= set(actions)
    assert run_worker(app, utcnow() + timedelta(days=days + 2))["leavers"] == 0


def test_a_moderator_who_leaves_leaves_only_the_audit_trail(app):
    from forum.services.moderation import decisions, words
    from forum.services.moderation import members as moderation_members
    from tests.factories import make_moderator, reported_post

    moderator = make_moderator(name=NAME, email=EMAIL, username=USERNAME)
    member = make_user(name="Dr Asha Patel")
    thread = make_thread(author=member, body="Try the new pathway.")
    item = reported_post(queries.get_post_or_404(_first_post_id(thread), SYSTEM))
    from forum.queries.moderation import get_item_or_404

    item = get_item_or_404(item.id, moderator)
    decisions.resolve_reports(moderator, item, outcome="dismissed", reason="Seen, fine.")
    moderation_members.warn_member(moderator, member, reason="Please be kinder.")
    moderation_members.silence_member(
        moderator, member, until=utcnow() + timedelta(days=1), reason="A cooling-off day"
    )
    moderation_members.lift_sanction(moderator, member, "silence")
    moderation_members.add_member_note(moderator, member, body=f"Spoke to her. {NAME}")
    words.add_watched_word(moderator, phrase="miracle cure", action="flag")
    db.session.commit()
    assert {
        ("moderation_items", "resolved_by_name"),
        ("member_sanctions", "created_by_name"),
        ("member_sanctions", "lifted_by_name"),
        ("member_notes", "author_name"),
        ("member_notes", "body"),
        ("watched_words", "created_by_name"),
    } <= _holding("quillfeather")

    _delete_account(app, moderator)

    for trace in TRACES:
        assert _holding(trace) <= KEPT, trace
    assert ("audit_entries", "actor_name") in _holding(NAME)  # who did what, for a while


def test_the_account_page_says_how_long_the_audit_log_keeps_the_name(app, client):
    sign_in(client, make_user())
    assert "for 2 years" in client.get("/account/data").get_data(as_text=True)
    app.config["LEAVER_AUDIT_DAYS"] = 90
    assert "for 90 days" in client.get("/account/data").get_data(as_text=True)


def test_a_name_changed_before_leaving_goes_too(app, client):
    leaver = make_user(name="Dr Zeb Quillfeather-Old")
    thread = make_thread(author=make_user())
    make_reply(thread, author=leaver, body="The last word, under my old name.")
    sign_in(client, leaver)
    profile = {"display_name": NAME, "username": USERNAME, "job_title": "GP"}
    assert client.post("/account/profile", data=profile).status_code == 302
    db.session.commit()
    assert ("threads", "last_poster_name") in _holding("Quillfeather-Old")

    _delete_account(app, leaver)

    assert _holding("quillfeather") <= KEPT


def test_an_admin_can_delete_an_account_for_its_member(app):
    from tests.factories import make_admin

    admin_client = app.test_client()
    sign_in(admin_client, make_admin())
    leaver = make_user(name=NAME, email=EMAIL, username=USERNAME)
    thread = make_thread(author=leaver, title="Question", body="Asked before leaving.")
    make_reply(thread, author=make_user(), body=f"Good question, @{USERNAME}.")
    page = admin_client.get(f"/admin/members/{leaver.id}").get_data(as_text=True)
    assert "Delete their account and forget their name" in page

    done = admin_client.post(
        f"/admin/members/{leaver.id}/delete", data={"reason": "Asked by email"}
    )
    assert done.status_code == 302
    db.session.commit()
    for trace in TRACES:
        assert _holding(trace) <= KEPT, trace
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "account.delete")
    ).one()
    assert (entry.before["username"], entry.reason) == (USERNAME, "Asked by email")
    assert entry.actor_id != leaver.id
    again = admin_client.post(f"/admin/members/{leaver.id}/delete", data={"reason": ""})
    assert again.status_code == 422 and "deleted already" in again.get_data(as_text=True)


def test_a_moderator_cannot_delete_an_account(app, client):
    from tests.factories import make_moderator

    moderator = make_moderator()
    member = make_user(name=NAME, email=EMAIL, username=USERNAME)
    sign_in(client, moderator)
    assert client.post(f"/admin/members/{member.id}/delete", data={}).status_code == 403
    db.session.commit()
    assert db.session.get(User, member.id).anonymised_at is None


def test_a_name_is_found_as_email_bodies_escape_it():
    niamh = NameScrubber(Identity("Dr Niamh O'Brien", "niamh", "niamh@example.org"))
    assert niamh.sub("<p>Dr Niamh O&#39;Brien replied</p>") == "<p>Former member replied</p>"
    assert niamh.sub("Dr Niamh O&#x27;Brien replied") == "Former member replied"
    assert niamh.sub_json({"display_name": "Dr Niamh O'Brien", "username": "niamh"}) == {
        "display_name": "Former member",
        "username": "former-member",
    }
