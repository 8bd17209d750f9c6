"""The text pipeline: Markdown features, mentions and plain text; and that nothing script-capable
comes out of it, for the shared attack corpus and for our own payload list."""

from __future__ import annotations

import inspect
import re

import pytest

from forum.text import markup
from forum.text.markup import extract_mentions, render
from forum.text.plaintext import excerpt, to_plaintext
from tests import corpus
from tests.html_safety import (
    POLICY,
    REL,
    SAFE_SCHEMES,
    assert_safe,
    script_capable_parts,
)
from tests.xss_payloads_extra import PAYLOADS

# --- the attack corpus and our own payloads ---


@corpus.needs_corpus
@pytest.mark.parametrize(
    "payload",
    [pytest.param(p, id=f"line-{n:03d}") for n, p in enumerate(corpus.xss_payloads(), start=1)],
)
def test_shared_corpus_payload_renders_nothing_script_capable(payload: str):
    assert_safe(render(payload))


@corpus.needs_corpus
def test_shared_corpus_is_complete() -> None:
    assert len(corpus.xss_payloads()) >= 399


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: repr(p)[1:40])
def test_own_payload_renders_nothing_script_capable(payload: str) -> None:
    assert_safe(render(payload))


def test_own_payload_list_is_substantial() -> None:
    assert len(PAYLOADS) >= 150


@pytest.mark.parametrize(
    "source",
    ["[x](javascript:alert(1))", "[x](java%0ascript:alert(1))", "[x](&#106;avascript:alert(1))"]
    + ["<javascript:alert(1)>", "[x](data:text/html,hi)", "[r]\n\n[r]: vbscript:x"]
    + ["![x](data:image/png;base64,iVBORw0KGgo=)", "[x](java\u200bscript:alert(1))"],
)
def test_links_to_other_schemes_stay_plain_text(source: str) -> None:
    assert "<a" not in render(source)


def test_the_checker_catches_what_it_is_for() -> None:
    assert script_capable_parts('<a href="jav&#x09;ascript:x" rel="nofollow ugc noopener">x</a>')
    assert script_capable_parts('<a href="/x">no rel</a>')
    assert script_capable_parts('<img src="https://tracker.example/p.png">')
    assert script_capable_parts("<p onclick=x>x</p>")
    assert script_capable_parts("<svg><script>x</script></svg>")
    assert script_capable_parts("<!-- x -->")
    assert script_capable_parts('<a href="/x" rel="nofollow ugc noopener">ok</a>') == []


# --- the policy itself ---


def test_allow_list_is_the_stated_policy() -> None:
    assert set(markup.ALLOWED_TAGS) == set(POLICY)
    expected = {tag: names - {"rel"} for tag, names in POLICY.items() if names - {"rel"}}
    assert {tag: set(names) for tag, names in markup.ALLOWED_ATTRIBUTES.items()} == expected
    assert markup.ALLOWED_SCHEMES == SAFE_SCHEMES


def test_render_has_no_switch_to_turn_sanitising_off() -> None:
    assert list(inspect.signature(render).parameters) == ["source", "citations"]


def test_markup_version_is_a_positive_integer() -> None:
    assert isinstance(markup.MARKUP_VERSION, int) and markup.MARKUP_VERSION >= 1


# --- Markdown features ---


def test_paragraphs_and_emphasis() -> None:
    assert render("Hello *world* and **you**") == (
        "<p>Hello <em>world</em> and <strong>you</strong></p>\n"
    )


@pytest.mark.parametrize(
    ("source", "tag"),
    [("# A", "h3"), ("## A", "h4"), ("### A", "h5"), ("#### A", "h6"), ("###### A", "h6")]
    + [("A\n===", "h3"), ("A\n---", "h4")],
)
def test_headings_are_demoted_below_the_pages_own(source: str, tag: str) -> None:
    assert render(source) == f"<{tag}>A</{tag}>\n"


