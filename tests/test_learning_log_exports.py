"""The learning log's totals, appraisal years and contributions, and its exports read back:
the PDF (pypdf) and the Word file (python-docx) hold the entries, the totals and the
contributions; the CSV runs no formula; the pages run a fixed number of statements."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import docx
import pypdf
import pytest

from forum import queries
from forum.extensions import db
from forum.models import User, utcnow
from forum.policy import SYSTEM
from forum.queries import learning as log_reads
from forum.queries import site as site_reads
from forum.services.discussions import helpful
from forum.services.site import settings as site_settings
from tests.factories import (
    export_learning_log,
    make_admin,
    make_learning_entry,
    make_reply,
    make_resource,
    make_thread,
    make_user,
    sign_in,
    solved_thread,
)

TODAY = utcnow().date()


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
    site_reads.forget_site_settings()
    member = make_user()
    make_learning_entry(member, learned_on=date(TODAY.year, 1, 1), minutes=90)
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


def _logged_member():
    member, expected = _contributing_member()
    member.gmc_number = "7654321"
    db.session.commit()
    make_learning_entry(
        member,
        title="Haematuria: who to refer",
        minutes=45,
        learned="Refer at 45 and over.",
        practice_change="Dipstick before referral.",
        link="https://forum.example/t/1",
    )
    make_learning_entry(
        member,
        title="Webinar: lung cancer in never-smokers",
        minutes=90,
        learned="Adenocarcinoma is commoner than I thought.",
        follow_up="Read the audit.",
    )
    make_learning_entry(member, title="Last year's course", learned_on=TODAY - timedelta(days=800))
    return member, expected  # fmt: skip


def test_the_pdf_reads_back_with_entries_totals_and_contributions(app, client):
    member, expected = _logged_member()
    sign_in(client, member)
    response = export_learning_log(client, "pdf", TODAY - timedelta(days=30), TODAY)
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
    response = export_learning_log(client, "docx", TODAY - timedelta(days=30), TODAY)
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
    make_learning_entry(member, title='=HYPERLINK("http://evil")', minutes=30)
    sign_in(client, member)
    response = export_learning_log(client, "csv", TODAY - timedelta(days=1), TODAY)
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


def test_the_log_and_its_exports_run_as_many_statements_for_many_entries(
    app, client, count_queries
):
    member = make_user()
    make_learning_entry(member)
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
        make_learning_entry(member, title=f"Entry {n}", learned_on=TODAY - timedelta(days=n))
    assert counts() == few
    assert few == [3, 3, 3, 3], few  # the member, the entries, the contributions


def test_exports_are_rate_limited_and_the_form_is_not(app, database_url):
    from tests.conftest import build_app

    member = make_user()
    limited = build_app(
        database_url, RATELIMIT_ENABLED=True, RATELIMIT_LEARNING_EXPORT="2 per minute"
    )
    client = limited.test_client()
    sign_in(client, member)
    statuses = [export_learning_log(client, "csv", TODAY, TODAY).status_code for _ in range(3)]
    form = client.get("/account/learning/export").status_code
    with limited.app_context():
        db.engine.dispose()
    assert statuses == [200, 200, 429]
    assert form == 200
