"""The audit log: one writer, append-only, filterable, exportable as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import func, select, update
from werkzeug.local import LocalProxy

from forum.extensions import db
from forum.models import AuditEntry, utcnow
from forum.services import audit
from tests.factories import (
    make_admin,
    make_category,
    make_category_moderator,
    make_moderator,
    make_reply,
    make_tag,
    make_thread,
    make_user,
    sign_in,
    totp_code,
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


# Plain-English names and real targets ------------------------------------------------------


def test_record_unwraps_a_context_proxy_so_the_target_is_the_member(app):
    member = make_user(name="Proxy Member")
    entry = audit.record(
        LocalProxy(lambda: member), "2fa.enable", target=LocalProxy(lambda: member)
    )
    assert (entry.actor_id, entry.actor_name) == (member.id, "Proxy Member")
    assert (entry.target_type, entry.target_id, entry.subject_user_id) == (
        "user",
        member.id,
        member.id,
    )


def _setup_secret(page: bytes) -> str:
    text = page.decode()
    start = text.index('class="secret-key">') + len('class="secret-key">')
    return text[start : text.index("<", start)]


def test_two_factor_set_up_is_recorded_against_the_member_and_shown_by_name(app, client):
    member = make_user(name="Dr Two Factor")
    sign_in(client, member)
    secret = _setup_secret(client.get("/account/2fa").data)
    assert client.post("/account/2fa", data={"code": totp_code(secret)}).status_code == 200
    assert client.post("/account/sign-out-everywhere").status_code == 302
    db.session.commit()
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.in_(["2fa.enable", "auth.sign_out_everywhere"]))
    ).all()
    assert len(entries) == 2
    for entry in entries:
        assert (entry.target_type, entry.target_id) == ("user", member.id), entry.action
    sign_in(client, make_admin())
    page = client.get("/mod/audit/").get_data(as_text=True)
    assert "Set up two-factor sign-in" in page and "Signed out on every device" in page
    assert f'<a href="/mod/members/{member.id}">Dr Two Factor</a>' in page
    assert "localproxy" not in page.lower()


def test_entries_recorded_before_the_proxy_fix_still_name_the_member(app, client):
    member = make_user(name="Legacy Member")
    db.session.add(
        AuditEntry(
            actor_id=member.id,
            actor_name=member.display_name,
            action="2fa.enable",
            target_type="localproxy",
            target_id=member.id,
            subject_user_id=member.id,
        )
    )
    db.session.commit()
    sign_in(client, make_admin())
    page = client.get("/mod/audit/").get_data(as_text=True)
    assert f'<a href="/mod/members/{member.id}">Legacy Member</a>' in page
    assert "localproxy" not in page.lower()


def test_the_log_names_actions_and_targets_in_plain_english(app, client):
    moderator = make_moderator(name="Sam Mod")
    author = make_user(name="Post Author")
    thread = make_thread(title="Two-week-wait <b>referrals</b>")
    post = make_reply(thread, author=author)
    category = make_category("Lung pathways")
    audit.record(moderator, "queue.flag.hidden", target=post, before={"hidden": False},
                 after={"hidden": True}, reason="Names a patient", ip="203.0.113.7")  # fmt: skip
    audit.record(moderator, "thread.lock", target=thread, before={"locked": False})
    audit.record(moderator, "category.update", target=category, after={"name": "Lung"})
    tag = make_tag("Sarcoma")
    audit.record(moderator, "tag.delete", target=tag, before={"name": "Sarcoma"})
    db.session.delete(tag)
    audit.record(None, "someday.new_thing", actor_name="Forum")
    db.session.commit()
    sign_in(client, make_admin())
    page = client.get("/mod/audit/").get_data(as_text=True)
    for text in (
        "Hid a post after a report",
        "Locked a thread",
        "Changed a category",
        "Deleted a tag",
        "Someday new thing",  # an unknown code, humanised
        f'<a href="/mod/posts/{post.id}">Post #2 in “Two-week-wait &lt;b&gt;referrals',
        f'<a href="/mod/threads/{thread.id}">Thread “Two-week-wait',
        f'<a href="/c/{category.slug}">Category “Lung pathways”</a>',
        "Tag “Sarcoma”",
        "no longer exists",
        f'Author: <a href="/mod/members/{author.id}">Post Author</a>',
        "Reason:</span> Names a patient",
        '<span class="audit-ip">203.0.113.7</span>',
    ):
        assert text in page, text
    assert ">queue.flag.hidden<" not in page and "<b>referrals" not in page
    assert re.search(r'<time datetime="[0-9T:+-]+">.*? (GMT|BST)</span></time>', page)


def test_the_action_filter_lists_names_and_filters_by_code(app, client):
    moderator = make_moderator()
    audit.record(moderator, "queue.flag.dismissed", reason="reason-one")
    audit.record(moderator, "thread.pin", reason="reason-two")
    db.session.commit()
    sign_in(client, make_admin())
    page = client.get("/mod/audit/?action=thread.pin").get_data(as_text=True)
    assert '<option value="queue.flag.dismissed">Dismissed the reports on a post</option>' in page
    assert '<option selected value="thread.pin">Pinned a thread</option>' in page
    assert "reason-two" in page and "reason-one" not in page
    exported = client.get("/mod/audit/export.csv?action=thread.pin").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["action"], r["action_name"]) for r in rows] == [("thread.pin", "Pinned a thread")]


def test_targets_link_only_to_pages_the_reader_can_open(app, client):
    admin = make_admin()
    audit.record(admin, "site.settings", before={"name": "Old"}, after={"name": "New"})
    db.session.commit()
    sign_in(client, make_moderator())
    as_moderator = client.get("/mod/audit/").get_data(as_text=True)
    assert "Changed the site’s settings" in as_moderator and "Site settings" in as_moderator
    assert 'href="/admin/settings"' not in as_moderator.split("<main")[1]
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    as_admin = admin_client.get("/mod/audit/").get_data(as_text=True)
    assert '<a href="/admin/settings">Site settings</a>' in as_admin
