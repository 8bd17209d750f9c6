"""The confidentiality guard: block, confirm and nudge when members post, edit and write
their profile; findings kept as kind, offsets and a salted hash; the live check as they type.

Identifiers here are synthetic: NHS numbers from the never-issued 999 range, invented names
and places.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, or_, select

from forum import pii, queries
from forum.extensions import db
from forum.models import ConfidentialityReview, Post, PostFinding, Thread, User
from forum.services.confidentiality import guard as confidentiality
from forum.services.confidentiality.guard import ConfidentialityError
from forum.services.discussions import posting as discussions
from forum.services.membership import profiles
from tests.factories import (
    loaded,
    make_category,
    make_category_moderator,
    make_moderator,
    make_thread,
    make_user,
    opening_post,
    sign_in,
)

NHS = "999 000 0018"
POSTCODE = "LS1 4AP"
BLOCKED = f"Her NHS number is {NHS}, could you advise on the ferritin?"
CONFIRMABLE = f"She lives near {POSTCODE} and the ferritin is 9."
NUDGE = "My patient is 94 years old and has new iron deficiency anaemia."
JSON = {"Accept": "application/json"}
CLEAN = "Ferritin 9, Hb 98: would you refer on the suspected cancer pathway?"


def reviews() -> list[ConfidentialityReview]:
    return list(db.session.scalars(select(ConfidentialityReview)))


def confirmations_for(text: str) -> list[str]:
    """The fingerprints the form would carry after the server asked about ``text``."""
    verdict = confidentiality.scan_fields({"body": text})
    return verdict.confirm_fingerprints


# The service -----------------------------------------------------------------------------


def test_a_valid_nhs_number_is_refused_for_everyone(app):
    thread = make_thread()
    for writer in (make_user(), make_moderator()):
        with pytest.raises(ConfidentialityError) as refused:
            discussions.reply_to_thread(writer, loaded(thread), body=BLOCKED)
        db.session.rollback()
        assert refused.value.field == "body"
        assert "NHS number" in refused.value.message
        assert [s.kind for s in refused.value.pii_review.blocked] == ["nhs_number"]
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_a_ten_digit_number_failing_the_check_digit_is_not_refused(app):
    thread = make_thread()
    post = discussions.reply_to_thread(
        make_user(), loaded(thread), body="Ref 999 000 0019 on the request form."
    )
    assert post.id is not None


def test_a_postcode_needs_confirming_then_publishes_and_waits_for_review(app):
    thread = make_thread()
    writer = make_user()
    with pytest.raises(ConfidentialityError) as refused:
        discussions.reply_to_thread(writer, loaded(thread), body=CONFIRMABLE)
    db.session.rollback()
    verdict = refused.value.pii_review
    assert verdict.severity == "confirm" and [s.kind for s in verdict.unconfirmed] == ["postcode"]

    post = discussions.reply_to_thread(
        writer, loaded(thread), body=CONFIRMABLE, pii_confirmed=verdict.confirm_fingerprints
    )
    db.session.commit()
    assert post.hidden_at is None and post.held_at is None
    (review,) = reviews()
    assert (review.post_id, review.kinds, review.source, review.resolved_at) == (
        post.id,
        "postcode",
        "reply",
        None,
    )
    (finding,) = db.session.scalars(select(PostFinding)).all()
    assert (finding.kind, finding.field, finding.severity) == ("postcode", "body", "confirm")
    assert CONFIRMABLE[finding.start_offset : finding.end_offset] == POSTCODE
    assert re.fullmatch(r"[0-9a-f]{64}", finding.fingerprint)


def test_confirming_one_detail_does_not_confirm_another_added_later(app):
    thread = make_thread()
    writer = make_user()
    seen = confirmations_for(CONFIRMABLE)
    with pytest.raises(ConfidentialityError) as refused:
        discussions.reply_to_thread(
            writer,
            loaded(thread),
            body=CONFIRMABLE + " Mrs Havisham-Quell agrees.",
            pii_confirmed=seen,
        )
    assert [s.kind for s in refused.value.pii_review.unconfirmed] == ["titled_name"]


def test_no_finding_text_is_stored_anywhere(app):
    thread = make_thread()
    writer = make_user()
    discussions.reply_to_thread(
        writer, loaded(thread), body=CONFIRMABLE, pii_confirmed=confirmations_for(CONFIRMABLE)
    )
    db.session.commit()
    for row in db.session.execute(select(PostFinding.__table__)).mappings():
        assert not any(POSTCODE.lower() in str(value).lower() for value in row.values())
    for row in db.session.execute(select(ConfidentialityReview.__table__)).mappings():
        assert not any(POSTCODE.lower() in str(value).lower() for value in row.values())


def test_the_salted_hash_depends_on_the_salt(app):
    finding = pii.scan(CONFIRMABLE)[0]
    first = confidentiality.scan_fields({"body": CONFIRMABLE}).spotted[0].fingerprint
    app.config["PII_SALT"] = "another salt"
    second = confidentiality.scan_fields({"body": CONFIRMABLE}).spotted[0].fingerprint
    assert first != second
    assert second == pii.fingerprint(CONFIRMABLE, finding, b"another salt")


def test_moderators_of_the_category_are_not_asked_to_confirm(app):
    category = make_category()
    thread = make_thread(category)
    moderator = make_category_moderator(category)
    post = discussions.reply_to_thread(moderator, loaded(thread), body=CONFIRMABLE)
    db.session.commit()
    assert post.id is not None and reviews() == []


def test_a_nudge_never_refuses(app):
    thread = make_thread()
    post = discussions.reply_to_thread(make_user(), loaded(thread), body=NUDGE)
    db.session.commit()
    assert post.id is not None and reviews() == []


def test_a_title_is_checked_too(app):
    category = make_category()
    with pytest.raises(ConfidentialityError) as refused:
        discussions.create_thread(make_user(), category, title=f"Advice re {NHS}", body=CLEAN)
    assert refused.value.field == "title"


def test_an_edit_keeps_what_was_confirmed_and_asks_about_what_is_new(app):
    thread = make_thread()
    writer = make_user()
    post = discussions.reply_to_thread(
        writer, loaded(thread), body=CONFIRMABLE, pii_confirmed=confirmations_for(CONFIRMABLE)
    )
    db.session.commit()
    post = queries.get_post_or_404(post.id, writer)
    discussions.edit_post(writer, post, body=CONFIRMABLE + " Ferritin rechecked.")
    db.session.commit()
    assert len(reviews()) == 1  # the postcode was confirmed already: no new question
    post = queries.get_post_or_404(post.id, writer)
    with pytest.raises(ConfidentialityError):
        discussions.edit_post(writer, post, body=CONFIRMABLE + " Call 07700 900123.")


def test_an_edit_reason_is_checked(app):
    thread = make_thread()
    writer = thread_author = db.session.get(User, thread.author_id)
    post = queries.get_post_or_404(opening_post(thread).id, writer)
    with pytest.raises(ConfidentialityError) as refused:
        discussions.edit_post(
            thread_author, post, body="An opening post, edited.", reason=f"Removed {NHS}"
        )
    assert refused.value.field == "reason" and writer is thread_author


def test_a_profile_field_is_checked_and_can_be_confirmed(app):
    member = make_user()
    bio = "GP partner. Reach me at asha.patel@example.org about the audit."
    with pytest.raises(ConfidentialityError) as refused:
        profiles.update_profile(
            member, member, display_name="Dr Asha Patel", username=member.username, bio=bio
        )
    db.session.rollback()
    assert refused.value.field == "bio"
    member = db.session.get(User, member.id)
    profiles.update_profile(
        member,
        member,
        display_name="Dr Asha Patel",
        username=member.username,
        bio=bio,
        pii_confirmed=refused.value.pii_review.confirm_fingerprints,
    )
    db.session.commit()
    assert db.session.get(User, member.id).bio == bio
    # Saved again unchanged: what the profile already said needs no new confirmation.
    profiles.update_profile(
        member, member, display_name="Dr Asha Patel", username=member.username, bio=bio
    )


def test_verdict_repr_never_shows_the_text(app):
    verdict = confidentiality.scan_fields({"body": BLOCKED})
    assert NHS not in repr(verdict) and "999" not in repr(verdict)


# The composer over HTTP ------------------------------------------------------------------


def test_a_reply_with_an_nhs_number_comes_back_with_the_text_kept_and_highlighted(
    app, client, reload
):
    thread = make_thread()
    sign_in(client, make_user())
    response = client.post(f"/t/{thread.id}/reply", data={"body": BLOCKED})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f">{BLOCKED}</textarea>" in html.replace("&#39;", "'") or BLOCKED in html
    assert f'<mark class="pii-mark pii-mark--block">{NHS}</mark>' in html
    assert "Remove what identifies a patient" in html
    assert "gmc-uk.org" in html
    assert 'name="pii_confirmed"' not in html  # nothing to confirm: it must go
    reload()
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_a_reply_with_a_postcode_is_confirmed_then_published(app, client, reload):
    thread = make_thread()
    sign_in(client, make_user())
    asked = client.post(f"/t/{thread.id}/reply", data={"body": CONFIRMABLE})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 422
    assert 'name="pii_confirmed"' in html and "Check these details before you post" in html
    seen = re.search(r'name="pii_seen" value="([0-9a-f ]+)"', html).group(1)

    sent = client.post(
        f"/t/{thread.id}/reply",
        data={"body": CONFIRMABLE, "pii_confirmed": "y", "pii_seen": seen},
    )
    assert sent.status_code == 302
    reload()
    (review,) = reviews()
    assert db.session.get(Post, review.post_id).body_source == CONFIRMABLE


def test_a_ticked_box_without_the_findings_it_confirms_confirms_nothing(app, client):
    thread = make_thread()
    sign_in(client, make_user())
    response = client.post(
        f"/t/{thread.id}/reply", data={"body": CONFIRMABLE, "pii_confirmed": "y"}
    )
    assert response.status_code == 422


def test_a_nudge_is_a_gentle_note_after_posting(app, client):
    thread = make_thread()
    sign_in(client, make_user())
    response = client.post(f"/t/{thread.id}/reply", data={"body": NUDGE}, follow_redirects=True)
    assert response.status_code == 200
    assert "A gentle check: your text mentions an exact age of 90 or over" in response.get_data(
        as_text=True
    )


def test_a_new_thread_title_is_highlighted_when_refused(app, client):
    category = make_category()
    sign_in(client, make_user())
    response = client.post(
        f"/c/{category.slug}/new",
        data={"title": f"Mrs Ondine Farrow {POSTCODE}", "body": CLEAN, "kind": "question"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "in your title" in html and '<mark class="pii-mark pii-mark--confirm">' in html
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0


def test_editing_a_post_goes_through_the_guard(app, client):
    author = make_user()
    thread = make_thread(author=author)
    sign_in(client, author)
    post = opening_post(thread)
    response = client.post(
        f"/p/{post.id}/edit", data={"body": BLOCKED, "title": thread.title, "edit_count": "0"}
    )
    assert response.status_code == 422 and "pii-mark--block" in response.get_data(as_text=True)


def test_the_profile_page_shows_what_the_guard_found(app, client):
    member = make_user()
    sign_in(client, member)
    response = client.post(
        "/account/profile",
        data={
            "display_name": "Dr Asha Patel",
            "username": member.username,
            "bio": f"Ask me about the case of Mr Ezekiel Thornbury, {POSTCODE}.",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "in your “About you”" in html


# The live check --------------------------------------------------------------------------


def test_the_live_check_returns_kinds_and_offsets(app, client):
    sign_in(client, make_user())
    response = client.post(
        "/composer/pii-check", json={"fields": {"body": BLOCKED, "title": "Iron", "x": NHS}}
    )
    data = response.get_json()
    assert response.status_code == 200 and data["severity"] == "block"
    (finding,) = data["findings"]
    assert (finding["field"], finding["kind"], finding["severity"]) == (
        "body",
        "nhs_number",
        "block",
    )
    assert BLOCKED[finding["start"] : finding["end"]] == NHS
    assert NHS not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "payload",
    [None, {"fields": "text"}, {"fields": {"body": 3}}, {"fields": {"body": "x" * 130_001}}],
)
def test_the_live_check_refuses_bad_input(app, client, payload):
    sign_in(client, make_user())
    response = client.post("/composer/pii-check", json=payload, headers=JSON)
    assert response.status_code == 400 and "error" in response.get_json()


def test_the_live_check_needs_a_member_and_csrf(app, client):
    anonymous = client.post("/composer/pii-check", json={"fields": {}}, headers=JSON)
    assert anonymous.status_code == 401
    sign_in(client, make_user())
    app.config["WTF_CSRF_ENABLED"] = True
    forged = client.post("/composer/pii-check", json={"fields": {"body": CLEAN}}, headers=JSON)
    assert forged.status_code == 400


def test_the_demo_data_passes_the_guard(app, tmp_path):
    from forum.cli import seeding

    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")  # the library's PDFs
    assert seeding.seed_demo() is True
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Post)) > 0
    # Every demo post, the restricted category's and the library's included, went straight out.
    held = or_(Post.held_at.is_not(None), Post.hidden_at.is_not(None))
    assert db.session.scalar(select(func.count()).select_from(Post).where(held)) == 0
