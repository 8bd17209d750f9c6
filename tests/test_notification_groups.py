"""The notifications page groups a thread's notifications into one entry, with a preview of
the latest post (none in sensitive categories); and the small pages around it: the watch
menus, the thread kind badges, and the guidance on empty tag pages."""

from __future__ import annotations

import re

from forum import queries
from forum.extensions import db
from forum.models import Notification
from forum.policy import SYSTEM
from forum.queries import notifications as notification_queries
from forum.queries.notifications import WatchControl
from forum.services.discussions import helpful
from forum.services.notifications import inbox
from forum.text.notifications import THREAD_LEVEL_CHOICES, TOPIC_LEVEL_CHOICES
from tests.factories import (
    make_admin,
    make_category,
    make_reply,
    make_tag,
    make_thread,
    make_user,
    sign_in,
)
from tests.notification_helpers import notifications_of, unread_count


def _entries(user):
    db.session.commit()
    return notification_queries.notifications_page(user, 1, 30).items


def _asker_with_replies(category=None, title="FIT under 10 and ongoing symptoms"):
    asker = make_user(name="Dr Asha Patel")
    thread = make_thread(category, author=asker, title=title)
    return asker, thread


def test_a_threads_replies_make_one_entry_naming_the_latest_and_the_others(app):
    asker, thread = _asker_with_replies()
    tom, grace = make_user(name="Dr Tom Reply"), make_user(name="Dr Grace Reply")
    first = make_reply(thread, author=tom, body="First thoughts.")
    make_reply(thread, author=tom, body="And another thing.")
    make_reply(thread, author=grace, body="Worth coding the negative FIT **every time**.")
    [entry] = _entries(asker)
    assert entry.headline == (
        "Dr Grace Reply and 1 other replied in “FIT under 10 and ongoing symptoms”"
    )
    assert (entry.count, entry.unread, entry.is_unread) == (3, 3, True)
    assert entry.preview == "Worth coding the negative FIT every time."
    assert entry.values == {"post_id": first.id}  # start reading at the first unread


def test_entries_come_newest_first_with_notices_and_helpful_marks_on_their_own(app):
    asker, older = _asker_with_replies(title="The older thread")
    newer = make_thread(author=asker, title="The newer thread")
    make_reply(older, author=make_user(name="Dr Old Reply"))
    make_reply(newer, author=make_user(name="Dr New Reply"))
    mine = make_reply(older, author=asker)
    kind = make_user(name="Dr Kind")
    helpful.mark_helpful(kind, queries.get_post_or_404(mine.id, SYSTEM))
    headlines = [entry.headline for entry in _entries(asker)]
    assert headlines == [
        "Dr Kind found your post in “The older thread” helpful",
        "Dr New Reply replied in “The newer thread”",
        "Dr Old Reply replied in “The older thread”",
    ]


def test_a_group_of_mixed_kinds_says_only_that_they_posted(app):
    asker, thread = _asker_with_replies(title="Mixed thread")
    make_reply(thread, author=make_user(name="Dr One"))
    tom = make_user(name="Dr Two")
    make_reply(thread, author=tom, body=f"@{asker.username} what do you think?")
    [entry] = _entries(asker)
    assert entry.headline == "Dr Two and 1 other posted in “Mixed thread”"


def test_no_preview_in_a_sensitive_category(app):
    peer = make_category("Peer support", is_sensitive=True)
    asker, thread = _asker_with_replies(peer, title="Hard week")
    make_reply(thread, author=make_user(name="Dr Kind Colleague"), body="I had one too.")
    [entry] = _entries(asker)
    assert entry.headline == "Dr Kind Colleague replied in “Hard week”"
    assert entry.preview == ""


def test_marking_an_entry_read_marks_its_thread_only(app):
    asker, thread = _asker_with_replies(title="First thread")
    other = make_thread(author=asker, title="Second thread")
    for _ in range(2):
        make_reply(thread, author=make_user())
    make_reply(other, author=make_user())
    latest = next(e for e in _entries(asker) if "First" in e.headline).notification
    inbox.mark_read(asker, db.session.get(Notification, latest.id))
    assert unread_count(asker) == 1
    entries = {e.headline.split("“")[1]: e.is_unread for e in _entries(asker)}
    assert entries == {"First thread”": False, "Second thread”": True}
    read = [n.read_at is not None for n in notifications_of(asker) if n.thread_id == thread.id]
    assert read == [True, True]


def test_the_watch_menu_names_each_level_and_the_current_one():
    control = WatchControl("tracking", True, THREAD_LEVEL_CHOICES)
    assert [o.name for o in control.options] == ["Watching", "Tracking", "Normal", "Muted"]
    assert control.current.name == "Tracking"
    assert control.current.description == "a notification for every reply, never an email"
    topic = WatchControl("normal", True, TOPIC_LEVEL_CHOICES)
    assert topic.current.name == "Normal"


# The pages ------------------------------------------------------------------------------------


def test_the_category_page_has_a_compact_watch_menu(app, client):
    member, category = make_user(), make_category()
    sign_in(client, member)
    html = client.get(f"/c/{category.slug}").get_data(as_text=True)
    assert "<select" not in html
    summary = re.search(r'<summary class="watch-menu__button">(.*?)</summary>', html, re.S)
    assert summary and "Notifications: Normal" in summary.group(1)
    assert "<legend>Notifications for this category</legend>" in html
    assert 'value="normal" id="category-watch-normal" checked' in html
    client.post(f"/c/{category.slug}/notifications", data={"level": "watching"})
    html = client.get(f"/c/{category.slug}").get_data(as_text=True)
    assert "Notifications: Watching" in html


def test_the_thread_page_watch_menu_returns_to_the_thread(app, client):
    member, thread = make_user(), make_thread()
    sign_in(client, member)
    html = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Notifications: Normal" in html
    assert "Now following your settings for this category." in html
    response = client.post(
        f"/t/{thread.id}/notifications", data={"level": "muted", "next": f"/t/{thread.id}"}
    )
    assert response.headers["Location"] == f"/t/{thread.id}"
    html = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Notifications: Muted" in html
    assert "Now following your settings" not in html


def test_threads_say_what_kind_they_are_in_lists_and_on_the_page(app, client):
    member, category = make_user(), make_category()
    question = make_thread(category, title="A plain question")
    discussion = make_thread(category, title="A discussion thread")
    discussion.kind = "discussion"
    db.session.commit()
    sign_in(client, member)
    listed = client.get(f"/c/{category.slug}").get_data(as_text=True)
    assert 'badge--question">Question</span>' in listed
    assert 'badge--discussion">Discussion</span>' in listed
    page = client.get(f"/t/{question.id}").get_data(as_text=True)
    assert 'badge--question">Question</span>' in page


def test_tagging_with_no_tags_explains_and_sends_staff_to_the_tag_list(app, client):
    member = make_user()
    thread = make_thread(author=member)
    sign_in(client, member)
    html = client.get(f"/t/{thread.id}/tags").get_data(as_text=True)
    assert "There are no tags to choose from yet" in html
    assert "Save tags" not in html and "/admin/tags" not in html
    admin_client = client.application.test_client()
    sign_in(admin_client, make_admin())
    html = admin_client.get(f"/t/{thread.id}/tags").get_data(as_text=True)
    assert 'href="/admin/tags"' in html
    make_tag("FIT")
    html = client.get(f"/t/{thread.id}/tags").get_data(as_text=True)
    assert "Save tags" in html and "There are no tags" not in html
