"""Programme insight (/insight): who may read it, what the rollups keep, what the pages and
CSV files publish, and the library downloads counted in batches."""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Group,
    InsightActivity,
    InsightDownload,
    InsightQuestion,
    ResourceVersion,
    utcnow,
)
from forum.policy import SYSTEM
from forum.services.discussions import solutions
from forum.services.groups import members as group_members
from forum.services.insight import downloads, rebuild
from tests.factories import (
    loaded,
    make_admin,
    make_category,
    make_group,
    make_moderator,
    make_reply,
    make_resource,
    make_staff_category,
    make_thread,
    make_user,
    sign_in,
)

WESSEX, KENT = "Wessex", "Kent and Medway"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _question(alliance: str = WESSEX, category=None, **kwargs):
    author = make_user(alliance=alliance)
    return make_thread(category, author=author, **kwargs), author


def _lead(alliance: str = WESSEX):
    lead = make_user(name="Lee Lead", alliance=alliance)
    make_group("Alliance leads", members=(lead,), leads_alliance=True)
    db.session.refresh(lead)
    return lead


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_text(response))))


# Who may read it -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/insight", "/insight/topics", "/insight/unanswered",
                                  "/insight/alliances.csv"])  # fmt: skip
def test_a_member_gets_404_everywhere(client, path: str) -> None:
    sign_in(client, make_user(alliance=WESSEX))
    assert client.get(path).status_code == 404


def test_a_member_of_an_ordinary_group_gets_404(client) -> None:
    member = make_user(alliance=WESSEX)
    make_group("Wessex GPs", members=(member,))
    sign_in(client, member)
    assert client.get("/insight").status_code == 404


def test_a_lead_without_an_alliance_gets_404(client) -> None:
    sign_in(client, _lead(alliance=""))
    assert client.get("/insight").status_code == 404


def test_an_alliance_lead_sees_only_their_alliance(client) -> None:
    for _ in range(6):
        _question(WESSEX)
    for _ in range(7):
        _question(KENT)
    sign_in(client, _lead(WESSEX))
    page = _text(client.get("/insight"))
    assert "Programme insight: Wessex" in page
    assert KENT not in page
    other = client.get(f"/insight/alliances.csv?alliance={KENT.replace(' ', '+')}")
    assert other.status_code == 400  # not a choice they are offered
    rows = _csv(client.get("/insight/alliances.csv"))
    assert [row[0] for row in rows[1:]] == [WESSEX]
    assert rows[1][1] == "6"


def test_leaving_the_leads_group_ends_access(client) -> None:
    lead = _lead(WESSEX)
    sign_in(client, lead)
    assert client.get("/insight").status_code == 200
    db.session.commit()
    group = db.session.scalar(select(Group).where(Group.leads_alliance))
    group_members.remove_member(SYSTEM, group, lead)
    db.session.commit()
    assert client.get("/insight").status_code == 404


def test_staff_see_every_alliance_and_the_nav_link(client) -> None:
    for _ in range(5):
        _question(WESSEX)
    sign_in(client, make_admin())
    page = _text(client.get("/insight"))
    assert 'href="/insight"' in page
    assert KENT in page and WESSEX in page


# What the rollups keep ---------------------------------------------------------------------


def _row(thread) -> InsightQuestion:
    db.session.expire_all()
    return db.session.get(InsightQuestion, thread.id)


def test_the_rollups_follow_questions_replies_and_solutions(client) -> None:
    thread, asker = _question(WESSEX)
    row = _row(thread)
    assert (row.alliance, row.first_reply_at, row.solved_at) == (WESSEX, None, None)
    make_reply(thread, author=asker)  # the asker's own reply is no answer
    assert _row(thread).first_reply_at is None
    answer = make_reply(thread, author=make_user(alliance=KENT))
    row = _row(thread)
    assert row.first_reply_at is not None and row.reply_minutes == 0
    solutions.accept_solution(asker, loaded(thread), answer)
    db.session.commit()
    assert _row(thread).solved_at is not None
    days = set(db.session.scalars(select(InsightActivity.user_id)))
    assert asker.id in days and answer.author_id in days


def test_rebuilding_gives_the_same_rows_as_writing(client) -> None:
    thread, asker = _question(WESSEX)
    answer = make_reply(thread, author=make_user(alliance=KENT))
    solutions.accept_solution(asker, loaded(thread), answer)
    db.session.commit()
    written = _row(thread)
    kept = (written.alliance, written.first_reply_at, written.reply_minutes, written.kind)
    activity = set(db.session.execute(select(InsightActivity.day, InsightActivity.user_id)))
    done = rebuild.rebuild_insight()
    db.session.commit()
    rebuilt = _row(thread)
    assert done["questions"] >= 1
    assert (rebuilt.alliance, rebuilt.first_reply_at, rebuilt.reply_minutes, rebuilt.kind) == kept
    assert rebuilt.solved_at is not None and rebuilt.solution_minutes == 0
    assert set(db.session.execute(select(InsightActivity.day, InsightActivity.user_id))) == activity


# What the pages publish ----------------------------------------------------------------------