def test_tables_align_with_the_align_attribute_not_inline_style() -> None:
    output = render("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert '<th align="left">a</th>' in output
    assert '<td align="center">2</td>' in output
    assert '<td align="right">3</td>' in output
    assert "style" not in output


def test_strikethrough() -> None:
    assert render("~~gone~~") == "<p><s>gone</s></p>\n"


def test_ordered_lists_keep_their_start() -> None:
    assert render("3. a\n4. b").startswith('<ol start="3">\n<li>a</li>')


def test_bare_urls_and_addresses_become_links() -> None:
    output = render("see www.example.com or mail gp@example.com")
    assert '<a href="http://www.example.com" rel="nofollow ugc noopener">' in output
    assert '<a href="mailto:gp@example.com" rel="nofollow ugc noopener">' in output


@pytest.mark.parametrize(
    "source",
    ["[x](https://example.com)", "<https://example.com>", "https://example.com", "[x](/t/1)"]
    + ["[x][r]\n\n[r]: /t/2", "![x](https://example.com/a.png)", "@alice", "[x](mailto:a@b.c)"],
)
def test_every_link_gets_the_rel(source: str) -> None:
    links = re.findall(r"<a [^>]*>", render(source))
    assert links and all(f'rel="{REL}"' in link for link in links)


def test_sanitising_replaces_any_rel_already_on_a_link() -> None:
    assert markup.sanitise('<a href="/x" rel="opener">x</a>') == (
        '<a href="/x" rel="nofollow ugc noopener">x</a>'
    )


def test_protocol_relative_and_relative_links_are_kept() -> None:
    assert 'href="//example.com/a"' in render("[x](//example.com/a)")
    assert 'href="/t/1?page=2#p3"' in render("[x](/t/1?page=2#p3)")


def test_raw_html_is_shown_as_text() -> None:
    assert render("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


def test_code_blocks_escape_html_and_drop_the_language_class() -> None:
    output = render("```html\n<script>alert(1)</script>\n```")
    assert output == "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>\n"


def test_inline_code_escapes_html() -> None:
    assert render("a `<i>` b") == "<p>a <code>&lt;i&gt;</code> b</p>\n"


def test_images_from_our_uploads_are_shown() -> None:
    assert render('![scan](/uploads/ab/abcdef.png "T")') == (
        '<p><img src="/uploads/ab/abcdef.png" alt="scan" title="T"></p>\n'
    )


@pytest.mark.parametrize(
    "src",
    ["https://tracker.example/p.png", "//tracker.example/p.png", "/uploads/../logout"]
    + ["/uploads/%2e%2e/x", "/static/x.png", "/uploads/a.png?x=1"],
)
def test_other_images_become_links_so_readers_load_nothing_external(src: str) -> None:
    output = render(f"![scan]({src})")
    assert "<img" not in output
    assert re.fullmatch(r'<p><a href="[^"]+" rel="nofollow ugc noopener">scan</a></p>\n', output)


def test_an_external_image_inside_a_link_leaves_its_alt_text() -> None:
    assert render("[![scan](https://e.example/p.png)](/t/1)") == (
        '<p><a href="/t/1" rel="nofollow ugc noopener">scan</a></p>\n'
    )


# --- mentions ---


def test_mentions_link_to_the_profile() -> None:
    link = f'<a href="/u/asha_p" class="mention" rel="{REL}">@Asha_P</a>'
    assert render("thanks @Asha_P!") == f"<p>thanks {link}!</p>\n"


@pytest.mark.parametrize(
    ("source", "mentions"),
    [
        ("@alice and @bob, then @Alice again", ["alice", "bob"]),
        ("(@carol) @dave-x: @e_f", ["carol", "dave-x", "e_f"]),
        ("mail gp@example.com or gp@practice", []),
        ("`@alice` and\n\n    @bob in code", []),
        ("```\n@carol\n```", []),
        ("[@alice](/x) and \\@bob", []),
        ("@a @ab @" + "a" * 31 + " @" + "a" * 30, ["ab", "a" * 30]),
        ("thanks @asha.patel. and @Tom.OConnell!", ["asha.patel", "tom.oconnell"]),
        ("@asha..patel @.asha @asha.p.x, @a.b", ["asha", "asha.p.x", "a.b"]),
        ("@asha.patel@x, then @asha.", ["asha"]),
        ("@asha.patel's reply (@grace.adeyemi)", ["asha.patel", "grace.adeyemi"]),
        ("@_alice @-bob @9lives", ["9lives"]),
        ("# @heading\n\n| @cell |\n|--|\n| @row |", ["heading", "cell", "row"]),
        ("> @quoted\n\n- @listed", ["quoted", "listed"]),
        ("@alicé @bob@x", []),
    ],
)
def test_extract_mentions(source: str, mentions: list[str]) -> None:
    assert extract_mentions(source) == mentions


def test_rendered_mentions_are_the_extracted_ones() -> None:
    source = "@alice `@bob` @Carol x@dave [@erin](/e) @alice"
    linked = re.findall(r'href="/u/([^"]+)" class="mention"', render(source))
    assert list(dict.fromkeys(linked)) == extract_mentions(source) == ["alice", "carol"]


# --- plain text and excerpts ---


def test_plaintext_strips_tags_decodes_entities_and_collapses_space() -> None:
    html_text = "<h3>Dose</h3>\n<p>5&nbsp;mg &amp; <em>twice</em>\n daily</p><ul><li>a</li></ul>"
    assert to_plaintext(html_text) == "Dose 5 mg & twice daily a"


def test_plaintext_keeps_words_split_by_inline_tags_whole() -> None:
    assert to_plaintext("<p>un<em>believ</em>able</p><p>next</p>") == "unbelievable next"


def test_plaintext_drops_script_content_and_keeps_image_text() -> None:
    html_text = '<p>a<script>alert(1)</script><img src="/uploads/x" alt="scan">b</p>'
    assert to_plaintext(html_text) == "a scan b"


def test_plaintext_of_a_rendered_post() -> None:
    html_text = render("# Title\n\nSee **this** @alice\n\n> quoted &amp; <b>")
    assert to_plaintext(html_text) == "Title See this @alice quoted & <b>"


def test_excerpt_returns_short_text_whole() -> None:
    assert excerpt("<p>Short text.</p>") == "Short text."


def test_excerpt_cuts_at_a_word_with_an_ellipsis() -> None:
    text = excerpt("<p>" + "word " * 100 + "</p>", length=23)
    assert text == "word word word word…"
    assert len(text) <= 23


def test_excerpt_cuts_one_long_word_hard() -> None:
    assert excerpt("<p>" + "x" * 50 + "</p>", length=10) == "x" * 9 + "…"


# --- robustness: any string renders, pathological ones in bounded time ---


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("abc\x00def", "<p>abcdef</p>\n"),
        ("a\ud800b", "<p>a\ufffdb</p>\n"),
        ("\udfff", "<p>\ufffd</p>\n"),
        ("\ud83d\ude00", "<p>\U0001f600</p>\n"),
        ("a\x01\x08\x0b\x0c\x1b\x7fb", "<p>ab</p>\n"),
        ("", ""),
        (" \n\t ", ""),
    ],
)
def test_nul_controls_and_lone_surrogates_are_made_harmless(source: str, expected: str) -> None:
    assert render(source) == expected


