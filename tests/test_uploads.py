"""Uploading and downloading attachments: every allowed type goes in and comes out intact,
every hostile file is refused with a clear message and leaves nothing on disk, and a file is
only ever served to whoever may read the post it is in."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Attachment, Draft, Post, StoredFile, utcnow
from forum.services.library import uploads
from forum.uploads.storage import storage
from tests import upload_samples as samples
from tests.corpus import bad_inputs, needs_corpus
from tests.factories import (
    make_category,
    make_moderator,
    make_staff_category,
    make_thread,
    make_user,
    post_with_attachment,
    sign_in,
    uploaded_file,
)

NHS_NUMBER = "943 476 5919"  # a valid check digit: the detector blocks it


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path) -> Path:
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    return folder


def files_on_disk(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def upload(client, name: str, data: bytes, **fields: str):
    return client.post(
        "/uploads",
        data={"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )


def store(user, name: str, data: bytes, **options):
    """Call the upload service directly, in a fresh transaction (as a request would)."""
    db.session.commit()
    return uploads.store_upload(user, io.BytesIO(data), name, **options)


def stored_count() -> tuple[int, int]:
    db.session.commit()
    files = db.session.scalar(select(func.count()).select_from(StoredFile))
    attachments = db.session.scalar(select(func.count()).select_from(Attachment))
    return files, attachments


@pytest.fixture
def member(client):
    user = make_user()
    sign_in(client, user)
    return user


# Every allowed type ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(samples.ALLOWED))
def test_each_allowed_type_uploads_and_downloads(client, member, upload_folder, name):
    data = samples.ALLOWED[name]()
    response = upload(client, name, data, alt="A red square")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["url"] == f"/uploads/{body['id']}"
    assert len(files_on_disk(upload_folder)) == 1

    download = client.get(body["url"])
    assert download.status_code == 200
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    disposition = download.headers["Content-Disposition"]
    if name.endswith((".png", ".jpg", ".gif")):
        assert disposition.startswith("inline")
        assert download.mimetype.startswith("image/")
        assert Image.open(io.BytesIO(download.data)).size == (40, 30)
        assert body["markdown"] == f"![A red square]({body['url']})"
    else:
        assert disposition == f"attachment; filename={name}"
        assert download.data == data
        assert body["markdown"] == f"[{name}]({body['url']})"


def test_download_answers_not_modified_to_a_matching_etag(client, member):
    url = upload(client, "handout.pdf", samples.pdf()).get_json()["url"]
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert "private" in first.headers["Cache-Control"]


# Refused files --------------------------------------------------------------------------------

REFUSED = [
    ("setup.pdf", samples.windows_program, 415, "looks like a Windows program"),
    ("setup.exe", samples.windows_program, 415, "Programs and scripts (.exe) are not accepted"),
    ("referral.pdf", samples.web_page, 415, "looks like a web page"),
    ("logo.svg", samples.svg_with_script, 415, "SVG images are not accepted"),
    ("logo.png", samples.svg_with_script, 415, "looks like an SVG image"),
    ("funny.gif", samples.gif_javascript_polyglot, 415, "extra content hidden in it"),
    ("protocol.docx", samples.zip_bomb_docx, 415, "zip bomb"),
    ("protocol.docx", samples.macro_docx, 415, "contains macros"),
    ("protocol.docx", samples.pdf, 415, "is named as a Word document, but its content"),
    ("slides.pptx", samples.docx, 415, "it looks like a Word document"),
    ("table.csv", lambda: "naïve,café\n".encode("latin-1"), 415, "not UTF-8"),
    ("table.csv", samples.web_page, 415, "looks like a web page"),
    ("table.csv", lambda: b"a,b\n1,\x00\n", 415, "NUL bytes"),
    ("empty.pdf", lambda: b"", 400, "This file is empty"),
    ("notes.txt", lambda: b"hello", 415, "Files of type .txt are not accepted"),
    ("broken.pdf", lambda: b"%PDF-1.7\n" + b"garbage " * 100, 415, "could not be read"),
    ("broken.png", lambda: samples.image()[:60], 415, "could not be read"),
    ("broken.docx", lambda: b"PK\x03\x04" + b"\0" * 100, 415, "damaged or incomplete"),
]


@pytest.mark.parametrize(
    ("name", "make", "status", "message"), REFUSED, ids=[f"{r[0]}-{r[3][:20]}" for r in REFUSED]
)
def test_hostile_files_are_refused_and_leave_nothing(
    client, member, upload_folder, name, make, status, message
):
    response = upload(client, name, make(), alt="A picture")
    assert response.status_code == status
    assert message in response.get_json()["error"]["message"]
    assert files_on_disk(upload_folder) == []
    assert stored_count() == (0, 0)


def test_oversize_file_is_refused_with_the_limit(app, client, member, upload_folder):
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    response = upload(client, "big.pdf", samples.pdf() + b"%" * (1024 * 1024))
    assert response.status_code == 413
    assert "larger than the 1 MB limit" in response.get_json()["error"]["message"]
    assert files_on_disk(upload_folder) == []


def test_request_over_the_whole_form_limit_gets_a_413_that_explains(app, client, member):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    response = upload(client, "big.pdf", b"%PDF-" + b"0" * 10_000)
    assert response.status_code == 413
    assert "limit for uploads" in response.get_json()["error"]["message"]
    page = client.post(
        f"/t/{make_thread().id}/reply",
        data={"body": "Big", "attachment": (io.BytesIO(b"0" * 10_000), "big.pdf")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 413
    assert "Each uploaded file may be up to 20 MB" in page.get_data(as_text=True)


def test_too_many_pixels_is_refused(app, client, member, upload_folder):
    app.config["UPLOAD_MAX_IMAGE_PIXELS"] = 1000
    response = upload(client, "huge.png", samples.image(size=(100, 100)), alt="Big")
    assert response.status_code == 413
    assert "too large" in response.get_json()["error"]["message"]
    assert files_on_disk(upload_folder) == []


def test_decompression_bomb_is_refused_before_decoding(client, member, upload_folder):
    # 20000 x 20000 pixels, one colour: a few kilobytes that would decode to 1.2 GB.
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    response = upload(client, "bomb.png", out.getvalue(), alt="Bomb")
    assert response.status_code == 413
    assert files_on_disk(upload_folder) == []


# File names -----------------------------------------------------------------------------------

REFUSED_NAMES = {
    "upload-filename-traversal-posix": "folder path",
    "upload-filename-traversal-windows": "folder path",
    "upload-filename-traversal-pct": "folder path",
    "upload-filename-absolute": "folder path",
    "upload-filename-nul-truncation": "control characters",
    "upload-filename-header-injection": "control characters",
    "upload-filename-double-extension": "Web pages (HTML) are not accepted",
}


@needs_corpus
@pytest.mark.parametrize("tag", sorted(REFUSED_NAMES))
def test_names_that_try_to_be_paths_are_refused(member, upload_folder, tag):
    name = bad_inputs()[tag]
    with pytest.raises(uploads.UploadRefused) as refused:
        store(member, name, samples.pdf())
    assert REFUSED_NAMES[tag] in refused.value.message
    assert name not in refused.value.message
    assert files_on_disk(upload_folder) == []


@needs_corpus
def test_names_that_try_to_be_paths_are_refused_over_http(client, member, upload_folder):
    response = upload(client, bad_inputs()["upload-filename-traversal-posix"], samples.pdf())
    assert response.status_code == 400
    assert "folder path" in response.get_json()["error"]["message"]
    assert files_on_disk(upload_folder) == []


@needs_corpus
@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("upload-filename-windows-reserved", "_CON.jpg"),
        ("upload-filename-too-long", "a" * 116 + ".png"),
    ],
)
def test_awkward_names_are_cleaned(member, tag, expected):
    data = samples.image("JPEG" if expected.endswith("jpg") else "PNG")
    attachment = store(member, bad_inputs()[tag], data, alt_text="x")
    assert attachment.filename == expected


def test_unicode_and_awkward_characters_in_names_download_safely(client, member):
    body = upload(client, "Guía final: <v2>.pdf", samples.pdf()).get_json()
    assert body["filename"] == "Guía final_ _v2_.pdf"
    disposition = client.get(body["url"]).headers["Content-Disposition"]
    assert "filename*=UTF-8''Gu%C3%ADa%20final_%20_v2_.pdf" in disposition


def test_quotes_in_names_are_replaced(member):
    assert store(member, 'a "quoted" name.pdf', samples.pdf()).filename == "a _quoted_ name.pdf"


# Images ---------------------------------------------------------------------------------------


def test_gps_and_other_exif_are_gone_from_a_stored_jpeg(client, member):
    original = samples.image("JPEG", gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS is there before
    body = upload(client, "photo.jpg", original, alt="Practice noticeboard").get_json()
    db.session.commit()
    sha = db.session.scalar(
        select(StoredFile.sha256).join(Attachment).where(Attachment.id == body["id"])
    )
    with storage().open(sha) as stored:
        kept = Image.open(stored)
        assert not kept.getexif().get_ifd(0x8825)
        assert dict(kept.getexif()) == {}
        assert kept.size == (40, 30)
    served = client.get(body["url"]).data
    assert b"PhoneMaker" not in served and b"GPS" not in served


def test_photos_keep_their_orientation(client, member):
    body = upload(client, "rotated.jpg", samples.rotated_jpeg(), alt="Rotated").get_json()
    assert Image.open(io.BytesIO(client.get(body["url"]).data)).size == (20, 40)


def test_an_image_needs_alt_text(client, member, upload_folder):
    response = upload(client, "chart.png", samples.image())
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "alt"
    assert "alt text" in error["message"]
    assert files_on_disk(upload_folder) == []


# Text inside files: the patient-identifier check ---------------------------------------------


def test_a_file_with_an_nhs_number_is_refused_without_repeating_it(
    client, member, upload_folder, caplog
):
    caplog.set_level(logging.DEBUG)
    data = samples.pdf(f"Referral for patient NHS number {NHS_NUMBER} seen today")
    response = upload(client, "referral.pdf", data)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "patient-identifiable information" in error["message"]
    assert "In page 1: This looks like an NHS number" in error["message"]
    assert error["concerns"] == [
        {"kind": "nhs_number", "where": "page 1", "message": error["concerns"][0]["message"]}
    ]
    assert NHS_NUMBER not in response.get_data(as_text=True)
    assert NHS_NUMBER.replace(" ", "") not in caplog.text and NHS_NUMBER not in caplog.text
    assert files_on_disk(upload_folder) == []


def test_a_word_document_with_an_nhs_number_in_a_table_is_refused(member, upload_folder):
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("Audit results")
    document.add_table(rows=1, cols=2).rows[0].cells[1].text = f"NHS no. {NHS_NUMBER}"
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(uploads.UploadRefused) as refused:
        store(member, "audit.docx", out.getvalue())
    assert "In table 1" in refused.value.message
    assert files_on_disk(upload_folder) == []


def test_a_spreadsheet_with_an_nhs_number_is_refused(member, upload_folder):
    with pytest.raises(uploads.UploadRefused):
        store(member, "list.xlsx", samples.xlsx(("NHS", NHS_NUMBER)))
    assert files_on_disk(upload_folder) == []


def test_a_possible_identifier_asks_the_uploader_to_check(client, member, upload_folder):
    data = samples.docx("Seen in clinic.\nDate of birth: 14/03/1956")
    first = upload(client, "letter.docx", data)
    assert first.status_code == 422
    assert first.get_json()["error"]["needs_check"] is True
    assert "paragraphs 1–3" in first.get_json()["error"]["message"]
    assert files_on_disk(upload_folder) == []
    assert upload(client, "letter.docx", data, checked="1").status_code == 201


def test_an_identifier_in_the_file_name_counts_too(member, upload_folder):
    with pytest.raises(uploads.UploadRefused) as refused:
        store(member, f"NHS {NHS_NUMBER}.pdf", samples.pdf())
    assert "In the file name" in refused.value.message


# Storage --------------------------------------------------------------------------------------


def test_identical_files_are_stored_once(client, member, upload_folder):
    data = samples.pdf()
    first = upload(client, "a.pdf", data).get_json()
    other = make_user()
    second = store(other, "b.pdf", data)
    db.session.commit()
    assert stored_count() == (1, 2)
    assert len(files_on_disk(upload_folder)) == 1
    assert db.session.get(Attachment, first["id"]).file_id == second.file_id


def test_files_live_by_hash_outside_static(upload_folder, member):
    uploaded_file(member)
    sha = db.session.scalars(select(StoredFile.sha256)).one()
    assert files_on_disk(upload_folder) == [f"{sha[:2]}/{sha}"]


def test_prune_removes_what_nothing_uses(app, member, upload_folder):
    from forum.policy import SYSTEM

    kept_post_thread = make_thread()
    post_with_attachment(kept_post_thread)
    forgotten = uploaded_file(member, "forgotten.pdf", samples.pdf("Another handout"))
    forgotten.created_at = utcnow().replace(year=2020)
    drafted = uploaded_file(member, "drafted.pdf", samples.pdf("For a draft"))
    drafted.created_at = utcnow().replace(year=2020)
    db.session.add(Draft(user_id=member.id, key="reply:1", body=f"[x]({drafted.url})"))
    (upload_folder / "ab").mkdir(exist_ok=True)
    stray = upload_folder / "ab" / ("ab" + "0" * 62)
    stray.write_bytes(b"left by a crash")
    import os

    os.utime(stray, (0, 0))
    db.session.commit()
    report = uploads.prune_uploads(SYSTEM)
    db.session.commit()
    assert (report.attachments, report.files, report.strays) == (1, 1, 1)
    assert stored_count() == (2, 2)
    assert len(files_on_disk(upload_folder)) == 2


# Who may download -----------------------------------------------------------------------------


def test_an_unlinked_upload_is_only_for_its_uploader(client, member):
    url = uploaded_file(make_user()).url
    assert client.get(url).status_code == 404
    assert client.get(uploaded_file(member).url).status_code == 200


def test_a_file_in_a_staff_only_thread_is_404_to_members_even_by_its_url(client, member):
    moderator = make_moderator()
    thread = make_thread(make_staff_category(), author=moderator)
    _post, attachment = post_with_attachment(thread, author=moderator)
    assert client.get(attachment.url).status_code == 404
    staff = make_moderator()
    client.post("/logout")
    sign_in(client, staff)
    assert client.get(attachment.url).status_code == 200


def test_a_file_in_a_hidden_post_is_404_to_other_members(client, member):
    author = make_user()
    post, attachment = post_with_attachment(make_thread(), author=author)
    assert client.get(attachment.url).status_code == 200
    db.session.get(Post, post.id).hidden_at = utcnow()
    db.session.commit()
    assert client.get(attachment.url).status_code == 404
    client.post("/logout")
    sign_in(client, author)
    assert client.get(attachment.url).status_code == 200


def test_a_file_in_a_deleted_post_is_404(client, member):
    post, attachment = post_with_attachment(make_thread())
    db.session.get(Post, post.id).deleted_at = utcnow()
    db.session.commit()
    assert client.get(attachment.url).status_code == 404


def test_someone_elses_upload_cannot_be_claimed_by_linking_it(client, member):
    staff_file = uploaded_file(make_moderator())
    thread = make_thread()
    response = client.post(
        f"/t/{thread.id}/reply", data={"body": f"Look: [file]({staff_file.url})"}
    )
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(Attachment, staff_file.id).post_id is None
    assert client.get(staff_file.url).status_code == 404


def test_anonymous_visitors_get_401_json(app):
    response = upload(app.test_client(), "a.pdf", samples.pdf())
    assert response.status_code == 401


def test_an_unknown_file_is_404(client, member):
    assert client.get("/uploads/999999").status_code == 404


# The composer ---------------------------------------------------------------------------------


def test_a_reply_can_carry_a_file_without_javascript(client, member):
    thread = make_thread(make_category())
    response = client.post(
        f"/t/{thread.id}/reply",
        data={
            "body": "The slides from Tuesday.",
            "attachment": (io.BytesIO(samples.pptx()), "teaching.pptx"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.commit()
    attachment = db.session.scalars(select(Attachment)).one()
    post = db.session.get(Post, attachment.post_id)
    assert (
        post.body_source == f"The slides from Tuesday.\n\n[teaching.pptx](/uploads/{attachment.id})"
    )
    assert f'<a href="/uploads/{attachment.id}"' in post.body_html


def test_a_picture_in_a_new_thread_shows_inline_with_its_alt_text(client, member):
    category = make_category()
    response = client.post(
        f"/c/{category.slug}/new",
        data={
            "title": "Our referral flowchart",
            "body": "How we do it.",
            "kind": "discussion",
            "attachment": (io.BytesIO(samples.image()), "flow.png"),
            "attachment_alt": "Flowchart of the referral pathway",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.commit()
    attachment = db.session.scalars(select(Attachment)).one()
    assert f'<img src="/uploads/{attachment.id}" alt="Flowchart of the referral pathway"' in page


def test_a_refused_file_keeps_the_members_text(client, member, upload_folder):
    thread = make_thread(make_category())
    response = client.post(
        f"/t/{thread.id}/reply",
        data={
            "body": "My carefully typed reply",
            "attachment": (io.BytesIO(samples.image()), "a.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Your file was not attached" in page and "alt text" in page
    assert "My carefully typed reply" in page
    assert files_on_disk(upload_folder) == []


def test_the_prune_command_reports_what_it_removed(app):
    result = app.test_cli_runner().invoke(args=["forum", "prune-uploads"])
    assert result.exit_code == 0
    assert "Removed 0 unused upload(s), 0 stored file(s)" in result.output
