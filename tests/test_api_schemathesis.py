"""schemathesis against a live server, from the forum's own /api/v1/openapi.json: every
operation, with a member's token and with a moderator's, a bounded and derandomized number of
examples each. No response may be a 5xx, and every response must conform to the document
(status code, content type, headers, body schema).

The server is the real app on a migrated SQLite file, in a thread on 127.0.0.1:5201 (shared by
this module's tests, so they run on one worker: ``xdist_group``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask_migrate import upgrade
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

from forum.extensions import db
from forum.services.membership import api_tokens
from tests.conftest import build_app
from tests.factories import (
    make_category,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    opening_post,
    reported_post,
)

pytestmark = pytest.mark.xdist_group("api_schemathesis")

PORT = 5201
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


class Live:
    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        self.url = url
        self.tokens = tokens


def _seed() -> dict[str, str]:
    """A forum with something in it, and a token for a member and one for a moderator."""
    member, moderator = make_user(), make_moderator()
    category = make_category()
    thread = make_thread(category=category, author=member, title="Ferritin in pregnancy")
    make_reply(thread, author=moderator, body="Repeat it in four weeks.")
    reported_post(opening_post(make_thread(category=category)))
    tokens = {}
    for name, user, scopes in (
        ("member", member, ["read", "write"]),
        ("moderator", moderator, ["read", "write", "moderate"]),
    ):
        made = api_tokens.create_token(
            user, user, name="schemathesis", scopes=scopes, expires_in_days=7
        )
        db.session.commit()
        tokens[name] = made.secret
    return tokens


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = Path(tmp_path_factory.mktemp("api")) / "forum.sqlite"
    app = build_app(f"sqlite:///{path}", RATELIMIT_ENABLED=False)
    with app.app_context():
        upgrade(revision="heads")
        tokens = _seed()
    server = make_server("127.0.0.1", PORT, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="api-live", daemon=True)
    thread.start()
    try:
        yield Live(f"http://127.0.0.1:{PORT}", tokens)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def _exercise(live_api: Live, who: str) -> None:
    """Every operation in the document, ``BOUNDED`` examples each, as ``who``."""
    schema = schemathesis.openapi.from_url(f"{live_api.url}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {live_api.tokens[who]}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @BOUNDED
        @given(case=operation.as_strategy())
        def conforms(case: Any) -> None:
            case.call_and_validate(
                base_url=live_api.url, headers=headers, checks=CHECKS, timeout=30
            )

        conforms()


def test_the_api_conforms_for_a_member(live_api: Live) -> None:
    _exercise(live_api, "member")


def test_the_api_conforms_for_a_moderator(live_api: Live) -> None:
    _exercise(live_api, "moderator")
