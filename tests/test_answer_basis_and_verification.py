"""What a reply rests on, and accepted answers checked by a clinical lead: the forms, the
thread page, the policy, the service, the group's flag and its cache on members."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from forum import policy, queries
from forum.extensions import db
from forum.models import AuditEntry, Group, Post, Thread, User, utcnow
from forum.policy import SYSTEM
from forum.services.discussions import solutions
from forum.services.groups import admin as groups
from forum.services.groups import members as group_members
from forum.services.moderation import posts as moderation_posts
from tests.factories import (
    make_admin,
    make_group,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    opening_post,
    sign_in,
    solved_thread,
)


def _signed_in(app, user: User):
    client = app.test_client()
    sign_in(client, user)
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _thread(thread_id: int) -> Thread:
    db.session.commit()
    return db.session.get(Thread, thread_id)


def _post(post_id: int) -> Post:
    db.session.commit()
    return db.session.get(Post, post_id)


def _reviewer(**kwargs) -> User:
    """A member of a group whose members verify answers."""
    user = make_user(**kwargs)
    make_group(verifies_answers=True, members=(user,))
    db.session.commit()
    return db.session.get(User, user.id)


# The basis of an answer ----------------------------------------------------------------------


def test_the_reply_form_asks_what_the_answer_rests_on_in_a_fieldset(app):
    thread = make_thread()
    page = _text(_signed_in(app, make_user()).get(f"/t/{thread.id}"))
    fieldset = page.split('<fieldset class="field radio-group radio-group--inline', 1)[1]
    fieldset = fieldset.split("</fieldset>", 1)[0]
    assert "<legend" in fieldset and "What does this answer rest on? (optional)" in fieldset
    for label in ("Not stated", "National guideline", "Local pathway", "Published evidence",
                  "Own experience"):  # fmt: skip
        assert label in fieldset
    assert fieldset.count("checked") == 1
    assert '<input checked id="basis-0" name="basis" type="radio" value="">' in fieldset


def test_a_reply_keeps_its_basis_and_shows_it_beside_the_author(app):
    thread = make_thread(title="Which pathway for a raised PSA?")
    client = _signed_in(app, make_user(name="Dr Basis"))
    response = client.post(f"/t/{thread.id}/reply", data={"body": "Our pathway says refer.",
                                                          "basis": "local"})  # fmt: skip
    assert response.status_code == 302
    db.session.commit()
    post = db.session.scalars(select(Post).where(Post.thread_id == thread.id,
                                                 Post.post_number == 2)).one()  # fmt: skip
    assert post.basis == "local"
    page = _text(client.get(f"/t/{thread.id}"))
    assert '<span class="post__basis">Rests on: local pathway</span>' in page


def test_a_reply_without_a_basis_says_nothing_about_it(app):
    thread = make_thread()
    client = _signed_in(app, make_user())
    assert client.post(f"/t/{thread.id}/reply", data={"body": "No basis."}).status_code == 302
    db.session.commit()
    post = db.session.scalars(select(Post).where(Post.thread_id == thread.id,
                                                 Post.post_number == 2)).one()  # fmt: skip
    assert post.basis == ""
    assert "Rests on:" not in _text(client.get(f"/t/{thread.id}"))


def test_an_unknown_basis_is_refused_with_the_text_kept(app):
    thread = make_thread()
    client = _signed_in(app, make_user())
    response = client.post(f"/t/{thread.id}/reply", data={"body": "Kept text.", "basis": "gut"})
    assert response.status_code == 422
    assert "Choose one of the listed answers" in _text(response)
    assert "Kept text." in _text(response)
    assert _thread(thread.id).reply_count == 0


def test_editing_a_reply_changes_its_basis_but_the_opening_post_has_none(app):
    author = make_user()
    thread = make_thread(author=author)
    reply = make_reply(thread, author=author, body="First version.")
    client = _signed_in(app, author)
    form = _text(client.get(f"/p/{reply.id}/edit"))
    assert "What does this answer rest on?" in form
    response = client.post(f"/p/{reply.id}/edit", data={"body": "First version.",
                                                         "basis": "evidence"})  # fmt: skip
    assert response.status_code == 302
    assert _post(reply.id).basis == "evidence"
    assert "What does this answer rest on?" not in _text(client.get(
        f"/p/{opening_post(thread).id}/edit"))  # fmt: skip
    bad = client.post(f"/p/{reply.id}/edit", data={"body": "Changed.", "basis": "x"})
    assert bad.status_code == 422 and _post(reply.id).basis == "evidence"


# Who may check an answer ---------------------------------------------------------------------


def test_the_policy_allows_reviewers_and_staff_never_on_their_own_answer(app):
    answerer = _reviewer()
    thread, answer = solved_thread(answerer=answerer)
    other = make_reply(thread)
    reviewer, moderator, admin, member = _reviewer(), make_moderator(), make_admin(), make_user()
    silenced = _reviewer(silenced_until=utcnow() + timedelta(days=1))
    thread = queries.get_thread_or_404(thread.id, SYSTEM)
    answer = queries.get_post_or_404(answer.id, SYSTEM)
    assert policy.can_verify_answer(reviewer, thread, answer)
    assert policy.can_verify_answer(moderator, thread, answer)
    assert policy.can_verify_answer(admin, thread, answer)
    assert not policy.can_verify_answer(member, thread, answer)
    assert not policy.can_verify_answer(answerer, thread, answer)  # their own answer
    other = queries.get_post_or_404(other.id, SYSTEM)
    assert not policy.can_verify_answer(reviewer, thread, other)  # not the solution
    assert not policy.can_verify_answer(silenced, thread, answer)


def test_a_reviewer_marks_the_answer_checked_and_readers_see_who_and_when(app):
    thread, answer = solved_thread(title="FIT in the over-80s")
    reviewer = _reviewer(name="Dr Lead")
    client = _signed_in(app, reviewer)
    page = _text(client.get(f"/t/{thread.id}"))
    assert "Mark as checked by a clinical lead" in page
    response = client.post(f"/t/{thread.id}/solution/verify", data={"post_id": answer.id})
    assert response.status_code == 302
    saved = _thread(thread.id)
    assert saved.solution_verified_at is not None
    assert saved.solution_verified_by_name == "Dr Lead"
    audit = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "thread.verify_answer")).one()  # fmt: skip
    assert audit.target_id == thread.id
    reader = _text(_signed_in(app, make_user()).get(f"/t/{thread.id}"))
    assert "<strong>Checked by a clinical lead:</strong> Dr Lead," in reader
    assert "Mark as checked" not in reader and "Remove check" not in reader


def test_members_outside_the_group_and_the_answers_author_get_403(app):
    answerer = _reviewer()
    thread, answer = solved_thread(answerer=answerer)
    for user in (make_user(), answerer):
        client = _signed_in(app, user)
        assert "Mark as checked" not in _text(client.get(f"/t/{thread.id}"))
        response = client.post(f"/t/{thread.id}/solution/verify", data={"post_id": answer.id})
        assert response.status_code == 403
    other = make_reply(thread)
    client = _signed_in(app, _reviewer())
    response = client.post(f"/t/{thread.id}/solution/verify", data={"post_id": other.id})
    assert response.status_code == 403
    assert client.post(f"/t/{thread.id}/solution/verify", data={"post_id": "x"}).status_code == 400
    assert _thread(thread.id).solution_verified_at is None


def test_the_reviewer_who_checked_it_or_staff_remove_the_check(app):
    thread, answer = solved_thread()
    first = _reviewer(name="Dr First")
    client = _signed_in(app, first)
    client.post(f"/t/{thread.id}/solution/verify", data={"post_id": answer.id})
    assert "Remove check" in _text(client.get(f"/t/{thread.id}"))
    second = _signed_in(app, _reviewer(name="Dr First"))  # the same name: not the same person
    assert "Remove check" not in _text(second.get(f"/t/{thread.id}"))
    assert second.post(f"/t/{thread.id}/solution/unverify").status_code == 403
    assert client.post(f"/t/{thread.id}/solution/unverify").status_code == 302
    saved = _thread(thread.id)
    assert saved.solution_verified_at is None and saved.solution_verified_by_name == ""
    client.post(f"/t/{thread.id}/solution/verify", data={"post_id": answer.id})
    staff = _signed_in(app, make_moderator())
    assert staff.post(f"/t/{thread.id}/solution/unverify").status_code == 302
    assert _thread(thread.id).solution_verified_at is None
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("thread.%verify_answer"))).all()  # fmt: skip
    assert sorted(actions) == ["thread.unverify_answer"] * 2 + ["thread.verify_answer"] * 2


def _verified(thread: Thread) -> None:
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(
        solution_verified_at=utcnow(), solution_verified_by_name="Dr Lead"))  # fmt: skip
    db.session.commit()


def test_an_edit_by_the_author_clears_the_check(app):
    answerer = make_user()
    thread, answer = solved_thread(answerer=answerer)
    _verified(thread)
    client = _signed_in(app, answerer)
    response = client.post(f"/p/{answer.id}/edit", data={"body": "A better answer."})
    assert response.status_code == 302
    saved = _thread(thread.id)
    assert saved.solution_verified_at is None and saved.solution_verified_by_name == ""


def test_a_basis_change_alone_keeps_the_check(app):
    answerer = make_user()
    thread, answer = solved_thread(answerer=answerer)
    _verified(thread)
    client = _signed_in(app, answerer)
    body = _post(answer.id).body_source
    client.post(f"/p/{answer.id}/edit", data={"body": body, "basis": "national"})
    assert _post(answer.id).basis == "national"
    assert _thread(thread.id).solution_verified_at is not None


def test_a_moderators_edit_clears_the_check_and_an_edit_elsewhere_does_not(app):
    thread, answer = solved_thread()
    other = make_reply(thread, body="Another reply.")
    _verified(thread)
    moderator = make_moderator()
    moderation_posts.staff_edit_post(moderator, queries.get_post_or_404(other.id, SYSTEM),
                                     body="Tidied.", reason="Tone.")  # fmt: skip
    assert _thread(thread.id).solution_verified_at is not None
    moderation_posts.staff_edit_post(moderator, queries.get_post_or_404(answer.id, SYSTEM),
                                     body="Corrected dose.", reason="Accuracy.")  # fmt: skip
    assert _thread(thread.id).solution_verified_at is None


# The solution slot's review lines ------------------------------------------------------------


def test_the_solution_slot_shows_review_and_changed_guidance_and_staff_see_the_due_date(app):
    thread, _answer = solved_thread()
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(
        solution_reviewed_at=utcnow().replace(year=2026, month=3, day=10),
        solution_reviewed_by_name="Sam Hughes",
        solution_guidance_changed_at=utcnow(),
        solution_review_due=utcnow().replace(year=2027, month=3, day=10)))  # fmt: skip
    db.session.commit()
    member = _text(_signed_in(app, make_user()).get(f"/t/{thread.id}"))
    assert "Reviewed March 2026 by Sam Hughes" in member
    assert "<strong>Guidance changed since this answer was accepted</strong>" in member
    assert "Review by" not in member
    staff = _text(_signed_in(app, make_moderator()).get(f"/t/{thread.id}"))
    assert "Review by 10 March 2027" in staff


# The group's flag and the members' cache -----------------------------------------------------


def test_the_groups_flag_and_its_memberships_keep_the_members_cache(app):
    member = make_user()
    group = make_group(members=(member,))
    assert db.session.get(User, member.id).verifies_answers is False
    details = {"name": group.name, "handle": group.handle}
    groups.update_group(SYSTEM, group, **details, verifies_answers=True)
    db.session.commit()
    assert db.session.get(User, member.id).verifies_answers is True
    group_members.remove_member(SYSTEM, db.session.get(Group, group.id), member)
    db.session.commit()
    assert db.session.get(User, member.id).verifies_answers is False
    group_members.add_member(SYSTEM, db.session.get(Group, group.id), member)
    db.session.commit()
    assert db.session.get(User, member.id).verifies_answers is True
    groups.delete_group(SYSTEM, db.session.get(Group, group.id))
    db.session.commit()
    assert db.session.get(User, member.id).verifies_answers is False


def test_the_admin_group_form_has_the_checkbox(app):
    group = make_group()
    client = _signed_in(app, make_admin())
    form = _text(client.get(f"/admin/groups/{group.id}/edit"))
    assert "Members can mark accepted answers as checked by a clinical lead" in form
    response = client.post(f"/admin/groups/{group.id}/edit", data={
        "name": group.name, "handle": group.handle, "verifies_answers": "y"})  # fmt: skip
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(Group, group.id).verifies_answers is True


def test_a_changed_solution_is_not_the_checked_one(app):
    """The check names the accepted answer: another answer accepted is not checked by it (the
    columns are reset by the solutions service; the policy asks for the current solution)."""
    asker = make_user()
    thread, answer = solved_thread(author=asker)
    second = make_reply(thread)
    moderator = make_moderator()
    solutions.accept_solution(asker, queries.get_thread_or_404(thread.id, SYSTEM),
                              queries.get_post_or_404(second.id, SYSTEM))  # fmt: skip
    db.session.commit()
    loaded = queries.get_thread_or_404(thread.id, SYSTEM)
    first = queries.get_post_or_404(answer.id, SYSTEM)
    assert not policy.can_verify_answer(moderator, loaded, first)
