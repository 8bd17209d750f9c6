"""The answers pages over HTTP: every branch's status code, what they show, and 404 for what a
member may not see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Bookmark, Draft, HelpfulMark, Post, Tag, Thread, ThreadRead, User
from tests.factories import (
    make_admin,
    make_category,
    make_moderator,
    make_reply,
    make_staff_category,
    make_tag,
    make_thread,
    make_user,
    read_up_to,
    sign_in,
    solved_thread,
)


def _signed_in(app, user: User):
    """A new browser session signed in as ``user``."""
    client = app.test_client()
    sign_in(client, user)
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _thread(thread_id: int) -> Thread:
    db.session.commit()
    return db.session.get(Thread, thread_id)


# Solutions -----------------------------------------------------------------------------------


def test_asker_marks_a_reply_as_solution_and_everyone_sees_it(app, client):
    asker, answerer = make_user(), make_user(name="Dr Answer")
    thread = make_thread(author=asker, title="Which FIT threshold?")
    answer = make_reply(thread, author=answerer, body="Use **10 µg/g**.")
    sign_in(client, asker)
    response = client.post(f"/t/{thread.id}/solution", data={"post_id": answer.id})
    assert response.status_code == 302 and response.location.endswith("#post-2")
    assert _thread(thread.id).solution_post_id == answer.id
    reader = make_user()
    client = _signed_in(app, reader)
    page = _text(client.get(f"/t/{thread.id}"))
    assert "Accepted answer" in page and f'href="/p/{answer.id}"' in page
    assert page.index("solution-box") < page.index('id="post-2"')
    assert "Solved" in _text(client.get("/latest"))
    assert "Accepted solutions</dt><dd>1" in _text(client.get(f"/u/{answerer.username}"))


def test_a_bystander_gets_403_and_a_staff_only_thread_404(app, client):
    thread = make_thread()
    answer = make_reply(thread)
    hidden = make_thread(make_staff_category())
    sign_in(client, make_user())
    assert client.post(f"/t/{thread.id}/solution", data={"post_id": answer.id}).status_code == 403
    assert client.post(f"/t/{hidden.id}/solution", data={"post_id": answer.id}).status_code == 404
    assert client.post(f"/t/{thread.id}/solution", data={"post_id": "x"}).status_code == 400
    assert client.post(f"/t/{thread.id}/solution/clear").status_code == 403


def test_a_reply_from_another_thread_cannot_be_the_solution(app, client):
    asker = make_user()
    thread = make_thread(author=asker)
    elsewhere = make_reply(make_thread())
    sign_in(client, asker)
    assert (
        client.post(f"/t/{thread.id}/solution", data={"post_id": elsewhere.id}).status_code == 404
    )


def test_clearing_the_solution(app, client):
    asker = make_user()
    thread, _ = solved_thread(author=asker)
    sign_in(client, asker)
    assert client.post(f"/t/{thread.id}/solution/clear").status_code == 302
    assert _thread(thread.id).solution_post_id is None


# Helpful and bookmarks -----------------------------------------------------------------------


def test_helpful_mark_and_who_marked(app, client):
    author, reader = make_user(), make_user(name="Dr Reader")
    post = make_reply(make_thread(), author=author)
    sign_in(client, reader)
    assert client.post(f"/p/{post.id}/helpful").status_code == 302
    assert client.post(f"/p/{post.id}/helpful").status_code == 302
    db.session.commit()
    assert db.session.get(Post, post.id).helpful_count == 1
    page = _text(client.get(f"/p/{post.id}/helpful"))
    assert "Dr Reader" in page
    assert client.post(f"/p/{post.id}/helpful/remove").status_code == 302
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(HelpfulMark)) == 0
    client = _signed_in(app, author)
    assert client.post(f"/p/{post.id}/helpful").status_code == 403


def test_bookmarks_page_lists_and_removes(app, client):
    me = make_user()
    post = make_reply(make_thread(title="Worth keeping"))
    sign_in(client, me)
    assert client.post(f"/p/{post.id}/bookmark").status_code == 302
    assert "Worth keeping" in _text(client.get("/bookmarks"))
    response = client.post(f"/p/{post.id}/bookmark/remove", data={"next": "/bookmarks"})
    assert response.location == "/bookmarks"
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Bookmark)) == 0


def test_staff_only_posts_are_404_for_every_answer_action(app, client):
    post = make_reply(make_thread(make_staff_category()), author=make_moderator())
    sign_in(client, make_user())
    for url in (f"/p/{post.id}/helpful", f"/p/{post.id}/bookmark", f"/p/{post.id}/helpful/remove"):
        assert client.post(url).status_code == 404
    for url in (
        f"/p/{post.id}/helpful",
        f"/p/{post.id}/revisions",
        f"/p/{post.id}/revisions/diff",
        f"/p/{post.id}/quote",
        f"/t/{post.thread_id}/unread",
        f"/t/{post.thread_id}/reply",
        f"/t/{post.thread_id}/tags",
    ):
        assert client.get(url).status_code == 404, url


# Unread ------------------------------------------------------------------------------------


def test_viewing_a_thread_marks_it_read_and_the_link_jumps_to_the_first_unread(app, client):
    reader = make_user()
    thread = make_thread(title="Catch up", replies=2)
    sign_in(client, reader)
    assert "Catch up" in _text(client.get("/unread"))
    assert client.get(f"/t/{thread.id}").status_code == 200
    db.session.commit()
    assert db.session.get(ThreadRead, (reader.id, thread.id)).last_read_post_number == 3
    assert "Catch up" not in _text(client.get("/unread"))
    make_reply(thread)
    make_reply(thread)
    page = _text(client.get("/unread"))
    assert "2 new" in page and f"/t/{thread.id}/unread" in page
    response = client.get(f"/t/{thread.id}/unread")
    assert response.status_code == 302 and response.location.endswith("#post-4")


def test_mark_all_read_from_a_list(app, client):
    reader = make_user()
    category = make_category()
    make_thread(category, title="The only one")
    sign_in(client, reader)
    response = client.post("/read-all", data={"category": category.slug, "next": "//evil.example"})
    assert response.status_code == 302 and response.location == f"/c/{category.slug}"
    assert "The only one" not in _text(client.get("/unread"))
    assert client.post("/read-all", data={"category": "nope"}).status_code == 404


@pytest.mark.parametrize(
    "path", ["/latest", "/unread", "/unanswered", "/unsolved", "/my-threads", "/bookmarks", "/tags"]
)
def test_list_pages_and_their_filters(app, client, path):
    category = make_category()
    make_thread(category)
    sign_in(client, make_user())
    assert client.get(path).status_code == 200
    assert client.get(f"{path}?category={category.slug}").status_code == 200
    assert client.get(f"{path}?page=0").status_code in (200, 400)
    assert client.get(f"{path}?page=abc").status_code in (200, 400)


def test_filtering_by_a_staff_only_category_is_404(app, client):
    staff = make_staff_category()
    sign_in(client, make_user())
    assert client.get(f"/latest?category={staff.slug}").status_code == 404
    assert client.get("/latest?page=9").status_code == 404
    assert client.get("/tags/no-such-tag").status_code == 404


def test_category_and_home_pages_show_unread_counts(app, client):
    reader = make_user()
    category = make_category(name="Referrals")
    make_thread(category)
    sign_in(client, reader)
    assert "1 unread" in _text(client.get("/"))
    assert "New" in _text(client.get(f"/c/{category.slug}"))


def test_members_share_the_list_statements_and_each_gets_their_own_lists(app):
    """List statements are built once per shape of reader, with the reader's id and dates
    bound at each run: one member's view must never leave their id in another's list."""
    from forum.queries import listings

    first, second = make_user(), make_user()
    category = make_category(name="Shared lists")
    read_thread = make_thread(category, title="Read by the first member")
    read_up_to(first, read_thread, 1)
    own_thread = make_thread(category, author=second, title="Started by the second member")
    read_up_to(second, own_thread, 1)
    built = listings._list_statements.cache_info().misses
    for _ in range(2):
        unread = _text(_signed_in(app, first).get("/unread"))
        assert "Read by the first member" not in unread and "Started by the second" in unread
        unread = _text(_signed_in(app, second).get("/unread"))
        assert "Read by the first member" in unread and "Started by the second" not in unread
        mine = _text(_signed_in(app, second).get("/my-threads"))
        assert "Started by the second member" in mine and "Read by the first" not in mine
        assert "Started by the second" not in _text(_signed_in(app, first).get("/my-threads"))
    # Two lists, each a count and a page statement, whoever reads them.
    assert listings._list_statements.cache_info().misses <= built + 2


# Tags ----------------------------------------------------------------------------------------


def test_tag_page_and_thread_tags(app, client):
    tag = make_tag("NG12")
    author = make_user()
    thread = make_thread(author=author, title="Tagged thread")
    sign_in(client, author)
    assert client.get(f"/t/{thread.id}/tags").status_code == 200
    assert client.post(f"/t/{thread.id}/tags", data={"tags": [tag.id]}).status_code == 302
    assert "Tagged thread" in _text(client.get(f"/tags/{tag.slug}"))
    assert client.post(f"/t/{thread.id}/tags", data={"tags": ["999"]}).status_code == 422
    client = _signed_in(app, make_user())
    assert client.post(f"/t/{thread.id}/tags", data={"tags": [tag.id]}).status_code == 403


def test_staff_manage_tags_and_members_get_404(app, client):
    sign_in(client, make_user())
    assert client.get("/admin/tags").status_code == 404
    assert client.post("/admin/tags", data={"name": "Sneaky"}).status_code == 404
    assert client.get("/admin/case-template").status_code == 404
    client = _signed_in(app, make_moderator())
    assert client.get("/admin/tags").status_code == 200
    assert client.post("/admin/tags", data={"name": "Safety-netting"}).status_code == 302
    assert client.post("/admin/tags", data={"name": "safety netting"}).status_code == 422
    assert client.post("/admin/tags", data={"name": ""}).status_code == 422
    db.session.commit()
    tag = db.session.scalars(select(Tag)).one()
    assert client.get(f"/admin/tags/{tag.id}/edit").status_code == 200
    assert (
        client.post(f"/admin/tags/{tag.id}/edit", data={"name": "Safety netting"}).status_code
        == 302
    )
    assert client.post(f"/admin/tags/{tag.id}/delete").status_code == 302
    assert client.post("/admin/tags/999/delete").status_code == 404


def test_admins_require_the_case_template_on_the_categorys_form(app, client):
    category = make_category()
    sign_in(client, make_admin())
    assert client.get("/admin/case-template").headers["Location"] == "/admin/categories"
    response = client.post(
        f"/admin/categories/{category.id}/edit",
        data={"name": category.name, "slug": category.slug, "requires_case_template": "y"},
    )
    assert response.status_code == 302
    client = _signed_in(app, make_user())
    page = _text(client.get(f"/c/{category.slug}/new"))
    assert "use the case question template" in page
    response = client.post(f"/c/{category.slug}/new", data={"title": "Plain", "body": "Hi"})
    assert response.status_code == 422


# Composing -----------------------------------------------------------------------------------


def test_new_question_with_tags_and_case_template(app, client):
    category = make_category()
    tag = make_tag("Lung")
    sign_in(client, make_user())
    data = {
        "title": "Hoarse voice, normal X-ray",
        "kind": "case",
        "age_band": "60–69",
        "presentation": "Hoarse for four weeks.",
        "question": "Refer?",
        "no_identifiers": "y",
        "tags": [tag.id],
    }
    response = client.post(f"/c/{category.slug}/new", data=data)
    assert response.status_code == 302, _text(response)[-2000:]
    db.session.commit()
    thread = db.session.scalars(select(Thread)).one()
    assert thread.kind == "case"
    page = _text(client.get(response.location))
    assert "Case question" in page and "Lung" in page and "Hoarse for four weeks." in page


def test_a_failed_new_thread_keeps_the_text_and_a_draft(app, client):
    category = make_category()
    me = make_user()
    sign_in(client, me)
    response = client.post(
        f"/c/{category.slug}/new", data={"title": "Hi", "body": "A long careful question"}
    )
    assert response.status_code == 422
    assert "A long careful question" in _text(response)
    db.session.commit()
    assert db.session.scalars(select(Draft)).one().body == "A long careful question"
    page = _text(client.get(f"/c/{category.slug}/new"))
    assert "A long careful question" in page and "Discard draft" in page
    assert client.post(f"/drafts/thread/{category.slug}/discard").status_code == 302
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Draft)) == 0


def test_drafts_json_endpoint(app, client):
    thread = make_thread()
    sign_in(client, make_user())
    response = client.post(f"/drafts/reply/{thread.id}", json={"body": "Typing..."})
    assert response.status_code == 200 and response.json["saved"] is True
    assert "Typing..." in _text(client.get(f"/t/{thread.id}"))
    response = client.post(f"/drafts/reply/{thread.id}", json={"body": "NHS 943 476 5919"})
    assert response.status_code == 422 and response.json["saved"] is False
    assert (
        client.post(f"/drafts/reply/{thread.id}", json=["not", "an", "object"]).status_code == 400
    )
    assert client.post(f"/drafts/reply/{thread.id}", json={"body": 5}).status_code == 400
    assert client.post(f"/drafts/reply/{thread.id}/discard", json={}).json == {"discarded": True}


def test_posting_a_reply_discards_the_draft_and_records_the_context(app, client):
    thread = make_thread(replies=1)
    target = db.session.scalars(select(Post).where(Post.post_number == 2)).one()
    sign_in(client, make_user())
    client.post(f"/drafts/reply/{thread.id}", json={"body": "Draft"})
    response = client.post(f"/t/{thread.id}/reply", data={"body": "Agreed", "reply_to": target.id})
    assert response.status_code == 302
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Draft)) == 0
    page = _text(client.get(f"/t/{thread.id}"))
    assert "In reply to" in page and "#2 by" in page
    assert (
        client.post(f"/t/{thread.id}/reply", data={"body": "", "reply_to": "x"}).status_code == 422
    )


def test_quote_and_reply_pages(app, client):
    thread = make_thread(replies=1)
    target = db.session.scalars(select(Post).where(Post.post_number == 2)).one()
    sign_in(client, make_user())
    page = _text(client.get(f"/t/{thread.id}/reply?quote={target.id}"))
    assert "&gt; Reply 1" in page and f"[wrote](/p/{target.id})" in page
    assert client.get(f"/t/{thread.id}/reply?to={target.id}").status_code == 200
    assert client.get(f"/t/{thread.id}/reply?quote=abc").status_code == 400
    assert client.get(f"/p/{target.id}/quote").json["markdown"].startswith("> **")
    assert (
        client.get(f"/t/{thread.id}/reply?quote={make_reply(make_thread()).id}").status_code == 404
    )


def test_mentions_and_similar_threads(app, client):
    make_user(name="Priya Shah")
    make_thread(title="Safety-netting negative FIT results")
    sign_in(client, make_user())
    users = client.get("/mentions?q=priya").json["users"]
    assert [u["display_name"] for u in users] == ["Priya Shah"]
    assert client.get("/mentions?q=").json == {"users": [], "groups": []}
    assert client.get("/mentions?q=%25").json == {"users": [], "groups": []}
    threads = client.get("/similar?title=negative FIT safety netting").json["threads"]
    assert threads and threads[0]["title"] == "Safety-netting negative FIT results"
    assert client.get("/similar?title=").json == {"threads": []}


def test_similar_threads_never_include_staff_only_ones(app, client):
    make_thread(make_staff_category(), title="Staff rota for safety-netting audit")
    sign_in(client, make_user())
    assert client.get("/similar?title=safety-netting audit rota").json == {"threads": []}


# Revisions -----------------------------------------------------------------------------------


def _edited_post(author: User) -> Post:
    from forum import queries
    from forum.policy import SYSTEM
    from forum.services.discussions import posting as discussions

    post = make_reply(make_thread(), author=author, body="First line\nSecond <b>line</b>")
    post = queries.get_post_or_404(post.id, SYSTEM)
    discussions.edit_post(author, post, body="First line\nSecond line, changed", reason="typo")
    db.session.commit()
    return post


def test_author_and_staff_see_revisions_and_a_diff_others_only_edited(app, client):
    author = make_user()
    post = _edited_post(author)
    sign_in(client, author)
    page = _text(client.get(f"/p/{post.id}/revisions"))
    assert "Version 2" in page and "typo" in page
    diff = _text(client.get(f"/p/{post.id}/revisions/diff?from=1&to=2"))
    assert "<ins>" in diff and "<del>" in diff
    assert "&lt;b&gt;" in diff and "<b>line" not in diff
    assert client.get(f"/p/{post.id}/revisions/diff?from=1&to=9").status_code == 400
    assert client.get(f"/p/{post.id}/revisions/diff?from=x").status_code == 400
    client = _signed_in(app, make_moderator())
    assert client.get(f"/p/{post.id}/revisions").status_code == 200
    client = _signed_in(app, make_user())
    assert client.get(f"/p/{post.id}/revisions").status_code == 403
    thread_page = _text(client.get(f"/t/{post.thread_id}"))
    assert "edited" in thread_page and "/revisions" not in thread_page


def test_in_reply_to_context_for_a_post_on_another_page(app, client):
    app.config["POSTS_PER_PAGE"] = 2
    thread = make_thread(replies=3)
    target = db.session.scalars(select(Post).where(Post.post_number == 2)).one()
    sign_in(client, make_user(name="Dr Late"))
    client.post(f"/t/{thread.id}/reply", data={"body": "Back to #2", "reply_to": target.id})
    page = _text(client.get(f"/t/{thread.id}?page=3"))
    assert "Back to #2" in page and f'href="/p/{target.id}">#2 by' in page
