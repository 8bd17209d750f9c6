"""Search finds the thread that answers the question, ranked well, and never what the searcher
may not see. Every test runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, text, update

from forum import search
from forum.extensions import db
from forum.models import Post, Thread, utcnow
from forum.search import sqlite
from forum.services.discussions import posting as discussions
from forum.services.discussions import tags
from tests.factories import (
    loaded,
    make_admin,
    make_category,
    make_moderator,
    make_reply,
    make_staff_category,
    make_thread,
    make_user,
    opening_post,
)
from tests.search_plans import record_plans


def found(query: str, actor, **kwargs) -> list[str]:
    """Titles of the threads ``actor`` finds, in order."""
    return [hit.thread.title for hit in search.search_posts(query, actor, **kwargs).hits]


def accept(thread: Thread, post: Post) -> None:
    """Mark ``post`` as the thread's accepted answer (as the solutions feature will)."""
    db.session.execute(
        update(Thread).where(Thread.id == thread.id).values(solution_post_id=post.id)
    )
    db.session.commit()


def backdate(post: Post, days: int) -> None:
    db.session.execute(
        update(Post).where(Post.id == post.id).values(created_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


# Words, phrases, exclusions and prefixes ---------------------------------------------------


def test_a_word_finds_the_post_that_contains_it(app):
    make_thread(title="Bowel symptoms", body="Raised calprotectin in a young adult.")
    make_thread(title="Breast clinic", body="Two week wait for a lump.")

    assert found("calprotectin", make_user()) == ["Bowel symptoms"]


def test_words_are_stemmed_english(app):
    make_thread(title="Pathways", body="We made three referrals last week.")

    assert found("referral", make_user()) == ["Pathways"]


def test_every_word_must_match(app):
    make_thread(title="Both words", body="Ferritin was low and the FIT was positive.")
    make_thread(title="One word", body="Ferritin was low.")

    assert found("ferritin fit", make_user()) == ["Both words"]


def test_a_quoted_phrase_matches_only_those_words_together(app):
    make_thread(title="Together", body="Our safety netting system works.")
    make_thread(title="Apart", body="Netting the results improves safety.")

    assert found('"safety netting"', make_user()) == ["Together"]


def test_a_minus_sign_excludes_a_word(app):
    make_thread(title="Lung query", body="Haemoptysis and weight loss.")
    make_thread(title="Lung with smoking", body="Haemoptysis in a smoker.")

    assert found("haemoptysis -smoker", make_user()) == ["Lung query"]


def test_a_star_matches_the_start_of_words(app):
    make_thread(title="Dysphagia", body="Progressive dysphagia to solids.")

    assert found("dysph*", make_user()) == ["Dysphagia"]


def test_very_common_words_are_left_out_rather_than_required(app):
    make_thread(title="Question", body="Calprotectin results.")

    results = search.search_posts("what are the calprotectin", make_user())

    assert [hit.thread.title for hit in results.hits] == ["Question"]


@pytest.mark.parametrize(
    "query",
    [
        '"unterminated phrase',
        "AND OR NOT",
        'title:x {body}: NEAR(a b) ^start "a" + "b"',
        "*** --- ::: \"\" ''",
        "-only -excluded",
        "a" * 600,
        "é ñ ü 日本語 😀 \x00 \x02 \x03",
        "category: author: @ is: before: after: tag:",
        "before:2024-13-45 after:yesterday is:maybe @Not-A-Name",
        " ".join(f"word{n}" for n in range(40)),
        "'; DROP TABLE posts; --",
        "NEAR(calprotectin results, 3)",
        "a* b* c*",
    ],
)
def test_any_input_gets_an_answer(app, query):
    make_thread(title="Something", body="Calprotectin results.")

    results = search.search_posts(query, make_user())

    assert results.total >= 0


# Ranking -------------------------------------------------------------------------------------


def test_a_title_match_ranks_above_body_matches(app):
    make_thread(title="Audit of practice", body="Haematuria haematuria haematuria in men.")
    make_thread(title="Visible haematuria in women", body="A question about referral.")

    assert found("haematuria", make_user()) == ["Visible haematuria in women", "Audit of practice"]


def test_a_solved_thread_ranks_above_an_unsolved_one(app):
    solved = make_thread(title="First question", body="Lymphadenopathy in the neck.")
    make_thread(title="Second question", body="Lymphadenopathy in the neck.")
    accept(solved, make_reply(solved, body="Refer if over 2cm."))

    assert found("lymphadenopathy", make_user()) == ["First question", "Second question"]


def test_the_accepted_answer_is_shown_for_a_solved_thread(app):
    thread = make_thread(title="A question", body="Anyone seen hypercalcaemia like this?")
    make_reply(thread, body="Hypercalcaemia: check the PTH.")
    answer = make_reply(thread, body="Hypercalcaemia with a low PTH needs an urgent referral.")
    accept(thread, answer)

    hit = search.search_posts("hypercalcaemia", make_user()).hits[0]

    assert hit.post.id == answer.id
    assert hit.is_accepted_answer
    assert hit.matches == 3


def test_newer_posts_rank_above_older_equally_relevant_ones(app):
    old = make_thread(title="Older thread", body="Thrombocytosis in primary care.")
    make_thread(title="Newer thread", body="Thrombocytosis in primary care.")
    backdate(opening_post(old), days=400)

    assert found("thrombocytosis", make_user()) == ["Newer thread", "Older thread"]


def test_results_are_grouped_by_thread_showing_the_best_post(app):
    long_text = "Mesothelioma, once. " + " ".join(["A long opening post about other things."] * 20)
    thread = make_thread(title="Grouped", body=long_text)
    make_reply(thread, body="Unrelated reply.")
    best = make_reply(thread, body="Mesothelioma: mesothelioma after asbestos.")

    results = search.search_posts("mesothelioma", make_user())

    assert results.total == 1
    assert [hit.post.id for hit in results.hits] == [best.id]
    assert results.hits[0].matches == 2


def test_results_are_paginated(app):
    category = make_category()
    author = make_user()
    for n in range(7):
        make_thread(category, author=author, title=f"Sarcoma thread {n}", body="Sarcoma.")

    first = search.search_posts("sarcoma", make_user(), page=1, per_page=5)
    second = search.search_posts("sarcoma", make_user(), page=2, per_page=5)

    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (7, 2, 5, 2)
    assert {h.thread.id for h in first.hits}.isdisjoint({h.thread.id for h in second.hits})


def test_a_page_past_the_last_still_knows_the_total(app):
    make_thread(title="Only one", body="Myeloma.")

    results = search.search_posts("myeloma", make_user(), page=3, per_page=5)

    assert (results.hits, results.total, results.pages) == ((), 1, 1)


def test_a_broad_search_ranks_only_the_newest_matches_and_says_so(app):
    app.config["SEARCH_CANDIDATE_LIMIT"] = 3
    for n in range(5):
        make_thread(title=f"Common {n}", body="Fatigue.")

    results = search.search_posts("fatigue", make_user())

    assert not results.complete
    assert results.total == 3
    assert {hit.thread.title for hit in results.hits} == {"Common 2", "Common 3", "Common 4"}


def test_a_broad_search_walks_the_newest_posts_and_a_narrow_one_uses_the_index(app, monkeypatch):
    """PostgreSQL walks the newest posts when the estimate says many match and asks the GIN
    index otherwise, or when the walk falls short (SQLite's index is already in newest-first
    order): the answer is the same as searching everything."""
    plans = record_plans(monkeypatch)
    app.config["SEARCH_CANDIDATE_LIMIT"] = 3
    writer = make_user(username="early_writer")
    early = make_thread(title="Early", body="Sarcoidosis and fatigue.", author=writer)
    for n in range(4):
        later = make_thread(title=f"Later {n}", body="Sarcoidosis.")
        for _ in range(5):
            make_reply(later, body="Sarcoidosis flare.")
    for n in range(10):
        make_thread(title=f"Filler {n}", body="Nothing relevant.")
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    member = make_user()

    newest = search.search_posts("sarcoidosis", member)
    walked = list(plans)
    with_author = found("sarcoidosis author:early_writer", member)
    rare_pair = found("sarcoidosis fatigue", member)
    phrase = found('"sarcoidosis flare"', member)
    no_phrase = found('"flare sarcoidosis"', member)

    assert [hit.thread.title for hit in newest.hits] == ["Later 3"]
    assert not newest.complete
    assert with_author == rare_pair == [early.title]
    assert (phrase, no_phrase) == (["Later 3"], [])
    if db.engine.dialect.name == "postgresql":
        assert walked == [["walk", "all"]]  # the GIN index only if the walk falls short
        assert plans[-1][-1] == "pairs"  # phrases: the index of word pairs finds the posts


def test_when_the_first_plan_finds_too_few_the_same_search_falls_back_to_every_post(
    app, monkeypatch
):
    """The newest posts the first plan looks at are hidden from the searcher, so it finds
    less than the window's worth: the answer is still the newest matches they may see (on
    PostgreSQL the fallback runs inside the same statement, only when needed)."""
    plans = record_plans(monkeypatch)
    app.config["SEARCH_CANDIDATE_LIMIT"] = 3
    older = make_thread(title="Older", body="Nothing relevant.")
    for _ in range(60):
        make_reply(older, body="Nothing relevant.")
    for n in range(3):
        make_thread(title=f"Seen {n}", body="Sarcoidosis.")
    for n in range(40):
        hidden = opening_post(make_thread(title=f"Hidden {n}", body="Sarcoidosis."))
        db.session.execute(update(Post).where(Post.id == hidden.id).values(hidden_at=utcnow()))
    db.session.execute(text("ANALYZE"))
    db.session.commit()

    assert found("sarcoidosis", make_user()) == ["Seen 2", "Seen 1", "Seen 0"]
    if db.engine.dialect.name == "postgresql":
        assert plans == [["walk", "all"]]


# Snippets ------------------------------------------------------------------------------------


def test_snippets_mark_the_matches(app):
    make_thread(title="Anaemia", body="Iron deficiency anaemia in a man of 60.")

    hit = search.search_posts("anaemia", make_user()).hits[0]

    assert "<mark>anaemia</mark>" in str(hit.snippet)
    assert str(hit.title) == "<mark>Anaemia</mark>"


def test_snippets_escape_what_the_post_says(app):
    body = 'Pancreatic <script>alert("x")</script> & <b>bold</b> \\<mark>fake</mark>'
    make_thread(title="Escaping", body=body)

    snippet = str(search.search_posts("pancreatic", make_user()).hits[0].snippet)

    # PostgreSQL's headline drops HTML-like tags; SQLite keeps them as escaped text.
    assert "<script>" not in snippet and "<b>" not in snippet and "&amp;" in snippet
    assert snippet.count("<mark>") == snippet.count("</mark>") == 1


def test_a_title_only_match_shows_the_start_of_the_post(app):
    make_thread(title="Melanoma follow up", body="How often do you review after excision?")

    hit = search.search_posts("melanoma", make_user()).hits[0]

    assert hit.title_match
    assert "How often do you review" in str(hit.snippet)


def test_every_result_has_its_snippet_wherever_its_post_lies(app, monkeypatch):
    """Snippets for posts among the newest candidates, beyond what SQLite's pass down their
    range reads (``sqlite.RANGE_ROWS``, made tiny here), and far older than them (an old
    thread found by its title, whose post says the word too)."""
    monkeypatch.setattr(sqlite, "RANGE_ROWS", 2)
    app.config["SEARCH_CANDIDATE_LIMIT"] = 8
    make_thread(title="Old carcinoid", body="An old carcinoid question.")
    for n in range(6):
        make_thread(title=f"Newer {n}", body=f"Carcinoid syndrome, case {n}.")
    asha = make_user(name="Asha Patel")
    mine = make_thread(author=asha, title="Asha's case", body="My carcinoid case.")
    for n in range(3):
        make_reply(mine, body=f"Another carcinoid note {n}.")

    everything = search.search_posts("carcinoid", make_user(), per_page=20)
    by_asha = search.search_posts(f"carcinoid author:{asha.username}", make_user())

    titles = {hit.thread.title for hit in everything.hits}
    assert {"Old carcinoid", "Asha's case", "Newer 5", "Newer 4", "Newer 3", "Newer 2"} <= titles
    assert all("<mark>" in str(hit.snippet).lower() for hit in everything.hits)
    assert [hit.thread.title for hit in by_asha.hits] == ["Asha's case"]
    assert "<mark>" in str(by_asha.hits[0].snippet).lower()


# Filters -------------------------------------------------------------------------------------


def test_category_filter(app):
    screening = make_category("Screening")
    make_thread(screening, title="In screening", body="Cervical cytology.")
    make_thread(title="Elsewhere", body="Cervical cytology.")

    assert found(f"cytology category:{screening.slug}", make_user()) == ["In screening"]


def test_author_filter_by_username_or_at_sign(app):
    asha = make_user(name="Asha Patel")
    make_thread(author=asha, title="Her thread", body="Cholangiocarcinoma.")
    make_thread(title="Someone else's", body="Cholangiocarcinoma.")

    assert found(f"cholangiocarcinoma author:{asha.username}", make_user()) == ["Her thread"]
    assert found(f"cholangiocarcinoma @{asha.username.upper()}", make_user()) == ["Her thread"]


def test_solved_and_unsolved_filters(app):
    solved = make_thread(title="Solved one", body="Glioma.")
    make_thread(title="Open one", body="Glioma.")
    accept(solved, make_reply(solved, body="Answered."))

    assert found("glioma is:solved", make_user()) == ["Solved one"]
    assert found("glioma is:unsolved", make_user()) == ["Open one"]


def test_date_filters_include_the_named_day(app):
    old = make_thread(title="Old news", body="Seminoma.")
    make_thread(title="New news", body="Seminoma.")
    backdate(opening_post(old), days=30)
    day = (utcnow() - timedelta(days=30)).date()

    assert found(f"seminoma before:{day.isoformat()}", make_user()) == ["Old news"]
    assert found(f"seminoma after:{day.isoformat()}", make_user()) == ["New news", "Old news"]
    assert found(f"seminoma before:{day.strftime('%d/%m/%Y')}", make_user()) == ["Old news"]


def test_filters_work_without_words(app):
    asha = make_user(name="Asha Patel")
    make_thread(author=asha, title="Asha's first", body="Anything.")
    make_thread(author=asha, title="Asha's second", body="Anything else.")
    make_thread(title="Someone else's", body="Anything.")

    assert found(f"@{asha.username}", make_user()) == ["Asha's second", "Asha's first"]


def test_an_unknown_author_or_category_says_so(app):
    make_thread(title="Something", body="Retinoblastoma.")

    by_nobody = search.search_posts("retinoblastoma author:nobody_here", make_user())
    nowhere = search.search_posts("retinoblastoma category:nowhere", make_user())

    assert by_nobody.hits == () and "No member has the username “nobody_here”." in by_nobody.notices
    assert nowhere.hits == () and "There is no category “nowhere”." in nowhere.notices


def test_tag_filter(app):
    admin = make_admin()
    tag = tags.create_tag(admin, name="Two week wait")
    tagged = make_thread(title="Tagged thread", body="Neuroblastoma.")
    make_thread(title="Untagged thread", body="Neuroblastoma.")
    tags.set_thread_tags(admin, loaded(tagged), [tag.id])
    db.session.commit()

    assert found(f"neuroblastoma tag:{tag.slug}", make_user()) == ["Tagged thread"]
    assert found(f"tag:{tag.slug}", make_user()) == ["Tagged thread"]
    unknown = search.search_posts("neuroblastoma tag:no-such-tag", make_user())
    assert unknown.hits == () and unknown.notices[-1] == "There is no tag “no-such-tag”."


def test_searches_of_one_shape_share_a_statement_and_each_gets_its_own_answer(app):
    """The ranked statement is built once per shape of search (its words, ids, dates and
    page are bound values): searches that differ only in their values each find exactly
    their own threads."""
    first, second = make_category("First"), make_category("Second")
    asha, ben = make_user(name="Asha Patel"), make_user(name="Ben Okafor")
    searches = {}
    for category, author, word, days in (
        (first, asha, "calprotectin", 40),
        (second, ben, "ferritin", 10),
    ):
        for title, where, by in (
            (f"{word} match", category, author),
            (f"{word} elsewhere", second if category is first else first, author),
            (f"{word} by another", category, make_user()),
        ):
            backdate(
                opening_post(make_thread(where, author=by, title=title, body=f"{word}.")), days
            )
        day = (utcnow() - timedelta(days=days)).date().isoformat()
        searches[word] = (
            f"{word} category:{category.slug} author:{author.username} after:{day} before:{day}"
        )
    found("warm-up " + searches["calprotectin"], make_user())  # builds the shape, finds nothing
    built = search._ranked.cache_info().misses

    assert found(searches["calprotectin"], make_user()) == ["calprotectin match"]
    assert found(searches["ferritin"], make_user()) == ["ferritin match"]
    assert search._ranked.cache_info().misses == built


def test_members_share_the_search_statement_and_each_finds_only_their_own_hidden_post(app):
    asha, ben = make_user(), make_user()
    for author in (asha, ben):
        thread = make_thread(title=f"Thread by {author.username}", body="Opening.")
        reply = make_reply(thread, author=author, body="Mesothelioma follow-up.")
        db.session.execute(update(Post).where(Post.id == reply.id).values(hidden_at=utcnow()))
    db.session.commit()
    found("mesothelioma", make_user())
    built = search._ranked.cache_info().misses

    assert found("mesothelioma", asha) == [f"Thread by {asha.username}"]
    assert found("mesothelioma", ben) == [f"Thread by {ben.username}"]
    assert found("mesothelioma", make_user()) == []
    assert search._ranked.cache_info().misses == built


# The index follows every change ---------------------------------------------------------------


def test_an_edit_is_searchable_at_once(app):
    thread = make_thread(title="Edited", body="Originally about osteosarcoma.")
    author = db.session.get(Post, opening_post(thread).id)
    post = discussions.edit_post(
        make_moderator(), _loaded_post(author), body="Now about chondrosarcoma."
    )
    db.session.commit()

    assert found("osteosarcoma", make_user()) == []
    assert found("chondrosarcoma", make_user()) == ["Edited"]
    assert post.edit_count == 1


def test_a_title_edit_is_searchable_at_once(app):
    thread = make_thread(title="Old title here", body="Body text.")
    discussions.edit_post(
        make_moderator(),
        _loaded_post(opening_post(thread)),
        body="Body text.",
        title="Pleural effusion question",
    )
    db.session.commit()

    assert found("pleural", make_user()) == ["Pleural effusion question"]
    assert found("title", make_user()) == []


def test_a_deleted_post_is_not_found(app):
    thread = make_thread(title="Kept thread", body="Opening.")
    reply = make_reply(thread, body="Wilms tumour details.")
    discussions.delete_post(make_moderator(), _loaded_post(reply))
    db.session.commit()

    assert found("wilms", make_user()) == []
    assert found("wilms", make_moderator()) == []


def test_a_removed_row_leaves_the_index(app):
    thread = make_thread(title="Purged", body="Ependymoma.")
    db.session.execute(delete(Post).where(Post.thread_id == thread.id))
    db.session.execute(delete(Thread).where(Thread.id == thread.id))
    db.session.commit()
    make_thread(title="Survivor", body="Ependymoma.")

    assert found("ependymoma", make_user()) == ["Survivor"]


def test_a_moved_thread_is_found_in_its_new_category(app):
    before, after = make_category("Before"), make_category("After")
    thread = make_thread(before, title="Moving", body="Medulloblastoma.")
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(category_id=after.id))
    db.session.commit()

    assert found(f"medulloblastoma category:{after.slug}", make_user()) == ["Moving"]
    assert found(f"medulloblastoma category:{before.slug}", make_user()) == []


# Who may see what ------------------------------------------------------------------------------


def test_a_staff_only_thread_is_found_by_moderators_only(app):
    make_thread(make_staff_category(), title="Staff planning", body="Zygomycosis rota.")

    member = search.search_posts("zygomycosis", make_user())
    moderator = search.search_posts("zygomycosis", make_moderator())

    assert (member.total, member.hits) == (0, ())
    assert [hit.thread.title for hit in moderator.hits] == ["Staff planning"]


def test_a_staff_only_category_filter_looks_like_a_missing_one_to_members(app):
    staff = make_staff_category()
    make_thread(staff, title="Staff planning", body="Rota.")

    results = search.search_posts(f"rota category:{staff.slug}", make_user())

    assert results.notices[-1] == f"There is no category “{staff.slug}”."


def test_a_hidden_post_is_found_by_moderators_only(app):
    thread = make_thread(title="Open thread", body="Opening.")
    reply = make_reply(thread, body="Quixotic remark.")
    db.session.execute(update(Post).where(Post.id == reply.id).values(hidden_at=utcnow()))
    db.session.commit()

    member = search.search_posts("quixotic", make_user())
    moderator = search.search_posts("quixotic", make_moderator())

    assert (member.total, member.hits) == (0, ())
    assert [hit.post.id for hit in moderator.hits] == [reply.id]


def test_counts_leave_out_what_the_searcher_cannot_see(app):
    make_thread(title="Visible one", body="Xanthoma.")
    make_thread(make_staff_category(), title="Hidden one", body="Xanthoma.")

    assert search.search_posts("xanthoma", make_user()).total == 1
    assert search.search_posts("xanthoma", make_moderator()).total == 2


def _loaded_post(post: Post) -> Post:
    """The post with its thread and category loaded, as the pages load it."""
    fresh = db.session.get(Post, post.id)
    fresh.thread = loaded(db.session.get(Thread, post.thread_id))
    return fresh
