"""The HTML part of an email as text (forum/text/email_html.py)."""

from __future__ import annotations

import pytest

from forum.text.email_html import html_to_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<div>Line one<br>line two</div>", "Line one\nline two"),
        ("<head><title>x</title><style>p {color:red}</style></head><p>Hi</p>", "Hi"),
        ("<p>We use the <b>same</b> <em>pathway</em></p>", "We use the **same** *pathway*"),
        ('<a href="https://nice.org.uk/ng12">NG12</a>', "[NG12](https://nice.org.uk/ng12)"),
        ('<a href="mailto:a@nhs.net">a@nhs.net</a>', "a@nhs.net"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ("<ul><li>FIT</li><li>Ferritin</li></ul>", "- FIT\n- Ferritin"),
        ("<p>Fish &amp; chips&nbsp;today</p>", "Fish & chips\xa0today"),
        ("<p>spaced\n   out\ttext</p>", "spaced out text"),
        ("<pre>keep  this\n  as is</pre>", "keep  this\nas is"),  # line edges trimmed
        ("<script>alert(1)</script><p>safe</p>", "safe"),
        ("unclosed <b>bold <div>and more", "unclosed **bold\n\nand more"),
    ],
)
def test_html_becomes_text_with_light_markdown(html, text):
    assert html_to_text(html) == text
