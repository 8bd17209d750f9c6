"""The query language: what a GP might type, and how it is understood. No database needed."""

from __future__ import annotations

import random
import sqlite3
from datetime import date

import pytest

from forum.search import postgres, sqlite
from forum.search.highlight import START, STOP, marked
from forum.search.query import MAX_TERMS, SearchQuery, Term, parse, with_filters


def terms(text: str) -> list[tuple[str, str, bool]]:
    return [(t.text, t.kind, t.negated) for t in parse(text).terms]


def test_plain_words_are_all_required_and_lower_cased():
    assert terms("FIT Ferritin") == [("fit", "word", False), ("ferritin", "word", False)]


def test_quotes_make_a_phrase_even_without_the_closing_quote():
    assert terms('"Safety netting" audit') == [
        ("safety netting", "phrase", False),
        ("audit", "word", False),
    ]
    assert terms('"safety netting') == [("safety netting", "phrase", False)]


def test_minus_excludes_a_word_or_a_phrase():
    assert terms('cough -smoker -"weight loss"') == [
        ("cough", "word", False),
        ("smoker", "word", True),
        ("weight loss", "phrase", True),
    ]


def test_a_star_searches_for_the_start_of_a_word():
    assert terms("haem*") == [("haem", "prefix", False)]


def test_a_too_short_prefix_is_searched_as_a_word_and_explained():
    query = parse("ca*")

    assert terms("ca*") == [("ca", "word", False)]
    assert "at least 3 letters" in query.notices[0]


def test_hyphenated_and_punctuated_words_become_phrases():
    assert terms("safety-netting O'Connell") == [
        ("safety netting", "phrase", False),
        ("o connell", "phrase", False),
    ]


def test_common_words_are_left_out():
    query = parse("what is the FIT threshold")

    assert terms("what is the FIT threshold") == [
        ("fit", "word", False),
        ("threshold", "word", False),
    ]
    assert query.words == "what is the FIT threshold"


def test_only_common_words_explains_why_nothing_is_searched():
    query = parse("what is the")

    assert query.is_empty
    assert "Very common words" in query.notices[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("category:screening", {"category": "screening"}),
        ("Category:Screening", {"category": "screening"}),
        ('category:"peer-support"', {"category": "peer-support"}),
        ("author:asha_patel", {"author": "asha_patel"}),
        ("@Asha_Patel", {"author": "asha_patel"}),
        ("by:asha_patel", {"author": "asha_patel"}),
        ("tag:two-week-wait", {"tag": "two-week-wait"}),
        ("is:solved", {"status": "solved"}),
        ("IS:UNSOLVED", {"status": "unsolved"}),
        ("after:2024-03-01", {"after": date(2024, 3, 1)}),
        ("before:2024-03-01", {"before": date(2024, 3, 1)}),
        ("after:01/03/2024", {"after": date(2024, 3, 1)}),
        ("after:2024-03", {"after": date(2024, 3, 1)}),
        ("before:2024-02", {"before": date(2024, 2, 29)}),
        ("after:2024", {"after": date(2024, 1, 1)}),
        ("before:2024", {"before": date(2024, 12, 31)}),
    ],
)
def test_filters(text, expected):
    query = parse(f"fit {text}")

    assert terms(f"fit {text}") == [("fit", "word", False)]
    for name, value in expected.items():
        assert getattr(query, name) == value
    assert query.words == "fit"


@pytest.mark.parametrize(
    "text", ["before:yesterday", "after:2024-13-01", "is:maybe", "category:Not_A_Slug!", "after:"]
)
def test_a_filter_that_is_not_understood_is_searched_as_words_and_explained(text):
    query = parse(text)

    assert not query.has_filters
    assert query.notices
    assert all(t.kind in ("word", "phrase") for t in query.terms)


def test_unknown_keys_are_just_words():
    assert terms("ratio 2:1") == [("ratio", "word", False), ("2 1", "phrase", False)]


def test_a_very_long_query_is_cut_and_explained():
    query = parse("word " * 400)

    assert "first 500 characters" in query.notices[0]


def test_at_most_a_fixed_number_of_terms_are_used():
    query = parse(" ".join(f"term{n}" for n in range(MAX_TERMS + 5)))

    assert len(query.terms) == MAX_TERMS
    assert any("first 16 words" in notice for notice in query.notices)


def test_form_controls_add_filters_but_typed_ones_win():
    query = with_filters(parse("fit category:screening"), category="education", status="solved")

    assert (query.category, query.status) == ("screening", "solved")


def test_a_form_control_that_is_not_understood_is_explained():
    query = with_filters(parse("fit"), after="not a date")

    assert query.after is None
    assert "not understood" in query.notices[0]


def test_describe_and_params_reproduce_the_search():
    query = parse('fit -smoker "safety net" haem* category:screening is:solved after:2024-01-01')

    again = with_filters(parse(query.params()["q"]), **_controls(query.params()))
    assert again.describe() == query.describe()
    assert parse(query.describe()).describe() == query.describe()


def test_removing_a_filter():
    query = parse("fit category:screening is:solved")

    assert query.without("is").describe() == "fit category:screening"
    assert query.without("category").params() == {"q": "fit", "status": "solved"}


def _controls(params: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in params.items() if key != "q"}


# What reaches the databases ------------------------------------------------------------------


def test_fts5_queries_quote_every_term():
    query = parse('fit "safety net" haem* -smoker -"weight loss"')

    expected = '("fit" AND "safety net" AND "haem"*) NOT ("smoker" OR "weight loss")'
    assert sqlite.match_expression(query) == expected


def test_postgres_queries_quote_every_term():
    query = parse('fit or "safety net" haem* -smoker')

    # to_tsquery text: each term quoted (a quoted phrase stays a phrase), no operator typed
    assert postgres.websearch_text(query) == "'fit' & 'safety net' & !'smoker'"
    assert postgres.prefix_text(query) == "'haem':*"


def test_whatever_is_typed_fts5_accepts_the_query():
    """Random garbage never turns into an FTS5 syntax error."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61')")
    connection.execute("INSERT INTO t VALUES ('fit safety net')")
    alphabet = list("abc xyz-*\"():^{}+@#/\\'.,;!?~`|&=<>[]0189é日") + ["AND", "OR", "NOT", "NEAR"]
    rng = random.Random(4)
    for _ in range(2000):
        query = parse("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))))
        if query.has_text:
            connection.execute(
                "SELECT count(*) FROM t WHERE t MATCH ?", (sqlite.match_expression(query),)
            )


# Snippet markup ------------------------------------------------------------------------------


def test_marked_escapes_everything_but_its_own_marks():
    raw = f'<b>bold</b> & {START}match{STOP} "quoted"'

    assert str(marked(raw)) == "&lt;b&gt;bold&lt;/b&gt; &amp; <mark>match</mark> &#34;quoted&#34;"


def test_marked_is_always_balanced():
    assert str(marked(f"{STOP}a{START}b{START}c")) == "a<mark>bc</mark>"


def test_marked_drops_markdown_noise():
    assert str(marked(f"**Bold** and `code` [a link](https://x.example)\n> {START}q{STOP}")) == (
        "Bold and code a link <mark>q</mark>"
    )


def test_terms_display_in_the_query_language():
    assert Term("safety net", "phrase", True).display == '-"safety net"'
    assert Term("haem", "prefix").display == "haem*"
    assert SearchQuery().is_empty