def test_small_counts_and_the_cell_that_would_reveal_them_are_hidden(client) -> None:
    for alliance, n in ((WESSEX, 10), (KENT, 3), ("Peninsula", 8)):
        for _ in range(n):
            _question(alliance)
    sign_in(client, make_admin())
    rows = {row[0]: row for row in _csv(client.get("/insight/alliances.csv"))}
    assert rows[WESSEX][1] == "10"
    assert rows[KENT][1] == "fewer than 5"
    assert rows["Peninsula"][1] == "not shown"  # 21 - 10 - 8 would give the 3 away
    assert rows["All"][1] == "21"
    assert rows[KENT][3] == "not shown"  # no share over a hidden count
    page = _text(client.get("/insight"))
    assert "fewer than 5" in page and "<title" in page and "<desc" in page


def test_the_median_time_to_first_reply_over_an_even_number_of_questions(client) -> None:
    threads = [_question(WESSEX)[0] for _ in range(6)]
    for minutes, thread in zip((10, 20, 30, 40, 50, 60), threads, strict=True):
        row = db.session.get(InsightQuestion, thread.id)
        row.first_reply_at, row.reply_minutes = utcnow(), minutes
    db.session.commit()
    sign_in(client, make_admin())
    page = _text(client.get("/insight"))
    assert "30 min" in page  # the lower median of six


def test_every_table_exports_as_csv_and_unknown_tables_are_404(client) -> None:
    sign_in(client, make_admin())
    for name in ("alliances", "categories", "trend", "tags", "guidelines", "recommendations",
                 "downloads", "unanswered"):  # fmt: skip
        response = client.get(f"/insight/{name}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert _csv(response)[0]
    assert client.get("/insight/users.csv").status_code == 404


@pytest.mark.parametrize(
    "query",
    ["start=2026-13-01&end=2026-12-01", "start=2026-12-05&end=2026-12-01",
     "start=2020-01-01&end=2026-12-01", "alliance=Atlantis", "category=abc",
     "start=%3Cscript%3E"],
)  # fmt: skip
def test_bad_filters_redisplay_with_the_error_never_a_500(client, query: str) -> None:
    sign_in(client, make_admin())
    response = client.get(f"/insight?{query}")
    assert response.status_code == 400
    assert "error-summary" in _text(response) or "There is a problem" in _text(response)
    assert "<script>" not in _text(response)
    assert client.get(f"/insight/alliances.csv?{query}").status_code == 400


def test_unanswered_questions_older_than_a_week_are_listed_with_links(client) -> None:
    old, _ = _question(WESSEX, title="An old question nobody answered")
    fresh, _ = _question(WESSEX, title="A question from today")
    staff_only = make_thread(
        make_staff_category(), author=make_moderator(alliance=WESSEX), title="Staff only question"
    )
    answered, _ = _question(WESSEX, title="An old answered question")
    make_reply(answered, author=make_user())
    week_ago = utcnow() - timedelta(days=10)
    for thread in (old, staff_only, answered):
        db.session.get(InsightQuestion, thread.id).asked_at = week_ago
    db.session.commit()
    sign_in(client, _lead(WESSEX))
    page = _text(client.get("/insight/unanswered"))
    assert f'href="/t/{old.id}/' in page
    assert "A question from today" not in page and "An old answered question" not in page
    assert "Staff only question" not in page  # the lead cannot open it


def test_the_category_filter_and_the_comparison_with_the_previous_period(client) -> None:
    category = make_category("Referrals")
    for _ in range(6):
        _question(WESSEX, category)
    sign_in(client, make_admin())
    today = utcnow().date()
    response = client.get(f"/insight?category={category.id}&start={today}&end={today}")
    assert response.status_code == 200
    page = _text(response)
    assert "compared with the 1 day before" in page
    assert "Previous period: 0" in page


# Downloads counted in batches ----------------------------------------------------------------


def _attachment_of(resource) -> int:
    return db.session.scalar(
        select(ResourceVersion.attachment_id).where(ResourceVersion.resource_id == resource.id)
    )


def _downloaded() -> int:
    db.session.commit()
    return sum(db.session.scalars(select(InsightDownload.downloads))) or 0


def test_downloads_are_written_in_batches_not_on_every_download(app, client) -> None:
    app.config.update(INSIGHT_DOWNLOAD_BATCH=3, INSIGHT_DOWNLOAD_SECONDS=3600)
    downloads.TALLY.take()
    resource = make_resource()
    attachment_id = _attachment_of(resource)
    sign_in(client, make_admin(alliance=WESSEX))
    for expected in (0, 0, 3, 3):
        assert client.get(f"/uploads/{attachment_id}").status_code == 200
        assert _downloaded() == expected
    assert resource.title in _text(client.get("/insight/topics"))
    from forum.jobs.insight import write_downloads

    assert write_downloads(utcnow()) == 1
    assert _downloaded() == 4


def test_redis_tallies_are_taken_once(app) -> None:
    url = os.environ.get("FORUM_TEST_REDIS_URL")
    if not url:
        pytest.skip("set FORUM_TEST_REDIS_URL to count downloads in a real Redis")
    import redis

    client = redis.Redis.from_url(url)
    client.ping()  # no Redis at that address fails the test: CI must not skip it
    client.delete(downloads.REDIS_KEY)
    today = utcnow().date()
    for alliance in (WESSEX, WESSEX, KENT):
        downloads.count_download(7, alliance, today, client)
    taken = downloads.take_from_redis(client)
    assert taken[(today.isoformat(), 7, WESSEX)] == 2 and sum(taken.values()) == 3
    assert not downloads.take_from_redis(client)
