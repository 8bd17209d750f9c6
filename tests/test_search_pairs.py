"""Phrases of common words that are rarely side by side: PostgreSQL finds them through the index
of word pairs (``search_word_pairs``, migration 0011), and must find exactly what the phrase
says. Every test runs on SQLite and, when configured, PostgreSQL; the ones about the pairs
themselves check PostgreSQL's index and pass through on SQLite, whose index stores positions."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from forum import search
from forum.extensions import db
from forum.models import Post, Thread, utcnow
from forum.search import postgres, postgres_match, postgres_plans, postgres_survey
from forum.search.facets import Facets
from forum.search.postgres_match import MAX_ADJACENT
from forum.search.query import parse
from forum.services.discussions import posting as discussions
from forum.services.moderation import posts as moderation_posts
from forum.services.moderation import threads as moderation_threads
from tests.factories import (
    loaded,
    make_admin,
    make_category,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    opening_post,
)
from tests.search_plans import record_plans

#: Posts with both words, apart; the phrase "referral pathway" must find none of them.
APART = [
    "The pathway for each referral is slow.",
    "Referral numbers rose; the cancer pathway did not change.",
    "Pathway referral, in the wrong order.",
    "A referral. Then a different pathway entirely, later on.",
]


def found(query: str, actor=None) -> list[str]:
    actor = actor or make_user()
    return [hit.thread.title for hit in search.search_posts(query, actor).hits]


def on_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def pg(app):
    """The app, on PostgreSQL only: these tests are about its index of word pairs (SQLite's
    FTS5 index stores positions, and has none)."""
    if not on_postgres():
        pytest.skip("PostgreSQL's index of word pairs")
    return app


def key(pair: str) -> str:
    """The key a pair of stems is indexed under: 5 hex digits of its md5."""
    return hashlib.md5(pair.encode()).hexdigest()[:5]


def pairs_of(body: str) -> set[str]:
    """The keys of the word pairs PostgreSQL indexes for ``body``."""
    row = db.session.execute(
        text("SELECT tsvector_to_array(search_word_pairs(:body))"), {"body": body}
    ).scalar_one()
    return set(row)


def test_a_phrase_of_common_words_is_found_only_where_they_are_side_by_side(app):
    for n, body in enumerate(APART * 3):
        make_thread(title=f"Apart {n}", body=body)
    make_thread(title="Adjacent", body="Our referral pathway for suspected cancer is new.")
    make_thread(title="Inflected", body="Two referrals pathways were merged last year.")
    db.session.execute(text("ANALYZE"))
    db.session.commit()

    assert sorted(found('"referral pathway"')) == ["Adjacent", "Inflected"]
    assert found('"pathway referral"') == ["Apart 10", "Apart 6", "Apart 2"]  # the wrong order
    assert found('"referral pathway" -suspected') == ["Inflected"]
    assert len(found("referral pathway")) == 14


def test_each_pair_of_a_longer_phrase_must_be_side_by_side(app):
    make_thread(title="Whole phrase", body="Refer under the two week wait pathway today.")
    make_thread(title="Two pairs apart", body="Two week delays; then wait for the pathway.")
    make_thread(title="Other order", body="Wait two week for it.")

    assert found('"two week wait"') == ["Whole phrase"]
    assert found('"two week wait pathway"') == ["Whole phrase"]
    assert found('"week wait"') == ["Whole phrase"]


def test_a_phrase_with_a_stop_word_inside_keeps_its_gap(app):
    """Stems with a stop word between them make no pair: the phrase is found from its words,
    and the gap still has to be there."""
    make_thread(title="With the gap", body="A referral to oncology was made.")
    make_thread(title="Other word in the gap", body="A referral for oncology was made.")
    make_thread(title="No gap", body="A referral oncology clinic.")
    make_thread(title="Two gaps", body="A referral to the oncology team.")

    gap = found('"referral to oncology"')

    assert "With the gap" in gap and "No gap" not in gap and "Two gaps" not in gap
    assert found('"urgent referral to oncology"') == []
    if on_postgres():  # PostgreSQL's phrase asks for one word between, whichever it is
        assert gap == ["Other word in the gap", "With the gap"]
        assert pairs_of("referral to oncology") == set()
        assert pairs_of("urgent referral to oncology") == {key("urgent~referr")}


def test_a_phrase_and_other_words_and_filters_together(app):
    audits, other = make_category("Audits"), make_category("Other")
    author = make_user(username="asha")
    make_thread(audits, title="Audit one", body="Primary care audit of referrals.", author=author)
    make_thread(other, title="Audit two", body="Primary care audit again.", author=author)
    make_thread(audits, title="No audit", body="Primary care is busy.", author=author)
    make_thread(audits, title="Apart", body="Care in primary audit.", author=author)

    assert found('"primary care" audit') == ["Audit two", "Audit one"]
    assert found(f'"primary care" audit category:{audits.slug}') == ["Audit one"]
    assert found('"primary care" audit author:asha -referrals') == ["Audit two"]
    assert found('"primary care" "audit of referrals"') == ["Audit one"]
    assert found('"primary care" "audit of referrals" is:solved') == []


def test_an_edit_that_separates_or_joins_the_words_moves_the_post_in_the_pairs_index(app):
    thread = make_thread(title="Edited", body="Our referral pathway is new.")
    moderator = make_moderator()
    discussions.edit_post(moderator, _loaded(opening_post(thread)), body="Our pathway: referral.")
    db.session.commit()

    assert found('"referral pathway"') == []
    assert found("referral pathway") == ["Edited"]

    discussions.edit_post(moderator, _loaded(opening_post(thread)), body="New referral pathway.")
    db.session.commit()

    assert found('"referral pathway"') == ["Edited"]
    if on_postgres():
        assert _indexed_pairs_match(opening_post(thread).id, f"'{key('referr~pathway')}'")


def test_hidden_and_deleted_posts_are_not_found_by_a_phrase(app):
    thread = make_thread(title="Open thread", body="Opening words.")
    hidden = make_reply(thread, body="A referral pathway we hid.")
    deleted = make_reply(thread, body="A referral pathway we deleted.")
    moderator = make_moderator()
    moderation_posts.hide_post(moderator, _loaded(hidden), reason="Off topic")
    discussions.delete_post(moderator, _loaded(deleted))
    db.session.commit()

    member = search.search_posts('"referral pathway"', make_user())
    as_moderator = search.search_posts('"referral pathway"', moderator)

    assert (member.total, member.hits) == (0, ())
    assert [hit.post.id for hit in as_moderator.hits] == [hidden.id]


def test_a_moved_thread_is_found_by_a_phrase_in_its_new_category(app):
    before, after = make_category("Before"), make_category("After")
    thread = make_thread(before, title="Moving", body="The referral pathway moved.")
    moderation_threads.move_thread(make_admin(), loaded(thread), after)
    db.session.commit()

    assert found(f'"referral pathway" category:{after.slug}') == ["Moving"]
    assert found(f'"referral pathway" category:{before.slug}') == []


def test_a_broad_phrase_ranks_the_newest_matches_as_other_searches_do(app):
    app.config["SEARCH_CANDIDATE_LIMIT"] = 3
    for n in range(5):
        make_thread(title=f"Pathway {n}", body="The referral pathway again.")
        make_thread(title=f"Apart {n}", body="Referral, and a pathway.")
    db.session.execute(text("ANALYZE"))
    db.session.commit()

    results = search.search_posts('"referral pathway"', make_user())

    assert not results.complete
    assert [hit.thread.title for hit in results.hits] == ["Pathway 4", "Pathway 3", "Pathway 2"]


# The pairs themselves (PostgreSQL) -------------------------------------------------------------

#: Texts whose words PostgreSQL's parser splits in unusual ways: compound words, apostrophes,
#: numbers, addresses, repeated words, a stop word at either end, a word with a quote in it.
AWKWARD = [
    "Two-week wait referrals for the patient's first e-mail to nhs.net.",
    "Wait wait, referral referral pathway pathway: 2 week waits.",
    "See http://example.org/it's-a~path for the referral's pathway notes.",
    "C:\\clinic\\path and the referral to oncology; the end.",
    "The safety-netting advice, then safety netting again, and netting safety.",
]


@pytest.mark.parametrize("body", AWKWARD)
def test_every_phrase_a_post_matches_is_found_through_its_pairs(pg, body):
    """Whatever the words, a post that matches a phrase has every pair of the phrase: the
    pairs' index never loses a match. Checked for every run of 2 to 4 words of the post."""
    post = opening_post(make_thread(title="Awkward", body=body))
    words = body.split()
    phrases = {
        " ".join(words[start : start + size])
        for size in (2, 3, 4)
        for start in range(len(words) - size + 1)
    }
    missed = [phrase for phrase in sorted(phrases) if not _found_through_pairs(post.id, phrase)]

    assert missed == []


