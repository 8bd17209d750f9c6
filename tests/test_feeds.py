"""Atom feeds at private per-member addresses: what they list, to whom, and when they stop."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import AuditEntry, FeedToken, Thread, User, utcnow
from forum.policy import SYSTEM
from forum.services.discussions import tags as thread_tags
from forum.services.membership import feeds as feed_addresses
from forum.services.moderation import members as moderation_members
from forum.services.moderation import posts as moderation_posts
from tests.corpus import needs_corpus, xss_payloads
from tests.factories import (
    make_admin,
    make_category,
    make_group,
    make_moderator,
    make_tag,
    make_thread,
    make_user,
    opening_post,
    publish_pledge,
    restrict_category,
    sign_in,
)

ATOM = "{http://www.w3.org/2005/Atom}"


def _address(user: User) -> str:
    secret = feed_addresses.new_feed_address(user, user)
    db.session.commit()
    return secret


def _feed(client: FlaskClient, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.get_data())


def _entries(root: ET.Element) -> dict[str, ET.Element]:
    return {e.findtext(f"{ATOM}title"): e for e in root.iter(f"{ATOM}entry")}


def test_the_latest_feed_is_atom_with_each_thread_its_author_and_excerpt(client):
    member = make_user()
    thread = make_thread(make_category("Referrals"), title="Sarcoma pathway",
                         body="Refer any **deep** lump over 5 cm.")  # fmt: skip
    root = _feed(client, f"/feeds/{_address(member)}/latest.atom")
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entry = _entries(root)["Sarcoma pathway"]
    assert entry.findtext(f"{ATOM}id").endswith(f"/t/{thread.id}")
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/t/{thread.id}/{thread.slug}")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == thread.author_name
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.findtext(f"{ATOM}updated"))
    assert entry.findtext(f"{ATOM}summary") == "Refer any deep lump over 5 cm."


def test_a_category_and_a_tag_feed_list_only_their_threads(client):
    member = make_user()
    home, other = make_category("Referrals"), make_category("Prescribing")
    tagged = make_thread(home, title="Tagged thread")
    make_thread(home, title="Untagged thread")
    make_thread(other, title="Elsewhere")
    tag = make_tag("NG12")
    author = db.session.get(User, tagged.author_id)
    thread_tags.set_thread_tags(author, db.session.get(Thread, tagged.id), [tag.id])
    db.session.commit()
    secret = _address(member)
    in_category = _entries(_feed(client, f"/feeds/{secret}/c/{home.slug}.atom"))
    assert set(in_category) == {"Tagged thread", "Untagged thread"}
    assert set(_entries(_feed(client, f"/feeds/{secret}/tags/{tag.slug}.atom"))) == {
        "Tagged thread"
    }
    assert client.get(f"/feeds/{secret}/c/no-such-category.atom").status_code == 404
    assert client.get(f"/feeds/{secret}/tags/no-such-tag.atom").status_code == 404


def test_a_category_feed_at_its_old_address_moves_with_it(client):
    from forum.models import CategorySlug

    category = make_category("Referrals")
    db.session.add(CategorySlug(slug="old-referrals", category_id=category.id))
    db.session.commit()
    secret = _address(make_user())
    response = client.get(f"/feeds/{secret}/c/old-referrals.atom")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/feeds/{secret}/c/{category.slug}.atom"


def test_a_feed_shows_what_its_member_may_see_and_never_hidden_threads(client):
    member, staff = make_user(), make_moderator()
    home = make_category("Referrals")
    make_thread(make_category("Staff room", staff_only=True), title="Staff only")
    group = make_group(members=(make_user(),))
    reviews = restrict_category(make_category("Reviews"), read=(group,), post=(group,))
    make_thread(reviews, author=_group_member(group), title="For the group")
    hidden = make_thread(home, title="Hidden thread")
    moderation_posts.hide_post(SYSTEM, _opening(hidden), reason="Identifies a patient.")
    make_thread(home, title="Public thread")
    db.session.commit()
    seen = _entries(_feed(client, f"/feeds/{_address(member)}/latest.atom"))
    assert "Public thread" in seen
    assert not {"Staff only", "For the group", "Hidden thread"} & set(seen)
    staff_seen = _entries(_feed(client, f"/feeds/{_address(staff)}/latest.atom"))
    assert {"Public thread", "Staff only"} <= set(staff_seen)
    assert "Hidden thread" not in staff_seen
    staff_room = db.session.scalar(select(Thread.category_id).where(Thread.title == "Staff only"))
    slug = db.session.get(type(home), staff_room).slug
    assert client.get(f"/feeds/{_address(member)}/c/{slug}.atom").status_code == 404


def _group_member(group) -> User:
    from forum.models import GroupMember

    user_id = db.session.scalar(select(GroupMember.user_id).where(GroupMember.group_id == group.id))
    return db.session.get(User, user_id)


def _opening(thread: Thread):
    from forum import queries

    return queries.get_post_or_404(opening_post(thread).id, SYSTEM)


def test_a_sensitive_category_gives_titles_only(client):
    member = make_user()
    sensitive = make_category("Safeguarding", is_sensitive=True)
    make_thread(sensitive, title="A safeguarding question", body="Secret details of a case.")
    response = client.get(f"/feeds/{_address(member)}/latest.atom")
    assert b"Secret details" not in response.get_data()
    entry = _entries(ET.fromstring(response.get_data()))["A safeguarding question"]
    assert entry.find(f"{ATOM}summary") is None
    assert entry.find(f"{ATOM}content") is None
    assert entry.find(f"{ATOM}author") is None


def test_a_wrong_or_replaced_address_is_not_found(client):
    member = make_user()
    make_thread(title="Anything")
    old = _address(member)
    new = _address(member)
    assert client.get(f"/feeds/{old}/latest.atom").status_code == 404
    assert client.get(f"/feeds/{new}/latest.atom").status_code == 200
    assert client.get(f"/feeds/{new[:-1]}x/latest.atom").status_code == 404
    assert client.get("/feeds/not-a-secret/latest.atom").status_code == 404
    feed_addresses.withdraw_feed_address(member, db.session.get(User, member.id))
    db.session.commit()
    assert client.get(f"/feeds/{new}/latest.atom").status_code == 404


def test_the_address_stops_when_the_member_signs_out_everywhere(client):
    member = make_user()
    secret = _address(member)
    sign_in(client, member)
    assert client.post("/account/sign-out-everywhere").status_code == 302
    assert client.get(f"/feeds/{secret}/latest.atom").status_code == 404


@pytest.mark.parametrize("sanction", ["suspend", "ban", "deactivate"])
def test_the_address_stops_when_the_member_is_suspended_banned_or_gone(client, sanction):
    member, admin = make_user(), make_admin()
    secret = _address(member)
    assert client.get(f"/feeds/{secret}/latest.atom").status_code == 200
    user = db.session.get(User, member.id)
    if sanction == "suspend":
        until = utcnow() + timedelta(days=2)
        moderation_members.suspend_member(admin, user, until=until, reason="Rude.")
    elif sanction == "ban":
        moderation_members.ban_member(admin, user, reason="Spam.")
    else:
        db.session.execute(update(User).where(User.id == user.id).values(deactivated_at=utcnow()))
    db.session.commit()
    assert client.get(f"/feeds/{secret}/latest.atom").status_code == 404
    if sanction == "suspend":  # lifting it does not bring the old address back
        moderation_members.lift_sanction(admin, db.session.get(User, member.id), "suspension")
        db.session.commit()
        assert client.get(f"/feeds/{secret}/latest.atom").status_code == 404


def test_the_address_waits_for_the_member_to_accept_a_new_pledge(client):
    from forum.services.membership import pledge

    member = make_user()
    secret = _address(member)
    version = publish_pledge("Version two: I will never identify a patient.")
    assert client.get(f"/feeds/{secret}/latest.atom").status_code == 404
    pledge.accept_pledge(member, db.session.get(User, member.id), version)
    db.session.commit()
    assert client.get(f"/feeds/{secret}/latest.atom").status_code == 200


def test_the_access_log_never_keeps_a_feed_secret():
    from forum.web.serving import loggable_path

    assert loggable_path("/feeds/s3cr3t-_x/c/referrals.atom") == "/feeds/[secret]/c/referrals.atom"
    assert loggable_path("/c/referrals") == "/c/referrals"


def test_feeds_are_rate_limited(app, database_url):
    from tests.conftest import build_app

    secret = _address(make_user())
    limited = build_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_FEEDS="2 per minute")
    client = limited.test_client()
    statuses = [client.get(f"/feeds/{secret}/latest.atom").status_code for _ in range(3)]
    with limited.app_context():
        db.engine.dispose()
    assert statuses == [200, 200, 429]


def test_an_unchanged_feed_answers_304(client):
    member = make_user()
    make_thread(title="Anything")
    path = f"/feeds/{_address(member)}/latest.atom"
    first = client.get(path)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "private" in first.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()
    since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    make_thread(title="Something new")
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


@needs_corpus
def test_hostile_titles_and_bodies_are_escaped(client):
    from forum.models import Post
    from forum.text import markup

    member = make_user()
    category = make_category("Referrals")
    payloads = xss_payloads()
    threads = [make_thread(category, title=f"Title {n}") for n in range(30)]
    # Every payload lands in a title as it is, and in an opening post through the text
    # pipeline (as posts are stored), straight into the rows: the confidentiality guard would
    # refuse some of them first. 30 threads, the payloads shared out among them.
    for n, thread in enumerate(threads):
        mine = payloads[n::30]
        title = " ".join(mine)[:200] or "-"
        db.session.execute(update(Thread).where(Thread.id == thread.id).values(title=title))
        db.session.execute(update(Post).where(Post.thread_id == thread.id)
                           .values(body_html=markup.render("\n\n".join(mine))))  # fmt: skip
    db.session.commit()
    response = client.get(f"/feeds/{_address(member)}/c/{category.slug}.atom")
    root = ET.fromstring(response.get_data())  # well-formed whatever the titles hold
    entries = list(root.iter(f"{ATOM}entry"))
    assert len(entries) == 30
    for entry in entries:  # text only: no element the payload could have opened
        assert {child.tag.removeprefix(ATOM) for child in entry} <= {
            "title", "id", "link", "published", "updated", "author", "category", "summary"
        }  # fmt: skip
        assert entry.find(f"{ATOM}title").get("type") == "text"
        assert entry.find(f"{ATOM}title").text  # the payload arrives as text, not markup


def test_the_member_makes_and_withdraws_addresses_on_their_page(client):
    member = make_user()
    category = make_category("Referrals")
    sign_in(client, member)
    page = client.get("/account/feeds").get_data(as_text=True)
    assert "You have no feed addresses yet." in page
    assert "private, like a password" in page
    made = client.post("/account/feeds")
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    text = made.get_data(as_text=True)
    secret = re.search(r"/feeds/([\w-]+)/latest\.atom", text).group(1)
    assert f"/feeds/{secret}/c/{category.slug}.atom" in text
    db.session.commit()  # see what the request committed
    stored = db.session.scalar(select(FeedToken.token_hash).where(FeedToken.user_id == member.id))
    assert secret not in stored  # only its hash is kept
    assert client.get(f"/feeds/{secret}/latest.atom").status_code == 200
    assert "You made your feed addresses on" in client.get("/account/feeds").get_data(as_text=True)
    assert client.post("/account/feeds/withdraw").status_code == 302
    assert client.get(f"/feeds/{secret}/latest.atom").status_code == 404
    db.session.commit()
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == member.id))
    assert {"feeds.new_address", "feeds.withdraw_address"} <= set(actions)


def test_a_feed_runs_the_same_statements_however_many_threads(client, count_queries):
    member = make_user()
    category = make_category("Referrals")
    make_thread(category)
    path = f"/feeds/{_address(member)}/c/{category.slug}.atom"
    client.get(path)
    with count_queries() as before:
        client.get(path)
    for _ in range(5):
        make_thread(category)
    with count_queries() as after:
        assert client.get(path).status_code == 200
    assert before.count == after.count, [s[:90] for s in after.statements]
    assert db.session.scalar(select(func.count()).select_from(FeedToken)) == 1
