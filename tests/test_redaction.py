"""The breach response: a reported post is hidden at once; a moderator redacts it; afterwards
the identifier is nowhere in the database (every text and JSON column of every table, the
search index's own tables included) nor in any log line; an incident is recorded, with no
content, and exported for the data-protection lead.

Identifiers are synthetic (an NHS number from the never-issued 999 range, invented names).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select, text

from forum import queries
from forum.extensions import db
from forum.jobs import mail
from forum.models import (
    AuditEntry,
    ConfidentialityIncident,
    ConfidentialityReview,
    Draft,
    ModerationMessage,
    OutboxMessage,
    Post,
    PostRevision,
    Thread,
    User,
    utcnow,
)
from forum.services.confidentiality import decisions as confidentiality_decisions
from forum.services.confidentiality import guard as confidentiality
from forum.services.confidentiality import redaction
from forum.services.confidentiality import reviews as confidentiality_reviews
from forum.services.discussions import drafts
from forum.services.discussions import posting as discussions
from forum.services.moderation import threads as moderation_threads
from forum.services.notifications import email as notification_email
from forum.text.quoting import quote_markdown
from tests.factories import (
    loaded,
    make_admin,
    make_category,
    make_category_moderator,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    reported_post,
    sign_in,
)

NHS = "999 000 0018"
NAME = "Mrs Ondine Farrow"
POSTCODE = "LS1 4AP"
FIRST = f"Update on {NAME} (DOB 03/04/1931), who lives at {POSTCODE}: ferritin 9, Hb 98."
EDITED = f"Update on {NAME}, {POSTCODE}: ferritin 9, Hb 98. Referred on the 2WW pathway."
#: Every way the identifiers may be written, and the words the search index makes of them.
NEEDLES = ("ondine", "farrow", "ls1 4ap", "03/04/1931", NHS, NHS.replace(" ", ""))
INDEX_TERMS = ("ondin", "farrow", "4ap", "1931", "0018")


def fingerprints(body: str) -> list[str]:
    return confidentiality.scan_fields({"body": body}).confirm_fingerprints


# Finding the identifier anywhere -----------------------------------------------------------


def _sqlite_cells() -> Iterator[tuple[str, str, object]]:
    tables = db.session.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ).scalars()
    for table in list(tables):
        for column in db.session.execute(text(f'PRAGMA table_info("{table}")')).mappings():
            values = db.session.execute(text(f'SELECT "{column["name"]}" FROM "{table}"'))
            for (value,) in values:
                yield table, column["name"], value


def _postgres_cells() -> Iterator[tuple[str, str, object]]:
    columns = db.session.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN "
            "('text', 'character varying', 'json', 'jsonb', 'tsvector', 'USER-DEFINED')"
        )
    ).all()
    for table, column in columns:
        rows = db.session.execute(text(f'SELECT "{column}"::text FROM "{table}"'))
        for (value,) in rows:
            yield table, column, value


def copies_in_database() -> list[str]:
    """``table.column`` of every cell holding one of the needles (bytes read as Latin-1)."""
    cells = _sqlite_cells() if db.engine.dialect.name == "sqlite" else _postgres_cells()
    found = set()
    for table, column, value in cells:
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if value is None:
            continue
        folded = " ".join(str(value).lower().split())
        if any(needle.lower() in folded for needle in NEEDLES):
            found.add(f"{table}.{column}")
        if table.startswith("search_") and any(term in folded for term in INDEX_TERMS):
            found.add(f"{table}.{column}")
    return sorted(found)


def index_terms_left() -> list[str]:
    """Terms of the identifiers the full-text indexes still hold."""
    if db.engine.dialect.name != "sqlite":
        rows = db.session.execute(
            text("SELECT search_vector::text FROM posts UNION ALL SELECT title FROM threads")
        ).scalars()
        return [term for row in rows for term in INDEX_TERMS if term in (row or "")]
    left = []
    for index in ("search_posts", "search_threads"):
        db.session.execute(
            text(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_{index} "
                f"USING fts5vocab(main, '{index}', 'row')"
            )
        )
        terms = set(db.session.execute(text(f"SELECT term FROM temp.v_{index}")).scalars())
        left += [term for term in INDEX_TERMS if any(t.startswith(term) for t in terms)]
        db.session.execute(text(f"DROP TABLE temp.v_{index}"))
    return left


@contextmanager
def every_log_line() -> Iterator[list[str]]:
    """Every log record of every logger at DEBUG, formatted with its arguments.

    SQLAlchemy's own engine loggers stay as configured: at DEBUG they echo each row read
    (a debugging copy of the database, off in every configuration); ``hide_parameters`` keeps
    the values sent out of their INFO lines and out of logged SQL errors.
    """
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger()] + [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if not name.startswith("sqlalchemy.engine") and not name.startswith("sqlalchemy.pool")
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    try:
        yield lines
    finally:
        logging.getLogger().removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


# The story ------------------------------------------------------------------------------------


def _a_post_that_travelled(app):
    """A reply whose writer confirmed the details, edited once, quoted, emailed (one email
    sent, one still queued), named in a moderator's rename and a member's draft, and carrying
    a revision from before the guard with an NHS number in it."""
    app.config["MAIL_DELIVERY"] = "worker"
    author, watcher, quoter = make_user(name="Dr Rowan Tilby"), make_user(), make_user()
    thread = make_thread(author=author, title="Iron deficiency in an older woman")
    make_reply(thread, author=watcher, body="Following: I have a similar case.")
    post = discussions.reply_to_thread(
        author, loaded(thread), body=FIRST, pii_confirmed=fingerprints(FIRST)
    )
    db.session.commit()
    # A name, a date of birth and a postcode together wait for a check: a moderator let
    # this one through, and it travelled.
    checker = make_moderator(name="Dr Che Cker")
    _clear(checker, post)
    discussions.edit_post(
        author,
        queries.get_post_or_404(post.id, author),
        body=EDITED,
        pii_confirmed=fingerprints(EDITED),
    )
    db.session.commit()
    revision = db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)).one()
    revision.body_source += f" NHS {NHS}."  # history kept from before the guard existed
    db.session.commit()
    later = utcnow() + timedelta(minutes=30)
    assert notification_email.email_member(watcher.id, now=later) is not None
    db.session.commit()
    assert mail.deliver_due(now=later) == 1  # the first email has gone
    quote = quote_markdown(author.display_name, f"/p/{post.id}", EDITED) + "Agree: refer."
    quoted = discussions.reply_to_thread(
        quoter, loaded(thread), body=quote, pii_confirmed=fingerprints(quote)
    )
    db.session.commit()
    _clear(checker, quoted)  # the quote names and places her too: let through as well
    assert notification_email.email_member(watcher.id, now=later + timedelta(hours=1))
    db.session.commit()  # the second is still queued
    moderator = make_moderator(name="Dr Mo Derator")
    moderation_threads.rename_thread(
        moderator, loaded(thread), title="Iron deficiency: Mrs Farrow", reason="Clearer title"
    )
    drafts.save_reply_draft(watcher, loaded(thread), body="Did Farrow get her CT yet?")
    db.session.commit()
    return db.session.get(Post, post.id), moderator


def _clear(moderator, post) -> None:
    """A moderator clears the post's open confidentiality review (publishing it if held)."""
    review_id = db.session.scalar(
        select(ConfidentialityReview.id).where(
            ConfidentialityReview.post_id == post.id, ConfidentialityReview.resolved_at.is_(None)
        )
    )
    confidentiality_decisions.clear_review(moderator, confidentiality_reviews.get_review(review_id))
    db.session.commit()