def test_pairs_are_adjacent_stems_and_nothing_else(pg):
    assert pairs_of("The referral pathway, for the patients' referrals.") == {
        key("referr~pathway"),
        key("patient~referr"),
    }
    assert pairs_of("Two-week wait") == {key("two-week~two"), key("two~week"), key("week~wait")}
    assert pairs_of("the and of") == set()
    assert pairs_of("") == set()


def test_the_pairs_index_is_installed_and_repaired_with_the_rest(pg):
    definition = _pairs_index()
    assert "search_word_pairs(body_source)" in definition

    search.backend().uninstall(db.session.connection())
    assert _pairs_index() is None
    assert search.install() is True
    db.session.commit()

    assert _pairs_index() == definition


def _pairs_index() -> str | None:
    return db.session.execute(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_posts_search_pairs'")
    ).scalar()


def _found_through_pairs(post_id: int, phrase: str) -> bool:
    """True unless the post matches ``phrase`` but the pairs' query built for it (as a search
    builds it) does not match the post's pairs."""
    query = parse(f'"{phrase}"')
    if not query.has_text:
        return True
    connection = db.session.connection()
    pairs = postgres_survey.survey(connection, query).pairs
    matches = connection.execute(
        text("SELECT search_vector @@ to_tsquery('english', :ts_words) FROM posts WHERE id = :id"),
        {**postgres.parameters(query), "id": post_id},
    ).scalar_one()
    if not matches or not pairs:
        return True
    through_pairs = select(Post.id).where(Post.id == post_id, pairs.every())
    return connection.execute(through_pairs, {"ts_pairs": pairs.every_text()}).scalar() == post_id


