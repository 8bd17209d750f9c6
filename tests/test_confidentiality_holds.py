"""Identifiers that combine wait for a moderator's confidentiality check.

Two or more confirmed kinds that point at a person (a name, a date of birth, a postcode...) in
one post, its title included, hold the post: nobody but its author and the category's
moderators sees it, finds it or hears about it until a moderator clears it. One kind alone
publishes as before. Identifiers are synthetic.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from forum import queries
from forum.extensions import db
from forum.models import (
    AuditEntry,
    ConfidentialityReview,
    ItemKind,
    Notification,
    Post,
    Thread,
    User,
    WatchedWord,
    WordAction,
)
from forum.pii import combination
from forum.policy import SYSTEM
from forum.queries import moderation as moderation_reads
from forum.services.confidentiality import decisions as confidentiality_decisions
from forum.services.confidentiality import guard as confidentiality
from forum.services.confidentiality import holds
from forum.services.confidentiality import reviews as confidentiality_reviews
from forum.services.discussions import posting as discussions
from forum.services.moderation import decisions as moderation_decisions
from forum.services.moderation import flags as moderation_flags
from tests.factories import (
    loaded,
    make_category,
    make_category_moderator,
    make_moderator,
    make_thread,
    make_user,
    opening_post,
    sign_in,
)

COMBINED = "Mrs Jones, born 12/03/1958, lives near LS6 2QT: ferritin 9, would you refer?"
NAME_ONLY = "Mrs Jones has a ferritin of 9: would you refer?"
DOB = "She was born 12/03/1958."
CLEAN = "Ferritin 9, Hb 98: would you refer on the suspected cancer pathway?"


def seen(**texts: str) -> list[str]:
    """What ticking the box after the server asked about ``texts`` confirms."""
    return confidentiality.scan_fields(texts).confirm_fingerprints


def confirmed_reply(thread: Thread, author: User, body: str) -> Post:
    post = discussions.reply_to_thread(
        author, loaded(thread), body=body, pii_confirmed=seen(body=body)
    )
    db.session.commit()
    return post


def loaded_post(post: Post) -> Post:
    """The post with its thread and category, as the pages load it."""
    return queries.get_post_or_404(post.id, SYSTEM)


def review_of(post: Post) -> ConfidentialityReview:
    """The post's latest review, loaded with its post as the queue loads it."""
    stmt = select(ConfidentialityReview.id).where(ConfidentialityReview.post_id == post.id)
    review_id = db.session.scalars(stmt.order_by(ConfidentialityReview.id.desc())).first()
    return confidentiality_reviews.get_review(review_id) if review_id else None


def held_item(post: Post):
    item = moderation_flags.open_item_for(post.id, ItemKind.HELD)
    return moderation_reads.load_items([item.id])[item.id]


def found(client, post: Post) -> bool:
    """Does searching for "zebrafish" list ``post``?"""
    return f'href="/p/{post.id}"' in client.get("/search?q=zebrafish").text


def notifications_about(post: Post) -> int:
    stmt = select(func.count()).select_from(Notification).where(Notification.post_id == post.id)
    return db.session.scalar(stmt) or 0


def actions(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# The rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "held"),
    [
        ({"titled_name"}, False),
        ({"postcode"}, False),
        ({"ni_number"}, False),
        ({"titled_name", "date_of_birth"}, True),
        ({"date_of_birth", "postcode"}, True),
        ({"hospital_number", "phone"}, True),
        ({"email", "ni_number"}, True),
        # Nudges point at nobody alone and are never confirmed: they do not count.
        ({"titled_name", "exact_age_90_plus"}, False),
        (set(), False),
    ],
)
def test_kinds_combine_when_two_point_at_a_person(kinds, held):
    assert combination.combines(kinds) is held


def test_the_hold_reason_names_the_kinds_not_the_text():
    reason = combination.hold_reason(["postcode", "titled_name", "date_of_birth"])
    assert reason == (
        "Awaiting a confidentiality check: the writer confirmed a name, date of birth and "
        "address together."
    )
    assert combination.is_check_hold(reason) and not combination.is_check_hold("Watched word")
    assert combination.detail(reason).startswith("The writer confirmed a name")


