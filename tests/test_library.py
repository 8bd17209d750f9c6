"""The resource library: adding resources, versions with history, browsing, who sees what,
finding a resource by a word inside its file, and staff reviews."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum import search
from forum.extensions import db
from forum.models import (
    Attachment,
    AuditEntry,
    Post,
    Resource,
    ResourceVersion,
    StoredFile,
    Thread,
)
from forum.services.library import resources as library
from tests import upload_samples as samples
from tests.factories import (
    make_category,
    make_moderator,
    make_resource,
    make_staff_category,
    make_tag,
    make_user,
    sign_in,
)

TODAY = datetime.now(UTC).date()


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path) -> Path:
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    return folder


@pytest.fixture
def education(app):
    category = make_category("Education and resources")
    app.config["LIBRARY_CATEGORY"] = category.slug
    return category


def form(**changes):
    data = {
        "title": "Two-week-wait referral guide",
        "description": "A one-page guide to NG12 referrals for new GPs.",
        "organisation": "East Cancer Alliance",
        "audience": "GPs",
        "licence": "cc-by",
        "review_by": (TODAY + timedelta(days=200)).isoformat(),
        "attest": "y",
        "file": (
            io.BytesIO(samples.pdf("Haematuria pathway for suspected bladder cancer")),
            "guide.pdf",
        ),
    }
    data.update(changes)
    if isinstance(data.get("file"), tuple) and isinstance(data["file"][0], bytes):
        data["file"] = (io.BytesIO(data["file"][0]), data["file"][1])
    return {key: value for key, value in data.items() if value is not None}


def add(client, category, **changes):
    return client.post(
        "/library/new",
        data=form(category=category.slug, **changes),
        content_type="multipart/form-data",
    )


def reload_resource(resource_id: int) -> Resource:
    db.session.commit()
    return db.session.get(Resource, resource_id)


# Adding --------------------------------------------------------------------------------------


def test_a_member_adds_a_resource_with_its_own_discussion(client, education):
    author = make_user(name="Asha Patel")
    sign_in(client, author)
    response = add(client, education)
    assert response.status_code == 302
    db.session.commit()
    resource = db.session.scalars(select(Resource)).one()
    assert response.headers["Location"] == f"/library/{resource.id}"
    assert (resource.kind, resource.licence, resource.current_version) == ("pdf", "cc-by", 1)
    thread = db.session.get(Thread, resource.thread_id)
    assert (thread.title, thread.category_id) == (resource.title, education.id)
    opening = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()
    assert f"/library/{resource.id}" in opening.body_source
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.post_id == opening.id
    version = db.session.scalars(select(ResourceVersion)).one()
    assert (version.number, version.attachment_id, version.attested_no_pii) == (
        1,
        attachment.id,
        True,
    )

    page = client.get(f"/library/{resource.id}").get_data(as_text=True)
    assert "Two-week-wait referral guide" in page and "East Cancer Alliance" in page
    assert f'href="/uploads/{attachment.id}"' in page
    assert "Creative Commons Attribution (CC BY)" in page
    assert client.get(f"/uploads/{attachment.id}").status_code == 200


def test_the_form_preselects_the_library_category(client, education):
    make_category("Screening")
    sign_in(client, make_user())
    page = client.get("/library/new").get_data(as_text=True)
    assert f'<option selected value="{education.slug}">' in page


def test_a_resource_can_be_a_link(client, education):
    sign_in(client, make_user())
    response = add(client, education, file=None, link_url="https://www.nice.org.uk/guidance/ng12")
    assert response.status_code == 302
    db.session.commit()
    resource = db.session.scalars(select(Resource)).one()
    assert resource.kind == "link"
    page = client.get(f"/library/{resource.id}").get_data(as_text=True)
    assert 'href="https://www.nice.org.uk/guidance/ng12"' in page and "www.nice.org.uk" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"attest": None}, "Confirm that the resource identifies no patient"),
        ({"file": None}, "Choose a file to upload, or give a link"),
        ({"link_url": "https://example.org/x"}, "Choose a file to upload, or give a link"),
        ({"file": None, "link_url": "javascript:alert(1)"}, "starting with https://"),
        ({"review_by": (TODAY - timedelta(days=1)).isoformat()}, "must be in the future"),
        ({"review_by": "31/02/2027"}, "Enter a date"),
        ({"licence": "other"}, "Name the licence"),
        ({"licence": "public-domain"}, "Not a valid choice"),
        ({"file": (samples.web_page(), "guide.pdf")}, "looks like a web page"),
    ],
)
def test_a_refused_resource_says_why_and_keeps_what_was_typed(
    client, education, upload_folder, changes, message
):
    sign_in(client, make_user())
    response = add(client, education, **changes)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Two-week-wait referral guide" in page
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Resource)) == 0
    assert not any(p.is_file() for p in upload_folder.rglob("*"))


def test_a_file_that_asks_for_a_check_shows_the_checkbox(client, education):
    sign_in(client, make_user())
    data = samples.docx("Example letter.\nDate of birth: 14/03/1956")
    response = add(client, education, file=(io.BytesIO(data), "letter.docx"))
    assert response.status_code == 422
    assert 'name="checked"' in response.get_data(as_text=True)
    again = add(client, education, file=(io.BytesIO(data), "letter.docx"), checked="y")
    assert again.status_code == 302


# Versions ------------------------------------------------------------------------------------


def new_version(client, resource_id: int, data: bytes, name: str = "guide-v2.pdf", **extra):
    fields = {"change_note": "Updated for 2026", "attest": "y", "file": (io.BytesIO(data), name)}
    fields.update(extra)
    return client.post(
        f"/library/{resource_id}/versions/new", data=fields, content_type="multipart/form-data"
    )


def test_a_new_version_keeps_the_history(client, education):
    author = make_user()
    resource = make_resource(education, author=author, data=samples.pdf("Old colonoscopy advice"))
    sign_in(client, author)
    response = new_version(
        client, resource.id, samples.docx("New colonoscopy advice"), "guide.docx"
    )
    assert response.status_code == 302
    resource = reload_resource(resource.id)
    assert (resource.current_version, resource.kind) == (2, "docx")
    versions = db.session.scalars(select(ResourceVersion).order_by(ResourceVersion.number)).all()
    assert [v.change_note for v in versions] == ["", "Updated for 2026"]
    old, new = (db.session.get(Attachment, v.attachment_id) for v in versions)
    assert (old.searchable, new.searchable) == (False, True)
    assert old.post_id == new.post_id
    page = client.get(f"/library/{resource.id}").get_data(as_text=True)
    assert f'href="/uploads/{old.id}"' in page and f'href="/uploads/{new.id}"' in page
    old_file = client.get(f"/uploads/{old.id}")
    assert old_file.status_code == 200 and b"Old colonoscopy advice" in old_file.data


def test_only_the_owner_and_moderators_add_versions(client, education):
    resource = make_resource(education)
    sign_in(client, make_user())
    assert client.get(f"/library/{resource.id}/versions/new").status_code == 403
    assert new_version(client, resource.id, samples.pdf()).status_code == 403
    client.post("/logout")
    sign_in(client, make_moderator())
    assert new_version(client, resource.id, samples.pdf("Moderator fix")).status_code == 302


def test_a_version_needs_a_change_note(client, education):
    author = make_user()
    resource = make_resource(education, author=author)
    sign_in(client, author)
    response = new_version(client, resource.id, samples.pdf(), change_note="")
    assert response.status_code == 422
    assert "Say briefly what changed" in response.get_data(as_text=True)


def test_editing_the_details_renames_the_discussion(client, education):
    author = make_user()
    tag = make_tag("Bowel")
    resource = make_resource(education, author=author)
    sign_in(client, author)
    response = client.post(
        f"/library/{resource.id}/edit",
        data=form(
            title="Bowel screening toolkit", file=None, tags=str(tag.id), category=education.slug
        ),
    )
    assert response.status_code == 302
    resource = reload_resource(resource.id)
    assert resource.title == "Bowel screening toolkit"
    assert db.session.get(Thread, resource.thread_id).title == "Bowel screening toolkit"
    assert "Bowel" in client.get(f"/library/{resource.id}").get_data(as_text=True)
    client.post("/logout")
    sign_in(client, make_user())
    assert client.get(f"/library/{resource.id}/edit").status_code == 403


# Browsing ------------------------------------------------------------------------------------


def titles(client, **params) -> list[str]:
    page = client.get("/library/", query_string=params)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = [
        t
        for t in ("FIT guide", "Bowel slides", "NICE NG12", "Staff briefing")
        if f">{t}</a></h2>" in html
    ]
    return sorted(shown, key=lambda title: html.index(f">{title}</a></h2>"))


def test_browse_by_category_tag_type_licence_and_words(client, education):
    screening = make_category("Screening")
    bowel = make_tag("Bowel")
    make_resource(
        education, title="FIT guide", data=samples.pdf("faecal immunochemical test thresholds")
    )
    make_resource(
        screening,
        title="Bowel slides",
        data=samples.pptx("Bowel screening uptake"),
        filename="s.pptx",
        licence="cc-by-nc",
        tag_ids=(bowel.id,),
    )
    make_resource(education, title="NICE NG12", link="https://www.nice.org.uk/guidance/ng12")
    make_resource(make_staff_category(), title="Staff briefing")
    sign_in(client, make_user())
    assert sorted(titles(client)) == ["Bowel slides", "FIT guide", "NICE NG12"]
    assert titles(client, category=screening.slug) == ["Bowel slides"]
    assert titles(client, tag=bowel.slug) == ["Bowel slides"]
    assert titles(client, type="link") == ["NICE NG12"]
    assert titles(client, type="pptx") == ["Bowel slides"]
    assert titles(client, licence="cc-by-nc") == ["Bowel slides"]
    assert titles(client, q="immunochemical") == ["FIT guide"]  # a word inside the PDF
    assert titles(client, q="uptake") == ["Bowel slides"]  # inside the slides
    assert titles(client, q="auditing safety-netting") != []  # in the description
    assert titles(client, q="briefing") == []  # staff only
    assert titles(client, sort="title") == ["Bowel slides", "FIT guide", "NICE NG12"]


def test_library_pages_answer_bad_input_without_errors(client, education):
    sign_in(client, make_user())
    for params in ({"q": '"unclosed -'}, {"type": "exe"}, {"sort": "drop table"}, {"q": "*"}):
        assert client.get("/library/", query_string=params).status_code == 200
    assert client.get("/library/?page=99").status_code == 404
    assert client.get("/library/?page=x").status_code == 400
    assert client.get("/library/999999").status_code == 404


# Who sees what -------------------------------------------------------------------------------


def test_a_staff_only_resource_does_not_exist_for_members(client):
    resource = make_resource(make_staff_category(), title="Staff briefing")
    db.session.commit()
    attachment_id = db.session.scalars(select(Attachment.id)).one()
    sign_in(client, make_user())
    assert client.get(f"/library/{resource.id}").status_code == 404
    assert client.get(f"/uploads/{attachment_id}").status_code == 404
    assert "Staff briefing" not in client.get("/library/").get_data(as_text=True)
    client.post("/logout")
    sign_in(client, make_moderator())
    assert client.get(f"/library/{resource.id}").status_code == 200
    assert client.get(f"/uploads/{attachment_id}").status_code == 200


def test_a_hidden_discussion_hides_its_resource_and_files(client, education):
    from forum.models import utcnow

    resource = make_resource(education)
    thread = db.session.get(Thread, resource.thread_id)
    thread.hidden_at = utcnow()
    db.session.commit()
    attachment_id = db.session.scalars(select(Attachment.id)).one()
    sign_in(client, make_user())
    assert client.get(f"/library/{resource.id}").status_code == 404
    assert client.get(f"/uploads/{attachment_id}").status_code == 404


# Search --------------------------------------------------------------------------------------


def found(query: str, actor) -> list[str]:
    db.session.commit()
    return [hit.thread.title for hit in search.search_posts(query, actor).hits]


def test_the_forum_search_finds_a_resource_by_a_word_inside_its_file(education):
    make_resource(
        education, title="Safety-netting toolkit", data=samples.pdf("Thrombocytosis follow-up")
    )
    member = make_user()
    assert found("thrombocytosis", member) == ["Safety-netting toolkit"]
    hit = search.search_posts("thrombocytosis", member).hits[0]
    assert "toolkit.pdf" in str(hit.snippet) and "<mark>Thrombocytosis</mark>" in str(hit.snippet)


def test_search_never_finds_a_file_the_searcher_may_not_see(education):
    make_resource(make_staff_category(), title="Staff briefing", data=samples.pdf("Zebrafish"))
    assert found("zebrafish", make_user()) == []
    assert found("zebrafish", make_moderator()) == ["Staff briefing"]


def test_an_earlier_version_is_no_longer_searched(education):
    author = make_user()
    resource = make_resource(education, author=author, data=samples.pdf("Retired lozenge"))
    db.session.commit()
    resource = library_queries_resource(resource.id)
    library.add_version(
        author,
        resource,
        library.Content(
            attested_no_pii=True,
            stream=io.BytesIO(samples.pdf("Current advice")),
            filename="v2.pdf",
            change_note="New",
        ),
    )
    db.session.commit()
    assert found("lozenge", author) == []
    assert found("current advice", author) == [resource.title]


def test_files_attached_to_posts_are_searched_with_them(client):
    from tests.factories import make_thread, post_with_attachment

    thread = make_thread(title="Useful handouts")
    post_with_attachment(thread)  # the PDF says "Safety netting audit toolkit"
    assert found("toolkit", make_user()) == ["Useful handouts"]
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1


def library_queries_resource(resource_id: int) -> Resource:
    from forum.policy import SYSTEM
    from forum.queries import library as library_queries

    return library_queries.get_resource_or_404(resource_id, SYSTEM)


# Reviews -------------------------------------------------------------------------------------


def test_staff_see_what_is_due_for_review_and_confirm_it(client, education):
    due = make_resource(education, title="FIT guide")
    later = make_resource(education, title="Bowel slides")
    db.session.get(Resource, due.id).review_by = TODAY - timedelta(days=3)
    db.session.commit()
    moderator = make_moderator()
    sign_in(client, moderator)
    page = client.get("/library/review").get_data(as_text=True)
    assert "FIT guide" in page and "Overdue" in page
    assert "Bowel slides" not in page
    next_review = TODAY + timedelta(days=365)
    response = client.post(f"/library/{due.id}/review", data={"review_by": next_review.isoformat()})
    assert response.status_code == 302
    resource = reload_resource(due.id)
    assert resource.review_by == next_review
    assert resource.last_reviewed_by_name == moderator.display_name
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "resource.review")
    ).one()
    assert entry.after == {"review_by": next_review.isoformat()}
    assert "Nothing is due" in client.get("/library/review").get_data(as_text=True)
    assert later.id


def test_the_review_list_is_404_to_members(client, education):
    resource = make_resource(education)
    sign_in(client, make_user())
    assert client.get("/library/review").status_code == 404
    future = (TODAY + timedelta(days=30)).isoformat()
    assert (
        client.post(f"/library/{resource.id}/review", data={"review_by": future}).status_code == 404
    )


def test_the_library_page_costs_the_same_queries_however_many_resources(
    client, education, count_queries
):
    tag = make_tag("Bowel")
    sign_in(client, make_user())
    make_resource(education, title="First", tag_ids=(tag.id,))
    with count_queries() as few:
        assert client.get("/library/").status_code == 200
    for n in range(4):
        make_resource(education, title=f"More {n}", tag_ids=(tag.id,))
    with count_queries() as many:
        assert client.get("/library/").status_code == 200
    assert many.count == few.count
    with count_queries() as one:
        assert (
            client.get(f"/library/{db.session.scalars(select(Resource.id)).first()}").status_code
            == 200
        )
    assert one.count <= few.count