def _redact_over_http(client, post, moderator, phrases="Ondine Farrow\nFarrow"):
    sign_in(client, moderator)
    page = client.get(f"/mod/posts/{post.id}/redact")
    assert page.status_code == 200
    chosen = re.findall(
        r'name="spans" value="([0-9a-f]{64})"[^>]*checked', page.get_data(as_text=True)
    )
    response = client.post(
        f"/mod/posts/{post.id}/redact",
        data={"spans": chosen, "phrases": phrases, "restore": "y"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return chosen


def test_after_redaction_the_identifier_is_nowhere(app, client, reload):
    with every_log_line() as lines:
        post, moderator = _a_post_that_travelled(app)
        assert copies_in_database()  # the test can see them before
        reporter = make_user()
        sign_in(client, reporter)
        report = client.post(
            f"/p/{post.id}/report",
            data={"reason": "patient_identifier", "note": "It names Mrs Ondine Farrow"},
        )
        assert report.status_code == 302
        reload()
        assert db.session.get(Post, post.id).hidden_at is not None  # hidden at once
        client.post("/logout")
        chosen = _redact_over_http(client, post, moderator)
        reload()
        assert len(chosen) >= 3
        assert client.get("/search?q=Farrow").status_code == 200

    left = copies_in_database()
    assert left == [], left
    assert index_terms_left() == []
    assert any("mail (not sent" in line for line in lines)  # the capture does capture
    assert [line for line in lines if any(n.lower() in line.lower() for n in NEEDLES)] == []

    post = db.session.get(Post, post.id)
    assert "[redacted]" in post.body_source and post.hidden_at is None
    assert db.session.get(Thread, post.thread_id).title == "Iron deficiency: Mrs [redacted]"
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "queued")
        )
        == 0
    )
    draft = db.session.scalars(select(Draft)).one()
    assert draft.body == "Did [redacted] get her CT yet?"