# Holding ----------------------------------------------------------------------------------


def test_a_reply_with_a_name_a_birth_date_and_a_postcode_is_held(app):
    starter = make_user()
    thread = make_thread(author=starter)
    post = confirmed_reply(thread, make_user(), COMBINED)
    assert post.is_held and holds.is_held_for_check(post)
    assert "name, date of birth and address" in post.held_reason
    review = review_of(post)
    assert review.is_open and set(review.kind_list) == {"titled_name", "date_of_birth", "postcode"}
    thread = db.session.get(Thread, thread.id)
    assert thread.reply_count == 0  # not counted until it is published
    # The thread's starter watches it, and hears nothing yet.
    assert notifications_about(post) == 0
    (entry,) = actions("confidentiality.hold")
    assert entry.target_id == post.id and entry.after["review_id"] == review.id
    assert COMBINED not in str(entry.after) and "Jones" not in entry.reason


def test_one_kind_alone_publishes_at_once(app):
    thread = make_thread(author=make_user())
    post = confirmed_reply(thread, make_user(), NAME_ONLY)
    assert not post.is_held
    assert review_of(post).is_open  # still reviewed, as before
    assert db.session.get(Thread, thread.id).reply_count == 1
    assert notifications_about(post) == 1
    assert actions("confidentiality.hold") == []


def test_two_of_the_same_kind_are_one_kind(app):
    thread = make_thread()
    post = confirmed_reply(thread, make_user(), "Mrs Jones and Mr Patel both asked.")
    assert not post.is_held


def test_a_title_and_a_body_combine(app):
    category, author = make_category(), make_user()
    title, body = "Advice for Mrs Jones please", "She lives near LS6 2QT. Ferritin 9."
    thread = discussions.create_thread(
        author, category, title=title, body=body, pii_confirmed=seen(title=title, body=body)
    )
    db.session.commit()
    post = opening_post(thread)
    assert holds.is_held_for_check(post) and thread.hidden_at is not None
    category = db.session.get(type(category), category.id)
    assert category.thread_count == 0 and category.post_count == 0
    assert db.session.get(User, author.id).post_count == 0


def test_moderators_of_the_category_are_not_held(app):
    category = make_category()
    thread = make_thread(category)
    moderator = make_category_moderator(category)
    post = discussions.reply_to_thread(moderator, loaded(thread), body=COMBINED)
    db.session.commit()
    assert not post.is_held and review_of(post) is None


def test_an_edit_adding_a_second_kind_holds_a_published_post_again(app):
    starter, writer = make_user(), make_user()
    thread = make_thread(author=starter)
    post = confirmed_reply(thread, writer, NAME_ONLY)
    assert not post.is_held and db.session.get(Thread, thread.id).reply_count == 1
    body = f"{NAME_ONLY} {DOB}"
    discussions.edit_post(writer, loaded_post(post), body=body, pii_confirmed=seen(body=body))
    db.session.commit()
    post = db.session.get(Post, post.id)
    assert holds.is_held_for_check(post)
    assert "name and date of birth" in post.held_reason
    assert db.session.get(Thread, thread.id).reply_count == 0
    assert notifications_about(post) == 0  # the starter's notification is withdrawn
    assert len(actions("confidentiality.hold")) == 1


def test_a_new_title_that_completes_a_combination_hides_the_thread_again(app):
    category, author = make_category(), make_user()
    body = "Mrs Jones: ferritin 9, would you refer?"
    thread = discussions.create_thread(
        author, category, title="Iron deficiency", body=body, pii_confirmed=seen(body=body)
    )
    db.session.commit()
    assert thread.hidden_at is None
    title = "Iron deficiency near LS6 2QT"
    post = loaded_post(opening_post(thread))
    discussions.edit_post(
        author, post, body=body, title=title, pii_confirmed=seen(title=title, body=body)
    )
    db.session.commit()
    assert holds.is_held_for_check(db.session.get(Post, post.id))
    assert db.session.get(Thread, thread.id).hidden_at is not None
    assert db.session.get(type(category), category.id).thread_count == 0


