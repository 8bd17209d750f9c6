"""Watched words: block (the form explains why), hold for review, or flag."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditEntry, Flag, ModerationItem, Post, Thread, WatchedWord
from forum.policy import SYSTEM
from forum.services.moderation import words as moderation_words
from tests.factories import make_category, make_moderator, make_thread, make_user, sign_in


def watch(phrase: str, action: str, explanation: str = "") -> WatchedWord:
    db.session.commit()
    word = moderation_words.add_watched_word(
        SYSTEM, phrase=phrase, action=action, explanation=explanation
    )
    db.session.commit()
    return word


@pytest.mark.parametrize(
    ("phrase", "text", "matches"),
    [
        ("miracle cure", "Try this Miracle  Cure today", True),
        ("miracle cure", "miraculous cures", False),
        ("refer*", "We referred her on", True),
        ("refer*", "preferred route", False),
        ("crypto", "CRYPTO!", True),
        ("c++", "I code in C++ daily", True),
        ("ne.w", "new", False),
    ],
)
def test_matching_is_whole_words_and_ignores_case(phrase, text, matches):
    word = WatchedWord(phrase=moderation_words.normalise_phrase(phrase), action="flag")
    assert bool(moderation_words.matching_words(text, [word])) is matches


def test_a_blocked_word_refuses_the_post_and_explains_why(app, client):
    watch("buy now", "block", "Advertising is not allowed on the forum.")
    thread = make_thread()
    sign_in(client, make_user())
    response = client.post(f"/t/{thread.id}/reply", data={"body": "Great offer, BUY NOW!"})
    assert response.status_code == 422
    assert "Your post contains “buy now”".encode() in response.data
    assert b"Advertising is not allowed on the forum." in response.data
    assert b"Great offer, BUY NOW!" in response.data
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_a_blocked_word_in_a_title_blocks_the_new_thread(app, client):
    watch("buy now", "block")
    category = make_category()
    sign_in(client, make_user())
    response = client.post(
        f"/c/{category.slug}/new", data={"title": "Buy now: cheap scans", "body": "Body."}
    )
    assert response.status_code == 422 and b"remove it and post again" in response.data


def test_a_hold_word_holds_the_post_for_review(app, client):
    watch("second opinion", "hold")
    thread = make_thread()
    sign_in(client, make_user())
    client.post(f"/t/{thread.id}/reply", data={"body": "I want a second opinion on this."})
    db.session.commit()
    post = db.session.scalars(select(Post).where(Post.post_number == 2)).one()
    assert post.held_at is not None
    item = db.session.scalars(select(ModerationItem)).one()
    assert item.kind == "held" and "second opinion" in item.summary
    assert db.session.get(Thread, thread.id).reply_count == 0


def test_a_flag_word_publishes_and_raises_a_report(app, client):
    watch("homeopathy", "flag")
    thread = make_thread()
    sign_in(client, make_user())
    client.post(f"/t/{thread.id}/reply", data={"body": "Has anyone tried homeopathy?"})
    db.session.commit()
    post = db.session.scalars(select(Post).where(Post.post_number == 2)).one()
    assert post.held_at is None and post.hidden_at is None
    flag = db.session.scalars(select(Flag)).one()
    assert flag.reporter_id is None and flag.reason == "watched_word"
    assert db.session.get(Thread, thread.id).reply_count == 1


def test_an_edit_that_adds_a_hold_word_holds_the_post_again(app, client):
    author = make_user()
    thread = make_thread(replies=0)
    sign_in(client, author)
    client.post(f"/t/{thread.id}/reply", data={"body": "Fine words."})
    watch("second opinion", "hold")
    db.session.commit()
    post = db.session.scalars(select(Post).where(Post.post_number == 2)).one()
    response = client.post(f"/p/{post.id}/edit", data={"body": "Get a second opinion."})
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(Post, post.id).held_at is not None
    assert db.session.get(Thread, thread.id).reply_count == 0


def test_moderators_are_not_screened(app, client):
    watch("buy now", "block")
    thread = make_thread()
    sign_in(client, make_moderator())
    response = client.post(f"/t/{thread.id}/reply", data={"body": "Do not write 'buy now'."})
    assert response.status_code == 302


def test_staff_manage_watched_words(app, client):
    moderator = make_moderator()
    sign_in(client, moderator)
    page = client.get("/mod/watched-words/")
    added = client.post(
        "/mod/watched-words/",
        data={"phrase": "  Miracle   CURE ", "action": "block", "explanation": "No cures."},
    )
    duplicate = client.post(
        "/mod/watched-words/", data={"phrase": "miracle cure", "action": "hold"}
    )
    bad_action = client.post("/mod/watched-words/", data={"phrase": "other", "action": "explode"})
    assert page.status_code == 200
    assert added.status_code == 302
    assert duplicate.status_code == 422 and b"already watched" in duplicate.data
    assert bad_action.status_code == 422
    db.session.commit()
    word = db.session.scalars(select(WatchedWord)).one()
    assert (word.phrase, word.action) == ("miracle cure", "block")

    changed = client.post(
        f"/mod/watched-words/{word.id}", data={"action": "flag", "explanation": ""}
    )
    assert changed.status_code == 302
    db.session.commit()
    assert db.session.get(WatchedWord, word.id).action == "flag"
    assert client.post(f"/mod/watched-words/{word.id}/remove").status_code == 302
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(WatchedWord)) == 0
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.like("watched_word.%"))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["watched_word.add", "watched_word.change", "watched_word.remove"]