def _indexed_pairs_match(post_id: int, tsquery_text: str) -> bool:
    return db.session.execute(
        text(
            "SELECT search_word_pairs(body_source) @@ CAST(:pairs AS tsquery) "
            "FROM posts WHERE id = :id"
        ),
        {"pairs": tsquery_text, "id": post_id},
    ).scalar_one()


def _loaded(post: Post) -> Post:
    """The post with its thread and category loaded, as the pages load it."""
    fresh = db.session.get(Post, post.id)
    fresh.thread = loaded(db.session.get(Thread, post.thread_id))
    return fresh


# The newest posts' id buckets (PostgreSQL) -------------------------------------------------------


@pytest.mark.parametrize("bound", [0, 8_191, 8_192, 20_000, 999_424])
def test_the_id_buckets_of_a_range_hold_every_newer_post(pg, bound):
    """``postgres_plans._buckets`` names every bucket a post newer than ``bound`` can be
    in (the index computes them with ``search_id_bucket``), and none wholly older."""
    newest = bound + 30_000
    buckets = postgres_plans._buckets(bound, newest)
    ids = [bound + 1, bound + 8_192, newest, newest + 8_191, bound - 8_193]
    inside = {
        post_id: db.session.execute(
            text("SELECT search_id_bucket(:id) @@ CAST(:buckets AS tsquery)"),
            {"id": post_id, "buckets": buckets},
        ).scalar_one()
        for post_id in ids
        if post_id > 0
    }

    assert inside == {post_id: post_id > bound for post_id in ids if post_id > 0}


