"""A category restricted to a group is missing, for members outside it, from every place the
forum shows content: pages, lists, counts, unread counts, search, the library, notifications
and digests. Members of the group see it everywhere; staff always do."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from forum.extensions import db
from forum.models import User, WatchLevel, utcnow
from forum.services.notifications import subscriptions
from forum.services.notifications.schedule import LONDON
from tests.factories import (
    make_category,
    make_group,
    make_moderator,
    make_reply,
    make_resource,
    make_thread,
    make_user,
    restrict_category,
    sign_in,
)
from tests.mail_server import text_of
from tests.notification_helpers import notifications_of, run_worker, set_email_settings

SECRET = "Zebrafish tumour board minutes"


@pytest.fixture
def world(app):
    insider, outsider = make_user(name="In Sider"), make_user(name="Out Sider")
    moderator = make_moderator(name="Mo Derator")
    group = make_group("Reviewers", members=(insider,))
    reviews = make_category("Case reviews")
    open_ = make_category("Open discussion")
    for reader in (insider, outsider):
        subscriptions.set_category_level(reader, reviews, WatchLevel.WATCHING)
    db.session.commit()
    reviews = restrict_category(reviews, read=(group,))
    thread = make_thread(reviews, author=moderator, title=SECRET, body="Zebrafish notes.")
    make_thread(open_, author=moderator, title="Open to everyone")
    return {"insider": insider, "outsider": outsider, "moderator": moderator,
            "reviews": reviews, "thread": thread}  # fmt: skip


def _as(app, user: User):
    client = app.test_client()
    sign_in(client, user)
    return client


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


LISTS = ["/", "/latest", "/unread", "/search?q=zebrafish", "/account/notifications"]


def test_the_group_sees_the_category_everywhere_and_others_nowhere(app, world):
    thread, reviews = world["thread"], world["reviews"]
    insider, outsider = _as(app, world["insider"]), _as(app, world["outsider"])
    for url in LISTS:
        if url != "/account/notifications":
            assert SECRET in _page(insider, url), url
        assert SECRET not in _page(outsider, url), url
        assert "Case reviews" not in _page(outsider, url), url
    for url in (f"/c/{reviews.slug}", f"/t/{thread.id}", f"/t/{thread.id}/{thread.slug}"):
        assert insider.get(url).status_code == 200
        assert outsider.get(url).status_code == 404
    staff = _as(app, world["moderator"])
    assert SECRET in _page(staff, "/latest") and SECRET in _page(staff, "/search?q=zebrafish")


def test_notifications_reach_only_the_group(app, world):
    outsider, insider = world["outsider"], world["insider"]
    body = f"Please look, @{outsider.username} and @{insider.username}."
    reply = make_reply(world["thread"], author=world["moderator"], body=body)
    kinds = sorted((n.kind, n.post_id) for n in notifications_of(insider))
    assert kinds == [("mention", reply.id), ("new_thread", world["thread"].id and kinds[1][1])]
    assert notifications_of(outsider) == []


def test_a_member_taken_out_of_the_group_stops_hearing_of_it(app, world):
    from forum.policy import SYSTEM
    from forum.queries import groups as group_queries
    from forum.services.groups import members as memberships

    insider = _as(app, world["insider"])
    assert SECRET in _page(insider, "/notifications")
    db.session.commit()
    [group] = group_queries.all_groups()
    memberships.remove_member(SYSTEM, group, world["insider"])
    db.session.commit()
    told = len(notifications_of(world["insider"]))
    make_reply(world["thread"], author=world["moderator"], body="A later reply.")
    assert len(notifications_of(world["insider"])) == told
    assert SECRET not in _page(insider, "/notifications")
    assert insider.get(f"/t/{world['thread'].id}").status_code == 404
    assert SECRET not in _page(insider, "/latest")


def test_the_library_shows_a_group_resource_only_to_the_group(app, world):
    resource = make_resource(world["reviews"], author=world["moderator"], title="Zebrafish kit")
    insider, outsider = _as(app, world["insider"]), _as(app, world["outsider"])
    assert "Zebrafish kit" in _page(insider, "/library/")
    assert "Zebrafish kit" not in _page(outsider, "/library/")
    assert outsider.get(f"/library/{resource.id}").status_code == 404


def test_the_digest_leaves_out_a_category_the_member_can_no_longer_read(app, world, smtp_server):
    smtp_server.configure(app)
    for reader in (world["insider"], world["outsider"]):
        set_email_settings(reader, digest="daily", digest_time=7 * 60, email_enabled=False,
                           digest_since=utcnow() - timedelta(days=3))  # fmt: skip
    make_thread(world["reviews"], author=world["moderator"], title="Zebrafish follow-up")
    db.session.commit()
    local = utcnow().astimezone(LONDON)
    due = local.replace(hour=7, minute=1, second=0, microsecond=0) + timedelta(days=1)
    run_worker(app, due.astimezone(UTC))
    bodies = {
        r: [text_of(m) for m in smtp_server.to(world[r].email)] for r in ("insider", "outsider")
    }
    assert any("Zebrafish follow-up" in body for body in bodies["insider"])
    assert not any("Zebrafish" in body for body in bodies["outsider"])
