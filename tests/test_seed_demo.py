"""The demo forum shows something on every page: tags, groups, a restricted category, the
library with real PDFs, and the welcome message."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from forum.cli import seeding
from forum.extensions import db
from forum.models import (
    Attachment,
    Category,
    Group,
    Resource,
    ResourceVersion,
    StoredFile,
    ThreadTag,
    User,
)
from forum.services.membership import pledge
from forum.uploads.storage import storage
from forum.web.gates import forget_pledge_version

RESTRICTED = "west-yorkshire-harrogate"
INSIDE, OUTSIDE = "asha.patel@example.nhs.uk", "tom.oconnell@example.nhs.uk"


@pytest.fixture
def demo(app, tmp_path: Path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    assert seeding.seed_demo() is True
    db.session.commit()
    forget_pledge_version()
    return app


def demo_sign_in(client, email: str) -> None:
    """Sign in with the demo password and accept the pledge, as the first sign-in asks."""
    response = client.post("/login", data={"email": email, "password": seeding.DEMO_PASSWORD})
    assert response.status_code == 302
    asked = client.get("/")
    assert asked.status_code == 302 and "/pledge" in asked.headers["Location"]
    assert client.get("/pledge").status_code == 200
    sent = client.post("/pledge", data={"version": pledge.current_version(), "agree": "y"})
    assert sent.status_code == 302


def test_a_second_seed_adds_nothing(demo):
    assert seeding.seed_demo() is False


def test_staff_tags_are_on_demo_threads(demo):
    tagged = db.session.scalar(select(func.count(func.distinct(ThreadTag.thread_id))))
    assert db.session.scalar(select(func.count()).select_from(ThreadTag)) >= 5
    assert tagged >= 3


def test_two_alliance_groups_and_the_clinical_reviewers_have_their_members(demo):
    groups = db.session.scalars(select(Group).order_by(Group.id)).all()
    assert [g.name for g in groups] == [
        "West Yorkshire and Harrogate GPs",
        "Greater Manchester GPs",
        "Clinical reviewers",
        "Alliance leads",
    ]
    assert all(g.member_count == 1 for g in groups)
    assert [g.verifies_answers for g in groups] == [False, False, True, False]
    reviewers = db.session.scalars(select(User.email).where(User.verifies_answers)).all()
    assert reviewers == ["grace.adeyemi@example.nhs.uk"]
    leads = db.session.scalars(select(User.email).where(User.leads_alliance)).all()
    assert leads == ["asha.patel@example.nhs.uk"]


def test_only_its_group_reads_the_restricted_category(demo):
    category = db.session.scalars(select(Category).where(Category.slug == RESTRICTED)).one()
    group = db.session.scalars(select(Group).where(Group.handle == "wyh-gps")).one()
    assert category.read_group_ids == [group.id]
    assert category.thread_count == 2


@pytest.mark.parametrize(
    ("email", "status"),
    [(INSIDE, 200), (OUTSIDE, 404), ("grace.adeyemi@example.nhs.uk", 404)],
)
def test_the_group_reads_the_restricted_category_and_others_get_404(demo, client, email, status):
    demo_sign_in(client, email)
    assert client.get(f"/c/{RESTRICTED}").status_code == status


def test_staff_read_the_restricted_category(demo, client):
    demo_sign_in(client, "admin@example.org")
    assert client.get(f"/c/{RESTRICTED}").status_code == 200


def test_library_files_are_valid_pdfs(demo):
    versions = db.session.scalars(
        select(ResourceVersion).where(ResourceVersion.attachment_id.is_not(None))
    ).all()
    assert db.session.scalar(select(func.count()).select_from(Resource)) == 3
    assert len(versions) == 2
    texts = []
    for version in versions:
        attachment = db.session.get_one(Attachment, version.attachment_id)
        stored = db.session.get_one(StoredFile, attachment.file_id)
        with storage().open(stored.sha256) as file:
            reader = PdfReader(io.BytesIO(file.read()))
        assert len(reader.pages) == 1
        texts.append(reader.pages[0].extract_text())
    assert any("Safety-netting checklist" in text for text in texts)
    assert any("This is not NICE text" in text for text in texts)


def test_a_member_downloads_a_library_pdf(demo, client):
    demo_sign_in(client, OUTSIDE)
    resource = db.session.scalars(
        select(Resource).where(Resource.title == "Safety-netting checklist")
    ).one()
    page = client.get(f"/library/{resource.id}")
    assert page.status_code == 200
    version = db.session.scalars(
        select(ResourceVersion).where(ResourceVersion.resource_id == resource.id)
    ).one()
    download = client.get(f"/uploads/{version.attachment_id}")
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF-")


def test_the_home_page_shows_the_welcome_message(demo, client):
    demo_sign_in(client, INSIDE)
    home = client.get("/")
    assert home.status_code == 200
    text = home.get_data(as_text=True)
    assert "Welcome to the <strong>demo</strong>" in text
    assert "team@example.org" in text
