"""Every attack payload, posted for real, comes back on the thread page with nothing
script-capable."""

from __future__ import annotations

import re

import pytest

from forum.extensions import db
from forum.services.confidentiality import guard as confidentiality
from forum.services.discussions import posting as discussions
from tests import corpus
from tests.factories import loaded, make_thread, make_user, sign_in
from tests.html_safety import script_capable_parts
from tests.xss_payloads_extra import PAYLOADS

ALL_PAYLOADS = corpus.xss_payloads() + PAYLOADS
BODY = re.compile(r'<div class="post__body prose">(.*?)</div>\n', re.S)


def post_payloads(author, thread, payloads: list[str]) -> int:
    """Reply with each payload, confirming what the confidentiality guard asks to confirm
    (as a writer ticking the box would); returns how many were posted."""
    for payload in payloads:
        seen = confidentiality.scan_fields({"body": payload}).confirm_fingerprints
        discussions.reply_to_thread(author, thread, body=payload, pii_confirmed=seen)
    db.session.commit()
    return len(payloads)


@corpus.needs_corpus
def test_the_payload_list_is_large_enough():
    assert len(ALL_PAYLOADS) >= 150


@corpus.needs_corpus
@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_payloads_render_safely_on_the_real_thread_page(app, client):
    app.config["POSTS_PER_PAGE"] = 250
    author = make_user()
    thread = loaded(make_thread(title="Attack payloads", author=author))
    posted = post_payloads(author, thread, ALL_PAYLOADS)
    sign_in(client, make_user())
    pages = -(-(len(ALL_PAYLOADS) + 1) // 250)
    bodies: list[str] = []
    for number in range(1, pages + 1):
        response = client.get(f"/t/{thread.id}?page={number}")
        assert response.status_code == 200
        bodies += BODY.findall(response.get_data(as_text=True))
    assert len(bodies) == posted + 1
    problems = {body: script_capable_parts(body) for body in bodies}
    assert {body: p for body, p in problems.items() if p} == {}
