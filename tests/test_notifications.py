"""In-app notifications: who hears about what, once, and never about what they cannot see."""

from __future__ import annotations

from forum import queries
from forum.extensions import db
from forum.models import Notification, ThreadSubscription, WatchLevel
from forum.policy import SYSTEM
from forum.services.discussions import helpful, questions, solutions
from forum.services.membership import join_requests
from forum.services.moderation import posts as moderation_posts
from forum.services.notifications import inbox as notifications
from forum.services.notifications import subscriptions
from forum.text.quoting import quote_markdown
from tests.factories import (
    loaded,
    make_category,
    make_moderator,
    make_reply,
    make_staff_category,
    make_tag,
    make_thread,
    make_user,
    read_up_to,
)
from tests.notification_helpers import notifications_of, unread_count


def _post(post_id: int):
    return queries.get_post_or_404(post_id, SYSTEM)


def _kinds(user) -> list[str]:
    return [n.kind for n in notifications_of(user)]


def test_starting_a_thread_watches_it_so_replies_notify_the_author(app):
    author = make_user()
    thread = make_thread(author=author)
    replier = make_user(name="Dr Rhiannon Price")
    reply = make_reply(thread, author=replier)

    [note] = notifications_of(author)
    assert (note.kind, note.post_id, note.actor_name) == (
        "watched_reply",
        reply.id,
        replier.display_name,
    )
    assert note.email_due_at is not None and note.read_at is None
    assert unread_count(author) == 1
    assert notifications_of(replier) == []  # nobody hears about their own post


def test_replying_watches_the_thread_unless_the_setting_is_off(app):
    thread = make_thread()
    keen, quiet = make_user(), make_user()
    subscriptions.update_settings(quiet, quiet.id, watch_replied=False)
    db.session.commit()
    make_reply(thread, author=keen)
    make_reply(thread, author=quiet)
    make_reply(thread, author=make_user())
    assert _kinds(keen) == ["watched_reply", "watched_reply"]
    assert _kinds(quiet) == []


def test_a_mention_notifies_the_member_named(app):
    mentioned = make_user(name="Grace Adeyemi")
    thread = make_thread()
    post = make_reply(thread, body=f"What do you think, @{mentioned.username}?")
    [note] = notifications_of(mentioned)
    assert (note.kind, note.post_id) == ("mention", post.id)


def test_a_mention_never_reaches_a_member_who_cannot_see_the_thread(app):
    member = make_user()
    staff_thread = make_thread(make_staff_category())
    make_reply(staff_thread, author=make_moderator(), body=f"Ask @{member.username} later")
    assert notifications_of(member) == []


def test_quoting_a_post_notifies_its_author(app):
    quoted_author = make_user()
    thread = make_thread()
    original = make_reply(thread, author=quoted_author, body="Repeat the FIT at six weeks.")
    subscriptions.set_thread_level(quoted_author, loaded(thread), WatchLevel.NORMAL)
    db.session.commit()
    body = quote_markdown(quoted_author.display_name, f"/p/{original.id}", "Repeat the FIT")
    quoting = make_reply(thread, body=body + "Agreed.")
    [note] = notifications_of(quoted_author)
    assert (note.kind, note.post_id) == ("quote", quoting.id)


def test_replying_to_a_post_tells_its_author_once(app):
    asker = make_user()
    thread = make_thread(author=asker)
    answerer = make_user()
    reply = questions.answer(answerer, loaded(thread), body="Here is how", reply_to=None)
    db.session.commit()
    answer = questions.answer(asker, loaded(thread), body="Thanks!", reply_to=reply.id)
    db.session.commit()
    kinds = [(n.kind, n.post_id) for n in notifications_of(answerer)]
    assert kinds == [("reply", answer.id)]


def test_a_muted_thread_stays_silent_even_for_mentions(app):
    member = make_user()
    thread = make_thread(author=member)
    subscriptions.set_thread_level(member, loaded(thread), WatchLevel.MUTED)
    db.session.commit()
    make_reply(thread, body=f"@{member.username} over to you")
    assert notifications_of(member) == []


def test_tracking_notifies_in_app_but_never_emails(app):
    member = make_user()
    thread = make_thread()
    subscriptions.set_thread_level(member, loaded(thread), WatchLevel.TRACKING)
    db.session.commit()
    make_reply(thread)
    [note] = notifications_of(member)
    assert note.kind == "watched_reply" and note.email_due_at is None


def test_watching_a_categorys_first_posts_tells_of_new_threads_only(app):
    category = make_category()
    member = make_user()
    subscriptions.set_category_level(member, category, WatchLevel.WATCHING_FIRST_POST)
    db.session.commit()
    thread = make_thread(category)
    make_reply(thread)
    assert _kinds(member) == ["new_thread"]


def test_watching_a_category_tells_of_threads_and_replies(app):
    category = make_category()
    member = make_user()
    subscriptions.set_category_level(member, category, WatchLevel.WATCHING)
    db.session.commit()
    thread = make_thread(category)
    make_reply(thread)
    assert _kinds(member) == ["new_thread", "watched_reply"]


def test_a_muted_category_hides_its_threads_but_mentions_still_arrive(app):
    category = make_category()
    member = make_user()
    subscriptions.set_category_level(member, category, WatchLevel.MUTED)
    db.session.commit()
    thread = make_thread(category)
    make_reply(thread)
    make_reply(thread, body=f"@{member.username} you may know")
    assert _kinds(member) == ["mention"]


def test_tag_watchers_hear_of_new_threads_with_that_tag(app):
    tag = make_tag("Lung")
    member = make_user()
    subscriptions.set_tag_level(member, tag, WatchLevel.WATCHING_FIRST_POST)
    db.session.commit()
    asker = make_user()
    questions.start_thread(
        asker, make_category(), title="Chest X-ray first?", body="When?", tag_ids=[tag.id]
    )
    db.session.commit()
    assert _kinds(member) == ["new_thread"]


