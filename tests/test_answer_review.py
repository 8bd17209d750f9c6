"""When guidance changes (posts citing it are marked, accepted answers go to review, people
are told) and review dates (still correct, superseded, withdrawn; the review list)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from forum import queries
from forum.errors import ServiceError
from forum.extensions import db
from forum.models import (
    AuditEntry,
    Guideline,
    GuidelineVersion,
    Notification,
    NotificationKind,
    Post,
    PostCitation,
    Recommendation,
    Thread,
    User,
    utcnow,
)
from forum.policy import SYSTEM
from forum.queries import answer_review
from forum.queries import site as site_reads
from forum.services.discussions import posting as discussions
from forum.services.discussions import solutions
from forum.services.guidance import changes, review
from forum.services.guidance.review_dates import months_later
from forum.services.notifications import subscriptions
from forum.services.site import settings as site_settings
from tests.factories import (
    loaded,
    make_admin,
    make_category,
    make_category_moderator,
    make_moderator,
    make_reply,
    make_staff_category,
    make_thread,
    make_user,
    sign_in,
    solved_thread,
)

# The register, inserted directly (helper A builds the staff pages that record versions) ----


def _guideline(code: str = "NG12", numbers: tuple[str, ...] = ("1.3.1", "1.3.2")) -> Guideline:
    guideline = Guideline(code=code, title="Suspected cancer", publisher="NICE", url="https://x")
    db.session.add(guideline)
    db.session.flush()
    _version(guideline, 1, {n: ("new", "") for n in numbers}, published=date(2025, 1, 5))
    db.session.commit()
    return guideline


def _version(
    guideline: Guideline,
    sequence: int,
    statuses: dict[str, tuple[str, str]],
    *,
    published: date = date(2026, 10, 2),
    summary: str = "",
) -> GuidelineVersion:
    version = GuidelineVersion(
        guideline_id=guideline.id, sequence=sequence, published_on=published, summary=summary
    )
    db.session.add(version)
    db.session.flush()
    for number, (status, note) in statuses.items():
        db.session.add(
            Recommendation(
                version_id=version.id, guideline_id=guideline.id, number=number,
                title=f"Recommendation {number}", status=status, change_note=note,
            )
        )  # fmt: skip
    db.session.flush()
    return version


def _cite(post: Post, guideline: Guideline, number: str, sequence: int = 1) -> None:
    version_id = db.session.scalar(
        select(GuidelineVersion.id).where(
            GuidelineVersion.guideline_id == guideline.id, GuidelineVersion.sequence == sequence
        )
    )
    db.session.add(
        PostCitation(post_id=post.id, guideline_id=guideline.id, number=number,
                     version_id=version_id)
    )  # fmt: skip
    db.session.commit()


def _second_version(guideline: Guideline, **statuses: tuple[str, str]) -> GuidelineVersion:
    rows = {"1.3.1": ("unchanged", ""), "1.3.2": ("unchanged", "")}
    rows.update({k.replace("_", "."): v for k, v in statuses.items()})
    version = _version(guideline, 2, rows, summary="Age thresholds revised")
    db.session.commit()
    return version


def _fresh(model: type, id_: int) -> object:
    db.session.commit()
    db.session.expire_all()
    return db.session.get(model, id_)


def _notified(kind: str) -> set[tuple[int, int | None]]:
    rows = db.session.execute(
        select(Notification.user_id, Notification.post_id).where(Notification.kind == kind)
    )
    return {(user_id, post_id) for user_id, post_id in rows}


# apply_version ------------------------------------------------------------------------------


def test_a_new_version_marks_exactly_the_posts_citing_what_it_changed_at_an_earlier_version(app):
    guideline, thread = _guideline(), make_thread()
    changed, unchanged, later, whole, deleted = (make_reply(thread) for _ in range(5))
    _cite(changed, guideline, "1.3.1")
    _cite(unchanged, guideline, "1.3.2")
    _cite(whole, guideline, "")
    _cite(deleted, guideline, "1.3.1")
    discussions.delete_post(
        db.session.get(User, deleted.author_id), queries.get_post_or_404(deleted.id, SYSTEM)
    )
    db.session.commit()
    version = _second_version(guideline, **{"1_3_1": ("changed", "Lower age threshold")})
    _cite(later, guideline, "1.3.1", sequence=2)

    assert changes.apply_version(make_admin(), version) == 2

    marked = {p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_(
        [changed.id, unchanged.id, later.id, whole.id, deleted.id])))}  # fmt: skip
    assert marked[changed.id].guidance_note == (
        "NG12 1.3.1 was changed in the version of 2 October 2026: Lower age threshold"
    )
    assert marked[whole.id].guidance_note == (
        "NG12 was changed in the version of 2 October 2026: Age thresholds revised"
    )
    for post_id in (unchanged.id, later.id, deleted.id):
        assert marked[post_id].guidance_changed_at is None
        assert marked[post_id].guidance_note == ""
    audit = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "guidance.version_applied")
    )
    assert audit.after["posts_marked"] == 2


def test_withdrawn_lines_add_up_and_applying_twice_adds_nothing(app):
    guideline, post = _guideline(), make_reply(make_thread())
    _cite(post, guideline, "1.3.1")
    _cite(post, guideline, "1.3.2")
    version = _second_version(
        guideline, **{"1_3_1": ("withdrawn", ""), "1_3_2": ("changed", "Now 2 weeks")}
    )
    assert changes.apply_version(make_admin(), version) == 1
    first = _fresh(Post, post.id).guidance_changed_at
    assert changes.apply_version(make_admin(), version) == 0
    post = _fresh(Post, post.id)
    assert post.guidance_note.splitlines() == [
        "NG12 1.3.1 was withdrawn in the version of 2 October 2026",
        "NG12 1.3.2 was changed in the version of 2 October 2026: Now 2 weeks",
    ]
    assert post.guidance_changed_at == first


def test_a_version_that_changes_nothing_cited_marks_nothing(app):
    guideline, post = _guideline(), make_reply(make_thread())
    _cite(post, guideline, "1.3.2")
    version = _second_version(guideline, **{"1_3_1": ("changed", "x")})
    assert changes.apply_version(make_admin(), version) == 0
    assert _notified(NotificationKind.GUIDANCE_CHANGED) == set()


def test_an_accepted_answer_among_them_goes_to_review(app):
    guideline = _guideline()
    thread, answer = solved_thread()
    other = make_reply(make_thread())
    _cite(answer, guideline, "1.3.1")
    _cite(other, guideline, "1.3.1")
    changes.apply_version(make_admin(), _second_version(guideline, **{"1_3_1": ("changed", "x")}))
    assert _fresh(Thread, thread.id).solution_guidance_changed_at is not None
    assert _fresh(Thread, other.thread_id).solution_guidance_changed_at is None


def test_authors_and_the_categorys_moderators_are_told_but_not_who_muted_the_thread(app):
    guideline, category = _guideline(), make_category()
    moderator = make_category_moderator(category)
    elsewhere = make_category_moderator(make_category())
    thread = make_thread(category)
    told, muted = make_user(), make_user()
    heard = make_reply(thread, author=told)
    silent = make_reply(thread, author=muted)
    subscriptions.set_thread_level(muted, loaded(thread), "muted")
    db.session.commit()
    _cite(heard, guideline, "1.3.1")
    _cite(silent, guideline, "1.3.1")
    changes.apply_version(make_admin(), _second_version(guideline, **{"1_3_1": ("changed", "x")}))
    db.session.commit()
    assert _notified(NotificationKind.GUIDANCE_CHANGED) == {
        (told.id, heard.id), (moderator.id, heard.id), (moderator.id, silent.id),
    }  # fmt: skip
    assert elsewhere.id not in {uid for uid, _ in _notified(NotificationKind.GUIDANCE_CHANGED)}
    unread = select(Notification).where(Notification.user_id == told.id,
                                        Notification.read_at.is_(None))  # fmt: skip
    assert db.session.get(User, told.id).unread_notification_count == len(
        db.session.scalars(unread).all()
    )


def test_nobody_is_told_about_a_post_they_cannot_see(app):
    guideline, staff_room = _guideline(), make_staff_category()
    post = make_reply(make_thread(staff_room), author=make_moderator())
    _cite(post, guideline, "1.3.1")
    # The author lost their staff role: they can no longer read the staff room.
    db.session.get(User, post.author_id).role = "member"
    db.session.commit()
    changes.apply_version(make_admin(), _second_version(guideline, **{"1_3_1": ("changed", "x")}))
    assert _notified(NotificationKind.GUIDANCE_CHANGED) == set()


# Review dates -------------------------------------------------------------------------------


def test_accepting_sets_the_review_date_from_the_setting_and_clearing_removes_it(app):
    admin = make_admin()
    site_settings.save_site_settings(
        admin,
        site_settings.SiteDetails("Forum", "", "", "team@example.org", answer_review_months=3),
    )
    db.session.commit()
    site_reads.forget_site_settings()
    before = utcnow()
    thread, _answer = solved_thread()
    thread = _fresh(Thread, thread.id)
    assert months_later(before, 3) - timedelta(minutes=1) <= thread.solution_review_due
    assert thread.solution_review_due <= months_later(utcnow(), 3)
    solutions.clear_solution(db.session.get(User, thread.author_id), loaded(thread))
    assert _fresh(Thread, thread.id).solution_review_due is None


def test_the_setting_is_between_1_and_60_months(app):
    details = site_settings.SiteDetails(
        "Forum", "", "", "team@example.org", answer_review_months=61
    )
    with pytest.raises(ServiceError) as refused:
        site_settings.save_site_settings(make_admin(), details)
    assert refused.value.field == "answer_review_months"


def test_months_later_keeps_to_the_end_of_a_short_month(app):
    start = utcnow().replace(year=2026, month=1, day=31)
    assert months_later(start, 1).date() == date(2026, 2, 28)
    assert months_later(start, 12).date() == date(2027, 1, 31)


def _flagged_answer(category=None) -> tuple[Thread, Post]:
    guideline = _guideline(code=f"NG{make_user().id}")
    kwargs = {"category": category} if category is not None else {}
    thread, answer = solved_thread(**kwargs)
    _cite(answer, guideline, "1.3.1")
    changes.apply_version(make_admin(), _second_version(guideline, **{"1_3_1": ("changed", "x")}))
    db.session.commit()
    return loaded(thread), answer


def test_still_correct_records_who_and_when_and_clears_the_flags(app):
    thread, answer = _flagged_answer()
    staff = make_moderator(name="Rev Iewer")
    review.confirm_still_correct(staff, loaded(thread))
    thread, answer = _fresh(Thread, thread.id), _fresh(Post, answer.id)
    assert thread.solution_reviewed_by_name == "Rev Iewer"
    assert thread.solution_reviewed_at is not None
    assert thread.solution_review_due > utcnow() + timedelta(days=300)
    assert thread.solution_guidance_changed_at is None
    assert answer.guidance_changed_at is None and answer.guidance_note == ""
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.target_id == answer.id,
                             AuditEntry.action == "answer.still_correct"))  # fmt: skip


def test_only_staff_and_the_categorys_moderators_review(app):
    category = make_category()
    thread, _answer = _flagged_answer(category)
    asker = db.session.get(User, thread.author_id)
    for outsider in (make_user(), make_category_moderator(make_category()), asker):
        with pytest.raises(Forbidden):
            review.confirm_still_correct(outsider, loaded(thread))
    review.confirm_still_correct(make_category_moderator(category), loaded(thread))


def test_superseded_needs_another_post_the_reviewer_can_see(app):
    category = make_category()
    thread, answer = _flagged_answer(category)
    moderator = make_category_moderator(category)
    hidden_from_them = make_reply(make_thread(make_staff_category()), author=make_moderator())
    for newer_id, message in (
        (None, "no post at that address"),
        (answer.id, "different post"),
        (hidden_from_them.id, "no post at that address"),
    ):
        newer = queries.get_post_or_404(newer_id, SYSTEM) if newer_id else None
        with pytest.raises(ServiceError, match=message):
            review.supersede(moderator, loaded(thread), newer)
        db.session.rollback()


def test_superseded_links_the_newer_post_leaves_the_list_and_tells_the_author(app):
    thread, answer = _flagged_answer()
    newer = make_reply(make_thread())
    staff = make_moderator()
    review.supersede(staff, loaded(thread), queries.get_post_or_404(newer.id, SYSTEM))
    db.session.commit()
    assert _fresh(Post, answer.id).superseded_by_post_id == newer.id
    assert answer_review.count_due(staff) == 0
    assert (answer.author_id, answer.id) in _notified(NotificationKind.ANSWER_REVIEW)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "answer.superseded"))


def test_withdrawing_needs_a_reason_clears_the_solution_and_tells_the_author(app):
    thread, answer = _flagged_answer()
    staff = make_moderator()
    with pytest.raises(ServiceError, match="Give a reason"):
        review.withdraw(staff, loaded(thread), "   ")
    db.session.rollback()
    assert db.session.get(User, answer.author_id).solution_count == 1
    review.withdraw(staff, loaded(thread), "NG12 now refers at 40.")
    db.session.commit()
    thread, answer = _fresh(Thread, thread.id), _fresh(Post, answer.id)
    assert thread.solution_post_id is None and thread.solution_review_due is None
    assert answer.answer_withdrawn_at is not None
    assert answer.answer_withdrawn_reason == "NG12 now refers at 40."
    assert db.session.get(User, answer.author_id).solution_count == 0
    summary = db.session.scalar(
        select(Notification.summary).where(Notification.kind == NotificationKind.ANSWER_REVIEW)
    )
    assert "NG12 now refers at 40." in summary
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "answer.withdrawn"))


def test_a_withdrawn_answer_is_chosen_again_only_by_a_moderator(app):
    thread, answer = _flagged_answer()
    review.withdraw(make_moderator(), loaded(thread), "Superseded by the 2026 pathway.")
    db.session.commit()
    asker = db.session.get(User, thread.author_id)
    post = _fresh(Post, answer.id)
    with pytest.raises(Forbidden):
        solutions.accept_solution(asker, loaded(thread), post)
    db.session.rollback()
    moderator, post = make_moderator(), _fresh(Post, answer.id)
    solutions.accept_solution(moderator, loaded(thread), post)
    db.session.commit()
    answer = _fresh(Post, answer.id)
    assert _fresh(Thread, thread.id).solution_post_id == answer.id
    assert answer.answer_withdrawn_at is None and answer.answer_withdrawn_reason == ""


# The review list ----------------------------------------------------------------------------


def _set(thread: Thread, *, changed_days_ago: int | None = None, due_days: int = 30) -> None:
    row = db.session.get(Thread, thread.id)
    now = utcnow()
    row.solution_guidance_changed_at = (
        now - timedelta(days=changed_days_ago) if changed_days_ago is not None else None
    )
    row.solution_review_due = now + timedelta(days=due_days)
    db.session.commit()


def test_the_list_shows_changed_guidance_first_then_overdue_earliest_first(app):
    threads = [solved_thread()[0] for _ in range(5)]
    _set(threads[0], due_days=-2)  # overdue, later
    _set(threads[1], changed_days_ago=1)  # changed recently
    _set(threads[2], due_days=10)  # not due
    _set(threads[3], due_days=-20)  # overdue, earlier
    _set(threads[4], changed_days_ago=9, due_days=-50)  # changed long ago
    page = answer_review.answers_due(make_moderator(), 1, 20)
    assert [item.thread.id for item in page.items] == [
        threads[4].id, threads[1].id, threads[3].id, threads[0].id
    ]  # fmt: skip
    assert page.total == 4


def test_a_category_moderator_sees_only_their_categories(app):
    category = make_category()
    mine = solved_thread(category=category)[0]
    theirs = solved_thread()[0]
    _set(mine, due_days=-1)
    _set(theirs, due_days=-1)
    page = answer_review.answers_due(make_category_moderator(category), 1, 20)
    assert [item.thread.id for item in page.items] == [mine.id]


# The pages ----------------------------------------------------------------------------------


def test_the_page_lists_answers_and_members_are_refused(app, client):
    thread, answer = _flagged_answer()
    member = make_user()
    sign_in(client, member)
    assert client.get("/mod/answers-to-review").status_code == 403
    client.post("/logout")
    staff = make_moderator()
    sign_in(client, staff)
    html = client.get("/mod/answers-to-review").get_data(as_text=True)
    assert thread.title in html
    assert "NG" in html and "was changed in the version of 2 October 2026" in html
    assert f"/mod/posts/{answer.id}/edit" in html
    assert "Answers to review" in html


def test_the_empty_list_explains_what_will_appear(app, client):
    sign_in(client, make_moderator())
    html = client.get("/mod/answers-to-review").get_data(as_text=True)
    assert "No accepted answers need a review now" in html


def test_bad_input_re_renders_with_the_error_and_the_typed_value(app, client):
    thread, _answer = _flagged_answer()
    sign_in(client, make_moderator())
    response = client.post(
        f"/mod/answers-to-review/{thread.id}/supersede", data={"newer": "/p/99999999"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is no post at that address" in html and 'value="/p/99999999"' in html
    response = client.post(f"/mod/answers-to-review/{thread.id}/withdraw", data={"reason": ""})
    assert response.status_code == 422
    assert "Give a reason" in response.get_data(as_text=True)


def test_the_forms_act_and_return_to_the_list(app, client):
    thread, answer = _flagged_answer()
    newer = make_reply(make_thread())
    sign_in(client, make_moderator())
    link = f"/t/{newer.thread_id}/some-slug#post-{newer.post_number}"
    response = client.post(f"/mod/answers-to-review/{thread.id}/supersede", data={"newer": link})
    assert response.status_code == 302
    assert _fresh(Post, answer.id).superseded_by_post_id == newer.id
    other, _ = _flagged_answer()
    response = client.post(f"/mod/answers-to-review/{other.id}/still-correct")
    assert response.status_code == 302
    assert _fresh(Thread, other.id).solution_reviewed_at is not None


def test_readers_see_the_answers_standing_on_the_post_and_in_lists(app, client):
    thread, answer = _flagged_answer()
    reader = make_user()
    sign_in(client, reader)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Guidance changed since this answer" in page
    assert "was changed in the version of 2 October 2026: x" in page
    listing = client.get("/latest").get_data(as_text=True)
    assert "Guidance changed" in listing
    newer = make_reply(make_thread())
    review.supersede(make_moderator(), loaded(thread), queries.get_post_or_404(newer.id, SYSTEM))
    db.session.commit()
    listing = client.get("/latest").get_data(as_text=True)
    assert f"Reviewed {utcnow():%B %Y}" in listing
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Superseded by a newer answer" in page and f"/p/{newer.id}" in page
    review.withdraw(make_moderator(), loaded(thread), "Out of date.")
    db.session.commit()
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Withdrawn as the accepted answer on" in page and "Out of date." in page


def test_the_notifications_page_words_both_kinds(app, client):
    thread, answer = _flagged_answer()
    review.withdraw(make_moderator(name="Rev Iewer"), loaded(thread), "Out of date.")
    db.session.commit()
    author = db.session.get(User, answer.author_id)
    sign_in(client, author)
    html = client.get("/notifications").get_data(as_text=True)
    assert "Guidance cited in a post in" in html
    assert "Rev Iewer reviewed your accepted answer in" in html
    assert "Out of date." in html


def test_the_admin_sets_the_review_period_on_the_settings_page(app, client):
    sign_in(client, make_admin())
    fields = {"name": "Forum", "description": "", "welcome": "", "contact_email": "t@example.org"}
    response = client.post("/admin/settings", data={**fields, "answer_review_months": "0"})
    assert response.status_code == 422
    assert "from 1 to 60" in response.get_data(as_text=True)
    response = client.post("/admin/settings", data={**fields, "answer_review_months": "6"})
    assert response.status_code == 302
    db.session.commit()
    assert site_reads.settings_row().answer_review_months == 6
    assert "Review accepted answers after" in client.get("/admin/settings").get_data(as_text=True)


def test_acting_on_the_last_answer_of_the_last_page_returns_to_a_page_that_exists(app, client):
    from forum.views.moderation import answers as answer_pages

    threads = [solved_thread()[0] for _ in range(answer_pages.PER_PAGE + 1)]
    for thread in threads:
        _set(thread, due_days=-1)
    sign_in(client, make_moderator())
    last = answer_review.answers_due(make_moderator(), 2, answer_pages.PER_PAGE).items[0].thread
    response = client.post(f"/mod/answers-to-review/{last.id}/still-correct", data={"page": "2"})
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200
