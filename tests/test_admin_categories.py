"""Admins keep the categories at /admin/categories: add, edit (old addresses redirect), order,
archive and delete; everyone else finds no such pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum import search
from forum.extensions import db
from forum.models import AuditEntry, Category, CategorySlug, Draft, Thread
from forum.policy import SYSTEM
from forum.services.discussions import categories, drafts
from tests.factories import (
    make_admin,
    make_category,
    make_category_moderator,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    sign_in,
)


@pytest.fixture
def admin_client(app):
    client = app.test_client()
    sign_in(client, make_admin(name="Alex Admin"))
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _category(name: str) -> Category:
    db.session.commit()
    return db.session.scalars(select(Category).where(Category.name == name)).one()


def _actions() -> list[str]:
    db.session.commit()
    stmt = select(AuditEntry.action).where(AuditEntry.action.like("category.%"))
    return list(db.session.scalars(stmt.order_by(AuditEntry.id)))


def _form(name: str, **fields: object) -> dict[str, object]:
    return {"name": name, "slug": "", "description": "", **fields}


# Adding --------------------------------------------------------------------------------------


def test_an_admin_adds_a_category_with_its_rules(admin_client):
    assert admin_client.get("/admin/categories/new").status_code == 200
    response = admin_client.post(
        "/admin/categories/new",
        data=_form(
            "Peer support",
            description="A safe place.",
            is_sensitive="y",
            requires_approval="y",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/categories"
    added = _category("Peer support")
    assert added.slug == "peer-support"
    assert (added.is_sensitive, added.requires_approval) == (True, True)
    assert (added.is_staff_only, added.requires_case_template) == (False, False)
    assert _actions() == ["category.create"]
    page = _text(admin_client.get("/admin/categories"))
    assert "Peer support" in page and "/c/peer-support" in page
    assert "Sensitive" in page and "Posts held for approval" in page


def test_new_categories_go_to_the_end_of_the_list(admin_client):
    make_category("First", position=1)
    make_category("Second", position=2)
    admin_client.post("/admin/categories/new", data=_form("Third"))
    assert _category("Third").position == 3


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Give the category a name."),
        ({"name": "   "}, "Give the category a name."),
        ({"name": "x" * 81}, "80 characters or fewer"),
        ({"name": "referrals"}, "There is already a category called “Referrals”."),
        ({"name": "New one", "slug": "Bad Slug!"}, "lower-case letters, digits"),
        ({"name": "New one", "slug": "-edge-"}, "lower-case letters, digits"),
        ({"name": "New one", "slug": "referrals"}, "already has the address /c/referrals"),
        ({"name": "Référrals"}, "already has the address /c/referrals"),
        ({"name": "???"}, "no letters or digits an address can use"),
        ({"name": "Nul\x00"}, "invisible control character"),
        ({"name": "Long", "description": "d" * 501}, "500 characters or fewer"),
    ],
)
def test_bad_details_are_shown_on_the_form_with_what_was_typed(admin_client, fields, message):
    make_category("Referrals", slug="referrals")
    typed = _form("New one") | fields
    response = admin_client.post("/admin/categories/new", data=typed)
    page = _text(response)
    assert response.status_code == 422
    assert "There is a problem" in page and message in page
    assert db.session.scalar(select(db.func.count()).select_from(Category)) == 1
    if typed["name"].strip() and "\x00" not in typed["name"]:
        assert f'value="{typed["name"]}"' in page


# Editing -------------------------------------------------------------------------------------


def test_editing_sets_and_clears_every_flag(admin_client):
    category = make_category("Cases", slug="cases", requires_case_template=True)
    url = f"/admin/categories/{category.id}/edit"
    page = _text(admin_client.get(url))
    assert 'checked id="requires_case_template"' in page
    assert 'checked id="is_sensitive"' not in page
    assert "age band (never an exact age)" in page  # each flag is explained
    response = admin_client.post(
        url, data=_form("Cases", slug="cases", is_staff_only="y", requires_approval="y")
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = _category("Cases")
    assert saved.is_staff_only and saved.requires_approval
    assert not saved.requires_case_template and not saved.is_sensitive
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "category")).one()
    assert entry.action == "category.update"
    assert entry.before == {
        "is_staff_only": False,
        "requires_approval": False,
        "requires_case_template": True,
    }


def test_made_staff_only_a_category_loses_its_member_moderators(admin_client):
    category = make_category("Closing", slug="closing")
    other = make_category("Other")
    moderator = make_category_moderator(category, other)
    admin_client.post(
        f"/admin/categories/{category.id}/edit",
        data=_form("Closing", slug="closing", is_staff_only="y"),
    )
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(moderator), moderator.id).moderated_category_ids == [other.id]
    assert db.session.get(Category, category.id).is_staff_only


def test_a_new_address_keeps_the_old_one_and_its_pages_redirecting(admin_client, app):
    category = make_category("Screening", slug="screening")
    make_thread(category, title="Bowel screening age")
    response = admin_client.post(
        f"/admin/categories/{category.id}/edit",
        data=_form("Cancer screening", slug="cancer-screening"),
    )
    assert response.status_code == 302
    member = app.test_client()
    sign_in(member, make_user())
    moved = member.get("/c/screening?page=1")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/c/cancer-screening?page=1"
    assert member.get("/c/screening/new").headers["Location"] == "/c/cancer-screening/new"
    posted = member.post("/c/screening/notifications", data={"level": "watching"})
    assert posted.status_code == 308
    assert posted.headers["Location"] == "/c/cancer-screening/notifications"
    assert member.get("/c/cancer-screening").status_code == 200
    assert member.get("/c/never-was").status_code == 404
    # Renamed back: the old address is live again, and the other one redirects to it.
    admin_client.post(
        f"/admin/categories/{category.id}/edit", data=_form("Screening", slug="screening")
    )
    assert member.get("/c/screening").status_code == 200
    assert member.get("/c/cancer-screening").headers["Location"] == "/c/screening"
    db.session.commit()
    assert sorted(db.session.scalars(select(CategorySlug.slug))) == ["cancer-screening"]


def test_an_old_address_of_a_staff_only_category_is_not_found_for_members(admin_client, app):
    category = make_category("Staff room", slug="staff-room", staff_only=True)
    admin_client.post(
        f"/admin/categories/{category.id}/edit",
        data=_form("Staff room", slug="staff", is_staff_only="y"),
    )
    member = app.test_client()
    sign_in(member, make_user())
    assert member.get("/c/staff-room").status_code == 404
    assert admin_client.get("/c/staff-room").status_code == 301


def test_a_new_category_may_take_an_address_another_left(admin_client, app):
    old = make_category("Old", slug="old")
    admin_client.post(f"/admin/categories/{old.id}/edit", data=_form("Old", slug="older"))
    admin_client.post("/admin/categories/new", data=_form("Fresh", slug="old"))
    assert admin_client.get("/c/old").status_code == 200
    assert "Fresh" in _text(admin_client.get("/c/old"))


def test_editing_a_category_that_does_not_exist_is_not_found(admin_client):
    assert admin_client.get("/admin/categories/999/edit").status_code == 404
    assert admin_client.post("/admin/categories/999/edit", data=_form("X")).status_code == 404


# Ordering ------------------------------------------------------------------------------------


def _order() -> list[str]:
    db.session.commit()
    return [c.name for c in db.session.scalars(select(Category).order_by(Category.position))]


def test_moving_up_and_down_reorders_the_home_page_and_the_pickers(admin_client):
    for n, name in enumerate(("Alpha", "Bravo", "Charlie"), start=1):
        make_category(name, position=n)
    charlie = _category("Charlie")
    response = admin_client.post(f"/admin/categories/{charlie.id}/move", data={"direction": "up"})
    assert response.status_code == 302
    assert _order() == ["Alpha", "Charlie", "Bravo"]
    page = _text(admin_client.get(response.headers["Location"]))
    assert "“Charlie” moved up, above “Bravo”." in page
    # Focus comes back to the button pressed, which names the category and the way.
    assert 'aria-label="Move up: Charlie" autofocus>' in page
    home = _text(admin_client.get("/"))
    assert home.index("Alpha") < home.index("Charlie") < home.index("Bravo")
    admin_client.post(f"/admin/categories/{charlie.id}/move", data={"direction": "down"})
    assert _order() == ["Alpha", "Bravo", "Charlie"]
    assert _actions() == ["category.move", "category.move"]


def test_at_either_end_nothing_moves_and_focus_goes_to_the_other_button(admin_client):
    alpha = make_category("Alpha", position=1)
    make_category("Bravo", position=2)
    response = admin_client.post(f"/admin/categories/{alpha.id}/move", data={"direction": "up"})
    page = _text(admin_client.get(response.headers["Location"]))
    assert "“Alpha” is already at the top of the list." in page
    assert 'aria-label="Move down: Alpha" autofocus>' in page
    assert _order() == ["Alpha", "Bravo"]
    assert _actions() == []


def test_a_move_without_a_direction_is_a_bad_request(admin_client):
    alpha = make_category("Alpha")
    assert admin_client.post(f"/admin/categories/{alpha.id}/move").status_code == 400
    response = admin_client.post(
        f"/admin/categories/{alpha.id}/move", data={"direction": "sideways"}
    )
    assert response.status_code == 400
    assert (
        admin_client.post("/admin/categories/999/move", data={"direction": "up"}).status_code == 404
    )


# Archiving -----------------------------------------------------------------------------------


def test_an_archived_category_is_read_only_apart_and_still_searchable(admin_client, app):
    category = make_category("Old programme", slug="old-programme", position=1)
    make_category("Current", position=2)
    thread = make_thread(category, title="Haematuria pathway from last year", replies=1)
    response = admin_client.post(f"/admin/categories/{category.id}/archive")
    assert response.status_code == 302
    assert "is archived" in _text(admin_client.get("/admin/categories"))
    member = app.test_client()
    sign_in(member, make_user())
    home = _text(member.get("/"))
    assert home.index("Current") < home.index(">Archived<") < home.index("Old programme")
    shown = _text(member.get("/c/old-programme"))
    assert "is archived: its threads can be read" in shown
    assert "Start a new thread" not in shown
    refused = member.get("/c/old-programme/new")
    assert refused.status_code == 403 and "is archived" in _text(refused)
    assert member.post("/c/old-programme/new", data={"title": "A new one"}).status_code == 403
    thread_page = _text(member.get(f"/t/{thread.id}"))
    assert "no new threads or replies can be added" in thread_page
    assert member.post(f"/t/{thread.id}/reply", data={"body": "Late reply"}).status_code == 403
    found = search.search_posts("haematuria", make_user())
    assert [hit.post.thread_id for hit in found.hits] == [thread.id]
    for picker in ("/search", "/latest"):
        assert "Old programme (archived)</option>" in _text(member.get(picker))
    assert _actions() == ["category.archive"]
    admin_client.post(f"/admin/categories/{category.id}/unarchive")
    assert member.get("/c/old-programme/new").status_code == 200
    assert _actions() == ["category.archive", "category.unarchive"]


def test_staff_still_moderate_in_an_archived_category(admin_client, app):
    category = make_category("Archive me")
    thread = make_thread(category)
    reply = make_reply(thread, body="Something to hide.")
    categories.archive_category(SYSTEM, category)
    db.session.commit()
    moderator = app.test_client()
    sign_in(moderator, make_moderator())
    response = moderator.post(f"/mod/posts/{reply.id}/hide", data={"hide-reason": "Unkind."})
    assert response.status_code == 302
    assert moderator.post(f"/t/{thread.id}/reply", data={"body": "Staff reply"}).status_code == 403


def test_archiving_twice_says_so(admin_client):
    category = make_category("Once")
    admin_client.post(f"/admin/categories/{category.id}/archive")
    response = admin_client.post(f"/admin/categories/{category.id}/archive")
    assert response.status_code == 302
    assert "“Once” is archived already." in _text(admin_client.get("/admin/categories"))
    assert _actions() == ["category.archive"]


# Deleting ------------------------------------------------------------------------------------


def test_an_empty_category_is_deleted(admin_client):
    category = make_category("Empty", slug="empty")
    category_id = category.id
    page = _text(admin_client.get(f"/admin/categories/{category.id}/delete"))
    assert "holds no threads" in page
    response = admin_client.post(f"/admin/categories/{category.id}/delete")
    assert response.status_code == 302
    assert _actions() == ["category.delete"]
    assert db.session.get(Category, category_id) is None
    assert admin_client.get("/c/empty").status_code == 404


def test_a_category_with_threads_needs_a_destination(admin_client):
    category = make_category("Full")
    other = make_category("Other")
    make_thread(category)
    page = _text(admin_client.get(f"/admin/categories/{category.id}/delete"))
    assert "holds 1 thread" in page and "Move its threads to" in page
    url = f"/admin/categories/{category.id}/delete"
    for sent, message in (
        ({}, "“Full” still holds 1 thread: choose the category they move to."),
        ({"destination": ""}, "choose the category they move to"),
        ({"destination": str(category.id)}, "cannot move into the one being deleted"),
        ({"destination": "abc"}, "Choose a category from the list."),
        ({"destination": "99999"}, "That category no longer exists"),
    ):
        response = admin_client.post(url, data=sent)
        assert response.status_code == 422, sent
        assert message in _text(response)
    assert _category("Full") and _category("Other") is not None
    assert str(other.id) in page
    assert _actions() == []


def test_deleting_moves_the_threads_and_keeps_every_count_right(admin_client, app):
    source = make_category("Source", slug="source")
    destination = make_category("Destination", slug="destination")
    moved = make_thread(source, title="Sarcoma referral in primary care", replies=2)
    hidden = make_thread(source, title="A withdrawn question")
    kept = make_thread(destination, title="Already here", replies=1)
    db.session.commit()
    db.session.execute(
        db.update(Thread).where(Thread.id == hidden.id).values(deleted_at=db.func.now())
    )
    db.session.commit()
    moderator = make_category_moderator(source, name="Cat Mod")
    source_id = source.id
    writer, busy = make_user(), make_user()
    drafts.save_thread_draft(writer, source, title="Half a question", body="About")
    drafts.save_thread_draft(busy, source, title="Left behind", body="Gone")
    drafts.save_thread_draft(busy, destination, title="Kept", body="Here")
    db.session.commit()
    response = admin_client.post(
        f"/admin/categories/{source.id}/delete", data={"destination": str(destination.id)}
    )
    assert response.status_code == 302, _text(response)
    assert "Its 2 threads moved." in _text(admin_client.get("/admin/categories"))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Category, source_id) is None
    dest = db.session.get(Category, destination.id)
    assert (dest.thread_count, dest.post_count) == (2, 5)
    latest = max((moved, kept), key=lambda t: (t.last_post_at, t.id))
    assert dest.last_thread_id == latest.id
    assert dest.last_thread_title == latest.title
    assert {t.category_id for t in db.session.scalars(select(Thread))} == {destination.id}
    found = search.search_posts("sarcoma category:destination", make_user())
    assert [hit.post.thread_id for hit in found.hits] == [moved.id]
    assert db.session.get(type(moderator), moderator.id).moderated_category_ids is None
    assert _actions() == ["category.threads_move", "category.delete"]
    kept = db.session.execute(select(Draft.user_id, Draft.key, Draft.title)).all()
    key = Draft.thread_key(destination.id)
    assert sorted(kept) == sorted([(writer.id, key, "Half a question"), (busy.id, key, "Kept")])
    member = app.test_client()
    sign_in(member, make_user())
    assert member.get("/c/source").headers["Location"] == "/c/destination"


# Who may -------------------------------------------------------------------------------------

PAGES = [
    ("GET", "/admin/categories"),
    ("GET", "/admin/categories/new"),
    ("POST", "/admin/categories/new"),
    ("GET", "/admin/categories/{id}/edit"),
    ("POST", "/admin/categories/{id}/edit"),
    ("POST", "/admin/categories/{id}/move"),
    ("POST", "/admin/categories/{id}/archive"),
    ("POST", "/admin/categories/{id}/unarchive"),
    ("GET", "/admin/categories/{id}/delete"),
    ("POST", "/admin/categories/{id}/delete"),
]


def test_members_and_moderators_find_no_such_pages(app):
    category = make_category("Kept")
    for person in (make_user(), make_moderator(), make_category_moderator(category)):
        client = app.test_client()
        sign_in(client, person)
        for method, path in PAGES:
            response = client.open(path.format(id=category.id), method=method, data=_form("X"))
            assert response.status_code == 404, (person.role, method, path)
    anonymous = app.test_client().get("/admin/categories")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    assert _category("Kept").archived_at is None
    assert _actions() == []


def test_the_case_template_page_moved_to_the_categories(admin_client):
    response = admin_client.get("/admin/case-template")
    assert response.status_code == 301
    assert response.headers["Location"] == "/admin/categories"


def test_the_staff_navigation_links_the_page_for_admins_only(admin_client, app):
    assert 'href="/admin/categories" aria-current="page"' in _text(
        admin_client.get("/admin/categories")
    )
    moderator = app.test_client()
    sign_in(moderator, make_moderator())
    assert "/admin/categories" not in _text(moderator.get("/admin/tags"))


# The command line ----------------------------------------------------------------------------


def test_a_fresh_install_gets_its_first_category_from_the_command_line(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["forum", "create-category", "Peer support", "--sensitive", "--description", "Kind."]
    )
    assert result.exit_code == 0, result.output
    assert "Created the category Peer support at /c/peer-support" in result.output
    added = _category("Peer support")
    assert added.is_sensitive and not added.is_staff_only and added.description == "Kind."
    again = runner.invoke(args=["forum", "create-category", "peer support"])
    assert again.exit_code == 1
    assert "There is already a category called “Peer support”." in again.output