@pytest.mark.parametrize(
    "source", ["\ufeff\u202eadmin\u2028x\u2029", "e" + "\u0301" * 5000, "\U0010ffff\ufffe"]
)
def test_unusual_unicode_renders_to_encodable_text(source: str) -> None:
    output = render(source)
    output.encode("utf-8")
    assert_safe(output)


def test_emphasis_nests_at_most_twenty_deep() -> None:
    output = render("*" * 60 + "a" + "*" * 60)
    assert output.count("<strong>") + output.count("<em>") == 20
    assert_safe(output)


@corpus.needs_corpus
@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("tag", "value"), [pytest.param(*case, id=case[0]) for case in corpus.bad_inputs().items()]
)
def test_shared_bad_inputs_render_safely(tag: str, value: str) -> None:
    assert_safe(render(value))
    extract_mentions(value)


PATHOLOGICAL = {
    "open-brackets": "[" * 50_000,
    "deep-blockquote": ">" * 10_000 + " x",
    "emphasis-runs": "*a**" * 20_000,
    "emphasis-flood": "*a" * 25_000,
    "deep-emphasis": "*" * 50_000 + "a" + "*" * 50_000,
    "deep-list": "".join("  " * i + "- x\n" for i in range(2_000)),
    "list-markers": "- " * 20_000 + "x",
    "link-openers": "[a](" * 30_000,
    "image-openers": "![" * 30_000,
    "backticks": "`" * 50_000,
    "angle-brackets": "<" * 100_000,
    "entities": "&#106;" * 20_000,
    "pipes": "|" * 100_000,
    "hashes": "#" * 100_000,
    "at-signs": "@" * 100_000,
    "mentions": "@abc " * 20_000,
    "long-table": "|a|b|\n|-|-|\n" + "|*x*|[y](/y)|\n" * 8_000,
    "wide-table": "|"
    + "a|" * 2_000
    + "\n|"
    + "-|" * 2_000
    + "\n"
    + ("|" + "*b*|" * 2_000 + "\n") * 5,
    "long-list": "- *a*\n" * 16_000,
    "loose-list": "- a\n\n" * 20_000,
    "long-paragraph": "***a*** " * 12_000,
    "one-mebibyte": "A" * (1 << 20),
}


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("source", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_renders_safely(source: str) -> None:
    output = render(source)
    assert script_capable_parts(output) == []
    extract_mentions(source)
    to_plaintext(output)


def _squash(html_text: str) -> str:
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", html_text)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("- *a*\n" * 300, "<ul>" + "<li><em>a</em></li>" * 300 + "</ul>"),
        ("> *a*\n>\n" * 300, "<blockquote>" + "<p><em>a</em></p>" * 300 + "</blockquote>"),
        (
            "|a|\n|:-|\n" + "|*b*|\n" * 300,
            '<table><thead><tr><th align="left">a</th></tr></thead><tbody>'
            + '<tr><td align="left"><em>b</em></td></tr>' * 300
            + "</tbody></table>",
        ),
        (
            "_" + " ".join(["**`c`**"] * 300) + "_",
            "<p><em>" + " ".join(["<strong><code>c</code></strong>"] * 300) + "</em></p>",
        ),
        (
            "[" + " ".join(["*a*"] * 300) + "](/x)",
            f'<p><a href="/x" rel="{REL}">' + " ".join(["<em>a</em>"] * 300) + "</a></p>",
        ),
    ],
    ids=["list", "blockquote", "table", "emphasis", "link"],
)
def test_long_runs_are_cleaned_in_pieces_without_changing_the_html(source: str, expected: str):
    # markup.py hands bleach at most a hundred siblings at a time (html5lib is quadratic).
    assert _squash(render(source)) == _squash(expected)