def test_an_edit_of_a_cleared_post_that_adds_nothing_new_stays_published(app):
    writer = make_user()
    post = confirmed_reply(make_thread(), writer, COMBINED)
    confidentiality_decisions.clear_review(make_moderator(), review_of(post))
    db.session.commit()
    body = COMBINED.replace("would you refer?", "would you refer? Thanks.")
    discussions.edit_post(writer, loaded_post(post), body=body)
    db.session.commit()
    assert not db.session.get(Post, post.id).is_held


# Releasing --------------------------------------------------------------------------------


def test_clearing_the_review_publishes_the_post_and_tells_watchers(app):
    starter, writer, moderator = make_user(), make_user(), make_moderator()
    thread = make_thread(author=starter)
    post = confirmed_reply(thread, writer, f"{COMBINED} @{starter.username}")
    assert notifications_about(post) == 0
    confidentiality_decisions.clear_review(moderator, review_of(post))
    db.session.commit()
    post = db.session.get(Post, post.id)
    assert not post.is_held and post.held_reason == ""
    assert db.session.get(Thread, thread.id).reply_count == 1
    assert db.session.get(User, writer.id).post_count == 1
    assert notifications_about(post) == 1  # the starter, mentioned and watching: once
    (entry,) = actions("confidentiality.release")
    assert (entry.actor_id, entry.target_id) == (moderator.id, post.id)
    assert review_of(post).outcome == "cleared"


def test_clearing_a_held_opening_post_shows_the_thread(app):
    category = make_category()
    title, body = "Advice for Mrs Jones please", "She lives near LS6 2QT."
    thread = discussions.create_thread(
        make_user(), category, title=title, body=body, pii_confirmed=seen(title=title, body=body)
    )
    db.session.commit()
    confidentiality_decisions.clear_review(make_moderator(), review_of(opening_post(thread)))
    db.session.commit()
    assert db.session.get(Thread, thread.id).hidden_at is None
    assert db.session.get(type(category), category.id).thread_count == 1


def test_a_post_also_held_for_a_watched_word_waits_for_both(app):
    db.session.add(WatchedWord(phrase="homeopathy", action=WordAction.HOLD))
    db.session.commit()
    moderator = make_moderator()
    post = confirmed_reply(make_thread(), make_user(), f"{COMBINED} Homeopathy?")
    assert post.is_held
    moderation_decisions.approve_post(moderator, held_item(post))
    db.session.commit()
    post = db.session.get(Post, post.id)
    assert holds.is_held_for_check(post)  # approved, but not yet checked
    confidentiality_decisions.clear_review(moderator, review_of(post))
    db.session.commit()
    assert not db.session.get(Post, post.id).is_held


def test_a_check_before_the_approval_leaves_the_approval_to_do(app):
    db.session.add(WatchedWord(phrase="homeopathy", action=WordAction.HOLD))
    db.session.commit()
    moderator = make_moderator()
    post = confirmed_reply(make_thread(), make_user(), f"{COMBINED} Homeopathy?")
    confidentiality_decisions.clear_review(moderator, review_of(post))
    db.session.commit()
    post = db.session.get(Post, post.id)
    assert post.is_held and not holds.is_held_for_check(post)
    moderation_decisions.approve_post(moderator, held_item(post))
    db.session.commit()
    assert not db.session.get(Post, post.id).is_held


def test_deleting_a_held_post_takes_it_out_of_the_queue(app, client):
    post = confirmed_reply(make_thread(), make_user(), COMBINED)
    moderator = make_moderator()
    sign_in(client, moderator)
    assert "queue-entry--confidentiality" in client.get("/mod/?type=confidentiality").text
    client.post(f"/mod/posts/{post.id}/delete", data={"delete-reason": "Identifies a patient."})
    assert "queue-entry--confidentiality" not in client.get("/mod/?type=confidentiality").text
    db.session.commit()
    assert review_of(post).outcome == "deleted"


# What other members see -------------------------------------------------------------------


