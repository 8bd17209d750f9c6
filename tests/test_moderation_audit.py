"""The audit log: one writer, append-only, filterable, exportable as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import AuditEntry, utcnow
from forum.services import audit
from tests.factories import (
    make_admin,
    make_category,
    make_category_moderator,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    sign_in,
)


def test_every_action_is_logged_with_actor_target_reason_and_client_address(app, client):
    author = make_user()
    post = make_reply(make_thread(), author=author)
    moderator = make_moderator(name="Mod Logger")
    sign_in(client, moderator)
    client.post(
        f"/mod/posts/{post.id}/hide",
        data={"hide-reason": "Unkind."},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "post.hide")).one()
    assert (entry.actor_id, entry.actor_name) == (moderator.id, "Mod Logger")
    assert (entry.target_type, entry.target_id, entry.subject_user_id) == (
        "post",
        post.id,
        author.id,
    )
    assert entry.before["hidden"] is False and entry.after["hidden"] is True
    assert (entry.reason, entry.ip) == ("Unkind.", "203.0.113.9")


def test_the_viewer_filters_by_actor_action_member_and_date(app, client):
    alice, bob = make_moderator(name="Alice Mod"), make_moderator(name="Bob Mod")
    target = make_user(name="Target Member")
    audit.record(alice, "member.warn", target=target, reason="reason-alpha")
    audit.record(bob, "thread.lock", reason="reason-bravo")
    old = audit.record(bob, "member.note", target=target, reason="reason-charlie")
    db.session.flush()
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.id == old.id)
        .values(created_at=utcnow() - timedelta(days=40))
    )
    db.session.commit()
    sign_in(client, make_admin())

    everything = client.get("/mod/audit/")
    by_actor = client.get("/mod/audit/?actor=alice")
    by_action = client.get("/mod/audit/?action=thread.lock")
    by_member = client.get(f"/mod/audit/?member=@{target.username}")
    recent = client.get(f"/mod/audit/?since={(utcnow() - timedelta(days=7)).date().isoformat()}")
    bad_date = client.get("/mod/audit/?since=not-a-date")

    assert everything.status_code == 200
    assert all(
        word in everything.data for word in (b"reason-alpha", b"reason-bravo", b"reason-charlie")
    )
    assert b"reason-alpha" in by_actor.data and b"reason-bravo" not in by_actor.data
    assert b"reason-bravo" in by_action.data and b"reason-alpha" not in by_action.data
    assert (
        b"reason-alpha" in by_member.data
        and b"reason-charlie" in by_member.data
        and b"reason-bravo" not in by_member.data
    )
    assert b"reason-charlie" not in recent.data and b"reason-alpha" in recent.data
    assert bad_date.status_code == 422


def test_csv_export_has_every_field_and_defuses_formulas(app, client):
    moderator = make_moderator(name="=HYPERLINK(evil)")
    audit.record(
        moderator,
        "member.warn",
        target=make_user(),
        before={"a": 1},
        after={"b": 2},
        reason="+cmd",
        ip="198.51.100.1",
    )
    db.session.commit()
    sign_in(client, make_admin())
    response = client.get("/mod/audit/export.csv?action=member.warn")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    row = rows[0]
    assert row["actor"] == "'=HYPERLINK(evil)" and row["reason"] == "'+cmd"
    assert row["before"] == '{"a": 1}' and row["after"] == '{"b": 2}'
    assert row["client_address"] == "198.51.100.1" and row["action"] == "member.warn"


def test_no_route_edits_or_deletes_audit_entries(app, client):
    audit.record(make_moderator(), "thread.lock")
    db.session.commit()
    entry_id = db.session.scalar(select(AuditEntry.id))
    sign_in(client, make_admin())
    for method in ("post", "put", "patch", "delete"):
        for path in ("/mod/audit/", f"/mod/audit/{entry_id}", "/mod/audit/export.csv"):
            assert getattr(client, method)(path).status_code in (404, 405), (method, path)
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)
    db.session.commit()
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.id == entry_id)
        )
        == 1
    )


def test_category_moderators_and_members_cannot_read_the_log(app, client):
    sign_in(client, make_category_moderator(make_category()))
    assert client.get("/mod/audit/").status_code == 403
    assert client.get("/mod/audit/export.csv").status_code == 403
