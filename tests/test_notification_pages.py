"""The notifications page, the header count, and the settings and watching pages."""

from __future__ import annotations

from forum.extensions import db
from forum.models import CategorySubscription, NotificationSettings, ThreadSubscription
from forum.services.moderation import threads as moderation_threads
from forum.services.notifications import subscriptions
from tests.factories import (
    loaded,
    make_admin,
    make_category,
    make_reply,
    make_staff_category,
    make_thread,
    make_user,
    sign_in,
)
from tests.notification_helpers import notifications_of, unread_count


def _watcher_with_replies(replies: int = 1):
    watcher = make_user()
    thread = make_thread(author=watcher, title="FIT under 10 and ongoing symptoms")
    posts = [make_reply(thread, author=make_user(name="Dr Tom Reply")) for _ in range(replies)]
    return watcher, thread, posts


def test_the_header_shows_the_unread_count(app, client):
    watcher, _, _ = _watcher_with_replies(2)
    sign_in(client, watcher)
    html = client.get("/").get_data(as_text=True)
    assert 'class="count-badge">2<span class="visually-hidden"> unread</span>' in html


def test_the_page_lists_notifications_linking_to_the_exact_post(app, client):
    watcher, thread, [post] = _watcher_with_replies()
    sign_in(client, watcher)
    response = client.get("/notifications")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dr Tom Reply replied in “FIT under 10 and ongoing symptoms”" in html
    assert f'href="/p/{post.id}"' in html
    location = client.get(f"/p/{post.id}").headers["Location"]
    assert location.endswith(f"#post-{post.post_number}")


def test_members_share_the_page_statements_and_each_sees_only_their_own(app):
    """The page's statements are built once per shape of reader, the member's id bound at
    each run."""
    from forum.queries import notifications as notification_queries

    first, first_thread, _ = _watcher_with_replies()
    second = make_user()
    second_thread = make_thread(author=second, title="Second member's question")
    make_reply(second_thread, author=make_user(name="Dr Ann Answer"))
    built = notification_queries._page_statements.cache_info().misses
    for _ in range(2):
        for member, mine, other in (
            (first, "FIT under 10", "Second member"),
            (second, "Second member", "FIT under 10"),
        ):
            client = app.test_client()
            sign_in(client, member)
            html = client.get("/notifications").get_data(as_text=True)
            assert mine in html and other not in html
    assert notification_queries._page_statements.cache_info().misses <= built + 1


def test_opening_the_thread_reads_the_notification(app, client, reload):
    watcher, thread, [post] = _watcher_with_replies()
    sign_in(client, watcher)
    assert client.get(f"/t/{thread.id}").status_code == 200
    assert unread_count(watcher) == 0


def test_mark_one_read_then_all(app, client):
    """Marking an entry read marks its thread's group; other threads stay unread."""
    watcher, _, posts = _watcher_with_replies(3)
    other = make_thread(author=watcher, title="A second question of mine")
    make_reply(other, author=make_user(name="Dr Ann Answer"))
    make_reply(other, author=make_user(name="Dr Ben Answer"))
    sign_in(client, watcher)
    first = next(n for n in notifications_of(watcher) if n.post_id == posts[0].id)
    response = client.post(f"/notifications/{first.id}/read", data={"next": "/notifications"})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert unread_count(watcher) == 2
    assert client.post("/notifications/read").status_code == 302
    assert unread_count(watcher) == 0
    assert "Nothing unread" in client.get("/notifications").get_data(as_text=True)


def test_someone_elses_notification_is_not_found(app, client):
    watcher, _, _ = _watcher_with_replies()
    note = notifications_of(watcher)[0]
    sign_in(client, make_user())
    assert client.post(f"/notifications/{note.id}/read").status_code == 404
    assert unread_count(watcher) == 1


def test_a_thread_moved_to_staff_only_disappears_from_the_list(app, client):
    watcher, thread, _ = _watcher_with_replies()
    admin, staff_room = make_admin(), make_staff_category()
    moderation_threads.move_thread(admin, loaded(thread), staff_room)
    db.session.commit()
    sign_in(client, watcher)
    html = client.get("/notifications").get_data(as_text=True)
    assert "FIT under 10" not in html


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_notifications_page_runs_a_fixed_number_of_queries(app, client, count_queries):
    """A member watching 50 threads with 200 new posts: the same statements as for one."""
    member = make_user()
    sign_in(client, member)

    def statements() -> int:
        with count_queries() as counter:
            response = client.get("/notifications")
        assert response.status_code == 200
        return counter.count

    thread = make_thread(category=make_category())
    subscriptions.set_thread_level(member, loaded(thread), "watching")
    db.session.commit()
    make_reply(thread)
    one = statements()

    category = make_category()
    threads = [make_thread(category, author=member) for _ in range(50)]
    authors = [make_user() for _ in range(5)]
    for n in range(200):
        make_reply(threads[n % 50], author=authors[n % 5])
    assert len(notifications_of(member)) == 201
    assert statements() == one
    assert one <= 6, one


