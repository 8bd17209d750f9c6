"""Finding answers by guidance: ``cites:NG12`` and ``cites:NG12-1.3.1``, ``is:verified`` and
``is:outdated``, typed or as the search page's controls, and the accepted answer's badges on
results. Every test runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update

from forum import search
from forum.extensions import db
from forum.models import Guideline, GuidelineVersion, Post, PostCitation, Thread, utcnow
from forum.search.query import parse, with_filters
from tests.factories import (
    make_reply,
    make_thread,
    make_user,
    opening_post,
    sign_in,
    solved_thread,
)


def found(query: str, actor, **kwargs) -> list[str]:
    """Titles of the threads ``actor`` finds, in order."""
    return [hit.thread.title for hit in search.search_posts(query, actor, **kwargs).hits]


def guideline(code: str) -> GuidelineVersion:
    """A guideline in the register with one version, inserted directly."""
    row = Guideline(code=code, title=f"{code} guideline", publisher="NICE",
                    url=f"https://www.nice.org.uk/guidance/{code.lower()}")  # fmt: skip
    db.session.add(row)
    db.session.flush()
    version = GuidelineVersion(guideline_id=row.id, sequence=1, published_on=date(2025, 1, 1))
    db.session.add(version)
    db.session.commit()
    return version


def cite(post: Post, version: GuidelineVersion, number: str = "") -> None:
    db.session.add(PostCitation(post_id=post.id, guideline_id=version.guideline_id,
                                number=number, version_id=version.id))  # fmt: skip
    db.session.commit()


def set_thread(thread: Thread, **values) -> None:
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(**values))
    db.session.commit()


# Parsing -------------------------------------------------------------------------------------


def test_cites_takes_a_code_or_a_code_and_a_number_in_any_case():
    assert parse("cites:ng12").cites == "NG12"
    assert parse("cites:NG12-1.3.1").cites == "NG12 1.3.1"
    assert parse('cites:"NG12 1.3.1"').cites == "NG12 1.3.1"
    assert parse("cites:SIGN-145-1.2a").cites == "SIGN-145 1.2a"
    query = parse("cites:NG12-1.3.1 fit")
    assert query.describe() == "fit cites:NG12-1.3.1" and query.words == "fit"
    refused = parse("cites:1.3")
    assert refused.cites is None and "cites:NG12" in refused.notices[0]


def test_is_verified_and_is_outdated_are_flags_beside_solved():
    query = parse("is:verified is:outdated is:solved")
    assert (query.verified, query.outdated, query.status) == (True, True, "solved")
    assert query.describe() == "is:solved is:verified is:outdated"
    assert query.without("is", "verified").describe() == "is:solved is:outdated"
    assert query.without("is", "solved").describe() == "is:verified is:outdated"


def test_the_controls_round_trip_with_the_typed_query():
    query = with_filters(parse("fit"), cites="ng12 1.3.1", verified="y", outdated="")
    assert query.describe() == "fit is:verified cites:NG12-1.3.1"
    assert query.params() == {"q": "fit", "cites": "NG12 1.3.1", "verified": "1"}
    again = with_filters(parse(query.params()["q"]), **{k: v for k, v in query.params().items()
                                                        if k != "q"})  # fmt: skip
    assert again.describe() == query.describe()
    typed = with_filters(parse("cites:NG12"), cites="NG27")
    assert typed.cites == "NG12"  # the typed filter wins over its control


# Searching -----------------------------------------------------------------------------------


def test_cites_finds_threads_whose_posts_cite_the_guideline_or_recommendation(app):
    ng12, ng27 = guideline("NG12"), guideline("NG27")
    whole = make_thread(title="Cites the whole of NG12", body="Safety netting advice.")
    one = make_thread(title="Cites one recommendation", body="Safety netting advice.")
    reply = make_reply(one, body="See the recommendation.")
    other = make_thread(title="Cites another guideline", body="Safety netting advice.")
    make_thread(title="Cites nothing", body="Safety netting advice.")
    cite(db.session.get(Post, _opening(whole)), ng12)
    cite(reply, ng12, "1.3.1")
    cite(db.session.get(Post, _opening(other)), ng27, "1.1")
    member = make_user()

    assert sorted(found("cites:NG12", member)) == [
        "Cites one recommendation", "Cites the whole of NG12"]  # fmt: skip
    assert found("cites:ng12-1.3.1", member) == ["Cites one recommendation"]
    assert found("safety cites:NG12-1.3.1", member) == ["Cites one recommendation"]
    assert found("cites:NG12-1.3.2", member) == []
    assert found("cites:NG99", member) == []


def test_a_citation_in_a_deleted_or_hidden_post_does_not_count(app):
    ng12 = guideline("NG12")
    thread = make_thread(title="Only a hidden reply cites it")
    reply = make_reply(thread, body="Hidden later.")
    cite(reply, ng12)
    db.session.execute(update(Post).where(Post.id == reply.id).values(hidden_at=utcnow()))
    db.session.commit()
    assert found("cites:NG12", make_user()) == []


def test_is_verified_finds_checked_accepted_answers(app):
    checked, _ = solved_thread(title="Checked answer")
    solved_thread(title="Unchecked answer")
    set_thread(checked, solution_verified_at=utcnow(), solution_verified_by_name="Dr Lead")
    member = make_user()
    assert found("is:verified", member) == ["Checked answer"]
    assert found("answers is:verified", member) == ["Checked answer"]


def test_is_outdated_means_guidance_changed_or_review_overdue(app):
    changed, _ = solved_thread(title="Guidance changed")
    overdue, _ = solved_thread(title="Review overdue")
    current, _ = solved_thread(title="Review not yet due")
    set_thread(changed, solution_guidance_changed_at=utcnow())
    set_thread(overdue, solution_review_due=utcnow() - timedelta(days=1))
    set_thread(current, solution_review_due=utcnow() + timedelta(days=30))
    member = make_user()
    assert sorted(found("is:outdated", member)) == ["Guidance changed", "Review overdue"]
    # The time is bound on each search, not kept in the statement: later, it is overdue too.
    set_thread(current, solution_review_due=utcnow() - timedelta(seconds=1))
    assert sorted(found("is:outdated", member)) == [
        "Guidance changed", "Review not yet due", "Review overdue"]  # fmt: skip


# The search page -----------------------------------------------------------------------------


def test_the_page_has_the_controls_and_they_show_what_was_typed(app, client):
    sign_in(client, make_user())
    html = client.get("/search?q=fit+cites:ng12-1.3.1+is:verified").get_data(as_text=True)
    assert '<label class="field__label" for="cites">Cites guidance</label>' in html
    assert 'value="NG12 1.3.1"' in html
    assert '<input checked id="verified" name="verified" type="checkbox" value="y">' in html
    assert 'id="outdated" name="outdated" type="checkbox"' in html
    assert "<input checked" not in html.split('id="verified"', 1)[1]
    assert '<label for="outdated">Only answers needing review</label>' in html
    form = client.get("/search?q=fit&cites=NG12&outdated=y").get_data(as_text=True)
    assert 'checked id="outdated"' in form and 'value="NG12"' in form


def test_results_show_the_answers_badges(app, client):
    thread, _ = solved_thread(title="Badged answer", body="Haematuria over 45.")
    set_thread(thread, solution_verified_at=utcnow(), solution_verified_by_name="Dr Lead",
               solution_guidance_changed_at=utcnow(),
               solution_reviewed_at=utcnow().replace(year=2026, month=3, day=2))  # fmt: skip
    sign_in(client, make_user())
    html = client.get("/search?q=haematuria").get_data(as_text=True)
    assert '<span class="badge badge--checked">Checked by a clinical lead</span>' in html
    assert '<span class="badge badge--changed">Guidance changed</span>' in html
    assert '<span class="badge badge--reviewed">Reviewed March 2026</span>' in html


def test_a_filtered_search_with_no_results_offers_to_remove_each_filter(app, client):
    sign_in(client, make_user())
    html = client.get("/search?q=cites:NG12+is:verified").get_data(as_text=True)
    assert "No results" in html
    assert "Remove is:verified" in html and "Remove cites:NG12" in html
    assert 'href="/search?cites=NG12"' in html


def _opening(thread: Thread) -> int:
    return opening_post(thread).id
