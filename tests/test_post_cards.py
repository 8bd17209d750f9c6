"""The thread page's posts: rendered from cards alone, cached by card, never stale or shared."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from jinja2 import meta

from forum import queries
from forum.cards import posts as post_cards
from forum.extensions import db
from forum.models import Post
from forum.policy import SYSTEM
from forum.services.discussions import helpful
from forum.services.discussions import posting as discussions
from forum.services.moderation import posts as moderation_posts
from tests.conftest import build_app
from tests.factories import (
    PASSWORD,
    loaded,
    make_category_moderator,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    opening_post,
    sign_in,
)

#: The partials a post is rendered from, and the only names they may read.
PARTIALS = (
    "_partials/post.html",
    "_partials/post_context.html",
    "_partials/post_answers.html",
    "_partials/post_answers_menu.html",
    "_partials/post_standing.html",
    "moderation/_post_status.html",
    "moderation/_post_actions.html",
)
ALLOWED_NAMES = {"card", "csrf_value", "url_for"}


def _page(client, thread) -> str:
    response = client.get(f"/t/{thread.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _signed_in(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def test_the_post_partials_read_nothing_but_the_card(app):
    """The cache is only correct if the HTML is a function of the card: no current_user, no
    policy, no request, no database behind the card's back."""
    env = app.jinja_env
    for name in PARTIALS:
        source = env.loader.get_source(env, name)[0]
        names = meta.find_undeclared_variables(env.parse(source))
        assert names <= ALLOWED_NAMES, f"{name} reads {sorted(names - ALLOWED_NAMES)}"
        for included in meta.find_referenced_templates(env.parse(source)):
            assert included in PARTIALS or included == "_macros/ui.html", included


def test_a_second_view_comes_from_the_cache_and_looks_the_same(app):
    thread = make_thread(replies=3)
    client = _signed_in(app, make_user())
    first = _page(client, thread)
    cache = post_cards.fragment_cache()
    misses = cache.misses
    second = _page(client, thread)
    assert cache.misses == misses and cache.hits >= 4
    assert _posts_html(first) == _posts_html(second)


def test_the_cached_page_is_the_page_rendered_without_a_cache(app):
    thread = make_thread(replies=2)
    make_reply(thread, body="Ferritin was 9; I referred.")
    member = make_user()
    client = _signed_in(app, member)
    _page(client, thread)
    cached = _page(client, thread)
    app.config["POST_FRAGMENT_CACHE_SIZE"] = 0
    uncached = _page(client, thread)
    assert len(post_cards.fragment_cache()) == 0
    assert _posts_html(cached) == _posts_html(uncached)


def test_an_edit_shows_at_once(app):
    author = make_user()
    thread = make_thread(author=author, body="Before the edit.")
    client = _signed_in(app, make_user())
    assert "Before the edit." in _page(client, thread)
    discussions.edit_post(author, _post(opening_post(thread).id), body="After the edit.")
    db.session.commit()
    page = _page(client, thread)
    assert "After the edit." in page and "Before the edit." not in page


def test_hiding_a_post_shows_at_once_to_its_author_and_hides_it_from_others(app):
    author, other, moderator = make_user(), make_user(), make_moderator()
    thread = make_thread()
    reply = make_reply(thread, author=author, body="Soon to be hidden.")
    author_client, other_client = _signed_in(app, author), _signed_in(app, other)
    assert "Soon to be hidden." in _page(author_client, thread)
    assert "Soon to be hidden." in _page(other_client, thread)
    moderation_posts.hide_post(moderator, _post(reply.id), reason="Off topic")
    db.session.commit()
    page = _page(author_client, thread)
    assert "Hidden by the moderators." in page and "Reason: Off topic" in page
    assert "Soon to be hidden." not in _page(other_client, thread)


def test_readers_with_different_rights_never_get_each_others_html(app):
    author, member, moderator = make_user(), make_user(), make_moderator()
    thread = make_thread()
    reply = make_reply(thread, author=author, body="Shared words.")
    pages = {
        who: _page(_signed_in(app, user), thread)
        for who, user in (("author", author), ("member", member), ("moderator", moderator))
    }
    edit_link = f'href="/p/{reply.id}/edit"'
    moderate_link = f'href="/mod/posts/{reply.id}"'
    assert edit_link in pages["author"] and edit_link not in pages["member"]
    assert moderate_link in pages["moderator"] and moderate_link not in pages["member"]
    assert "Report" in pages["member"] and f"/p/{reply.id}/report" not in pages["author"]


def test_a_helpful_mark_shows_pressed_on_the_next_view(app):
    reader = make_user()
    thread = make_thread()
    reply = make_reply(thread, body="Worth marking.")
    client = _signed_in(app, reader)
    pressed = re.compile(rf'action="/p/{reply.id}/helpful/remove"')
    assert not pressed.search(_page(client, thread))
    helpful.mark_helpful(reader, _post(reply.id))
    db.session.commit()
    page = _page(client, thread)
    assert pressed.search(page) and "1 found this helpful" in page


