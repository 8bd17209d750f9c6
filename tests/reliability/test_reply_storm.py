"""A reply storm on one thread through a real multi-worker server: every reply the server
acknowledged is stored exactly once, and every counter equals COUNT(*) of its rows."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.factories import make_thread
from tests.reliability.conftest import assert_counts_match_rows, bodies_stored
from tests.reliability.servers import Browser, Reply

pytestmark = pytest.mark.reliability

CLIENTS = 40
REPLIES_EACH = 25


def _storm(browsers: list[Browser], thread_id: int) -> dict[str, Reply]:
    """Every client sends its replies one after another, all clients at once."""
    start = threading.Barrier(len(browsers))

    def client(n: int) -> list[tuple[str, Reply]]:
        start.wait(timeout=60)
        sent = []
        for k in range(REPLIES_EACH):
            body = f"Storm reply {k} from client {n}."
            sent.append((body, browsers[n].reply_to(thread_id, body)))
        return sent

    with ThreadPoolExecutor(len(browsers)) as pool:
        results = list(pool.map(client, range(len(browsers))))
    return {body: reply for sent in results for body, reply in sent}


def test_forty_clients_reply_twenty_five_times_each(start_server, members, browser_for):
    thread = make_thread(body="Where should the storm land?")
    server = start_server(workers=3)
    browsers = [browser_for(server, member) for member in members(CLIENTS)]

    replies = _storm(browsers, thread.id)

    statuses = {reply.status for reply in replies.values()}
    assert statuses <= {302, 503}, f"unexpected statuses {statuses}"
    acknowledged = {body for body, reply in replies.items() if reply.status == 302}
    assert len(acknowledged) >= CLIENTS * REPLIES_EACH * 0.9, f"{len(acknowledged)} stored"
    stored = bodies_stored(thread.id)
    assert all(stored.get(body) == 1 for body in acknowledged), "a reply is missing or doubled"
    assert set(stored) - acknowledged <= {"Where should the storm land?"}
    numbers = assert_counts_match_rows(thread.id)
    assert len(numbers) == len(acknowledged) + 1


def test_storm_leaves_structured_logs_without_errors(start_server, members, browser_for):
    thread = make_thread()
    server = start_server(workers=2, log_level="INFO")
    browsers = [browser_for(server, member) for member in members(4)]
    for n, browser in enumerate(browsers):
        assert browser.reply_to(thread.id, f"Logged reply {n}.").status == 302
    lines = [line for line in server.log().splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    access = [e for e in entries if e["logger"] == "forum.access"]
    assert any(e["path"] == f"/t/{thread.id}/reply" and e["status"] == 302 for e in access)
    assert all(len(e["request_id"]) >= 8 for e in access)
    assert not [e for e in entries if e["level"] in ("ERROR", "CRITICAL")]
