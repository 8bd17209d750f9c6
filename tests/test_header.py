"""The site header: one row, the Menu, and the review queue's pending count for moderators."""

from __future__ import annotations

import re

from forum.services.moderation import queue as moderation_queue
from tests.factories import (
    make_category,
    make_category_moderator,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    reported_post,
    sign_in,
)


def _header(client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html.split('<header class="site-header"', 1)[1].split("</header>", 1)[0]


def _pending_badges(header: str) -> list[str]:
    return re.findall(r'Moderation <span class="count-badge">(\d+)<span', header)


def _two_reports():
    mine, other = make_category("Referrals"), make_category("Screening")
    reported_post(make_reply(make_thread(mine)))
    reported_post(make_reply(make_thread(other)))
    return mine


def test_a_category_moderator_counts_only_what_they_may_moderate(app, client):
    mine = _two_reports()
    moderator = make_category_moderator(mine)
    sign_in(client, moderator)

    header = _header(client)

    # The inline link (wide screens) and the Menu's copy (narrow screens) show the same count.
    assert _pending_badges(header) == ["1", "1"]
    assert '<span class="visually-hidden"> pending</span>' in header
    assert moderation_queue.pending_count(moderator) == 1


def test_a_moderator_counts_the_whole_queue(app, client):
    _two_reports()
    sign_in(client, make_moderator())

    assert _pending_badges(_header(client)) == ["2", "2"]


def test_an_empty_queue_shows_no_badge(app, client):
    sign_in(client, make_moderator())

    header = _header(client)

    assert ">Moderation</a>" in header and _pending_badges(header) == []


def test_members_see_no_moderation_link_and_no_count(app, client):
    _two_reports()
    member = make_user()
    sign_in(client, member)

    header = _header(client)

    assert "Moderation" not in header
    assert moderation_queue.pending_count(member) == 0


def test_the_menu_holds_every_link_and_sign_out(app, client):
    sign_in(client, make_user())

    header = _header(client, "/library/")
    menu = header.split('<details class="site-menu" data-menu>', 1)[1].split("</details>", 1)[0]

    for label in ("Home", "Threads", "Library", "Members", "My profile", "Account"):
        assert f">{label}</a>" in menu, label
    assert ">Sign out</button>" in menu
    # The current page is marked in both the inline links and the Menu.
    assert header.count('href="/library/" aria-current="page">Library') == 2


def test_signed_out_pages_have_a_clean_header(app, client):
    header = _header(client, "/login")

    assert "site-menu" not in header and "site-nav" not in header and "site-search" not in header
    assert 'class="brand"' in header


def _queue_counts(counter) -> int:
    return sum(
        1
        for statement in counter.statements
        if "count(" in statement.lower() and "moderation_items" in statement
    )


def test_the_badge_costs_moderators_one_statement_and_members_none(app, client, count_queries):
    _two_reports()
    member, moderator = make_user(), make_moderator()
    sign_in(client, member)
    with count_queries() as seen_by_member:
        client.get("/library/")
    other = app.test_client()
    sign_in(other, moderator)
    with count_queries() as seen_by_moderator:
        other.get("/library/")

    assert _queue_counts(seen_by_member) == 0
    assert _queue_counts(seen_by_moderator) == 1
