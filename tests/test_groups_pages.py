"""The group pages over HTTP: every branch's status code, what they show and change, the
audit log, and 404 for everyone but admins."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, Category, CategoryGroup, Group, GroupMember, User, utcnow
from tests.factories import (
    make_admin,
    make_category,
    make_group,
    make_moderator,
    make_thread,
    make_user,
    restrict_category,
    sign_in,
)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _admin(client) -> User:
    admin = make_admin(name="Ada Admin")
    sign_in(client, admin)
    return admin


def _actions() -> list[str]:
    db.session.commit()
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _members(group: Group) -> set[int]:
    db.session.commit()
    stmt = select(GroupMember.user_id).where(GroupMember.group_id == group.id)
    return set(db.session.scalars(stmt))


def _user(user: User) -> User:
    db.session.commit()
    return db.session.get(User, user.id)


def _csv(text: str | bytes, name: str = "members.csv") -> dict:
    data = text.encode() if isinstance(text, str) else text
    return {"file": (io.BytesIO(data), name)}


# Who may open the pages ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_the_group_pages_do_not_exist_for_anyone_but_admins(app, client, who):
    group = make_group(members=(make_user(),))
    sign_in(client, make_moderator() if who == "moderator" else make_user())
    for url in ("/admin/groups", f"/admin/groups/{group.id}", f"/admin/groups/{group.id}/edit"):
        assert client.get(url).status_code == 404
    for url in ("/members", "/alliance", "/import", "/categories", "/delete", "/edit"):
        assert client.post(f"/admin/groups/{group.id}{url}").status_code == 404
    assert "/admin/groups" not in _text(client.get("/admin/tags" if who == "moderator" else "/"))


def test_signed_out_visitors_are_sent_to_sign_in(client, app):
    assert "/login?next=" in client.get("/admin/groups").location


# Creating, editing, deleting ------------------------------------------------------------------


def test_an_admin_creates_a_group_and_lands_on_its_page(app, client):
    _admin(client)
    response = client.post("/admin/groups", data={
        "name": "North East and Cumbria GPs", "handle": "@North-East-GPs",
        "description": "GPs of the Northern alliance.", "is_mentionable": "y",
    })  # fmt: skip
    db.session.commit()
    group = db.session.scalar(select(Group))
    assert response.status_code == 302 and response.location.endswith(f"/admin/groups/{group.id}")
    assert (group.handle, group.is_mentionable) == ("north-east-gps", True)
    page = _text(client.get(response.location))
    assert "North East and Cumbria GPs" in page and "@north-east-gps" in page
    assert "North East and Cumbria GPs" in _text(client.get("/admin/groups"))
    assert _actions()[-1] == "group.create"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "handle": "reviewers"}, "Give the group a name."),
        ({"name": "Readers", "handle": "a b"}, "A handle is 3 to 30"),
        ({"name": "Readers", "handle": "no"}, "A handle is 3 to 30"),
        ({"name": "reviewers", "handle": "other"}, "already a group with that name"),
        ({"name": "Others", "handle": "REVIEWERS"}, "Another group has that handle"),
        ({"name": "Others", "handle": "taken_name"}, "A member has that username"),
        ({"name": "Bad\x00name", "handle": "others"}, "invisible control character"),
    ],
)
def test_bad_group_details_are_shown_again_with_the_reason(app, client, data, message):
    _admin(client)
    make_group("Reviewers", handle="reviewers")
    make_user(name="Taken Name").username = "taken_name"
    db.session.commit()
    response = client.post("/admin/groups", data=data)
    page = _text(response)
    assert response.status_code == 422 and message in page and "There is a problem" in page
    assert f'value="{data["handle"]}"' in page.replace("&#34;", '"')
    db.session.commit()
    assert [g.name for g in db.session.scalars(select(Group))] == ["Reviewers"]


def test_an_admin_edits_a_group(app, client):
    _admin(client)
    group = make_group("Reviewers", handle="reviewers")
    assert client.get(f"/admin/groups/{group.id}/edit").status_code == 200
    response = client.post(f"/admin/groups/{group.id}/edit", data={
        "name": "Clinical reviewers", "handle": "clinical-reviewers", "description": "",
    })  # fmt: skip
    assert response.status_code == 302
    db.session.commit()
    db.session.refresh(group)
    assert (group.name, group.handle, group.is_mentionable) == (
        "Clinical reviewers", "clinical-reviewers", False)  # fmt: skip
    assert _actions()[-1] == "group.update"
    refused = client.post(f"/admin/groups/{group.id}/edit", data={"name": "", "handle": "x y"})
    assert refused.status_code == 422 and "Give the group a name." in _text(refused)


def test_a_group_that_alone_may_read_a_category_cannot_be_deleted_until_taken_off(app, client):
    _admin(client)
    member = make_user()
    group = make_group("Reviewers", members=(member,))
    category = restrict_category(make_category("Reviews"), read=(group,))
    edit_page = _text(client.get(f"/admin/groups/{group.id}/edit"))
    assert "Take the group off that category" in edit_page
    response = client.post(f"/admin/groups/{group.id}/delete", follow_redirects=True)
    assert "are the readers of “Reviews”" in _text(response)
    db.session.commit()
    assert db.session.get(Group, group.id) is not None
    client.post(f"/admin/groups/{group.id}/categories", data={})
    assert _user(member).group_ids == [group.id]
    group_id = group.id
    response = client.post(f"/admin/groups/{group_id}/delete")
    assert response.status_code == 302 and response.location.endswith("/admin/groups")
    db.session.commit()
    assert db.session.get(Group, group_id) is None
    assert _user(member).group_ids is None
    assert db.session.get(Category, category.id).read_group_ids is None
    assert _actions()[-1] == "group.delete"


def test_unknown_groups_and_pages_are_not_found_and_bad_page_numbers_refused(app, client):
    _admin(client)
    group = make_group()
    assert client.get("/admin/groups/999999").status_code == 404
    assert client.post("/admin/groups/999999/members", data={"user_id": "1"}).status_code == 404
    assert client.get(f"/admin/groups/{group.id}?page=x").status_code == 400
    assert client.get(f"/admin/groups/{group.id}?page=9").status_code == 404


# Members ----------------------------------------------------------------------------------------


def test_an_admin_finds_a_member_by_name_or_email_and_adds_then_removes_them(app, client):
    _admin(client)
    group = make_group("Reviewers")
    gina = make_user(name="Gina Partridge", email="gina@practice.example")
    page = _text(client.get(f"/admin/groups/{group.id}?q=partridge"))
    assert "Gina Partridge" in page and "gina@practice.example" in page
    assert "Gina Partridge" in _text(client.get(f"/admin/groups/{group.id}?q=GINA@PRACTICE"))
    response = client.post(
        f"/admin/groups/{group.id}/members", data={"user_id": gina.id, "q": "gina"}
    )
    assert response.status_code == 302 and "q=gina" in response.location
    assert _members(group) == {gina.id} and _user(gina).group_ids == [group.id]
    page = _text(client.get(f"/admin/groups/{group.id}?q=gina"))
    assert "No member outside the group matches" in page and "1 member " in page
    again = client.post(f"/admin/groups/{group.id}/members", data={"user_id": gina.id},
                        follow_redirects=True)  # fmt: skip
    assert "is already in “Reviewers”" in _text(again)
    response = client.post(f"/admin/groups/{group.id}/members/{gina.id}/remove")
    assert response.status_code == 302 and _members(group) == set()
    assert _user(gina).group_ids is None
    twice = client.post(f"/admin/groups/{group.id}/members/{gina.id}/remove", follow_redirects=True)
    assert "is not in “Reviewers”" in _text(twice)
    assert _actions()[-2:] == ["group.add_members", "group.remove_member"]


def test_deactivated_and_unknown_members_are_not_added(app, client):
    _admin(client)
    group = make_group()
    gone = make_user(name="Gone Member", deactivated_at=utcnow())
    response = client.post(f"/admin/groups/{group.id}/members", data={"user_id": gone.id},
                           follow_redirects=True)  # fmt: skip
    assert "cannot be added: the account is deactivated" in _text(response)
    assert (
        client.post(f"/admin/groups/{group.id}/members", data={"user_id": "999999"}).status_code
        == 404
    )
    empty = client.post(f"/admin/groups/{group.id}/members", data={"user_id": "abc"})
    assert empty.status_code == 422 and _members(group) == set()


def test_an_admin_adds_everyone_of_an_alliance(app, client):
    _admin(client)
    group = make_group("Northern GPs")
    north = [make_user(alliance="Northern (North East and North Cumbria)") for _ in range(3)]
    make_user(alliance="Wessex")
    make_user(alliance="Northern (North East and North Cumbria)", deactivated_at=utcnow())
    client.post(f"/admin/groups/{group.id}/members", data={"user_id": north[0].id})
    response = client.post(f"/admin/groups/{group.id}/alliance",
                           data={"alliance": "Northern (North East and North Cumbria)"},
                           follow_redirects=True)  # fmt: skip
    assert "2 members of Northern (North East and North Cumbria) added. 1 were" in _text(response)
    assert _members(group) == {u.id for u in north}
    none = client.post(f"/admin/groups/{group.id}/alliance", data={"alliance": "Peninsula"},
                       follow_redirects=True)  # fmt: skip
    assert "No member has chosen Peninsula" in _text(none)
    bad = client.post(f"/admin/groups/{group.id}/alliance", data={"alliance": "Atlantis"})
    assert bad.status_code == 422 and "Not a valid choice" in _text(bad)


def test_a_csv_of_addresses_adds_the_members_it_names_and_reports_every_line(app, client):
    _admin(client)
    group = make_group("Reviewers")
    ann = make_user(name="Ann Able", email="ann@example.org")
    ben = make_user(name="Ben Bold", email="ben@example.org")
    make_user(name="Cat Closed", email="cat@example.org", deactivated_at=utcnow())
    client.post(f"/admin/groups/{group.id}/members", data={"user_id": ben.id})
    csv = (
        "Name,Email\n"
        "Ann,ANN@example.org\n"
        '"Bold, Ben",<ben@example.org>\n'
        "\n"
        "nobody@example.org\n"
        "cat@example.org\n"
        "just a name\n"
        "ann@example.org\n"
    )
    response = client.post(f"/admin/groups/{group.id}/import", data=_csv(csv),
                           content_type="multipart/form-data")  # fmt: skip
    page = _text(response)
    assert response.status_code == 200
    assert "1 added, 1 already in the group, 4 lines not matched" in page
    for why in (
        "no member has this email address",
        "Cat Closed: the account is deactivated",
        "no email address on this line",
        "the same address as line 2",
        "a heading",
    ):
        assert why in page  # fmt: skip
    assert _members(group) == {ann.id, ben.id}


# The file's contents and name, made into a fresh upload for each run: a stream is read once
# (the same parameters run on SQLite and on PostgreSQL).
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Choose a CSV file."),
        (("a@example.org", "list.xlsx"), "Upload a .csv or .txt file."),
        (("  \n\n",), "The file is empty"),
        ((b"PK\x03\x04\x00\x00binary",), "That is not a text file"),
        (("a@example.org\n" * 5001,), "more than 5,000 lines"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_on_the_form(app, client, upload, message):
    _admin(client)
    group = make_group()
    response = client.post(f"/admin/groups/{group.id}/import",
                           data=_csv(*upload) if upload else {},
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 422 and message in _text(response)


def test_a_windows_encoded_csv_still_reads(app, client):
    _admin(client)
    group = make_group()
    renee = make_user(name="Renée", email="renee@example.org")
    data = "Renée,renee@example.org\n".encode("cp1252")
    response = client.post(f"/admin/groups/{group.id}/import", data=_csv(data),
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 200 and _members(group) == {renee.id}


# Categories -------------------------------------------------------------------------------------


def test_restricting_reading_hides_the_category_from_members_outside_the_group(app, client):
    _admin(client)
    insider, outsider = make_user(name="In Sider"), make_user(name="Out Sider")
    group = make_group("Reviewers", members=(insider,))
    category = make_category("Case reviews")
    thread = make_thread(category, title="A difficult referral")
    response = client.post(f"/admin/groups/{group.id}/categories", data={"read": category.id},
                           follow_redirects=True)  # fmt: skip
    assert "Case reviews: the group may read" in _text(response)
    db.session.commit()
    row = db.session.get(CategoryGroup, (category.id, group.id))
    assert (row.may_read, row.may_post) == (True, False)
    assert _actions()[-1] == "category.group_access"
    for who, status in ((insider, 200), (outsider, 404)):
        reader = app.test_client()
        sign_in(reader, who)
        assert reader.get(f"/c/{category.slug}").status_code == status
        assert reader.get(f"/t/{thread.id}").status_code == status
        assert ("A difficult referral" in _text(reader.get("/latest"))) is (status == 200)
    page = _text(client.get(f"/admin/groups/{group.id}"))
    assert "Readers now: Reviewers (and staff)" in page


def test_restricting_posting_lets_others_read_but_not_write(app, client):
    _admin(client)
    poster, reader = make_user(), make_user()
    group = make_group("Reviewers", members=(poster,))
    category = make_category("Announcements")
    thread = make_thread(category, title="Programme dates")
    client.post(f"/admin/groups/{group.id}/categories", data={"post": category.id})
    other = app.test_client()
    sign_in(other, reader)
    assert other.get(f"/t/{thread.id}").status_code == 200
    category_page = _text(other.get(f"/c/{category.slug}"))
    assert "Start a new thread" not in category_page
    assert "Only chosen groups of members can start threads" in category_page
    assert "Only chosen groups of members can reply in Announcements" in _text(
        other.get(f"/t/{thread.id}")
    )
    assert other.get(f"/c/{category.slug}/new").status_code == 403
    assert other.post(f"/t/{thread.id}/reply", data={"body": "Me too"}).status_code == 403
    writer = app.test_client()
    sign_in(writer, poster)
    assert "Only chosen groups" not in _text(writer.get(f"/c/{category.slug}"))
    assert writer.post(f"/t/{thread.id}/reply", data={"body": "Noted."}).status_code == 302


def test_posting_where_only_other_groups_read_is_refused_with_the_reason(app, client):
    _admin(client)
    readers, group = make_group("Readers"), make_group("Writers")
    category = restrict_category(make_category("Closed room"), read=(readers,))
    response = client.post(f"/admin/groups/{group.id}/categories", data={"post": category.id},
                           follow_redirects=True)  # fmt: skip
    assert "only other groups may read it" in _text(response)
    assert db.session.get(CategoryGroup, (category.id, group.id)) is None


def test_category_ids_that_are_not_numbers_are_a_bad_request(app, client):
    _admin(client)
    group = make_group()
    response = client.post(f"/admin/groups/{group.id}/categories", data={"read": "1; drop"})
    assert response.status_code == 400
    unchanged = client.post(f"/admin/groups/{group.id}/categories", data={"read": "999999"},
                            follow_redirects=True)  # fmt: skip
    assert "Nothing changed" in _text(unchanged)


# The member's own data ---------------------------------------------------------------------------


def test_the_export_lists_a_members_groups_and_deleting_the_account_leaves_them(app, client):
    import json
    import zipfile

    from tests.factories import PASSWORD

    member = make_user()
    group = make_group("Reviewers", members=(member,))
    sign_in(client, member)
    export = client.post("/account/export")
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        rows = json.loads(archive.read("groups.json"))
    assert [row["group_id"] for row in rows] == [group.id]
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.commit()
    assert _members(group) == set() and db.session.get(Group, group.id).member_count == 0
    assert _user(member).group_ids is None
