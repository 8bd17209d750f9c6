"""Members' handles: short defaults, the rules for a chosen one, mentions that follow a
change, and the @mention lookup the composer's combobox reads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Draft, Post, Thread, User
from forum.services.discussions import drafts
from forum.services.membership import handles
from forum.services.membership.accounts import unique_username
from forum.text.former_members import Identity, NameScrubber
from forum.text.slugs import username_base
from tests.factories import (
    loaded,
    make_group,
    make_reply,
    make_thread,
    make_user,
    opening_post,
    sign_in,
    silenced_member,
)

PROFILE = {"display_name": "Dr Asha Patel", "job_title": "GP", "alliance": ""}


@pytest.mark.parametrize(
    ("name", "handle"),
    [
        ("Dr Asha Patel", "asha.patel"),
        ("Dr Tom O'Connell", "tom.oconnell"),
        ("Prof. Mary-Jane Smith-Jones", "mary-jane.smith-jones"),
        ("Asha Kumari Patel", "asha.patel"),
        ("Zoë Ångström", "zoe.angstrom"),
        ("Reviewers", "reviewers"),
        ("Dr", "dr"),
        ("李", "member"),
        ("grace.adeyemi@example.nhs.uk", "grace.adeyemi"),
        ("A" * 40 + " Patel", "a" * 24),
    ],
)
def test_a_default_handle_is_first_and_last_name_without_a_title(name, handle):
    assert username_base(name) == handle
    assert handles.HANDLE.fullmatch(handle)


def test_default_handles_are_unique_and_never_a_group_or_a_reserved_word(app):
    assert make_user(name="Dr Asha Patel").username == "asha.patel"
    assert make_user(name="Asha Patel").username == "asha.patel2"
    make_group("North GPs", handle="north-gps")
    assert unique_username("North-GPs") == "north-gps2"
    assert unique_username("Admin") == "admin2"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("a", "Use 2 to 30"),
        ("a" * 31, "30 characters or fewer"),
        ("asha patel", "Use 2 to 30"),
        ("asha.patel.", "not ending with a dot"),
        (".asha", "Use 2 to 30"),
        ("asha..patel", "Use 2 to 30"),
        ("asha/patel", "Use 2 to 30"),
        ("staff", "reserved"),
        ("former-member", "reserved"),
        ("former_12", "reserved"),
        ("taken.name", "taken by another member"),
        ("the-group", "A group has that name"),
    ],
)
def test_a_chosen_handle_is_checked_and_the_form_keeps_what_was_typed(app, client, typed, message):
    make_user().username = "taken.name"
    db.session.commit()
    make_group("The group", handle="the-group")
    member = make_user()
    sign_in(client, member)
    response = client.post("/account/profile", data={**PROFILE, "username": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert f'value="{typed}"' in html
    db.session.commit()
    assert db.session.get(User, member.id).username == member.username


@pytest.mark.parametrize("typed", ["ab", "asha.patel", "Asha.Patel", "@dr-asha_p.2", "a" * 30])
def test_good_handles_are_saved_lower_case(app, client, typed):
    member = make_user()
    sign_in(client, member)
    response = client.post("/account/profile", data={**PROFILE, "username": typed})
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(User, member.id).username == typed.lstrip("@").lower()


def test_a_new_handle_carries_earlier_mentions_with_it(app, client):
    member = make_user(name="Dr Asha Patel")
    other = make_user(name="Dr Asha Patelson")
    other.username = "asha.patelson"
    db.session.commit()
    thread = make_thread(title="Ask @asha.patel about FIT")
    mention = make_reply(
        thread, body="Thanks @asha.patel. See /u/asha.patel and @asha.patelson, not \\@x."
    )
    writer = make_user()
    drafts.save_reply_draft(writer, loaded(thread), body="Over to @asha.patel")
    db.session.commit()
    sign_in(client, member)
    assert (
        client.post("/account/profile", data={**PROFILE, "username": "asha.p"}).status_code == 302
    )
    db.session.commit()
    post = db.session.get(Post, mention.id)
    assert post.body_source == "Thanks @asha.p. See /u/asha.p and @asha.patelson, not \\@x."
    assert 'href="/u/asha.p" class="mention"' in post.body_html
    assert 'href="/u/asha.patelson" class="mention"' in post.body_html
    assert db.session.get(Thread, thread.id).title == "Ask @asha.p about FIT"
    draft = db.session.scalar(select(Draft).where(Draft.user_id == writer.id))
    assert draft.body == "Over to @asha.p"
    assert client.get("/u/asha.p").status_code == 200
    assert client.get("/u/asha.patel").status_code == 404  # free for anyone now


def test_other_texts_and_posts_are_left_alone(app):
    member = make_user(name="Dr Asha Patel")
    untouched = opening_post(make_thread(body="See asha.patel.nhs, ask @asha.patels"))
    assert handles.follow_handle_change(member.username, "asha") == 0
    db.session.commit()
    assert db.session.get(Post, untouched.id).body_source.endswith("@asha.patels")


def test_a_leaver_with_a_short_handle_does_not_scrub_a_longer_one():
    scrubber = NameScrubber(Identity("Asha", "asha", "asha@example.org"))
    text = "Thanks @asha and @asha.patel; see /u/asha and /u/asha.patel. Bye @asha."
    assert scrubber.sub(text) == (
        "Thanks @former-member and @asha.patel; see /u/former-member and /u/asha.patel. "
        "Bye @former-member."
    )


def test_check_handle_refuses_on_the_username_field(app):
    member = make_user()
    with pytest.raises(ServiceError) as refused:
        handles.check_handle(member, "no spaces")
    assert refused.value.field == "username"


# The @mention lookup ------------------------------------------------------------------------------


def test_the_lookup_lists_name_job_and_alliance_and_is_limited(app, client):
    asha = make_user(name="Dr Asha Patel", job_title="GP partner", alliance="Greater Manchester")
    for n in range(12):
        make_user(name=f"Ashley Member{n}")
    gone = make_user(name="Ash Gone")
    gone.deactivated_at = gone.created_at
    db.session.commit()
    sign_in(client, make_user())
    data = client.get("/mentions?q=as").get_json()
    assert len(data["users"]) == 8
    first = data["users"][0]
    assert first == {
        "username": asha.username,
        "display_name": "Dr Asha Patel",
        "job_title": "GP partner",
        "alliance": "Greater Manchester",
    }
    everyone = client.get("/mentions?q=ash.gone").get_json()["users"]
    assert everyone == [] and gone.username == "ash.gone"


def test_the_lookup_finds_by_handle_with_a_dot(app, client):
    make_user(name="Dr Tom O'Connell")
    sign_in(client, make_user())
    users = client.get("/mentions?q=tom.o").get_json()["users"]
    assert [u["username"] for u in users] == ["tom.oconnell"]


def test_the_lookup_is_for_members_who_may_post(app, client):
    assert client.get("/mentions?q=as", headers={"Accept": "application/json"}).status_code == 401
    sign_in(client, silenced_member())
    assert client.get("/mentions?q=as", headers={"Accept": "application/json"}).status_code == 403


def test_users_are_found_in_the_database_by_their_new_handle(app):
    member = make_user(name="Grace Adeyemi")
    assert db.session.scalar(select(User.id).where(User.username == "grace.adeyemi")) == member.id
