"""The same form sent several times at once (a double click, an impatient retry) to a real
multi-worker server makes one post, and every copy lands on it."""

from __future__ import annotations

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.factories import make_thread
from tests.reliability.conftest import assert_counts_match_rows, bodies_stored

pytestmark = pytest.mark.reliability

COPIES = 4
FORMS = 5


def test_a_form_sent_four_times_at_once_makes_one_post(start_server, members, browser_for):
    thread_id = make_thread().id
    server = start_server(workers=3)
    browser = browser_for(server, members(1)[0])

    for n in range(FORMS):
        token, body = secrets.token_urlsafe(16), f"Sent in a hurry, form {n}."
        start = threading.Barrier(COPIES)

        def send(_: int, token: str = token, body: str = body, start=start) -> tuple[int, str]:
            start.wait(timeout=30)
            reply = browser.reply_to(thread_id, body, token)
            return reply.status, reply.location

        with ThreadPoolExecutor(COPIES) as pool:
            answers = list(pool.map(send, range(COPIES)))
        assert {status for status, _ in answers} == {302}
        assert len({location for _, location in answers}) == 1, "copies landed on different posts"

    stored = bodies_stored(thread_id)
    assert all(stored[f"Sent in a hurry, form {n}."] == 1 for n in range(FORMS))
    assert len(assert_counts_match_rows(thread_id)) == FORMS + 1
