"""The learning log: private CPD entries, their page by appraisal year, the exports an
appraiser reads (read back from the PDF and the Word file), privacy and the guard."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import docx
import pypdf
import pytest
from sqlalchemy import func, select

from forum import queries
from forum.extensions import db
from forum.models import LearningEntry, User, utcnow
from forum.policy import SYSTEM
from forum.queries import learning as log_reads
from forum.services.discussions import helpful
from forum.services.learning import entries as log_entries
from forum.services.site import settings as site_settings
from tests.factories import (
    PASSWORD,
    make_admin,
    make_moderator,
    make_reply,
    make_resource,
    make_thread,
    make_user,
    sign_in,
    solved_thread,
)

TODAY = utcnow().date()


def _form(**fields: object) -> dict[str, object]:
    data = {
        "title": "Two-week-wait referrals for unexplained weight loss",
        "learned_on": TODAY.isoformat(),
        "minutes": "45",
        "link": "",
        "learned": "NG12 thresholds for weight loss in over-60s.",
        "practice_change": "I will safety-net with a review date.",
        "follow_up": "",
    }
    data.update(fields)
    return data


def _entry(user: User, **fields: object) -> LearningEntry:
    details = log_entries.EntryDetails(
        learned_on=fields.pop("learned_on", TODAY),
        title=fields.pop("title", "A webinar on lung cancer"),
        minutes=fields.pop("minutes", 60),
        learned=fields.pop("learned", "Chest X-ray within two weeks."),
        **fields,
    )
    entry = log_entries.add_entry(user, details)
    db.session.commit()
    return entry


def _count_entries() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(LearningEntry)) or 0


# Writing entries -----------------------------------------------------------------------------


def test_a_member_adds_edits_and_deletes_an_entry(app, client, reload):
    member = make_user()
    sign_in(client, member)
    assert client.get("/account/learning/new").status_code == 200
    response = client.post("/account/learning/new", data=_form())
    assert response.status_code == 302
    assert "/account/learning?year=" in response.headers["Location"]
    reload()
    entry = db.session.scalars(select(LearningEntry)).one()
    assert (entry.user_id, entry.minutes, entry.follow_up) == (member.id, 45, "")
    page = client.get("/account/learning").get_data(as_text=True)
    assert "Two-week-wait referrals" in page and "45 min" in page and "0.75" in page

    assert client.get(f"/account/learning/{entry.id}/edit").status_code == 200
    edited = client.post(f"/account/learning/{entry.id}/edit", data=_form(minutes="90"))
    assert edited.status_code == 302
    reload()
    assert db.session.get(LearningEntry, entry.id).minutes == 90
    assert client.post(f"/account/learning/{entry.id}/delete").status_code == 302
    assert _count_entries() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"learned": "", "practice_change": "", "follow_up": ""}, "at least one of the three"),
        ({"minutes": "0"}, "1 to 1,440"),
        ({"minutes": "lots"}, "minutes"),
        ({"learned_on": (TODAY + timedelta(days=3)).isoformat()}, "in the future"),
        ({"learned_on": "31/02/2026"}, "Enter a date"),
        ({"link": "javascript:alert(1)"}, "https://"),
        ({"title": ""}, "Give the entry a title"),
        ({"learned": "x" * 2001}, "2,000 characters"),
    ],
)
def test_a_bad_entry_comes_back_with_what_was_typed(app, client, fields, message):
    sign_in(client, make_user())
    response = client.post("/account/learning/new", data=_form(**fields))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Two-week-wait" in page or fields.get("title") == ""
    assert _count_entries() == 0


def test_an_entry_starts_from_a_thread_a_post_or_a_resource(app, client):
    member = make_user()
    thread = make_thread(title="Haematuria in a 45-year-old smoker")
    reply = make_reply(thread, body="Refer under NG12 1.6.1.")
    resource = make_resource(title="Safety-netting audit toolkit")
    sign_in(client, member)
    for query, title, link in (
        (f"thread={thread.id}", "Haematuria in a 45-year-old smoker", f"/t/{thread.id}"),
        (f"post={reply.id}", "Haematuria in a 45-year-old smoker: reply by", f"/p/{reply.id}"),
        (f"resource={resource.id}", "Safety-netting audit toolkit", f"/library/{resource.id}"),
    ):
        page = client.get(f"/account/learning/new?{query}").get_data(as_text=True)
        assert title in page and link in page
    assert f"/account/learning/new?thread={thread.id}" in client.get(f"/t/{thread.id}").text
    assert f"/account/learning/new?post={reply.id}" in client.get(f"/t/{thread.id}").text
    assert f"/account/learning/new?resource={resource.id}" in client.get(
        f"/library/{resource.id}"
    ).get_data(as_text=True)


def test_a_thread_the_member_cannot_see_is_not_offered(app, client):
    from tests.factories import make_staff_category

    hidden = make_thread(make_staff_category(), title="Staff only")
    sign_in(client, make_user())
    assert client.get(f"/account/learning/new?thread={hidden.id}").status_code == 404


# The confidentiality guard ---------------------------------------------------------------------


def test_a_reflection_naming_an_nhs_number_is_refused_as_a_post_is(app, client):
    sign_in(client, make_user())
    response = client.post(
        "/account/learning/new", data=_form(learned="Seen: NHS number 943 476 5919.")
    )
    assert response.status_code == 422
    assert "cannot be posted" in response.get_data(as_text=True)
    assert _count_entries() == 0


def test_a_detail_to_confirm_is_saved_once_confirmed(app, client):
    sign_in(client, make_user())
    text = "A patient from LS1 4AP taught me to ask about night sweats."
    first = client.post("/account/learning/new", data=_form(practice_change=text))
    assert first.status_code == 422
    page = first.get_data(as_text=True)
    assert "This may identify a patient" in page and "your entry stays private" in page
    seen = page.split('name="pii_seen" value="')[1].split('"')[0]
    confirmed = client.post(
        "/account/learning/new",
        data=_form(practice_change=text, pii_seen=seen, pii_confirmed="y"),
    )
    assert confirmed.status_code == 302
    assert _count_entries() == 1


# Totals, appraisal years and contributions -----------------------------------------------------


def test_the_appraisal_year_follows_the_setting():
    assert log_reads.year_of(date(2026, 3, 31), 4).label == "2025 to 2026"
    assert log_reads.year_of(date(2026, 4, 1), 4).start == date(2026, 4, 1)
    assert log_reads.year_of(date(2026, 4, 1), 4).end == date(2027, 3, 31)
    assert log_reads.year_of(date(2026, 6, 1), 1).label == "2026"


def test_the_site_settings_set_the_year_and_the_credits(app, client):
    admin = make_admin()
    site_settings.save_site_settings(
        admin,
        site_settings.SiteDetails(
            "Forum", "", "", "team@example.org",
            appraisal_year_start_month=1, learning_credits_per_hour=2,
        ),
    )  # fmt: skip
    db.session.commit()
    from forum.queries import site as site_reads

    site_reads.forget_site_settings()
    member = make_user()
    _entry(member, learned_on=date(TODAY.year, 1, 1), minutes=90)
    sign_in(client, member)
    page = client.get("/account/learning").get_data(as_text=True)
    assert f"Appraisal year {TODAY.year}<" in page and ">3<" in page  # 1.5 h at 2 an hour


def test_a_bad_setting_is_refused(app):
    with pytest.raises(Exception, match="appraisal year"):
        site_settings.save_site_settings(
            make_admin(),
            site_settings.SiteDetails("F", "", "", "a@example.org", appraisal_year_start_month=13),
        )


def _contributing_member() -> tuple[User, dict[str, int]]:
    """A member who asked two questions, wrote three replies (one accepted, one marked
    helpful twice), and shared a resource."""
    member = make_user(name="Dr Asha Patel")
    make_thread(author=member, title="Question one")
    make_thread(author=member, title="Question two")
    _, accepted = solved_thread(answerer=member)
    other = make_thread()
    reply = make_reply(other, author=member, body="A second reply.")
    make_reply(other, author=member, body="A third reply.")
    for marker in (make_user(), make_user()):
        helpful.mark_helpful(marker, queries.get_post_or_404(reply.id, SYSTEM))
    db.session.commit()
    make_resource(author=member, title="A shared resource")
    expected = {"questions": 2, "replies": 3, "accepted": 1, "resources": 1, "helpful": 2}
    return member, expected


def test_contributions_are_counted_for_the_range(app):
    member, expected = _contributing_member()
    counted = log_reads.contributions(member.id, TODAY - timedelta(days=1), TODAY)
    assert (
        counted.questions, counted.replies, counted.accepted, counted.resources,
        counted.helpful_received,
    ) == tuple(expected.values())  # fmt: skip
    before = log_reads.contributions(member.id, date(2020, 1, 1), date(2020, 12, 31))
    assert before == log_reads.Contributions()


# Exports, read back -------------------------------------------------------------------------


def _export(client, kind: str, start: date, end: date):
    url = f"/account/learning/export?start={start}&end={end}&format={kind}"
    return client.get(url)


def _logged_member():
    member, expected = _contributing_member()
    member.gmc_number = "7654321"
    db.session.commit()
    _entry(
        member,
        title="Haematuria: who to refer",
        minutes=45,
        learned="Refer at 45 and over.",
        practice_change="Dipstick before referral.",
        link="https://forum.example/t/1",
    )
    _entry(
        member,
        title="Webinar: lung cancer in never-smokers",
        minutes=90,
        learned="Adenocarcinoma is commoner than I thought.",
        follow_up="Read the audit.",
    )
    _entry(member, title="Last year's course", learned_on=TODAY - timedelta(days=800))
    return member, expected  # fmt: skip


def test_the_pdf_reads_back_with_entries_totals_and_contributions(app, client):
    member, expected = _logged_member()
    sign_in(client, member)
    response = _export(client, "pdf", TODAY - timedelta(days=30), TODAY)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for words in (
        "Dr Asha Patel",
        "GMC number 7654321",
        "Haematuria: who to refer",
        "Webinar: lung cancer in never-smokers",
        "Refer at 45 and over.",
        "Dipstick before referral.",
        "Read the audit.",
        "https://forum.example/t/1",
        "What I learned",
        "How it changes my practice",
        "Anything to follow up",
        "2 h 15 min",
        "2.25",
        "Questions asked 2",
        "Replies written 3",
        "Replies accepted as the solution 1",
        "Resources shared in the library 1",
        "Helpful marks received 2",
    ):
        assert words in text, words
    assert "Last year's course" not in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].get_object().values()
    }
    assert all("DejaVu" in name for name in fonts)
    for page in reader.pages:  # embedded: each font carries its file
        for font in page["/Resources"]["/Font"].get_object().values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"]


def test_the_word_file_reads_back_with_entries_totals_and_contributions(app, client):
    member, expected = _logged_member()
    sign_in(client, member)
    response = _export(client, "docx", TODAY - timedelta(days=30), TODAY)
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.data))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = {row.cells[0].text: row.cells[1].text for t in document.tables for row in t.rows}
    assert cells["Name"] == "Dr Asha Patel" and cells["GMC number"] == "7654321"
    assert cells["Time"] == "2 h 15 min" and cells["CPD credits"].startswith("2.25")
    assert cells["Questions asked"] == "2" and cells["Replies written"] == "3"
    assert cells["Replies accepted as the solution"] == "1"
    assert cells["Resources shared in the library"] == "1"
    assert cells["Helpful marks received"] == "2"
    for words in ("Haematuria: who to refer", "Dipstick before referral.", "Read the audit."):
        assert words in paragraphs
    assert "Last year's course" not in paragraphs


def test_the_csv_has_a_row_an_entry_and_runs_no_formula(app, client):
    member = make_user()
    _entry(member, title='=HYPERLINK("http://evil")', minutes=30)
    sign_in(client, member)
    response = _export(client, "csv", TODAY - timedelta(days=1), TODAY)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["date", "title", "link", "minutes", "credits"]
    assert rows[1][1].startswith("'=") and rows[1][3:5] == ["30", "0.5"]


@pytest.mark.parametrize(
    "query",
    [
        "start=2026-05-01&end=2026-04-01&format=pdf",
        "start=nope&end=2026-04-01",
        "start=2010-01-01&end=2026-04-01&format=pdf",
        "start=2026-01-01&end=2026-02-01&format=exe",
    ],
)
def test_a_bad_range_shows_the_form_again(app, client, query):
    sign_in(client, make_user())
    response = client.get(f"/account/learning/export?{query}")
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)


def test_the_export_form_offers_this_appraisal_year(app, client):
    sign_in(client, make_user())
    year = log_reads.year_of(TODAY, 4)
    page = client.get("/account/learning/export").get_data(as_text=True)
    assert year.start.isoformat() in page and year.end.isoformat() in page


# Privacy -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "moderator", "admin"])
def test_no_one_else_reaches_an_entry_or_its_export(app, client, who):
    owner = make_user(name="Dr Private Owner")
    entry = _entry(owner, title="My private reflection", learned="About my own doubts.")
    other = {"member": make_user, "moderator": make_moderator, "admin": make_admin}[who]()
    sign_in(client, other)
    assert client.get(f"/account/learning/{entry.id}/edit").status_code == 404
    assert client.post(f"/account/learning/{entry.id}/edit", data=_form()).status_code == 404
    assert client.post(f"/account/learning/{entry.id}/delete").status_code == 404
    assert "My private reflection" not in client.get("/account/learning").get_data(as_text=True)
    for kind in ("pdf", "docx", "csv"):
        exported = _export(client, kind, TODAY - timedelta(days=1), TODAY)
        assert exported.status_code == 200
        assert b"My private reflection" not in exported.data
    assert "My private reflection" not in client.get("/search?q=private+reflection").text
    assert _count_entries() == 1


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    entry = _entry(make_user())
    for url in (
        "/account/learning",
        f"/account/learning/{entry.id}/edit",
        "/account/learning/export?start=2026-01-01&end=2026-02-01&format=pdf",
    ):
        assert client.get(url).status_code == 302  # fmt: skip


def test_the_gmc_number_is_the_members_own(app, client, reload):
    member = make_user(name="Dr Gee")
    sign_in(client, member)
    profile = {"display_name": "Dr Gee", "username": "gee", "alliance": "", "gmc_number": "12345"}
    assert client.post("/account/profile", data=profile).status_code == 422
    saved = client.post("/account/profile", data={**profile, "gmc_number": "1234567"})
    assert saved.status_code == 302
    reload()
    assert db.session.get(User, member.id).gmc_number == "1234567"
    other = make_user()
    sign_in(client, other)
    assert "1234567" not in client.get("/u/gee").get_data(as_text=True)
    assert "1234567" not in client.get(f"/api/v1/users/{member.username}").get_data(as_text=True)


def test_the_members_data_export_has_the_log_and_deletion_removes_it(app, client):
    member = make_user()
    member.gmc_number = "7654321"
    db.session.commit()
    _entry(member, title="Kept in my data")
    sign_in(client, member)
    archive = zipfile.ZipFile(io.BytesIO(client.post("/account/export").data))
    log = json.loads(archive.read("learning_log.json"))
    assert log[0]["title"] == "Kept in my data"
    assert json.loads(archive.read("profile.json"))["gmc_number"] == "7654321"
    deleted = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert deleted.status_code == 302
    assert _count_entries() == 0
    assert db.session.get(User, member.id).gmc_number == ""


def test_the_log_and_its_exports_run_as_many_statements_for_many_entries(
    app, client, count_queries
):
    member = make_user()
    _entry(member)
    sign_in(client, member)
    urls = ["/account/learning"] + [
        f"/account/learning/export?start={TODAY - timedelta(days=30)}&end={TODAY}&format={kind}"
        for kind in ("pdf", "docx", "csv")
    ]

    def counts() -> list[int]:
        found = []
        for url in urls:
            client.get(url)  # warm
            with count_queries() as counted:
                assert client.get(url).status_code == 200
            found.append(counted.count)
        return found

    few = counts()
    db.session.commit()  # end the test's read, begun before the requests wrote
    for n in range(25):
        _entry(member, title=f"Entry {n}", learned_on=TODAY - timedelta(days=n))
    assert counts() == few
    assert few == [3, 3, 3, 3], few  # the member, the entries, the contributions