def test_a_range_of_the_newest_posts_finds_what_searching_every_post_finds(pg, monkeypatch):
    plans = record_plans(monkeypatch)
    monkeypatch.setattr(postgres_plans, "WALK_COST", 1e9)  # never walk: use the range
    pg.config["SEARCH_CANDIDATE_LIMIT"] = 3
    older = make_thread(title="Older", body="Nothing relevant.")
    for _ in range(40):
        make_reply(older, body="Nothing relevant.")
    for n in range(30):
        make_thread(title=f"Ferritin {n}", body="Low ferritin again.")
    db.session.execute(text("ANALYZE"))
    db.session.commit()

    results = search.search_posts("ferritin", make_user())

    assert [hit.thread.title for hit in results.hits] == [
        "Ferritin 29",
        "Ferritin 28",
        "Ferritin 27",
    ]
    assert plans == [["range", "all"]]


def test_a_date_range_in_the_past_finds_the_newest_matches_written_before_it(pg, monkeypatch):
    """The newest posts cannot match ``before:`` a past day: the range ends where the posts
    written by that day end, and still finds exactly the newest matches before it."""
    plans = record_plans(monkeypatch)
    pg.config["SEARCH_CANDIDATE_LIMIT"] = 3
    old = [opening_post(make_thread(title=f"Old {n}", body="Ferritin.")) for n in range(30)]
    db.session.execute(
        update(Post)
        .where(Post.id.in_([post.id for post in old]))
        .values(created_at=utcnow() - timedelta(days=20))
    )
    for n in range(30):
        make_thread(title=f"New {n}", body="Ferritin.")
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    day = (utcnow() - timedelta(days=5)).date().isoformat()

    assert found(f"ferritin before:{day}") == ["Old 29", "Old 28", "Old 27"]
    assert plans == [["range", "all"]]


# Words that travel together (PostgreSQL's estimates) -------------------------------------------


def _estimate(words: str) -> float:
    connection = db.session.connection()
    query = parse(words)
    survey = postgres_survey.survey(connection, query)
    return postgres_survey.estimated_matches(connection, query, Facets(), survey)[0]


def test_words_that_travel_together_are_estimated_from_the_posts_that_have_them_side_by_side(
    pg, monkeypatch
):
    """The planner takes a search's words as independent: two words in a fifth of the posts
    each, always together, it expects in a twenty-fifth. The posts that have them side by side
    are a floor for the estimate, so the search reads the newest posts instead of every match
    (the same words in the other order are never side by side: the planner's own estimate
    stands)."""
    plans = record_plans(monkeypatch)
    pg.config["SEARCH_CANDIDATE_LIMIT"] = 3
    for n in range(40):
        thread = make_thread(title=f"Advice {n}", body="Safety netting advice given.")
        for _ in range(4):
            make_reply(thread, body="Nothing relevant here.")
    db.session.execute(text("ANALYZE"))
    db.session.commit()

    together, apart = _estimate("safety netting"), _estimate("netting safety")
    newest = found("safety netting")

    assert together >= 30 and apart < 20  # 40 posts have both
    assert newest == ["Advice 39", "Advice 38", "Advice 37"]
    assert plans == [["walk", "all"]]  # with the planner's 8 it read every match
    assert found("netting safety") == newest


def test_side_by_side_words_are_estimated_with_the_rest_of_the_search():
    """Each pair of side-by-side words is estimated with the search's other words, exclusions,
    prefixes and filters; only words (no phrase) are paired, at most ``MAX_ADJACENT`` pairs."""
    query = parse('safety netting advice -cough ferr* "two week"')

    assert postgres_match.adjacent_words(parse("safety netting advice -cough ferr*")) == [
        ("safety netting", "'advice' & !'cough'"),
        ("netting advice", "'safety' & !'cough'"),
    ]
    assert postgres_match.adjacent_words(query) == []  # a phrase: its pairs are used instead
    assert len(postgres_match.adjacent_words(parse("a1 b2 c3 d4 e5 f6"))) == MAX_ADJACENT
