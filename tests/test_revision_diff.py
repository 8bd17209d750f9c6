"""The word diff of two versions of a text: marked changes, folded context, escaped output."""

from __future__ import annotations

import re

import pytest

from forum.text.revision_diff import CONTEXT_WORDS, MIN_FOLDED, diff_texts
from tests.corpus import needs_corpus, xss_payloads

_HIDDEN = re.compile(
    r'<span class="visually-hidden">[^<]*</span>|<span aria-hidden="true">¶</span>'
)


def _marked(old: str, new: str) -> str:
    """The diff's HTML without the hidden words for screen readers, for short assertions."""
    return _HIDDEN.sub("", str(diff_texts(old, new).html))


def test_an_inserted_word_is_marked_added_with_a_word_for_screen_readers():
    diff = diff_texts("Refer within two weeks.", "Refer urgently within two weeks.")
    assert _marked("Refer within two weeks.", "Refer urgently within two weeks.") == (
        "Refer <ins>urgently</ins> within two weeks."
    )
    assert '<ins><span class="visually-hidden">added: </span>urgently</ins>' in diff.html
    assert (diff.added, diff.removed, diff.is_empty) == (1, 0, False)


def test_a_deleted_word_is_marked_removed_and_keeps_its_spacing():
    assert _marked("Repeat the FIT test soon", "Repeat the test soon") == (
        "Repeat the <del>FIT</del> test soon"
    )
    assert _marked("Repeat the FIT", "Repeat the") == "Repeat the <del>FIT</del>"
    assert 'class="visually-hidden">removed: </span>FIT</del>' in diff_texts("a FIT", "a").html


def test_a_replaced_word_shows_the_old_then_the_new():
    diff = diff_texts("Wait six weeks", "Wait four weeks")
    assert (
        _marked("Wait six weeks", "Wait four weeks") == "Wait <del>six</del><ins>four</ins> weeks"
    )
    assert (diff.added, diff.removed) == (1, 1)


def test_punctuation_changes_alone_do_not_mark_the_whole_word():
    assert _marked("See NG12.", "See NG12!") == "See NG12<del>.</del><ins>!</ins>"


def test_spacing_alone_is_no_change_but_a_new_line_break_is_shown():
    assert diff_texts("one  two", "one two").is_empty
    broken = diff_texts("First point. Second point.", "First point.\n\nSecond point.")
    assert not broken.is_empty
    assert '<ins class="word-diff__break">' in broken.html
    assert "line break added" in broken.html
    joined = diff_texts("First.\nSecond.", "First. Second.")
    assert "line break removed" in joined.html


def test_identical_texts_are_empty():
    diff = diff_texts("Same text.", "Same text.")
    assert diff.is_empty and (diff.added, diff.removed) == (0, 0)


def _words(start: int, stop: int) -> str:
    return " ".join(f"w{i}" for i in range(start, stop))


def test_long_unchanged_stretches_fold_to_a_few_words_of_context():
    old = _words(0, 200)
    new = _words(0, 100) + " CHANGED " + _words(101, 200)
    html = _marked(old, new)
    # Before the change: everything up to the context folded, then CONTEXT_WORDS words.
    assert html.startswith('<span class="word-diff__skip">… 92 unchanged words …</span>')
    assert f"w{100 - CONTEXT_WORDS} " in html and f"w{99 - CONTEXT_WORDS}" not in html
    assert "<del>w100</del><ins>CHANGED</ins>" in html
    assert f"w{100 + CONTEXT_WORDS}" in html and f"w{101 + CONTEXT_WORDS}" not in html
    assert html.endswith('<span class="word-diff__skip">… 91 unchanged words …</span>')


def test_a_stretch_between_two_changes_keeps_context_on_both_sides():
    old = "start " + _words(0, 60) + " end"
    new = "begin " + _words(0, 60) + " finish"
    html = _marked(old, new)
    assert html.count("word-diff__skip") == 1
    assert f"… {60 - 2 * CONTEXT_WORDS} unchanged words …" in html
    assert "w0 " in html and "w59" in html and "w30" not in html


def test_short_stretches_are_not_folded():
    html = _marked("a b c d e f g", "a b c X e f g")
    assert "word-diff__skip" not in html and html == "a b c <del>d</del><ins>X</ins> e f g"