def test_each_reader_gets_their_own_csrf_token_and_the_forms_work(app, database_url):
    csrf_app = build_app(database_url, WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        thread = make_thread()
        reply = make_reply(thread, body="Mark me helpful.")
        one, two = make_user(), make_user()
        tokens = {}
        for user in (one, two):
            client = csrf_app.test_client()
            login = client.get("/login").get_data(as_text=True)
            response = client.post(
                "/login",
                data={"email": user.email, "password": PASSWORD, "csrf_token": _token(login)},
            )
            assert response.status_code == 302
            _page(client, thread)  # fills the cache
            page = _page(client, thread)
            assert post_cards.CSRF_PLACEHOLDER not in page
            found = re.findall(r'name="csrf_token"[^>]*value="([^"]*)"', page)
            assert len(found) >= 3 and len(set(found)) == 1 and found[0], (
                "every form of the page carries the reader's token"
            )
            tokens[user.id] = found[0]
            form = re.search(rf'action="/p/{reply.id}/helpful".*?</form>', page, re.S).group(0)
            response = client.post(f"/p/{reply.id}/helpful", data={"csrf_token": _token(form)})
            assert response.status_code in (302, 303), response.headers.get("Location")
            assert "login" not in response.headers["Location"]
        assert tokens[one.id] != tokens[two.id]
        db.session.commit()  # a new read transaction sees the requests' writes
        assert db.session.get(Post, reply.id).helpful_count == 2


def test_relative_times_move_on_with_the_clock(app):
    reader = make_user()
    thread = loaded(make_thread())
    (post,) = queries.thread_posts(thread, 1, 20, reader).items
    now = post.created_at + timedelta(minutes=5)
    (card,) = post_cards.cards(reader, thread, [post], now=now)
    (later,) = post_cards.cards(reader, thread, [post], now=now + timedelta(days=2))
    assert card.created.label == "5 min ago" and later.created.label == "2 days ago"
    assert card != later


def test_the_cache_is_bounded_and_keeps_the_recently_used():
    cache = post_cards.FragmentCache(size=2)
    a, b, c = (_card(n) for n in (1, 2, 3))
    cache.put(a, "a")
    cache.put(b, "b")
    assert cache.get(a) == "a"  # a is now the most recent
    cache.put(c, "c")
    assert len(cache) == 2 and cache.get(b) is None and cache.get(a) == "a"
    off = post_cards.FragmentCache(size=0)
    off.put(a, "a")
    assert off.get(a) is None and len(off) == 0


def _card(number: int) -> post_cards.PostCard:
    stamp = post_cards.Stamp.of(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC))
    fields = {name: False for name in post_cards.PostCard.__dataclass_fields__}
    fields.update(
        post_id=number,
        number=number,
        thread_id=1,
        status_reason="",
        author_name="A",
        author_initials="A",
        author_username=None,
        author_job_title="",
        author_alliance="",
        author_interests="",
        created=stamp,
        edited=None,
        body_html="<p>x</p>",
        reply_to=None,
        helpful_count=0,
        open_items=0,
    )
    return post_cards.PostCard(**fields)


def _post(post_id: int) -> Post:
    """The post as the pages load it: with its thread, category and author."""
    db.session.commit()
    return queries.get_post_or_404(post_id, SYSTEM)


def _posts_html(page: str) -> str:
    """The posts of a page, without the parts that change per request (the CSRF token)."""
    start, end = page.index('<div class="posts">'), page.index('<section class="reply-box"')
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page[start:end])


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_members_share_one_posts_statement_and_each_sees_only_their_own_hidden_post(app):
    """The page's statement is built once per shape of reader, with the reader's id bound at
    each run: one member's view must never leave their id in another's statement."""
    first, second = make_user(), make_user()
    thread = make_thread()
    for author in (first, second):
        reply = make_reply(thread, author=author, body=f"Hidden words of {author.username}.")
        moderation_posts.hide_post(make_moderator(), _post(reply.id), reason="Off topic")
    db.session.commit()
    mine = {user.username: f"Hidden words of {user.username}." for user in (first, second)}
    built = queries._thread_posts_statement.cache_info().misses
    for user, other in ((first, second), (second, first), (first, second)):
        page = _page(_signed_in(app, user), thread)
        assert mine[user.username] in page and mine[other.username] not in page
    assert queries._thread_posts_statement.cache_info().misses <= built + 1
    moderator_page = _page(
        _signed_in(app, make_category_moderator(loaded(thread).category)), thread
    )
    assert all(words in moderator_page for words in mine.values())
