"""The JSON API over the pages' services: reading, writing, the confirm flow, errors,
cursors, ETags, and its OpenAPI document."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from forum.extensions import db
from forum.services.membership import api_tokens
from tests.conftest import build_app
from tests.factories import (
    make_category,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    sign_in,
)


def bearer(user, *scopes: str) -> dict[str, str]:
    db.session.commit()
    made = api_tokens.create_token(
        user, user, name="Test", scopes=list(scopes or ("read", "write")), expires_in_days=7
    )
    db.session.commit()
    return {"Authorization": f"Bearer {made.secret}"}


def test_the_openapi_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert "/api/v1/threads/{thread_id}/posts" in document["paths"]


def test_the_reference_page_lists_every_operation_without_outside_scripts(client):
    page = client.get("/api/docs").get_data(as_text=True)
    document = client.get("/api/v1/openapi.json").json
    for path, operations in document["paths"].items():
        for method in operations:
            assert f"{method.upper()} {path}" in page
    assert '<script src="http' not in page and "cdn." not in page.lower()


def test_reading_threads_and_a_thread_with_etags_and_cursors(client):
    member = make_user()
    category = make_category()
    thread = make_thread(category=category, author=member, title="Ferritin question")
    for n in range(3):
        make_reply(thread, body=f"Reply {n}")
    headers = bearer(member, "read")
    listed = client.get(f"/api/v1/threads?category={category.slug}", headers=headers)
    assert listed.status_code == 200
    assert [t["title"] for t in listed.json["items"]] == ["Ferritin question"]
    first = client.get(f"/api/v1/threads/{thread.id}?limit=2", headers=headers)
    assert [p["number"] for p in first.json["posts"]] == [1, 2]
    cursor = first.json["next_cursor"]
    second = client.get(f"/api/v1/threads/{thread.id}?limit=2&cursor={cursor}", headers=headers)
    assert [p["number"] for p in second.json["posts"]] == [3, 4]
    assert second.json["next_cursor"] is None
    again = client.get(
        f"/api/v1/threads/{thread.id}?limit=2",
        headers={**headers, "If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize("cursor", ["nonsense", "eyJwIjogIngifQ"])
def test_a_bad_cursor_is_a_400_problem(client, cursor):
    member = make_user()
    response = client.get(f"/api/v1/threads?cursor={cursor}", headers=bearer(member))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_posting_runs_the_confidentiality_guard_and_its_confirm_flow(client):
    member = make_user()
    thread = make_thread(category=make_category())
    headers = bearer(member, "read", "write")
    text = "Seen at the surgery near LS1 4AP last week."
    refused = client.post(
        f"/api/v1/threads/{thread.id}/posts", json={"body": text}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    findings = refused.json["findings"]
    assert findings and all(set(f) >= {"kind", "start", "end"} for f in findings)
    assert "LS1 4AP" not in refused.get_data(as_text=True)
    kinds = sorted({f["kind"] for f in findings})
    posted = client.post(
        f"/api/v1/threads/{thread.id}/posts", json={"body": text, "confirm": kinds}, headers=headers
    )
    assert posted.status_code == 201, posted.json
    assert posted.headers["Location"] == f"/api/v1/posts/{posted.json['id']}"


def test_a_blocked_identifier_cannot_be_confirmed(client):
    member = make_user()
    thread = make_thread(category=make_category())
    headers = bearer(member, "read", "write")
    text = "NHS number 943 476 5919 for the record."
    response = client.post(
        f"/api/v1/threads/{thread.id}/posts",
        json={"body": text, "confirm": ["nhs_number"]},
        headers=headers,
    )
    assert response.status_code == 422
    assert "943 476 5919" not in response.get_data(as_text=True)


def test_start_edit_delete_mark_helpful_and_accept(client):
    asker, helper = make_user(), make_user()
    category = make_category()
    mine = bearer(asker, "read", "write")
    started = client.post(
        "/api/v1/threads",
        json={"category_id": category.id, "title": "Statins in CKD", "body": "What dose?"},
        headers=mine,
    )
    assert started.status_code == 201, started.json
    thread_id = started.json["id"]
    theirs = bearer(helper, "read", "write")
    answer = client.post(
        f"/api/v1/threads/{thread_id}/posts", json={"body": "Atorvastatin 20 mg."}, headers=theirs
    ).json
    assert client.post(f"/api/v1/posts/{answer['id']}/helpful", headers=mine).status_code == 200
    accepted = client.post(
        f"/api/v1/threads/{thread_id}/solution", json={"post_id": answer["id"]}, headers=mine
    )
    assert accepted.status_code == 200 and accepted.json["solution_post_id"] == answer["id"]
    edited = client.patch(
        f"/api/v1/posts/{answer['id']}",
        json={"body": "Atorvastatin 20 mg at night.", "edit_count": 0},
        headers=theirs,
    )
    assert edited.status_code == 200 and edited.json["edit_count"] == 1
    stale = client.patch(
        f"/api/v1/posts/{answer['id']}", json={"body": "Other.", "edit_count": 0}, headers=theirs
    )
    assert stale.status_code == 409
    not_mine = client.patch(f"/api/v1/posts/{answer['id']}", json={"body": "X"}, headers=mine)
    assert not_mine.status_code == 403
    assert client.delete(f"/api/v1/posts/{answer['id']}", headers=theirs).status_code == 204


def test_bad_bodies_are_400_and_415(client):
    member = make_user()
    headers = bearer(member, "read", "write")
    assert client.post("/api/v1/threads", json={"title": 3}, headers=headers).status_code == 400
    assert client.post("/api/v1/threads", data="x", headers=headers).status_code == 415
    wrong = client.put("/api/v1/threads", headers=headers)
    assert wrong.status_code == 405 and wrong.mimetype == "application/problem+json"


def test_search_and_the_queue(client):
    member, moderator = make_user(), make_moderator()
    make_thread(category=make_category(), title="Sarcoma referral")
    found = client.get("/api/v1/search?q=sarcoma", headers=bearer(member))
    assert found.status_code == 200
    queue = client.get("/api/v1/mod/queue", headers=bearer(moderator, "read", "moderate"))
    assert queue.status_code == 200
    assert client.get("/api/v1/mod/queue", headers=bearer(member)).status_code == 403


def test_the_pages_rate_limits_apply_as_429_problems_with_retry_after(app, database_url):
    member = make_user()
    headers = bearer(member, "read")
    limited = build_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_SEARCH="2 per minute")
    client = limited.test_client()
    responses = [client.get("/api/v1/search?q=sarcoma", headers=headers) for _ in range(3)]
    with limited.app_context():
        db.engine.dispose()
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[2].mimetype == "application/problem+json"
    assert int(responses[2].headers["Retry-After"]) > 0


def test_a_session_write_with_the_csrf_header_is_accepted(app, client, monkeypatch):
    member = make_user()
    sign_in(client, member)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/account/tokens").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    response = client.post(
        "/api/v1/notifications/read", json={"all": True}, headers={"X-CSRFToken": token.group(1)}
    )
    assert response.status_code == 204
