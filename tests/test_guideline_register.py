"""The guideline register: staff add guidelines and record their versions; a version carries
forward what the one before had; members read the register; we store references, not text."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import AuditEntry, Guideline, PostCitation, Recommendation
from forum.policy import can_manage_guidelines
from forum.queries import guidelines as reads
from forum.services.guidance import register
from forum.services.guidance.register import Details, RecommendationRow
from tests.factories import (
    make_admin,
    make_category_moderator,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    sign_in,
)

NG12 = Details("ng12", "Suspected cancer: recognition and referral", "NICE",
               "https://www.nice.org.uk/guidance/ng12")  # fmt: skip
FIRST = [
    RecommendationRow("1.1.1", "Lung: referral"),
    RecommendationRow("1.3.1", "Colorectal: referral"),
    RecommendationRow("1.5.1", "Breast: lump"),
]


def _ng12(actor=None) -> Guideline:
    actor = actor or make_moderator()
    guideline = register.create_guideline(
        actor, NG12, published_on=date(2015, 6, 23), recommendations=FIRST
    )
    db.session.commit()
    return guideline


def _numbers(record: reads.VersionRecord) -> dict[str, str]:
    return {r.number: r.status for r in record.recommendations}


def test_staff_manage_the_register_and_members_do_not(app):
    assert can_manage_guidelines(make_moderator())
    assert can_manage_guidelines(make_admin())
    assert not can_manage_guidelines(make_user())
    assert not can_manage_guidelines(make_category_moderator(name="Cat Mod"))


def test_a_guideline_is_added_with_its_first_version_and_the_code_upper_case(app):
    guideline = _ng12()
    assert guideline.code == "NG12"
    current = reads.current_version(guideline)
    assert current.version.sequence == 1
    assert _numbers(current) == {"1.1.1": "new", "1.3.1": "new", "1.5.1": "new"}
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "guideline.create" in actions


def test_a_new_version_carries_forward_marks_changes_and_adds_new_ones(app):
    moderator = make_moderator()
    guideline = _ng12(moderator)
    rows = [
        {"number": "1.3.1", "title": "Colorectal: FIT first", "status": "changed",
         "change_note": "Rests on a FIT result."},
        RecommendationRow("1.5.1", "Breast: lump", "withdrawn", "Replaced by 1.5.2."),
        RecommendationRow("1.5.2", "Breast: lump, new criteria"),
    ]  # fmt: skip
    version, marked = register.record_version(
        moderator, guideline, date(2023, 10, 2), "FIT for colorectal referral.", rows
    )
    db.session.commit()
    assert (version.sequence, marked) == (2, 0)
    current = reads.current_version(guideline)
    assert _numbers(current) == {
        "1.1.1": "unchanged", "1.3.1": "changed", "1.5.1": "withdrawn", "1.5.2": "new",
    }  # fmt: skip
    titles = {r.number: r.title for r in current.recommendations}
    assert titles["1.3.1"] == "Colorectal: FIT first" and titles["1.1.1"] == "Lung: referral"
    # Withdrawn in version 2, it is not carried into version 3.
    register.record_version(moderator, guideline, date(2024, 1, 1), "", [])
    db.session.commit()
    assert _numbers(reads.current_version(guideline)) == {
        "1.1.1": "unchanged", "1.3.1": "unchanged", "1.5.2": "unchanged",
    }  # fmt: skip
    versions = reads.versions_of(guideline)
    assert [v.version.sequence for v in versions] == [3, 2, 1]
    assert [r.number for r in versions[1].changes] == ["1.3.1", "1.5.1", "1.5.2"]
    audit = db.session.scalars(
        select(AuditEntry.after).where(AuditEntry.action == "guideline.version")
    ).all()
    assert [a["version"] for a in audit] == [2, 3]


def test_recording_a_version_calls_apply_version_and_returns_its_count(app, monkeypatch):
    guideline = _ng12()
    seen = []

    def apply_version(actor, version):
        seen.append(version.sequence)
        return 7

    monkeypatch.setattr("forum.services.guidance.changes.apply_version", apply_version)
    version, marked = register.record_version(
        make_admin(), guideline, date(2023, 10, 2), "", [RecommendationRow("1.3.1", "C", "changed")]
    )
    assert (seen, marked) == ([2], 7)


@pytest.mark.parametrize(
    ("details", "field", "words"),
    [
        (Details("12NG", "T", "NICE", "https://x.org"), "code", "starts with a letter"),
        (Details("NG 12", "T", "NICE", "https://x.org"), "code", "starts with a letter"),
        (Details("", "T", "NICE", "https://x.org"), "code", "Give the guideline"),
        (Details("NG13", "T", "NICE", "javascript:alert(1)"), "url", "https://"),
        (Details("NG13", "T", "NICE", "ftp://x.org/a"), "url", "https://"),
        (Details("NG13", "", "NICE", "https://x.org"), "title", "title"),
        (Details("NG13", "T", "", "https://x.org"), "publisher", "publisher"),
    ],
)
def test_bad_details_are_refused_with_a_clear_message(app, details, field, words):
    with pytest.raises(ServiceError) as refusal:
        register.create_guideline(make_admin(), details, published_on=date(2020, 1, 1))
    assert refusal.value.field == field and words in refusal.value.message


def test_codes_are_unique_whatever_their_case(app):
    _ng12()
    with pytest.raises(ServiceError, match="already has a guideline with the code NG12"):
        register.create_guideline(make_admin(), NG12, published_on=date(2020, 1, 1))


def test_duplicate_and_malformed_numbers_are_refused(app):
    twice = [RecommendationRow("1.1.1", "A"), RecommendationRow("1.1.1", "B")]
    with pytest.raises(ServiceError, match="1.1.1 is listed twice"):
        register.create_guideline(
            make_admin(), NG12, published_on=date(2020, 1, 1), recommendations=twice
        )
    guideline = _ng12()
    with pytest.raises(ServiceError, match="not a recommendation number"):
        register.record_version(
            make_admin(), guideline, date(2024, 1, 1), "", [RecommendationRow("one", "A")]
        )
    with pytest.raises(ServiceError, match="listed twice"):
        register.record_version(make_admin(), guideline, date(2024, 1, 1), "", twice)


def test_a_version_older_than_the_current_one_is_refused(app):
    guideline = _ng12()
    with pytest.raises(ServiceError, match="cannot be older than the current one, published 23"):
        register.record_version(make_admin(), guideline, date(2015, 6, 22), "", [])


def test_a_version_cannot_change_what_the_current_one_does_not_have(app):
    guideline = _ng12()
    with pytest.raises(ServiceError, match="9.9 is not in the current version"):
        register.record_version(
            make_admin(), guideline, date(2024, 1, 1), "",
            [RecommendationRow("9.9", "Nothing", "withdrawn")],
        )  # fmt: skip


def test_the_code_changes_only_while_no_post_cites_it(app):
    admin = make_admin()
    guideline = _ng12(admin)
    renamed = Details("NG12X", NG12.title, NG12.publisher, NG12.url)
    register.update_guideline(admin, guideline, renamed)
    db.session.commit()
    assert guideline.code == "NG12X"
    post = make_reply(make_thread(), body="See the guideline.")
    version = reads.current_version(guideline).version
    db.session.add(PostCitation(post_id=post.id, guideline_id=guideline.id, number="1.3.1",
                                version_id=version.id))  # fmt: skip
    db.session.commit()
    with pytest.raises(ServiceError, match="Posts cite NG12X"):
        register.update_guideline(admin, guideline, NG12)
    retitled = Details("NG12X", "A better title", "NICE", NG12.url)
    assert register.update_guideline(admin, guideline, retitled).title == "A better title"


def test_recommendation_lines_are_read_one_a_line(app):
    rows = register.rows_from_lines("1.3.1 Colorectal: referral\n\n 1.12a  Something else \n")
    assert [(r.number, r.title) for r in rows] == [("1.3.1", "Colorectal: referral"),
                                                   ("1.12a", "Something else")]  # fmt: skip
    with pytest.raises(ServiceError, match="Line 2"):
        register.rows_from_lines("1.1 Fine\nNo number here")


# Pages -------------------------------------------------------------------------------------

NEW_FORM = {
    "code": "NG12", "title": NG12.title, "publisher": "NICE", "url": NG12.url,
    "published_on": "23/06/2015", "recommendations": "1.1.1 Lung: referral\n1.3.1 Colorectal",
}  # fmt: skip


@pytest.fixture
def staff_client(app, client):
    sign_in(client, make_moderator(name="Mo Moderator"))
    return client


def test_staff_add_a_guideline_through_the_form(app, staff_client):
    response = staff_client.post("/admin/guidelines/new", data=NEW_FORM)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/admin/guidelines/NG12"
    )
    page = staff_client.get("/admin/guidelines").get_data(as_text=True)
    assert "NG12" in page and "23 June 2015" in page
    shown = staff_client.get("/admin/guidelines/ng12").get_data(as_text=True)
    assert "Colorectal" in shown and "Version 1, published 23 June 2015" in shown


def test_the_new_form_keeps_typed_text_when_refused(app, staff_client):
    data = {**NEW_FORM, "url": "www.nice.org.uk/ng12", "recommendations": "1.1.1 Kept lines"}
    response = staff_client.post("/admin/guidelines/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give a web address starting with https://" in page
    assert "1.1.1 Kept lines" in page and "www.nice.org.uk/ng12" in page
    bad_line = staff_client.post(
        "/admin/guidelines/new", data={**NEW_FORM, "recommendations": "1.1.1 Fine\nnonsense"}
    )
    assert bad_line.status_code == 422 and "Line 2" in bad_line.get_data(as_text=True)
    assert db.session.scalar(select(Guideline.id)) is None


def test_staff_edit_a_guideline(app, staff_client):
    _ng12()
    form = staff_client.get("/admin/guidelines/NG12/edit")
    assert form.status_code == 200 and NG12.title in form.get_data(as_text=True)
    data = {"code": "NG12", "title": "Retitled", "publisher": "NICE", "url": NG12.url}
    assert staff_client.post("/admin/guidelines/NG12/edit", data=data).status_code == 302
    refused = staff_client.post(
        "/admin/guidelines/NG12/edit", data={**data, "title": "Kept title", "url": "nope"}
    )
    assert refused.status_code == 422 and "Kept title" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Guideline.title)) == "Retitled"


def test_staff_record_a_version_through_the_form(app, staff_client):
    _ng12()
    form = staff_client.get("/admin/guidelines/NG12/versions/new").get_data(as_text=True)
    assert 'name="rows-1-number" type="hidden" value="1.3.1"' in form
    assert "What this version did to 1.3.1" in form
    data = {
        "published_on": "2023-10-02", "summary": "FIT for colorectal.",
        "rows-0-number": "1.1.1", "rows-0-title": "Lung: referral", "rows-0-status": "unchanged",
        "rows-1-number": "1.3.1", "rows-1-title": "Colorectal: FIT", "rows-1-status": "changed",
        "rows-1-change_note": "Now rests on FIT.",
        "rows-2-number": "1.5.1", "rows-2-title": "Breast", "rows-2-status": "withdrawn",
        "new_recommendations": "1.5.2 Breast: new criteria",
    }  # fmt: skip
    response = staff_client.post("/admin/guidelines/NG12/versions/new", data=data)
    assert response.status_code == 302
    shown = staff_client.get("/admin/guidelines/NG12").get_data(as_text=True)
    assert "0 posts citing what it changed or withdrew are marked for review" in shown
    assert "Changed in this version" in shown and "Withdrawn in this version" in shown
    assert "New in this version" in shown and "Now rests on FIT." in shown
    assert shown.index("Version 2") < shown.index("Version 1")
    statuses = db.session.scalars(
        select(Recommendation.status).where(Recommendation.number == "1.3.1")
    ).all()
    assert sorted(statuses) == ["changed", "new"]


def test_the_version_form_keeps_typed_text_when_refused(app, staff_client):
    _ng12()
    data = {
        "published_on": "01/01/2014", "summary": "Typed summary",
        "rows-0-number": "1.1.1", "rows-0-title": "Typed title", "rows-0-status": "changed",
        "new_recommendations": "2.1 Typed new one",
    }  # fmt: skip
    response = staff_client.post("/admin/guidelines/NG12/versions/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "cannot be older than the current one" in page
    for typed in ("Typed summary", "Typed title", "2.1 Typed new one"):
        assert typed in page


@pytest.mark.parametrize(
    "path",
    ["/admin/guidelines", "/admin/guidelines/new", "/admin/guidelines/NG12",
     "/admin/guidelines/NG12/edit", "/admin/guidelines/NG12/versions/new"],
)  # fmt: skip
def test_members_cannot_reach_the_staff_pages(app, client, path):
    _ng12()
    sign_in(client, make_user())
    assert client.get(path).status_code == 404
    assert client.post(path, data=NEW_FORM).status_code in (404, 405)


def test_members_read_the_register_and_how_to_cite(app, client):
    _ng12()
    sign_in(client, make_user())
    page = client.get("/guidelines").get_data(as_text=True)
    assert "[[NG12 1.3.1]]" in page and 'rel="noopener"' in page
    assert "publisher’s site" in page and "Manage" not in page
    shown = client.get("/guidelines/ng12")
    assert shown.status_code == 200 and "Colorectal: referral" in shown.get_data(as_text=True)
    assert client.get("/guidelines/NOPE").status_code == 404
    assert client.get("/guidelines/" + "X" * 40).status_code == 404


def test_moderators_reach_the_register_from_the_staff_pages(app, staff_client):
    assert 'href="/admin/guidelines"' in staff_client.get("/admin/").get_data(as_text=True)


def test_the_demo_seeds_ng12_in_two_versions_and_a_local_pathway(app, tmp_path):
    from forum.cli import seeding

    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    assert seeding.seed_demo() is True
    db.session.commit()
    ng12 = reads.get_guideline_or_404("NG12")
    assert (ng12.publisher, ng12.url) == ("NICE", "https://www.nice.org.uk/guidance/ng12")
    versions = reads.versions_of(ng12)
    assert [v.version.published_on for v in versions][-1] == date(2015, 6, 23)
    assert [(r.number, r.status) for r in versions[0].changes] == [("1.3.1", "changed")]
    assert len(versions[0].recommendations) == 6
    pathway = reads.get_guideline_or_404("LP-NSS")
    assert len(reads.current_version(pathway).recommendations) == 3
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("guideline.create") == 2 and actions.count("guideline.version") == 1
