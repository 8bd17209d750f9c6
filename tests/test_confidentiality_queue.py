"""Confirmed posts in the review queue: who sees them, clearing and claiming them; and the
``forum pii-check`` command."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from forum.cli.commands import forum_cli
from forum.extensions import db
from forum.models import AuditEntry, ConfidentialityReview
from forum.services.confidentiality import guard as confidentiality
from forum.services.discussions import posting as discussions
from tests.factories import (
    loaded,
    make_category,
    make_category_moderator,
    make_moderator,
    make_thread,
    make_user,
    sign_in,
)

POSTCODE = "LS1 4AP"
BODY = f"She lives near {POSTCODE}; ferritin 9 and Hb 98."


def confirmed_reply(category=None):
    thread = make_thread(category or make_category())
    seen = confidentiality.scan_fields({"body": BODY}).confirm_fingerprints
    post = discussions.reply_to_thread(make_user(), loaded(thread), body=BODY, pii_confirmed=seen)
    db.session.commit()
    reviews = select(ConfidentialityReview).where(ConfidentialityReview.post_id == post.id)
    return post, db.session.scalars(reviews).one()


def test_a_confirmed_post_is_in_the_queue_with_its_kinds_and_marks(app, client):
    post, review = confirmed_reply()
    sign_in(client, make_moderator())
    page = client.get("/mod/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Confirmed not patient-identifiable" in html and "<li>Postcode</li>" in html
    assert f'<mark class="pii-mark pii-mark--confirm">{POSTCODE}</mark>' in html
    only = client.get("/mod/?type=confidentiality").get_data(as_text=True)
    assert f"/mod/confidentiality/{review.id}/clear" in only
    assert "queue-entry--confidentiality" not in client.get("/mod/?type=flag").get_data(
        as_text=True
    )


def test_category_moderators_see_only_their_categories(app, client):
    mine, theirs = make_category(), make_category()
    confirmed_reply(mine)
    _, other = confirmed_reply(theirs)
    sign_in(client, make_category_moderator(mine))
    html = client.get("/mod/?type=confidentiality").get_data(as_text=True)
    assert html.count("queue-entry--confidentiality") == 1
    assert client.post(f"/mod/confidentiality/{other.id}/clear").status_code == 403


def test_members_cannot_reach_the_queue_or_clear(app, client):
    _, review = confirmed_reply()
    sign_in(client, make_user())
    assert client.post(f"/mod/confidentiality/{review.id}/clear").status_code == 403


def test_a_moderator_clears_a_post(app, client, reload):
    post, review = confirmed_reply()
    moderator = make_moderator()
    sign_in(client, moderator)
    response = client.post(f"/mod/confidentiality/{review.id}/clear", data={"next": "/mod/"})
    assert response.status_code == 302
    reload()
    review = db.session.get(ConfidentialityReview, review.id)
    assert (review.outcome, review.resolved_by_id) == ("cleared", moderator.id)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "confidentiality.clear")
    ).one()
    assert entry.after == {"review_id": review.id, "kinds": ["postcode"]}
    again = client.post(f"/mod/confidentiality/{review.id}/clear", follow_redirects=True)
    assert "has checked this already" in again.get_data(as_text=True)


def test_a_claim_keeps_other_moderators_off(app, client, reload):
    _, review = confirmed_reply()
    first, second = make_moderator(name="Dr First"), make_moderator()
    sign_in(client, first)
    assert client.post(f"/mod/confidentiality/{review.id}/claim").status_code == 302
    client.post("/logout")
    sign_in(client, second)
    refused = client.post(f"/mod/confidentiality/{review.id}/clear", follow_redirects=True)
    assert "Dr First is handling this" in refused.get_data(as_text=True)
    reload()
    assert db.session.get(ConfidentialityReview, review.id).resolved_at is None


def test_an_unknown_entry_is_404(app, client):
    sign_in(client, make_moderator())
    assert client.post("/mod/confidentiality/999/clear").status_code == 404


def test_a_staff_only_category_review_is_404_for_a_category_moderator(app, client):
    category = make_category(staff_only=True)
    thread = make_thread(category)
    # Only staff write in a staff category and they are never asked to confirm, so the
    # review is made directly: the page must still not admit the post exists.
    post = discussions.reply_to_thread(make_moderator(), loaded(thread), body="Plain text.")
    db.session.add(ConfidentialityReview(post_id=post.id, kinds="postcode", source="reply"))
    db.session.commit()
    review = db.session.scalars(select(ConfidentialityReview)).one()
    sign_in(client, make_category_moderator(make_category()))
    assert client.post(f"/mod/confidentiality/{review.id}/clear").status_code == 404


# forum pii-check ---------------------------------------------------------------------------


def _run(app, args, stdin: bytes):
    return app.test_cli_runner().invoke(forum_cli, args, input=stdin)


def test_pii_check_prints_kinds_and_offsets_never_the_text(app):
    text = "NHS 999 000 0018 and LS1 4AP"
    result = _run(app, ["pii-check"], text.encode())
    assert result.exit_code == 0
    findings = json.loads(result.output)["findings"]
    assert [(f["kind"], text[f["start"] : f["end"]], f["severity"]) for f in findings] == [
        ("nhs_number", "999 000 0018", "block"),
        ("postcode", "LS1 4AP", "confirm"),
    ]
    assert "0018" not in result.output


def test_pii_check_jsonl_answers_each_line(app):
    lines = [json.dumps("Mrs Ondine Farrow"), json.dumps("Ferritin 9"), "not json", "3"]
    result = _run(app, ["pii-check", "--jsonl"], "\n".join(lines).encode())
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert answers[0]["findings"][0]["kind"] == "titled_name"
    assert answers[1] == {"findings": []}
    assert answers[2] == {"error": "line 3 is not a JSON string"}
    assert answers[3] == {"error": "line 4 is not a JSON string"}
    assert result.exit_code == 1 and "Farrow" not in result.output


@pytest.mark.parametrize("raw", [b"\xff\xfe bad", b"caf\xe9"])
def test_pii_check_refuses_what_is_not_utf8(app, raw):
    result = _run(app, ["pii-check"], raw)
    assert result.exit_code == 1 and "not UTF-8" in result.output


def test_the_queue_page_costs_the_same_for_one_entry_or_many(app, client, count_queries):
    category = make_category()
    confirmed_reply(category)
    sign_in(client, make_moderator())
    client.get("/mod/?type=confidentiality")
    with count_queries() as one:
        assert client.get("/mod/?type=confidentiality").status_code == 200
    for _ in range(5):
        confirmed_reply(category)
    with count_queries() as six:
        html = client.get("/mod/?type=confidentiality").get_data(as_text=True)
    assert html.count("queue-entry--confidentiality") == 6
    assert six.count == one.count


def test_a_report_of_a_patient_identifier_offers_redaction_in_the_queue(app, client):
    from tests.factories import make_reply, reported_post

    post = make_reply(make_thread(), body="Seen in clinic today.")
    reported_post(post, reason="patient_identifier")
    sign_in(client, make_moderator())
    html = client.get("/mod/?type=flag").get_data(as_text=True)
    assert f"/mod/posts/{post.id}/redact" in html
