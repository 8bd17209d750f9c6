"""@group mentions: a mentionable group's members who may read the thread are notified (the
first 50 to have joined), the writer is told when more could read it, and the composer
suggests mentionable groups."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import User
from forum.policy import SYSTEM
from forum.services.discussions import posting
from forum.services.groups import members as memberships
from forum.services.notifications.fanout import GROUP_MENTION_LIMIT
from tests.factories import (
    make_category,
    make_group,
    make_reply,
    make_thread,
    make_user,
    restrict_category,
    sign_in,
)
from tests.notification_helpers import notifications_of


def _mentions(user: User) -> list[int]:
    return [n.post_id for n in notifications_of(user) if n.kind == "mention"]


def _many_members(count: int) -> list[User]:
    """Members who can sign in, made without hashing a password each."""
    users = [
        User(email=f"many{n}@example.org", username=f"many_{n}", display_name=f"Many {n}",
             password_hash="not-a-real-hash")
        for n in range(count)
    ]  # fmt: skip
    db.session.add_all(users)
    db.session.commit()
    return users


def test_a_group_mention_notifies_its_members_who_can_read_the_thread(app):
    writer, ann, ben = make_user(name="Writer"), make_user(name="Ann"), make_user(name="Ben")
    outsider = make_user(name="Out Sider")
    group = make_group("Reviewers", handle="reviewers", is_mentionable=True,
                       members=(writer, ann, ben, outsider))  # fmt: skip
    readers = make_group("Readers", members=(writer, ann, ben))
    category = restrict_category(make_category("Case reviews"), read=(readers,))
    thread = make_thread(category, author=writer)
    post = make_reply(thread, author=writer, body="Could @reviewers look at this?")
    assert _mentions(ann) == [post.id] and _mentions(ben) == [post.id]
    assert _mentions(outsider) == [] and _mentions(writer) == []
    assert group.member_count == 4


def test_a_group_not_open_to_mentions_notifies_nobody(app):
    member = make_user()
    make_group("Quiet", handle="quiet-group", members=(member,))
    post = make_reply(make_thread(), body="Hello @quiet-group")
    assert _mentions(member) == []
    assert "@quiet-group" in post.body_html


def test_an_edit_that_adds_a_group_mention_notifies_its_members_once(app):
    writer, member = make_user(), make_user()
    make_group("Reviewers", handle="reviewers", is_mentionable=True, members=(member,))
    post = make_reply(make_thread(), author=writer, body="First words.")
    from forum import queries

    posting.edit_post(writer, queries.get_post_or_404(post.id, SYSTEM), body="Now @reviewers")
    db.session.commit()
    posting.edit_post(writer, queries.get_post_or_404(post.id, SYSTEM), body="@reviewers again")
    db.session.commit()
    assert _mentions(member) == [post.id]


def test_a_mention_of_a_large_group_notifies_the_first_50_and_tells_the_writer(app, client):
    many = _many_members(GROUP_MENTION_LIMIT + 5)
    group = make_group("Everyone north", handle="north", is_mentionable=True)
    memberships.add_members(SYSTEM, group, many, how="from a list")
    db.session.commit()
    writer = make_user(name="Writer")
    thread = make_thread(author=writer)
    sign_in(client, writer)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "Thoughts, @north?"},
                           follow_redirects=True)  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "@north: 55 of its members can read this thread" in page
    assert "notifies at most 50" in page
    told = [u for u in many if _mentions(u)]
    assert len(told) == GROUP_MENTION_LIMIT
    assert {u.id for u in told} == {u.id for u in many[:GROUP_MENTION_LIMIT]}


def test_a_new_thread_mentioning_a_small_group_says_nothing_extra(app, client):
    member, writer = make_user(), make_user()
    make_group("Reviewers", handle="reviewers", is_mentionable=True, members=(member,))
    category = make_category()
    sign_in(client, writer)
    response = client.post(f"/c/{category.slug}/new", data={
        "title": "A question for the reviewers", "body": "Over to you, @reviewers.",
        "kind": "discussion",
    }, follow_redirects=True)  # fmt: skip
    assert response.status_code == 200
    assert "notifies at most" not in response.get_data(as_text=True)
    [note] = notifications_of(member)
    assert note.kind == "mention"


def test_the_composer_suggests_mentionable_groups_by_handle_or_name(app, client):
    sign_in(client, make_user())
    make_group("Clinical reviewers", handle="reviewers", is_mentionable=True)
    make_group("Reviewers in private", handle="reviewers-private")
    for q in ("rev", "clin", "@Rev"):
        data = client.get(f"/mentions?q={q}").get_json()
        assert data["groups"] == [{"handle": "reviewers", "name": "Clinical reviewers",
                                   "members": 0, "notified_at_most": 50}], q  # fmt: skip
    assert client.get("/mentions?q=").get_json() == {"users": [], "groups": []}


@pytest.mark.parametrize("written", ["@reviewers", "@Reviewers", "(@REVIEWERS)"])
def test_a_post_names_a_group_by_its_handle_in_any_case(app, written):
    member = make_user()
    make_group("Reviewers", handle="reviewers", is_mentionable=True, members=(member,))
    post = make_reply(make_thread(), body=f"Hello {written}, what do you think?")
    assert _mentions(member) == [post.id]


def test_members_see_the_page_of_a_group_they_may_mention_and_the_mention_leads_there(app, client):
    from forum.models import utcnow

    ann = make_user(name="Ann Able", job_title="GP partner")
    gone = make_user(name="Gone Member", deactivated_at=utcnow())
    make_group("Clinical reviewers", handle="reviewers", is_mentionable=True,
               description="They review cases.", members=(ann, gone))  # fmt: skip
    make_group("Private", handle="private-group", members=(ann,))
    sign_in(client, make_user())
    post = make_reply(make_thread(), body="Over to @reviewers")
    assert 'href="/u/reviewers"' in post.body_html
    response = client.get("/u/reviewers")
    assert response.status_code == 302 and response.location.endswith("/g/reviewers")
    page = client.get("/g/REVIEWERS").get_data(as_text=True)
    assert "Clinical reviewers" in page and "They review cases." in page
    assert "Ann Able" in page and "GP partner" in page and "Gone Member" not in page
    assert "1 member" in page and "at most 50" in page
    assert client.get("/g/private-group").status_code == 404
    assert client.get("/u/private-group").status_code == 404
    assert client.get("/g/reviewers?page=2").status_code == 404


def test_a_username_never_takes_a_groups_handle(app, client):
    from forum.services.membership.accounts import unique_username

    make_group("Reviewers", handle="reviewers")
    assert unique_username("Reviewers") == "reviewers2"
    member = make_user()
    sign_in(client, member)
    response = client.post("/account/profile", data={
        "display_name": member.display_name, "username": "reviewers",
    })  # fmt: skip
    assert response.status_code == 422
    assert "A group has that name" in response.get_data(as_text=True)