def _as(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def test_others_cannot_read_find_or_hear_of_a_held_post(app):
    starter, writer, other = make_user(), make_user(), make_user()
    thread = make_thread(author=starter, title="Iron deficiency in an older woman")
    post = confirmed_reply(thread, writer, f"{COMBINED} zebrafish")
    for reader in (starter, other):
        client = _as(app, reader)
        assert "zebrafish" not in client.get(f"/t/{thread.id}").text
        assert client.get(f"/p/{post.id}").status_code == 404
        assert not found(client, post)
        assert "zebrafish" not in client.get("/latest").text
        assert "zebrafish" not in client.get("/account/notifications").text
    author = _as(app, writer)
    page = author.get(f"/t/{thread.id}").text
    assert "zebrafish" in page and "Awaiting a confidentiality check." in page
    assert "the moderators have been asked to check it" in page
    moderator = _as(app, make_moderator())
    seen_by_moderator = moderator.get(f"/t/{thread.id}").text
    assert "Awaiting a confidentiality check.</strong>" in seen_by_moderator
    assert "The writer confirmed a name, date of birth and address together." in seen_by_moderator
    queue = moderator.get("/mod/?type=confidentiality").text
    assert "Held for a confidentiality check" in queue and "nobody else can see this post" in queue


def test_a_held_thread_is_not_listed_or_found(app):
    category, writer, other = make_category(), make_user(), make_user()
    title, body = "Mrs Jones and her zebrafish", "She lives near LS6 2QT."
    thread = discussions.create_thread(
        writer, category, title=title, body=body, pii_confirmed=seen(title=title, body=body)
    )
    db.session.commit()
    client = _as(app, other)
    assert client.get(f"/t/{thread.id}").status_code == 404
    for url in ("/", "/latest", f"/c/{category.slug}"):
        assert "zebrafish" not in client.get(url).text, url
    assert not found(client, opening_post(thread))
    mine = _as(app, writer).get(f"/t/{thread.id}").text
    assert "Awaiting a confidentiality check." in mine
    assert "Your thread is awaiting approval" not in mine  # it says why, once


def test_once_cleared_others_read_and_find_it(app):
    thread, other = make_thread(), make_user()
    post = confirmed_reply(thread, make_user(), f"{COMBINED} zebrafish")
    confidentiality_decisions.clear_review(make_moderator(), review_of(post))
    db.session.commit()
    client = _as(app, other)
    assert "zebrafish" in client.get(f"/t/{thread.id}").text
    assert found(client, post)


# The writer's side, through the form ------------------------------------------------------


def test_the_writer_is_told_plainly_after_posting(app, client):
    thread = make_thread()
    sign_in(client, make_user())
    asked = client.post(f"/t/{thread.id}/reply", data={"body": COMBINED})
    assert asked.status_code == 422
    marks = re.search(r'name="pii_seen" value="([0-9a-f ]+)"', asked.text).group(1)
    sent = client.post(
        f"/t/{thread.id}/reply",
        data={"body": COMBINED, "pii_confirmed": "y", "pii_seen": marks},
        follow_redirects=True,
    )
    assert sent.status_code == 200
    assert "Your post is awaiting a confidentiality check" in sent.text
    assert "a name, date of birth and address could identify a person" in sent.text
    assert "It will appear to other members once they have" in sent.text


def test_a_moderator_clears_it_from_the_queue(app, client, reload):
    post = confirmed_reply(make_thread(), make_user(), COMBINED)
    sign_in(client, make_moderator())
    review = review_of(post)
    done = client.post(
        f"/mod/confidentiality/{review.id}/clear", data={"next": "/mod/"}, follow_redirects=True
    )
    assert "It is published now" in done.text
    reload()
    assert not db.session.get(Post, post.id).is_held


def test_redacting_a_held_post_completes_its_check(app, client, reload):
    thread = make_thread()
    post = confirmed_reply(thread, make_user(), COMBINED)
    sign_in(client, make_moderator())
    page = client.get(f"/mod/posts/{post.id}/redact").text
    assert "redacting it completes the check" in page
    chosen = re.findall(r'name="spans" value="([0-9a-f]{64})"[^>]*checked', page)
    assert client.post(f"/mod/posts/{post.id}/redact", data={"spans": chosen}).status_code == 302
    reload()
    post = db.session.get(Post, post.id)
    assert not post.is_held and "[redacted]" in post.body_source
    assert review_of(post).outcome == "redacted"
    assert len(actions("confidentiality.release")) == 1
