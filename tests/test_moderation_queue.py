"""One review queue: reports, held posts and join requests; filters; claims; decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import (
    AuditEntry,
    Category,
    JoinRequest,
    MemberSanction,
    ModerationItem,
    ModerationMessage,
    Post,
    QueueClaim,
    Thread,
    User,
    utcnow,
)
from forum.services.membership import join_requests
from tests.factories import (
    confirmed_reply,
    make_admin,
    make_category,
    make_category_moderator,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    reported_post,
    sign_in,
)


def _item(item_id: int) -> ModerationItem:
    db.session.commit()
    return db.session.get(ModerationItem, item_id)


def _messages(user: User) -> list[ModerationMessage]:
    db.session.commit()
    stmt = select(ModerationMessage).where(ModerationMessage.user_id == user.id)
    return list(db.session.scalars(stmt.order_by(ModerationMessage.id)))


def _resolve(client, item, outcome, reason="Against the community rules.", **extra):
    data = {"outcome": outcome, "reason": reason, **extra}
    return client.post(f"/mod/items/{item.id}/resolve", data=data)


# Showing and filtering ---------------------------------------------------------------------


def test_the_queue_shows_reports_held_posts_and_join_requests(app, client):
    reported = make_reply(make_thread(title="Thread with a rude reply"), body="Rude words")
    reported_post(reported)
    held_category = make_category(requires_approval=True)
    make_thread(held_category, title="Held thread for review")
    join_requests.submit_join_request(
        display_name="Dr Applicant",
        email="applicant@example.org",
        job_title="GP",
        organisation="A Practice",
        alliance="",
        gmc_number="",
        reason="To learn.",
    )
    db.session.commit()
    sign_in(client, make_moderator())

    page = client.get("/mod/")

    assert page.status_code == 200
    assert b"Thread with a rude reply" in page.data
    assert b"Held thread for review" in page.data
    assert b"Join request from Dr Applicant" in page.data
    assert b"3 waiting" in page.data


def test_filters_by_type_category_and_age(app, client):
    first, second = make_category(name="Referrals"), make_category(name="Screening")
    old = reported_post(make_reply(make_thread(first, title="Old referral thread")))
    reported_post(make_reply(make_thread(second, title="New screening thread")))
    db.session.execute(
        update(ModerationItem)
        .where(ModerationItem.id == old.id)
        .values(created_at=utcnow() - timedelta(days=10))
    )
    db.session.commit()
    sign_in(client, make_moderator())

    by_category = client.get(f"/mod/?category={first.id}")
    by_age = client.get("/mod/?age=older")
    recent = client.get("/mod/?age=day")
    held_only = client.get("/mod/?type=held")

    assert b"Old referral thread" in by_category.data
    assert b"New screening thread" not in by_category.data
    assert b"Old referral thread" in by_age.data and b"New screening" not in by_age.data
    assert b"New screening thread" in recent.data and b"Old referral" not in recent.data
    assert b"Nothing is waiting" in held_only.data


def test_nonsense_filters_are_ignored_and_far_pages_go_back(app, client):
    reported_post(make_reply(make_thread(title="A thread to show")))
    sign_in(client, make_moderator())
    response = client.get("/mod/?type=bogus&category=abc&age=%01&claim=x&sort=1")
    assert response.status_code == 200 and b"A thread to show" in response.data
    assert client.get("/mod/?age=%00").status_code == 400  # NUL in an address: refused
    assert client.get("/mod/?page=99").status_code == 302
    assert client.get("/mod/?page=abc").status_code == 400


def test_category_moderators_see_only_their_categories(app, client):
    mine, other = make_category(), make_category()
    reported_post(make_reply(make_thread(mine, title="In my category")))
    reported_post(make_reply(make_thread(other, title="In another category")))
    join_requests.submit_join_request(
        display_name="Dr Hidden Applicant",
        email="a2@example.org",
        job_title="GP",
        organisation="P",
        alliance="",
        gmc_number="",
        reason="R",
    )
    db.session.commit()
    sign_in(client, make_category_moderator(mine))

    page = client.get("/mod/")

    assert b"In my category" in page.data
    assert b"In another category" not in page.data
    assert b"Dr Hidden Applicant" not in page.data


# Claims ------------------------------------------------------------------------------------


def test_claims_keep_two_moderators_from_colliding(app, client):
    item = reported_post(make_reply(make_thread()))
    first, second = make_moderator(name="Mod One"), make_moderator(name="Mod Two")
    other = app.test_client()
    sign_in(client, first)
    sign_in(other, second)

    assert client.post(f"/mod/items/{item.id}/claim").status_code == 302
    taken = other.post(f"/mod/items/{item.id}/claim", follow_redirects=True)
    blocked = _resolve(other, item, "dismissed")
    shown = other.get("/mod/")

    assert b"Mod One is already handling this" in taken.data
    assert blocked.status_code == 422 and b"Mod One is handling this:" in blocked.data
    assert b"Mod One</strong> is handling this" in shown.data
    assert _item(item.id).resolved_at is None

    assert client.post(f"/mod/items/{item.id}/unclaim").status_code == 302
    assert _resolve(other, item, "dismissed").status_code == 302
    assert _item(item.id).resolved_by_id == second.id


def test_a_stale_claim_lapses(app, client):
    item = reported_post(make_reply(make_thread()))
    first, second = make_moderator(), make_moderator()
    sign_in(client, first)
    client.post(f"/mod/items/{item.id}/claim")
    db.session.commit()
    db.session.execute(update(QueueClaim).values(claimed_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    other = app.test_client()
    sign_in(other, second)
    assert other.post(f"/mod/items/{item.id}/claim").status_code == 302
    db.session.commit()
    assert db.session.scalars(select(QueueClaim.moderator_id)).all() == [second.id]


def test_claimed_filter_shows_mine_and_unclaimed(app, client):
    mine = reported_post(make_reply(make_thread(title="Thread that I took")))
    reported_post(make_reply(make_thread(title="Nobody has this thread")))
    sign_in(client, make_moderator())
    client.post(f"/mod/items/{mine.id}/claim")
    own = client.get("/mod/?claim=mine")
    free = client.get("/mod/?claim=unclaimed")
    assert b"Thread that I took" in own.data and b"Nobody has this" not in own.data
    assert b"Nobody has this thread" in free.data and b"Thread that I took" not in free.data


# Decisions on reports ------------------------------------------------------------------------


def test_agree_and_hide_tells_the_author_and_the_flagger(app, client):
    author, reporter = make_user(), make_user()
    post = make_reply(make_thread(), author=author, body="Something unkind")
    item = reported_post(post, reporter=reporter)
    sign_in(client, make_moderator())

    assert _resolve(client, item, "hidden", "Please keep it kind.").status_code == 302

    db.session.commit()
    assert db.session.get(Post, post.id).hidden_reason == "Please keep it kind."
    assert _item(item.id).outcome == "hidden"
    [to_author] = _messages(author)
    assert to_author.kind == "post_hidden" and to_author.reason == "Please keep it kind."
    [to_reporter] = _messages(reporter)
    assert "hid the post" in to_reporter.summary and to_reporter.reason == ""
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "queue.flag.hidden")
    ).one()
    assert entry.reason == "Please keep it kind." and entry.subject_user_id == author.id


def test_agree_and_delete_with_a_warning(app, client):
    author = make_user()
    thread = make_thread()
    post = make_reply(thread, author=author)
    item = reported_post(post)
    sign_in(client, make_moderator())

    assert _resolve(client, item, "deleted", "Advertising.", warn="y").status_code == 302

    db.session.commit()
    assert db.session.get(Post, post.id).deleted_at is not None
    assert db.session.get(Thread, thread.id).reply_count == 0
    warning = db.session.scalars(select(MemberSanction)).one()
    assert (warning.user_id, warning.kind, warning.post_id) == (author.id, "warning", post.id)
    kinds = [m.kind for m in _messages(author)]
    assert kinds == ["post_deleted", "warning"]


def test_warn_only_leaves_the_post(app, client):
    author = make_user()
    post = make_reply(make_thread(), author=author)
    item = reported_post(post)
    sign_in(client, make_moderator())
    assert _resolve(client, item, "warned", "Declare your interests.").status_code == 302
    db.session.commit()
    assert db.session.get(Post, post.id).hidden_at is None
    assert db.session.scalars(select(MemberSanction.kind)).all() == ["warning"]


def test_dismissing_a_patient_identifier_report_shows_the_post_again(app, client):
    post = make_reply(make_thread(), body="Nothing identifying here.")
    item = reported_post(post, reason="patient_identifier")
    assert db.session.get(Post, post.id).hidden_at is not None
    sign_in(client, make_moderator())
    assert _resolve(client, item, "dismissed", "No identifier: ages only.").status_code == 302
    db.session.commit()
    assert db.session.get(Post, post.id).hidden_at is None


def test_edit_and_resolve_keeps_a_revision_by_the_moderator(app, client):
    author = make_user()
    post = confirmed_reply(make_thread(), author=author, body="Call her on 07700 900123.")
    item = reported_post(post, reason="patient_identifier")
    moderator = make_moderator()
    sign_in(client, moderator)
    form = client.get(f"/mod/items/{item.id}/edit")
    response = client.post(
        f"/mod/items/{item.id}/edit",
        data={"body": "Call [removed].", "reason": "Removed a patient's details."},
    )
    assert form.status_code == 200 and b"Call her on 07700 900123" in form.data
    assert response.status_code == 302
    db.session.commit()
    post = db.session.get(Post, post.id)
    assert post.body_source == "Call [removed]." and post.hidden_at is None
    assert _item(item.id).outcome == "edited"
    assert [m.kind for m in _messages(author)] == ["post_hidden", "post_edited"]
    revision_editor = db.session.scalar(
        select(AuditEntry.actor_id).where(AuditEntry.action == "post.staff_edit")
    )
    assert revision_editor == moderator.id


def test_a_reason_is_required_and_the_form_keeps_the_text(app, client):
    item = reported_post(make_reply(make_thread()))
    sign_in(client, make_moderator())
    response = _resolve(client, item, "hidden", "")
    no_outcome = client.post(f"/mod/items/{item.id}/resolve", data={"reason": "Because."})
    assert response.status_code == 422 and b"Give a reason" in response.data
    assert no_outcome.status_code == 422 and b"Because." in no_outcome.data
    assert _item(item.id).resolved_at is None


def test_a_decided_item_cannot_be_decided_again(app, client):
    item = reported_post(make_reply(make_thread()))
    first = make_moderator(name="Quick Mod")
    sign_in(client, first)
    assert _resolve(client, item, "dismissed").status_code == 302
    second = app.test_client()
    sign_in(second, make_moderator())
    again = _resolve(second, item, "hidden")
    assert again.status_code == 422 and b"Quick Mod has decided this already" in again.data


def test_hiding_from_the_post_page_settles_the_open_report(app, client):
    reporter = make_user()
    post = make_reply(make_thread())
    item = reported_post(post, reporter=reporter)
    sign_in(client, make_moderator())
    response = client.post(f"/mod/posts/{post.id}/hide", data={"hide-reason": "Off topic."})
    assert response.status_code == 302
    assert _item(item.id).outcome == "hidden"
    assert "hid the post" in _messages(reporter)[0].summary


# Held posts --------------------------------------------------------------------------------


def test_pre_moderated_category_holds_every_member_post(app, client):
    category = make_category(requires_approval=True)
    author = make_user()
    sign_in(client, author)
    response = client.post(
        f"/c/{category.slug}/new",
        data={"title": "Waiting for approval", "body": "Hello."},
        follow_redirects=True,
    )
    assert b"awaiting approval" in response.data
    db.session.commit()
    thread = db.session.scalars(select(Thread)).one()
    assert thread.hidden_at is not None
    assert db.session.get(Category, category.id).thread_count == 0
    assert db.session.get(User, author.id).post_count == 0
    reader = app.test_client()
    sign_in(reader, make_user())
    assert reader.get(f"/t/{thread.id}").status_code == 404
    assert b"Waiting for approval" not in reader.get(f"/c/{category.slug}").data


def test_approving_a_held_thread_shows_and_counts_it(app, client):
    category = make_category(requires_approval=True)
    author = make_user()
    thread = make_thread(category, author=author, title="Held then approved")
    item = db.session.scalars(select(ModerationItem)).one()
    sign_in(client, make_moderator())

    assert client.post(f"/mod/items/{item.id}/approve", data={"note": ""}).status_code == 302

    db.session.commit()
    assert db.session.get(Thread, thread.id).hidden_at is None
    category = db.session.get(Category, category.id)
    assert (category.thread_count, category.post_count) == (1, 1)
    assert category.last_thread_title == "Held then approved"
    assert db.session.get(User, author.id).post_count == 1
    assert [m.kind for m in _messages(author)] == ["post_approved"]


def test_held_reply_takes_a_number_but_is_not_counted_until_approved(app, client):
    category = make_category()
    thread = make_thread(category, replies=1)
    db.session.execute(update(Category).values(requires_approval=True))
    db.session.commit()
    author = make_user()
    sign_in(client, author)
    response = client.post(f"/t/{thread.id}/reply", data={"body": "A held reply."})
    assert response.status_code == 302
    db.session.commit()
    held = db.session.scalars(select(Post).where(Post.post_number == 3)).one()
    assert held.held_at is not None
    thread = db.session.get(Thread, thread.id)
    assert (thread.reply_count, thread.last_post_number) == (1, 3)
    own = client.get(f"/t/{thread.id}")
    assert b"Awaiting approval" in own.data and b"A held reply." in own.data
    other = app.test_client()
    sign_in(other, make_user())
    assert b"A held reply." not in other.get(f"/t/{thread.id}").data


def test_an_author_deleting_their_held_post_keeps_counts_and_leaves_the_queue(app, client):
    category = make_category()
    thread = make_thread(category, replies=1)
    db.session.execute(update(Category).values(requires_approval=True))
    db.session.commit()
    author = make_user()
    sign_in(client, author)
    client.post(f"/t/{thread.id}/reply", data={"body": "Second thoughts."})
    db.session.commit()
    held = db.session.scalars(select(Post).where(Post.post_number == 3)).one()
    assert client.post(f"/p/{held.id}/delete").status_code == 302
    db.session.commit()
    assert db.session.get(Thread, thread.id).reply_count == 1
    category = db.session.get(Category, category.id)
    assert (category.thread_count, category.post_count) == (1, 2)
    moderator = app.test_client()
    sign_in(moderator, make_moderator())
    assert b"Second thoughts." not in moderator.get("/mod/").data


def test_rejecting_a_held_post_deletes_it_and_tells_the_author_why(app, client):
    category = make_category(requires_approval=True)
    author = make_user()
    thread = make_thread(category, author=author)
    item = db.session.scalars(select(ModerationItem)).one()
    sign_in(client, make_moderator())
    missing = client.post(f"/mod/items/{item.id}/reject", data={"reason": ""})
    response = client.post(f"/mod/items/{item.id}/reject", data={"reason": "Duplicate thread."})
    assert missing.status_code == 422
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(Thread, thread.id).deleted_at is not None
    [message] = _messages(author)
    assert message.kind == "post_rejected" and message.reason == "Duplicate thread."


def test_a_new_members_first_posts_are_held(app, client):
    thread = make_thread()
    app.config["MODERATION_HOLD_FIRST_POSTS"] = 1
    newcomer = make_user()
    sign_in(client, newcomer)
    client.post(f"/t/{thread.id}/reply", data={"body": "My first post."})
    db.session.commit()
    first = db.session.scalars(select(Post).where(Post.author_id == newcomer.id)).one()
    assert first.held_at is not None and "first 1 posts" in first.held_reason
    item = db.session.scalars(select(ModerationItem).where(ModerationItem.kind == "held")).one()
    moderator = app.test_client()
    sign_in(moderator, make_moderator())
    moderator.post(f"/mod/items/{item.id}/approve", data={})
    client.post(f"/t/{thread.id}/reply", data={"body": "My second post."})
    db.session.commit()
    second = db.session.scalars(select(Post).where(Post.body_source == "My second post.")).one()
    assert second.held_at is None


# Join requests ---------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_join_requests_are_decided_from_the_queue(app, client, decision):
    join_requests.submit_join_request(
        display_name="Dr Joiner",
        email="joiner@example.org",
        job_title="GP",
        organisation="P",
        alliance="",
        gmc_number="",
        reason="Interested.",
    )
    db.session.commit()
    request = db.session.scalars(select(JoinRequest)).one()
    sign_in(client, make_moderator())
    claimed = client.post(f"/mod/join-requests/{request.id}/claim")
    response = client.post(
        f"/mod/join-requests/{request.id}/{decision}", data={"reason": "Not a GP."}
    )
    assert claimed.status_code == 302 and response.status_code == 302
    db.session.commit()
    status = db.session.get(JoinRequest, request.id).status
    assert status == ("approved" if decision == "approve" else "rejected")
    assert db.session.scalar(select(func.count()).select_from(QueueClaim)) == 0
    assert b"Join request from Dr Joiner" not in client.get("/mod/").data


def test_admins_decide_too_and_category_moderators_cannot_touch_join_requests(app, client):
    join_requests.submit_join_request(
        display_name="Dr Two",
        email="two@example.org",
        job_title="GP",
        organisation="P",
        alliance="",
        gmc_number="",
        reason="R",
    )
    db.session.commit()
    request = db.session.scalars(select(JoinRequest)).one()
    sign_in(client, make_category_moderator(make_category()))
    assert client.post(f"/mod/join-requests/{request.id}/approve").status_code == 404
    admin = app.test_client()
    sign_in(admin, make_admin())
    assert admin.post(f"/mod/join-requests/{request.id}/approve").status_code == 302