def test_settings_page_saves_the_delivery_window_and_digest(app, client):
    member = make_user()
    sign_in(client, member)
    assert client.get("/account/notifications").status_code == 200
    response = client.post(
        "/account/notifications",
        data={
            "watch_started": "y",
            "email_enabled": "y",
            "email_days": ["0", "1", "2", "3", "4"],
            "window_start": "18:30",
            "window_end": "23:59",
            "digest": "weekly",
            "digest_time": "07:15",
            "digest_weekday": "0",
        },
    )
    assert response.status_code == 302
    db.session.commit()
    settings = db.session.get(NotificationSettings, member.id)
    assert (settings.email_days, settings.window_start, settings.window_end) == (
        0b11111,
        18 * 60 + 30,
        24 * 60,
    )
    assert (settings.digest, settings.digest_time, settings.watch_replied) == ("weekly", 435, False)
    html = client.get("/account/notifications").get_data(as_text=True)
    assert 'value="18:30"' in html and 'value="07:15"' in html


def test_a_bad_time_redisplays_the_form_with_the_error(app, client):
    sign_in(client, make_user())
    response = client.post(
        "/account/notifications",
        data={"window_start": "half six", "window_end": "22:00", "digest": "off",
              "digest_time": "07:00", "digest_weekday": "0"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Not a valid time value" in response.get_data(as_text=True)


def test_watching_page_sets_category_levels_and_email(app, client):
    member = make_user()
    category = make_category("Safety-netting")
    staff_only = make_staff_category(name="Staff room")
    sign_in(client, member)
    html = client.get("/account/notifications/watching").get_data(as_text=True)
    assert "Safety-netting" in html and "Staff room" not in html
    response = client.post(
        "/account/notifications/watching",
        data={f"category_{category.id}": "watching_first_post"},
    )
    assert response.status_code == 302
    db.session.commit()
    row = db.session.get(CategorySubscription, (member.id, category.id))
    assert (row.level, row.email) == ("watching_first_post", False)
    assert db.session.get(CategorySubscription, (member.id, staff_only.id)) is None


def test_thread_level_is_chosen_at_the_foot_of_the_thread(app, client):
    member = make_user()
    thread = make_thread()
    sign_in(client, member)
    html = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Notifications for this thread" in html
    response = client.post(f"/t/{thread.id}/notifications", data={"level": "tracking"})
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(ThreadSubscription, (member.id, thread.id)).level == "tracking"
    assert client.post(f"/t/{thread.id}/notifications", data={"level": "loud"}).status_code == 302
    assert db.session.get(ThreadSubscription, (member.id, thread.id)).level == "tracking"


def test_a_staff_only_thread_cannot_be_watched_by_members(app, client):
    thread = make_thread(make_staff_category())
    sign_in(client, make_user())
    assert (
        client.post(f"/t/{thread.id}/notifications", data={"level": "watching"}).status_code == 404
    )


def test_category_level_from_the_category_page(app, client):
    member = make_user()
    category = make_category()
    sign_in(client, member)
    assert "Notifications for this category" in client.get(f"/c/{category.slug}").get_data(
        as_text=True
    )
    response = client.post(f"/c/{category.slug}/notifications", data={"level": "watching"})
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(CategorySubscription, (member.id, category.id)).level == "watching"


def test_forgetting_thread_levels(app, client):
    member = make_user()
    thread = make_thread(author=member)
    sign_in(client, member)
    html = client.get("/account/notifications/watching").get_data(as_text=True)
    assert thread.title in html
    response = client.post(
        "/account/notifications/threads/forget", data={"thread": [str(thread.id)]}
    )
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(ThreadSubscription, (member.id, thread.id)) is None


def test_the_account_page_links_to_the_settings(app, client):
    sign_in(client, make_user())
    assert "/account/notifications" in client.get("/account").get_data(as_text=True)
