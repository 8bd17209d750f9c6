"""The thread lists' rows: rendered from cards alone, cached by card, never stale or shared."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

from jinja2 import meta

from forum import queries
from forum.cards import threads as thread_cards
from forum.extensions import db
from forum.models import Post
from forum.policy import SYSTEM
from forum.queries import listings
from forum.services.discussions import tags
from forum.services.moderation import posts as moderation_posts
from forum.services.moderation import threads as moderation_threads
from tests.factories import (
    make_category,
    make_moderator,
    make_reply,
    make_tag,
    make_thread,
    make_user,
    opening_post,
    read_up_to,
    sign_in,
)

ALLOWED_NAMES = {"card", "url_for"}
ROWS = re.compile(r'<ul class="thread-list".*?</ul>', re.S)


def _rows(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    found = ROWS.search(response.get_data(as_text=True))
    assert found, f"no thread list on {url}"
    return found.group(0)


def _signed_in(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _post(post_id: int) -> Post:
    """The post as the pages load it, in a new transaction: the pages' requests have written
    since this session's last read (read markers)."""
    db.session.commit()
    return queries.get_post_or_404(post_id, SYSTEM)


def test_the_row_partial_reads_nothing_but_the_card(app):
    """The cache is only correct if the HTML is a function of the card: no current_user, no
    policy, no request, no database behind the card's back."""
    env = app.jinja_env
    source = env.loader.get_source(env, thread_cards.TEMPLATE)[0]
    parsed = env.parse(source)
    names = meta.find_undeclared_variables(parsed)
    assert names <= ALLOWED_NAMES, f"the row reads {sorted(names - ALLOWED_NAMES)}"
    assert list(meta.find_referenced_templates(parsed)) == []


def test_a_second_view_comes_from_the_cache_and_looks_the_same(app):
    category = make_category()
    for _ in range(3):
        make_thread(category)
    client = _signed_in(app, make_user())
    first = _rows(client, f"/c/{category.slug}")
    cache = thread_cards.fragment_cache()
    misses = cache.misses
    second = _rows(client, f"/c/{category.slug}")
    assert cache.misses == misses and cache.hits >= 3
    assert first == second


def test_the_cached_lists_are_the_lists_rendered_without_a_cache(app):
    category, tag = make_category(), make_tag("Safety netting")
    author, reader = make_user(), make_user()
    thread = make_thread(category, author=author, replies=2)
    tags.set_thread_tags(author, _post(opening_post(thread).id).thread, [tag.id])
    db.session.commit()
    make_thread(category)
    read_up_to(reader, thread, 1)
    client = _signed_in(app, reader)
    urls = [f"/c/{category.slug}", "/latest", "/unread", f"/tags/{tag.slug}"]
    for url in urls:
        _rows(client, url)
    cached = {url: _rows(client, url) for url in urls}
    app.config["THREAD_ROW_CACHE_SIZE"] = 0
    uncached = {url: _rows(client, url) for url in urls}
    assert len(thread_cards.fragment_cache()) == 0
    assert cached == uncached
    assert "Safety netting" in cached[f"/tags/{tag.slug}"]
    assert "2 new" in cached["/unread"]  # read up to the opening post: two replies unread


def test_a_new_reply_shows_at_once_in_the_list(app):
    category = make_category()
    thread = make_thread(category, title="Two week wait referrals")
    client = _signed_in(app, make_user())
    assert re.search(r"<dt>Replies</dt><dd>0</dd>", _rows(client, f"/c/{category.slug}"))
    make_reply(thread, author=make_user(name="Dr Late Replier"), body="Another view.")
    rows = _rows(client, f"/c/{category.slug}")
    assert re.search(r"<dt>Replies</dt><dd>1</dd>", rows) and "Dr Late Replier" in rows


def test_each_reader_gets_their_own_unread_state(app):
    category = make_category()
    thread = make_thread(category, replies=3)
    caught_up, behind = make_user(), make_user()
    read_up_to(caught_up, thread, 4)
    read_up_to(behind, thread, 1)
    assert "3 new" in _rows(_signed_in(app, behind), f"/c/{category.slug}")
    up_to_date = _rows(_signed_in(app, caught_up), f"/c/{category.slug}")
    assert "new" not in re.sub(r"<[^>]+>", " ", up_to_date).split()
    assert "thread-row--unread" not in up_to_date


def test_a_hidden_thread_is_marked_for_moderators_and_gone_for_members(app):
    category = make_category()
    moderator, member = make_moderator(), make_user()
    thread = make_thread(category, title="A thread about to be hidden")
    member_client, moderator_client = _signed_in(app, member), _signed_in(app, moderator)
    assert "A thread about to be hidden" in _rows(member_client, f"/c/{category.slug}")
    moderation_posts.hide_post(moderator, _post(opening_post(thread).id), reason="Off topic")
    db.session.commit()
    make_thread(category)  # the member's list is not empty
    assert "A thread about to be hidden" not in _rows(member_client, f"/c/{category.slug}")
    rows = _rows(moderator_client, f"/c/{category.slug}")
    assert "A thread about to be hidden" in rows and "Not visible to members" in rows


def test_a_list_of_several_categories_names_each_row_s_category(app):
    one, two = make_category("Lung pathway"), make_category("Skin pathway")
    make_thread(one)
    make_thread(two)
    client = _signed_in(app, make_user())
    latest = _rows(client, "/latest")
    assert f'href="/c/{one.slug}">Lung pathway</a>' in latest
    assert f'href="/c/{two.slug}">Skin pathway</a>' in latest
    assert "Lung pathway</a>" not in _rows(client, f"/c/{one.slug}")  # its own page


def test_relative_times_move_on_with_the_clock(app):
    reader = make_user()
    category = make_category()
    make_thread(category)
    (row,) = listings.thread_list(
        reader, listings.ListKind.CATEGORY, 1, 25, category=category
    ).items
    now = row.thread.last_post_at.replace(tzinfo=UTC) + timedelta(minutes=5)
    card = thread_cards.card(row, show_category=False, now=now)
    later = thread_cards.card(row, show_category=False, now=now + timedelta(days=2))
    assert card.last_post.label == "5 min ago" and later.last_post.label == "2 days ago"
    assert card != later


def test_a_new_title_shows_at_once(app):
    category = make_category()
    thread = make_thread(category, title="Original title here")
    client = _signed_in(app, make_user())
    assert "Original title here" in _rows(client, f"/c/{category.slug}")
    thread = _post(opening_post(thread).id).thread
    moderation_threads.rename_thread(make_moderator(), thread, title="A clearer title")
    db.session.commit()
    rows = _rows(client, f"/c/{category.slug}")
    assert "A clearer title" in rows and "Original title here" not in rows
