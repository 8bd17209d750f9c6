"""Staff-written plain text (the pledge, descriptions) reads as paragraphs, not as the lines of
the textarea it was typed in."""

from __future__ import annotations

import re

from forum.text.paragraphs import paragraph_lines, paragraphs
from tests.factories import make_admin, make_user, publish_pledge, sign_in

HARD_WRAPPED = """\
I will protect patient confidentiality. I will never post anything that
could identify a patient, alone or together with other details.

I will treat what colleagues share here as
confidential to this community.
"""


def test_a_blank_line_starts_a_paragraph_and_single_breaks_are_joined():
    assert paragraph_lines(HARD_WRAPPED) == [
        [
            "I will protect patient confidentiality. I will never post anything that could "
            "identify a patient, alone or together with other details."
        ],
        ["I will treat what colleagues share here as confidential to this community."],
    ]


def test_windows_line_ends_stray_spaces_and_extra_blank_lines_do_not_matter():
    text = "  First line\r\n  continued.  \r\n \r\n\r\n\r\nSecond.\r\n"
    assert paragraph_lines(text) == [["First line continued."], ["Second."]]


def test_list_items_keep_their_own_lines():
    text = "I will:\n- protect patients\n  and colleagues;\n- be kind.\n1. One\n2) Two\n• Three"
    assert paragraph_lines(text) == [
        [
            "I will:",
            "- protect patients and colleagues;",
            "- be kind.",
            "1. One",
            "2) Two",
            "• Three",
        ]
    ]


def test_the_filter_escapes_and_wraps_each_paragraph():
    html = paragraphs("<script>alert(1)</script>\nmore\n\n- a\n- b")
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt; more</p>\n<p>- a<br>\n- b</p>"


def test_nothing_in_nothing_out():
    assert paragraphs(None) == "" and paragraphs("  \n\n ") == ""


def _pledge_paragraphs(html: str) -> list[str]:
    block = html.split('<div class="pledge-text">', 1)[1].split("</div>", 1)[0]
    return re.findall(r"<p>(.*?)</p>", block, flags=re.S)


def test_a_new_member_reads_a_hard_wrapped_pledge_as_paragraphs(app, client):
    publish_pledge(HARD_WRAPPED)
    sign_in(client, make_user())

    response = client.get("/pledge")

    assert response.status_code == 200
    shown = _pledge_paragraphs(response.get_data(as_text=True))
    assert len(shown) == 2
    assert shown[0].startswith("I will protect") and shown[0].endswith("other details.")
    assert "\n" not in shown[0] and "<br>" not in shown[0]


def test_staff_see_the_current_pledge_as_members_do(app, client):
    publish_pledge(HARD_WRAPPED)
    sign_in(client, make_admin())
    client.post("/pledge", data={"version": "1", "agree": "y"})

    response = client.get("/admin/pledge")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "as members read it" in html
    assert len(_pledge_paragraphs(html)) == 2