def test_the_incident_records_who_what_and_when_but_no_content(app, client, reload):
    post, moderator = _a_post_that_travelled(app)
    reported_post(post, reason="patient_identifier", reporter=make_user(name="Dr Ada Report"))
    _redact_over_http(client, post, moderator)
    reload()
    incident = db.session.scalars(select(ConfidentialityIncident)).one()
    assert incident.reported_by.startswith("Dr Ada Report; The forum's check")
    assert (incident.acted_by_name, incident.post_id, incident.author_name) == (
        "Dr Mo Derator",
        post.id,
        "Dr Rowan Tilby",
    )
    assert set(incident.kind_list) >= {"date_of_birth", "postcode", "titled_name", "nhs_number"}
    actions = incident.actions
    assert actions["revisions_rewritten"] == 1 and actions["post_rewritten"] == 1
    assert actions["other_posts_rewritten"] == 1 and actions["emails_withdrawn"] == 1
    assert actions["emails_rewritten"] >= 1 and actions["audit_entries_scrubbed"] >= 1
    assert actions["author_told"] == 1 and actions["post_restored"] == 1
    assert incident.reported_at <= incident.acted_at
    review = db.session.scalars(
        select(ConfidentialityReview).where(ConfidentialityReview.post_id == post.id)
    ).one()
    assert review.outcome == "cleared"  # checked, wrongly, before it was reported
    message = db.session.scalars(
        select(ModerationMessage).where(ModerationMessage.kind == "post_redacted")
    ).one()
    assert message.user_id == post.author_id and "not a warning" in message.reason
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "post.redact")).one()
    assert entry.after["incident_id"] == incident.id


def test_incidents_are_listed_and_exported_as_csv(app, client, reload):
    post, moderator = _a_post_that_travelled(app)
    _redact_over_http(client, post, moderator)
    page = client.get("/mod/incidents")
    assert page.status_code == 200 and "Confidentiality incidents" in page.get_data(as_text=True)
    export = client.get("/mod/incidents.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0][:3] == ["incident", "reported_at_utc", "reported_by"]
    assert rows[1][1] and rows[1][4] == "Dr Mo Derator"
    assert "postcode" in rows[1][10] and "revisions rewritten: 1" in rows[1][11]
    body = export.get_data(as_text=True).lower()
    assert not any(needle.lower() in body for needle in NEEDLES)


def test_a_formula_in_a_name_is_made_harmless_in_the_csv(app, client):
    post, moderator = _a_post_that_travelled(app)
    reported_post(post, reason="patient_identifier", reporter=make_user(name="=HYPERLINK(1)"))
    _redact_over_http(client, post, moderator)
    export = client.get("/mod/incidents.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in export


def test_nothing_chosen_is_refused_with_the_form_kept(app, client):
    post, moderator = _a_post_that_travelled(app)
    sign_in(client, moderator)
    response = client.post(f"/mod/posts/{post.id}/redact", data={"phrases": ""})
    assert response.status_code == 422
    assert "Choose at least one detail" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ConfidentialityIncident)) == 0


def test_a_too_short_phrase_is_refused(app, client):
    post, moderator = _a_post_that_travelled(app)
    sign_in(client, moderator)
    response = client.post(f"/mod/posts/{post.id}/redact", data={"phrases": "Fa"})
    assert response.status_code == 422 and "at least 3 characters" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("who", "redact", "incidents"),
    [
        ("member", 403, 403),
        ("category moderator", 403, 403),
        ("moderator", 200, 200),
        ("admin", 200, 200),
    ],
)
def test_who_may_redact_and_read_incidents(app, client, who, redact, incidents):
    category = make_category()
    thread = make_thread(category)
    post = make_reply(thread)
    actor = {
        "member": make_user,
        "category moderator": lambda: make_category_moderator(category),
        "moderator": make_moderator,
        "admin": make_admin,
    }[who]()
    sign_in(client, actor)
    assert client.get(f"/mod/posts/{post.id}/redact").status_code == redact
    assert client.get("/mod/incidents").status_code == incidents
    assert client.get("/mod/incidents.csv").status_code == incidents


def test_redacting_needs_csrf(app, client):
    post, moderator = _a_post_that_travelled(app)
    sign_in(client, moderator)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/mod/posts/{post.id}/redact", data={"phrases": "Farrow"})
    assert response.status_code == 400


def test_a_staff_only_post_is_404_for_members(app, client):
    category = make_category(staff_only=True)
    post = make_reply(make_thread(category), author=make_moderator())
    sign_in(client, make_user())
    assert client.get(f"/mod/posts/{post.id}/redact").status_code == 403  # /mod/ is staff's


def test_the_candidates_group_one_value_written_two_ways(app):
    author = make_user()
    thread = make_thread(author=author)
    body = "Call 07700 900123 or +44 7700 900123 tonight."
    post = discussions.reply_to_thread(
        author, loaded(thread), body=body, pii_confirmed=fingerprints(body)
    )
    db.session.commit()
    post = queries.get_post_or_404(post.id, author)
    found = redaction.candidates(redaction.sources_of(post))
    assert [(c.kind, c.preselected) for c in found] == [("phone", True)]


def test_sql_errors_never_carry_the_values_sent(app):
    assert db.engine.hide_parameters is True
    assert User is not None and inspect(db.engine) is not None
