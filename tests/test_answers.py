"""Solutions, helpful marks, read markers, bookmarks, drafts, tags and case questions, through
the services (the write side)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Bookmark, Draft, HelpfulMark, Thread, ThreadRead, User
from forum.queries import listings
from forum.queries import thread_page as thread_extras
from forum.queries.listings import ListKind
from forum.services.discussions import (
    bookmarks,
    drafts,
    helpful,
    questions,
    reading,
    solutions,
    tags,
)
from forum.services.discussions import posting as discussions
from forum.text.case_template import CaseFields
from tests.factories import (
    loaded,
    make_category,
    make_moderator,
    make_reply,
    make_tag,
    make_thread,
    make_user,
    opening_post,
    read_up_to,
    solved_thread,
)


def _post(post):
    """The post with its thread and category, as the pages load it."""
    from forum import queries
    from forum.policy import SYSTEM

    db.session.commit()
    return queries.get_post_or_404(post.id, SYSTEM)


def _user(user: User) -> User:
    db.session.commit()
    return db.session.get(User, user.id)


# Solutions -----------------------------------------------------------------------------------


def test_the_asker_accepts_a_reply_and_its_author_is_credited(app):
    asker, answerer = make_user(), make_user()
    thread, answer = solved_thread(author=asker, answerer=answerer)
    assert loaded(thread).solution_post_id == answer.id
    assert _user(answerer).solution_count == 1
    assert _user(asker).solution_count == 0


def test_changing_the_solution_moves_the_credit(app):
    asker, first, second = make_user(), make_user(), make_user()
    thread, answer = solved_thread(author=asker, answerer=first)
    better = _post(make_reply(thread, author=second))
    solutions.accept_solution(asker, loaded(thread), better)
    db.session.commit()
    assert loaded(thread).solution_post_id == better.id
    assert (_user(first).solution_count, _user(second).solution_count) == (0, 1)


def test_clearing_the_solution_takes_the_credit_back(app):
    asker, answerer = make_user(), make_user()
    thread, _ = solved_thread(author=asker, answerer=answerer)
    solutions.clear_solution(asker, loaded(thread))
    db.session.commit()
    assert loaded(thread).solution_post_id is None
    assert _user(answerer).solution_count == 0


def test_deleting_the_solution_clears_it(app):
    asker, answerer = make_user(), make_user()
    thread, answer = solved_thread(author=asker, answerer=answerer)
    post = thread_extras.solution_post(loaded(thread), asker)
    discussions.delete_post(answerer, post)
    db.session.commit()
    assert loaded(thread).solution_post_id is None
    assert _user(answerer).solution_count == 0


def test_a_bystander_cannot_accept(app):
    thread = make_thread()
    answer = _post(make_reply(thread))
    with pytest.raises(Forbidden):
        solutions.accept_solution(make_user(), loaded(thread), answer)


def test_a_moderator_accepting_for_the_asker_is_audited(app):
    from forum.models import AuditEntry

    thread = make_thread()
    answer = _post(make_reply(thread))
    solutions.accept_solution(make_moderator(), loaded(thread), answer)
    db.session.commit()
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "thread.accept_solution" in actions


# Helpful marks ---------------------------------------------------------------------------------


def test_helpful_marks_count_once_each_and_can_be_taken_back(app):
    thread = make_thread()
    reader, another = make_user(), make_user()
    post = _post(make_reply(thread))
    helpful.mark_helpful(reader, post)
    helpful.mark_helpful(reader, post)
    helpful.mark_helpful(another, post)
    db.session.commit()
    assert db.session.get(type(post), post.id).helpful_count == 2
    helpful.unmark_helpful(reader, _post(post))
    db.session.commit()
    assert db.session.get(type(post), post.id).helpful_count == 1
    assert db.session.scalar(select(db.func.count()).select_from(HelpfulMark)) == 1


def test_members_cannot_mark_their_own_post_helpful(app):
    author = make_user()
    post = _post(make_reply(make_thread(), author=author))
    with pytest.raises(Forbidden):
        helpful.mark_helpful(author, post)


# Read markers --------------------------------------------------------------------------------


def test_read_markers_only_move_forward(app):
    reader = make_user()
    thread = make_thread(replies=4)
    read_up_to(reader, thread, 4)
    read_up_to(reader, thread, 2)
    marker = db.session.get(ThreadRead, (reader.id, thread.id))
    assert marker.last_read_post_number == 4


def test_markers_never_pass_the_last_post(app):
    reader = make_user()
    thread = make_thread(replies=1)
    read_up_to(reader, thread, 40)
    assert db.session.get(ThreadRead, (reader.id, thread.id)).last_read_post_number == 2


def _unread_titles(user: User, **kw) -> list[str]:
    page = listings.thread_list(user, ListKind.UNREAD, 1, 50, **kw)
    return [row.thread.title for row in page.items]


def test_new_threads_and_new_replies_are_unread(app):
    reader = make_user()
    seen = make_thread(title="Seen thread", replies=1)
    read_up_to(reader, seen, 2)
    fresh = make_thread(title="Fresh thread")
    assert _unread_titles(reader) == ["Fresh thread"]
    make_reply(seen)
    assert sorted(_unread_titles(reader)) == ["Fresh thread", "Seen thread"]
    row = next(
        r
        for r in listings.thread_list(reader, ListKind.UNREAD, 1, 50).items
        if r.thread.id == seen.id
    )
    assert (row.unread_count, row.is_new) == (1, False)
    row = next(
        r
        for r in listings.thread_list(reader, ListKind.UNREAD, 1, 50).items
        if r.thread.id == fresh.id
    )
    assert row.is_new


def test_threads_quiet_since_before_a_member_joined_are_not_unread(app):
    make_thread(title="Old thread")
    newcomer = make_user()
    assert _unread_titles(newcomer) == []


def test_mark_all_read_everywhere_and_per_category(app):
    reader = make_user()
    one, two = make_category(), make_category()
    make_thread(one, title="In one")
    make_thread(two, title="In two")
    reading.mark_all_read(reader, one)
    db.session.commit()
    assert _unread_titles(reader) == ["In two"]
    reading.mark_all_read(reader)
    db.session.commit()
    assert _unread_titles(reader) == []
    assert listings.unread_by_category(reader) == {}


def test_mark_all_read_leaves_staff_only_threads_alone_for_members(app):
    from tests.factories import make_staff_category

    reader = make_user()
    make_thread(make_staff_category())
    reading.mark_all_read(reader)
    db.session.commit()
    markers = select(db.func.count()).where(ThreadRead.user_id == reader.id)
    assert db.session.scalar(markers) == 0


def test_unread_counts_by_category(app):
    reader = make_user()
    category = make_category()
    make_thread(category)
    make_thread(category)
    assert listings.unread_by_category(reader) == {category.id: 2}


# Lists -----------------------------------------------------------------------------------------


def _titles(user: User, kind: ListKind, **kw) -> list[str]:
    return sorted(row.thread.title for row in listings.thread_list(user, kind, 1, 50, **kw).items)


def test_unanswered_unsolved_and_my_threads(app):
    me = make_user()
    make_thread(title="No reply yet")
    answered = make_thread(title="Has a reply")
    make_reply(answered, author=me)
    solved, _ = solved_thread(title="Solved one")
    discussion = questions.start_thread(
        me, make_category(), title="Just a discussion", body="Thoughts?", kind="discussion"
    )
    db.session.commit()
    assert _titles(me, ListKind.UNANSWERED) == ["Just a discussion", "No reply yet"]
    assert _titles(me, ListKind.UNSOLVED) == ["Has a reply", "No reply yet"]
    assert _titles(me, ListKind.MINE) == ["Has a reply", "Just a discussion"]
    assert discussion.kind == "discussion" and solved.id


def test_lists_filter_by_category_and_tag(app):
    me = make_user()
    category = make_category()
    tag = make_tag("NG12")
    questions.start_thread(me, category, title="Tagged here", body="x", tag_ids=[tag.id])
    make_thread(category, title="Untagged here")
    make_thread(title="Elsewhere")
    db.session.commit()
    assert _titles(me, ListKind.LATEST, category=category) == ["Tagged here", "Untagged here"]
    assert _titles(me, ListKind.TAG, tag=tag) == ["Tagged here"]


def test_lists_never_show_staff_only_threads_to_members(app):
    from tests.factories import make_staff_category

    make_thread(make_staff_category(), title="Staff business")
    member, moderator = make_user(), make_moderator()
    for kind in (ListKind.LATEST, ListKind.UNANSWERED, ListKind.UNSOLVED, ListKind.UNREAD):
        assert _titles(member, kind) == []
    assert _titles(moderator, ListKind.LATEST) == ["Staff business"]


# Bookmarks ------------------------------------------------------------------------------------


def test_bookmarks_are_private_and_removable(app):
    me, other = make_user(), make_user()
    post = _post(make_reply(make_thread()))
    bookmarks.add_bookmark(me, post)
    bookmarks.add_bookmark(me, post)
    db.session.commit()
    assert [row.post.id for row in listings.bookmarks(me, 1, 20).items] == [post.id]
    assert listings.bookmarks(other, 1, 20).items == []
    bookmarks.remove_bookmark(me, post)
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Bookmark)) == 0


# Tags ------------------------------------------------------------------------------------------


def test_at_most_five_tags(app):
    author = make_user()
    chosen = [make_tag().id for _ in range(6)]
    with pytest.raises(ServiceError, match="at most 5"):
        questions.start_thread(
            author, make_category(), title="Too many tags", body="x", tag_ids=chosen
        )
    thread = make_thread(author=author)
    tags.set_thread_tags(author, loaded(thread), chosen[:5])
    db.session.commit()
    assert len(thread_extras.thread_tags(thread)) == 5


def test_tag_names_are_unique_and_deleting_a_tag_untags_threads(app):
    from forum.policy import SYSTEM

    tag = make_tag("Safety-netting")
    with pytest.raises(ServiceError, match="already a tag"):
        tags.create_tag(SYSTEM, name="safety netting")
    author = make_user()
    thread = questions.start_thread(
        author, make_category(), title="Tagged", body="x", tag_ids=[tag.id]
    )
    db.session.commit()
    tags.delete_tag(SYSTEM, tag)
    db.session.commit()
    assert thread_extras.thread_tags(thread) == []


def test_members_cannot_manage_tags(app):
    with pytest.raises(Forbidden):
        tags.create_tag(make_user(), name="Mine")


# Case questions --------------------------------------------------------------------------------

CASE = CaseFields(
    age_band="60–69",
    sex="Female",
    history="Ex-smoker.",
    presentation="Three weeks of hoarseness.",
    actions="Chest X-ray normal.",
    question="Would you refer on the two-week pathway?",
)


def test_a_case_question_is_written_into_the_opening_post(app):
    author = make_user()
    thread = questions.start_thread(
        author,
        make_category(),
        title="Persistent hoarseness",
        kind="case",
        case=CASE,
        confirmed=True,
    )
    db.session.commit()
    body = opening_post(thread).body_source
    assert thread.kind == "case"
    for text in ("60–69", "Female", "Ex-smoker.", "Three weeks", "Chest X-ray", "two-week"):
        assert text in body
    assert "<h3>Presentation</h3>" in opening_post(thread).body_html


@pytest.mark.parametrize(
    ("case", "confirmed", "field"),
    [
        (CaseFields(age_band="67", presentation="x", question="y"), True, "age_band"),
        (CaseFields(age_band="60–69", presentation="", question="y"), True, "presentation"),
        (CaseFields(age_band="60–69", presentation="x", question="y", sex="Other"), True, "sex"),
        (CASE, False, "no_identifiers"),
    ],
)
def test_case_questions_need_a_band_the_facts_and_the_confirmation(app, case, confirmed, field):
    with pytest.raises(ServiceError) as error:
        questions.start_thread(
            make_user(),
            make_category(),
            title="A case",
            kind="case",
            case=case,
            confirmed=confirmed,
        )
    assert error.value.field == field


def test_a_category_can_require_the_case_template(app):
    from forum.policy import SYSTEM
    from forum.services.discussions import categories

    category = make_category()
    flags = categories.CategoryFlags(requires_case_template=True)
    categories.update_category(
        SYSTEM, category, categories.CategoryDetails(category.name, slug=category.slug, flags=flags)
    )
    db.session.commit()
    with pytest.raises(ServiceError, match="case question template"):
        questions.start_thread(make_user(), category, title="Plain question", body="Hello")
    thread = questions.start_thread(
        make_user(), category, title="A proper case", case=CASE, confirmed=True
    )
    assert thread.kind == "case"


# Drafts ----------------------------------------------------------------------------------------


def test_a_reply_draft_is_kept_and_discarded_when_the_reply_is_posted(app):
    me = make_user()
    thread = loaded(make_thread())
    drafts.save_reply_draft(me, thread, body="Half a thought")
    drafts.save_reply_draft(me, thread, body="A whole thought")
    db.session.commit()
    saved = thread_extras.draft(me, Draft.reply_key(thread.id))
    assert saved.body == "A whole thought"
    questions.answer(me, loaded(thread), body="A whole thought, posted")
    db.session.commit()
    assert thread_extras.draft(me, Draft.reply_key(thread.id)) is None


def test_a_draft_that_looks_like_it_holds_a_patient_identifier_is_not_stored(app):
    me = make_user()
    thread = loaded(make_thread())
    with pytest.raises(ServiceError, match="not saved"):
        drafts.save_reply_draft(me, thread, body="NHS number 943 476 5919, seen today")
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Draft)) == 0


def test_an_emptied_draft_is_discarded(app):
    me = make_user()
    category = make_category()
    drafts.save_thread_draft(me, category, title="Start", body="")
    db.session.commit()
    drafts.save_thread_draft(me, category, title="", body="", fields={"kind": "question"})
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Draft)) == 0


def test_replying_to_a_post_records_the_context(app):
    thread = make_thread(replies=1)
    target = db.session.scalars(
        select(type(opening_post(thread))).where(
            type(opening_post(thread)).thread_id == thread.id,
            type(opening_post(thread)).post_number == 2,
        )
    ).one()
    post = questions.answer(make_user(), loaded(thread), body="I agree", reply_to=target.id)
    assert post.reply_to_post_id == target.id
    elsewhere = make_reply(make_thread())
    post = questions.answer(make_user(), loaded(thread), body="Hm", reply_to=elsewhere.id)
    assert post.reply_to_post_id is None


def test_thread_page_reader_state(app):
    me = make_user()
    thread = make_thread(replies=3)
    post = _post(make_reply(thread))
    helpful.mark_helpful(me, post)
    bookmarks.add_bookmark(me, post)
    db.session.commit()
    read_up_to(me, thread, 2)
    state = thread_extras.reader_state(me, loaded(thread), [post.id])
    assert state.helpful == {post.id} and state.bookmarked == {post.id}
    assert state.last_read == 2 and state.is_unread(post)
    assert isinstance(loaded(thread), Thread)


def test_threads_never_opened_are_unread_only_within_the_window(app):
    """A member back after a long break is not shown months of threads as unread; a thread
    they opened stays unread until read, however old its last reply."""
    now = datetime.now(UTC)
    reader = make_user(created_at=now - timedelta(days=100))
    category = make_category()
    recent = make_thread(category, title="Recent thread")
    old = make_thread(category, title="Old thread")
    opened = make_thread(category, title="Opened thread", replies=1)
    read_up_to(reader, opened, 1)
    for thread, days in ((recent, 10), (old, 40), (opened, 60)):
        db.session.get(Thread, thread.id).last_post_at = now - timedelta(days=days)
    db.session.commit()
    assert listings.unread_by_category(reader) == {category.id: 2}
    assert sorted(_unread_titles(reader)) == ["Opened thread", "Recent thread"]
    app.config["UNREAD_WINDOW_DAYS"] = 45
    assert listings.unread_by_category(reader) == {category.id: 3}
    assert sorted(_unread_titles(reader)) == ["Old thread", "Opened thread", "Recent thread"]