def test_an_accepted_solution_is_announced_to_its_author(app):
    asker, answerer = make_user(), make_user()
    thread = make_thread(author=asker)
    answer = make_reply(thread, author=answerer)
    solutions.accept_solution(asker, loaded(thread), _post(answer.id))
    db.session.commit()
    assert _kinds(answerer)[-1] == "solution"


def test_helpful_marks_are_batched_into_one_notification(app):
    author = make_user()
    thread = make_thread()
    post = make_reply(thread, author=author)
    markers = [make_user(name=f"Dr Marker {n}") for n in range(3)]
    for marker in markers:
        helpful.mark_helpful(marker, _post(post.id))
        db.session.commit()
    [note] = [n for n in notifications_of(author) if n.kind == "helpful"]
    assert note.count == 3 and note.actor_name == "Dr Marker 2"
    from forum.text.notifications import headline

    assert headline(note, "FIT") == "Dr Marker 2 and 2 others found your post in “FIT” helpful"


def test_hiding_a_post_removes_its_notifications_and_tells_the_author(app):
    watcher = make_user()
    thread = make_thread(author=watcher)
    author = make_user()
    reply = make_reply(thread, author=author, body=f"@{watcher.username} see this")
    assert unread_count(watcher) == 1
    moderation_posts.hide_post(make_moderator(), _post(reply.id), reason="Off topic")
    db.session.commit()
    assert notifications_of(watcher) == []
    assert unread_count(watcher) == 0
    [note] = notifications_of(author)
    assert (note.kind, note.summary, note.post_id) == (
        "moderation",
        "A moderator hid your post.",
        None,
    )


def test_remove_notifications_for_an_opening_post_clears_the_thread(app):
    watcher = make_user()
    category = make_category()
    subscriptions.set_category_level(watcher, category, WatchLevel.WATCHING)
    db.session.commit()
    thread = make_thread(category)
    make_reply(thread)
    first = db.session.scalar(
        db.select(Notification.post_id).where(Notification.kind == "new_thread")
    )
    notifications.remove_notifications_for_post(first)
    db.session.commit()
    assert notifications_of(watcher) == []


def test_a_held_post_notifies_nobody_until_approved(app):
    from sqlalchemy.orm import joinedload

    from forum.models import ModerationItem, Post, Thread
    from forum.services.moderation import decisions as moderation_decisions

    watcher = make_user()
    thread = make_thread(author=watcher)
    app.config["MODERATION_HOLD_FIRST_POSTS"] = 1
    newcomer = make_user()
    held = make_reply(thread, author=newcomer)
    assert notifications_of(watcher) == []
    moderator = make_moderator()
    item = db.session.scalar(
        db.select(ModerationItem)
        .options(
            joinedload(ModerationItem.post).joinedload(Post.thread).joinedload(Thread.category)
        )
        .where(ModerationItem.post_id == held.id)
    )
    moderation_decisions.approve_post(moderator, item)
    db.session.commit()
    assert [(n.kind, n.post_id) for n in notifications_of(watcher)] == [("watched_reply", held.id)]


def test_an_approved_join_request_welcomes_the_new_member(app):
    join_requests.submit_join_request(
        display_name="Dr New Joiner",
        email="new.joiner@example.nhs.uk",
        job_title="GP",
        organisation="A practice",
        alliance="",
        gmc_number="",
        reason="Cancer lead",
    )
    db.session.commit()
    from forum.models import JoinRequest

    request = db.session.scalar(db.select(JoinRequest))
    user = join_requests.approve_join_request(make_moderator(), request)
    db.session.commit()
    [note] = notifications_of(user)
    assert note.kind == "join_approved" and note.email_due_at is None


def test_reading_the_thread_reads_its_notifications(app):
    author = make_user()
    thread = make_thread(author=author)
    make_reply(thread)
    second = make_reply(thread)
    assert unread_count(author) == 2
    read_up_to(author, thread, second.post_number - 1)
    assert [n.read_at is not None for n in notifications_of(author)] == [True, False]
    read_up_to(author, thread, second.post_number)
    assert unread_count(author) == 0
    assert all(n.email_due_at is None for n in notifications_of(author))


def test_explicit_thread_level_beats_the_categorys(app):
    category = make_category()
    member = make_user()
    subscriptions.set_category_level(member, category, WatchLevel.WATCHING)
    thread = make_thread(category)
    subscriptions.set_thread_level(member, loaded(thread), WatchLevel.NORMAL)
    db.session.commit()
    make_reply(thread)
    assert _kinds(member) == ["new_thread"]
    assert db.session.get(ThreadSubscription, (member.id, thread.id)).level == "normal"


def test_an_edit_that_adds_a_mention_tells_only_the_newly_mentioned(app):
    from forum.services.discussions import posting as discussions

    first, second = make_user(), make_user()
    thread = make_thread()
    author = make_user()
    post = make_reply(thread, author=author, body=f"Thanks @{first.username}")
    discussions.edit_post(
        author, _post(post.id), body=f"Thanks @{first.username} and @{second.username}"
    )
    db.session.commit()
    assert _kinds(first) == ["mention"]
    assert _kinds(second) == ["mention"]


def test_only_the_member_manages_their_notifications(app):
    from forum.policy import ANONYMOUS, can_manage_notifications

    member, other = make_user(), make_user()
    assert can_manage_notifications(member, member.id)
    assert not can_manage_notifications(other, member.id)
    assert not can_manage_notifications(ANONYMOUS, member.id)
    assert not can_manage_notifications(SYSTEM, None)