def test_a_stretch_folds_only_when_that_hides_several_words():
    shorter = _words(0, CONTEXT_WORDS * 2 + MIN_FOLDED - 1)
    longer = _words(0, CONTEXT_WORDS * 2 + MIN_FOLDED)
    assert "word-diff__skip" not in _marked(shorter, f"x {shorter} y")
    assert f"… {MIN_FOLDED} unchanged words …" in _marked(longer, f"x {longer} y")


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '"><svg onload=alert(1)>',
        "</del><script>x</script><del>",
    ],
)
def test_markup_in_either_version_is_shown_as_text(payload):
    html = str(diff_texts("Plain text", f"Plain {payload} text").html)
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert html.count("<ins>") == html.count("</ins>") and "</del><script>" not in html


ALLOWED_TAGS = re.compile(
    r'</?(?:ins|del)(?: class="word-diff__break")?>|<span class="(?:visually-hidden|'
    r'word-diff__skip)">|<span aria-hidden="true">|</span>'
)


@needs_corpus
def test_every_corpus_payload_stays_text_in_a_diff():
    allowed = ALLOWED_TAGS
    for payload in xss_payloads():
        for old, new in ((f"Before {payload}", "Before"), ("Before", f"Before {payload} after")):
            html = str(diff_texts(old, new).html)
            assert "<" not in allowed.sub("", html), payload


def _edited(old: str, new: str) -> int:
    from forum import queries
    from forum.extensions import db
    from forum.policy import SYSTEM
    from forum.services.discussions import posting
    from tests.factories import make_reply, make_thread, make_user

    author = make_user()
    post = make_reply(make_thread(), author=author, body=old)
    post = queries.get_post_or_404(post.id, SYSTEM)
    posting.edit_post(author, post, body=new, reason="Clarified")
    db.session.commit()
    return post.id


LONG = " ".join(
    "Safety-netting matters when the first FIT comes back under ten but symptoms persist."
    for _ in range(12)
)


def test_the_changes_page_shows_a_folded_word_diff(app, client):
    from tests.factories import make_moderator, sign_in

    post_id = _edited(
        f"{LONG}\n\nRefer within two weeks.", f"{LONG}\n\nRefer urgently within two weeks."
    )
    sign_in(client, make_moderator())
    page = client.get(f"/p/{post_id}/revisions/diff?from=1&to=2").get_data(as_text=True)
    assert '<div class="word-diff">' in page
    assert "unchanged words …" in page
    assert "added: </span>urgently</ins>" in page
    assert "1 word added, 0 removed." in page


@needs_corpus
def test_the_changes_page_shows_corpus_payloads_as_text(app, client):
    from tests.factories import make_moderator, sign_in

    payloads = [p for p in xss_payloads() if "<" in p][:8]
    post_id = _edited("A plain first version.", "A plain first version.\n\n" + "\n".join(payloads))
    sign_in(client, make_moderator())
    page = client.get(f"/p/{post_id}/revisions/diff?from=1&to=2").get_data(as_text=True)
    start = page.index('<div class="word-diff">') + len('<div class="word-diff">')
    diff = page[start : page.index("</div>", start)]
    for payload in payloads:
        assert payload not in diff
    # The only tags in the diff are the diff's own: every "<" of the payloads is text.
    assert "<" not in ALLOWED_TAGS.sub("", diff) and "added: </span>" in diff


def test_a_long_text_with_scattered_edits_finds_each_edit():
    # No timing here (tests never assert time): a quadratic diff would make this test the
    # suite's slowest by minutes, which the durations report shows.
    words = [f"{w}{i % 700}" for i, w in enumerate(["patient", "referral", "the", "of"] * 2500)]
    old = " ".join(words)
    edited = list(words)
    for i in range(0, len(edited), 250):
        edited[i] = "CHANGED"
    diff = diff_texts(old, " ".join(edited))
    assert (diff.added, diff.removed) == (40, 40)
    repeated = " ".join(["the patient"] * 4000)  # few distinct words: the worst case
    assert not diff_texts(repeated, repeated.replace("patient", "person", 30)).is_empty
