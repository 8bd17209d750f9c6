"""Every moderation route and action, for every kind of actor: the expected answer, and no
change to anything when the answer is a refusal.

Actors: anonymous, member, silenced member, suspended member (signed in before the
suspension), moderator of another category, the category's moderator, moderator, admin.
Answers: ``OK`` (200 for a page, a redirect that is not to sign-in for an action), 403, 404,
422 (a refusal shown on the form), or ``LOGIN`` (a redirect to sign in).
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from forum.extensions import db
from forum.models import (
    AuditEntry,
    Category,
    CategoryGroup,
    CategoryModerator,
    CategorySlug,
    FeedToken,
    Flag,
    Group,
    GroupMember,
    Guideline,
    GuidelineVersion,
    JoinRequest,
    MemberNote,
    MemberSanction,
    ModerationItem,
    ModerationMessage,
    OutboxMessage,
    OutboxStatus,
    Post,
    QueueClaim,
    SitePageVersion,
    SiteSettings,
    Thread,
    User,
    WatchedWord,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from forum.policy import SYSTEM
from forum.services.guidance import register as guideline_register
from forum.services.membership import feeds as feed_addresses
from forum.services.membership import join_requests
from forum.services.moderation import posts as moderation_posts
from forum.services.moderation import words as moderation_words
from forum.services.site import pages as site_pages
from tests.factories import (
    make_admin,
    make_category,
    make_category_moderator,
    make_group,
    make_moderator,
    make_reply,
    make_thread,
    make_user,
    reported_post,
    restrict_category,
    sign_in,
    silenced_member,
    solved_thread,
)

OK, LOGIN = "ok", "login"
ACTORS = [
    "anonymous",
    "member",
    "silenced",
    "suspended",
    "other_moderator",
    "category_moderator",
    "moderator",
    "admin",
]


def expect(*, member: Any, other: Any, category: Any, moderator: Any = OK, admin: Any = OK,
           silenced: Any = None) -> dict[str, Any]:  # fmt: skip
    return {
        "anonymous": LOGIN,
        "member": member,
        "silenced": member if silenced is None else silenced,
        "suspended": LOGIN,
        "other_moderator": other,
        "category_moderator": category,
        "moderator": moderator,
        "admin": admin,
    }


#: The queue and everything about one category's content.
CATEGORY_SCOPED = expect(member=403, other=403, category=OK)
#: Pages for moderators of any category, showing only their own.
ANY_MODERATOR = expect(member=403, other=OK, category=OK)
#: Staff (global moderators and admins) only.
STAFF = expect(member=403, other=403, category=403)
ADMIN_ONLY = expect(member=403, other=403, category=403, moderator=403)
#: Join requests: a category moderator passes the queue's gate but cannot see them.
JOIN = expect(member=403, other=404, category=404)
#: Things every signed-in member may do.
MEMBERS = expect(member=OK, other=OK, category=OK)
#: A hidden post: only its author and the category's moderators see it.
HIDDEN_CONTENT = expect(member=404, other=404, category=OK)
#: A post held in a category the category moderators do not moderate.
HELD_ELSEWHERE = expect(member=403, other=404, category=404)
#: Content in a staff-only category does not exist for anyone but staff.
STAFF_CONTENT = expect(member=404, other=404, category=404)
#: Staff pages under /admin: they do not exist for anyone but staff (or admins).
STAFF_PAGE = STAFF_CONTENT
ADMIN_PAGE = expect(member=404, other=404, category=404, moderator=404)
#: What staff see but only admins do.
ADMIN_ACTION = expect(member=404, other=404, category=404, moderator=403)
#: The site's pages: everyone, signed in or not (a suspended member reads them signed out).
PUBLIC = dict.fromkeys(ACTORS, OK)
SETTINGS = {
    "name": "Sarcoma Leads Network {n}",
    "description": "For GP leads.",
    "welcome": "Hello.",
    "contact_email": "team{n}@example.nhs.uk",
}
GUIDELINE = {"title": "Suspected cancer", "publisher": "NICE",
             "url": "https://www.nice.org.uk/guidance/ng12"}  # fmt: skip
PAGE_TEXT = {"text": "# Who we are\n\nThe programme team, version {n}.", "note": "New."}
#: Running the forum: pages that do not exist for anyone but admins.
ADMINS = expect(member=404, other=404, category=404, moderator=404)
#: A category only one group may read: the member, the silenced member and the category
#: moderator are in it; the other category's moderator is not.
GROUP_CONTENT = expect(member=OK, other=404, category=OK)
#: Replying there: the silenced member reads but cannot write.
GROUP_REPLY = expect(member=OK, other=404, category=OK, silenced=403)
#: A category every member reads but only the group may post in.
GROUP_POSTING = expect(member=OK, other=403, category=OK, silenced=403)
#: The group pages: admins only; for everyone else they do not exist.
ADMIN_PAGES = expect(member=404, other=404, category=404, moderator=404)
#: Marking an accepted answer as checked: staff and the group that verifies answers (the
#: member and the category moderator; the silenced member is in it but may not).
VERIFIERS = expect(member=OK, other=403, category=OK, silenced=403)


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    actors: dict[str, User | None] = field(default_factory=dict)


_worlds = itertools.count(1)


def build_world() -> World:
    world, n = World(), next(_worlds)
    home, other, elsewhere = make_category(), make_category(), make_category(name="Elsewhere")
    staff_only = make_category(staff_only=True)
    author = make_user(name="Post Author")
    thread = make_thread(home, author=author, title="Thread under moderation", replies=2)
    second = make_thread(home, title="A thread to merge into")
    locked = make_thread(home, title="A locked thread")
    db.session.execute(update(Thread).where(Thread.id == locked.id).values(is_locked=True))
    db.session.execute(update(Thread).where(Thread.id == second.id).values(is_pinned=True))
    post = make_reply(thread, author=author, body="A reported reply")
    hidden = make_reply(thread, author=author, body="An already hidden reply")
    held_category = make_category(requires_approval=True)
    flag_item = reported_post(post)
    make_thread(held_category, title="Thread waiting for approval")
    moderation_posts.hide_post(SYSTEM, _loaded(hidden.id), reason="Hidden before the test.")
    staff_thread = make_thread(staff_only, title="Staff thread")
    archived = make_category(name=f"Archived {n}", archived_at=utcnow())
    spare = make_category(name=f"Spare {n}")
    site_pages.publish_page(SYSTEM, "privacy", f"# Who we are\n\nThe programme team ({n}).")
    target = silenced_member(name="Target Member")
    banned = make_user(name="Banned Member", banned_at=utcnow())
    word = moderation_words.add_watched_word(SYSTEM, phrase=f"spamword{n}", action="flag")
    db.session.add(OutboxMessage(to_address="a@example.org", subject="Refused", text_body="-",
                                 status=OutboxStatus.FAILED))  # fmt: skip
    join_requests.submit_join_request(
        display_name="Dr Applicant", email=f"applicant{n}@example.org", job_title="GP",
        organisation="A Practice", alliance="", gmc_number="", reason="To learn.",
    )  # fmt: skip
    db.session.commit()
    held = select(ModerationItem).where(ModerationItem.kind == "held")
    held_item = db.session.scalars(held.order_by(ModerationItem.id.desc())).first()
    world.ids.update(
        category=home.id, other=other.id, elsewhere=elsewhere.id, thread=thread.id,
        spare=spare.id, archived=archived.id,
        locked=locked.id, n=n,
        second=second.id, post=post.id, hidden=hidden.id, flag_item=flag_item.id,
        held_item=held_item.id, staff_thread=staff_thread.id, target=target.id,
        banned=banned.id, word=word.id,
        join=db.session.scalar(select(JoinRequest.id).order_by(JoinRequest.id.desc())),
        staff_post=db.session.scalar(select(Post.id).where(Post.thread_id == staff_thread.id)),
    )  # fmt: skip
    world.actors = {
        "anonymous": None,
        "member": make_user(),
        "silenced": silenced_member(),
        "suspended": make_user(),
        "other_moderator": make_category_moderator(other),
        "category_moderator": make_category_moderator(home, elsewhere),
        "moderator": make_moderator(),
        "admin": make_admin(),
    }
    _add_groups(world, n)
    _add_guideline(world, n)
    _add_accepted_answer(world)
    member = world.actors["member"]
    world.ids["feed_token"] = feed_addresses.new_feed_address(member, member)
    db.session.commit()
    _add_webhooks(world)
    return world


def _add_webhooks(world: World) -> None:
    """A webhook with a delivery, one turned off, and a spare one to delete."""
    from forum.services.webhooks import endpoints

    def hook(path: str) -> Any:
        return endpoints.create_endpoint(SYSTEM, url=f"http://127.0.0.1:9/{path}",
            description="", event_names=["thread.created"], category_ids=[])  # fmt: skip

    webhook, off, spare = hook("on"), hook("off"), hook("spare")
    endpoints.set_active(SYSTEM, off, False)
    delivery = endpoints.send_test(SYSTEM, webhook)
    db.session.commit()
    world.ids.update(webhook=webhook.id, off_webhook=off.id, spare_webhook=spare.id,
                     delivery=delivery.id)  # fmt: skip


def _add_guideline(world: World, n: int) -> None:
    """A guideline in the register, in its first version, with two recommendations."""
    details = guideline_register.Details(
        f"PM{n}", "Suspected cancer", "NICE", "https://www.nice.org.uk/guidance/ng12"
    )
    rows = guideline_register.rows_from_lines("1.1.1 Lung: referral\n1.3.1 Colorectal")
    guideline_register.create_guideline(
        SYSTEM, details, published_on=date(2015, 6, 23), recommendations=rows
    )
    db.session.commit()
    world.ids["guideline"] = f"PM{n}"  # type: ignore[assignment]


def _add_accepted_answer(world: World) -> None:
    """A question in the home category with an accepted answer overdue for review."""
    from forum import queries
    from forum.services.discussions import solutions

    asker = make_user(name="Asker")
    question = make_thread(db.session.get(Category, world.ids["category"]), author=asker,
                           title="A question with an accepted answer")  # fmt: skip
    answer = make_reply(question, author=make_user(name="Answerer"), body="The answer.")
    thread = queries.get_thread_or_404(question.id, SYSTEM)
    solutions.accept_solution(asker, thread, _loaded(answer.id))
    thread.solution_review_due = utcnow() - timedelta(days=1)
    db.session.commit()
    world.ids.update(solved=question.id, solution=answer.id)


def _add_groups(world: World, n: int) -> None:
    """A group of the member, the silenced member, the category moderator and one more; a
    category only it reads and posts in, one everyone reads but only it posts in, each with a
    thread; an empty group; and a member of the Wessex alliance outside the groups."""
    actors = world.actors
    grouped = make_user(name="Grouped Member")
    group = make_group(f"Reviewers {n}", handle=f"reviewers-{n}", is_mentionable=True,
        verifies_answers=True, members=(actors["member"], actors["silenced"],
        actors["category_moderator"], grouped))  # fmt: skip
    reviews = restrict_category(make_category(), read=(group,), post=(group,))
    notices = restrict_category(make_category(), post=(group,))
    author = actors["moderator"]
    world.ids.update(
        group=group.id, grouped=grouped.id, reviews=reviews.id, reviews_slug=reviews.slug,
        notices_slug=notices.slug, spare_group=make_group(handle=f"spare-{n}").id,
        wessex=make_user(alliance="Wessex").id,
        group_thread=make_thread(reviews, author=author, title="For reviewers").id,
        notices_thread=make_thread(notices, author=author, title="A notice").id,
    )  # fmt: skip
    for name in ("member", "silenced", "category_moderator"):
        actors[name] = db.session.get(User, actors[name].id)
    _add_answers(world)


def _add_answers(world: World) -> None:
    """Two questions in the home category with accepted answers, one of them already
    checked by the group member outside the actors."""
    home = db.session.get(Category, world.ids["category"])
    answered, answer = solved_thread(category=home, title="An answered question")
    checked, _ = solved_thread(category=home, title="A checked answer")
    db.session.execute(update(Thread).where(Thread.id == checked.id).values(
        solution_verified_at=utcnow(), solution_verified_by_name="Grouped Member"))  # fmt: skip
    db.session.commit()
    world.ids.update(answered=answered.id, answer=answer.id, checked=checked.id)


def _loaded(post_id: int) -> Post:
    from forum import queries

    return queries.get_post_or_404(post_id, SYSTEM)


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str
    expected: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    #: An allowed POST changes something (False for idempotent ones such as unclaiming).
    changes: bool = True
    #: An allowed POST answers with a page (a report), not a redirect.
    renders: bool = False


R = Route
# fmt: off
ROUTES = [
    # The queue and its entries
    R("queue", "GET", "/mod/", ANY_MODERATOR),
    R("queue filtered", "GET", "/mod/?type=flag&age=day&claim=mine", ANY_MODERATOR),
    R("item", "GET", "/mod/items/{flag_item}", CATEGORY_SCOPED),
    R("claim item", "POST", "/mod/items/{flag_item}/claim", CATEGORY_SCOPED),
    R("unclaim item", "POST", "/mod/items/{flag_item}/unclaim", CATEGORY_SCOPED, changes=False),
    R("resolve reports", "POST", "/mod/items/{flag_item}/resolve", CATEGORY_SCOPED,
      {"outcome": "hidden", "reason": "Unkind."}),
    R("edit and resolve (form)", "GET", "/mod/items/{flag_item}/edit", CATEGORY_SCOPED),
    R("edit and resolve", "POST", "/mod/items/{flag_item}/edit", CATEGORY_SCOPED,
      {"body": "Kinder words.", "reason": "Tone."}),
    # (the held thread is in a category neither category moderator moderates: it is invisible)
    R("held item", "GET", "/mod/items/{held_item}", HELD_ELSEWHERE),
    R("approve held post", "POST", "/mod/items/{held_item}/approve", HELD_ELSEWHERE),
    R("reject held post", "POST", "/mod/items/{held_item}/reject", HELD_ELSEWHERE,
      {"reason": "Off topic."}),
    R("claim join request", "POST", "/mod/join-requests/{join}/claim", JOIN),
    R("unclaim join request", "POST", "/mod/join-requests/{join}/unclaim", JOIN, changes=False),
    R("approve join request", "POST", "/mod/join-requests/{join}/approve", JOIN),
    R("reject join request", "POST", "/mod/join-requests/{join}/reject", JOIN,
      {"reason": "Not a GP."}),
    # Post actions
    R("post page", "GET", "/mod/posts/{post}", CATEGORY_SCOPED),
    R("staff-only post page", "GET", "/mod/posts/{staff_post}", STAFF_CONTENT),
    R("hide post", "POST", "/mod/posts/{post}/hide", CATEGORY_SCOPED, {"hide-reason": "Unkind."}),
    R("restore post", "POST", "/mod/posts/{hidden}/restore", HIDDEN_CONTENT),
    R("hidden post page", "GET", "/mod/posts/{hidden}", HIDDEN_CONTENT),
    R("delete post", "POST", "/mod/posts/{post}/delete", CATEGORY_SCOPED,
      {"delete-reason": "Duplicate."}),
    R("purge post", "POST", "/mod/posts/{post}/purge", ADMIN_ONLY, {"purge-reason": "Patient."}),
    R("staff edit (form)", "GET", "/mod/posts/{post}/edit", CATEGORY_SCOPED),
    R("staff edit", "POST", "/mod/posts/{post}/edit", CATEGORY_SCOPED,
      {"body": "Edited.", "reason": "Removed a name."}),
    # Thread actions
    R("thread page", "GET", "/mod/threads/{thread}", CATEGORY_SCOPED),
    R("staff-only thread page", "GET", "/mod/threads/{staff_thread}", STAFF_CONTENT),
    R("lock", "POST", "/mod/threads/{thread}/lock", CATEGORY_SCOPED),
    R("unlock", "POST", "/mod/threads/{locked}/unlock", CATEGORY_SCOPED),
    R("pin in category", "POST", "/mod/threads/{thread}/pin", CATEGORY_SCOPED,
      {"pin-scope": "category"}),
    R("pin site-wide", "POST", "/mod/threads/{thread}/pin",
      CATEGORY_SCOPED | {"category_moderator": 403}, {"pin-scope": "site"}),
    R("unpin", "POST", "/mod/threads/{second}/unpin", CATEGORY_SCOPED),
    R("rename", "POST", "/mod/threads/{thread}/rename", CATEGORY_SCOPED,
      {"rename-title": "A better title"}),
    R("move to a category they moderate", "POST", "/mod/threads/{thread}/move", CATEGORY_SCOPED,
      {"move-category": "{elsewhere}"}),
    R("move to a category they do not moderate", "POST", "/mod/threads/{thread}/move",
      CATEGORY_SCOPED | {"category_moderator": 422}, {"move-category": "{other}"}),
    R("merge", "POST", "/mod/threads/{thread}/merge", CATEGORY_SCOPED,
      {"merge-target": "{second}"}),
    R("split (form)", "GET", "/mod/threads/{thread}/split", CATEGORY_SCOPED),
    R("split", "POST", "/mod/threads/{thread}/split", CATEGORY_SCOPED,
      {"posts": "{post}", "title": "Split thread", "category": "{category}"}),
    # Member actions
    R("member list", "GET", "/mod/members/", STAFF),
    R("member record", "GET", "/mod/members/{target}", STAFF),
    R("warn", "POST", "/mod/members/{target}/warn", STAFF, {"warn-reason": "Be kind."}),
    R("silence", "POST", "/mod/members/{target}/silence", STAFF,
      {"silence-days": "3", "silence-reason": "Unkind."}),
    R("suspend", "POST", "/mod/members/{target}/suspend", STAFF,
      {"suspend-days": "3", "suspend-reason": "Unkind."}),
    R("ban", "POST", "/mod/members/{target}/ban", STAFF,
      {"ban-reason": "Spam.", "ban-confirm": "y"}),
    R("lift silence", "POST", "/mod/members/{target}/lift/silence", STAFF),
    R("lift ban", "POST", "/mod/members/{banned}/lift/ban", STAFF),
    R("staff note", "POST", "/mod/members/{target}/notes", STAFF, {"note-body": "Called."}),
    R("category moderators", "POST", "/mod/members/{target}/categories", ADMIN_ONLY,
      {"categories-categories": "{category}"}),
    # Watched words and the audit log
    R("watched words", "GET", "/mod/watched-words/", STAFF),
    R("add watched word", "POST", "/mod/watched-words/", STAFF,
      {"phrase": "miracle cure {n}", "action": "block"}),
    R("change watched word", "POST", "/mod/watched-words/{word}", STAFF, {"action": "hold"}),
    R("remove watched word", "POST", "/mod/watched-words/{word}/remove", STAFF),
    R("audit log", "GET", "/mod/audit/", STAFF),
    R("audit export", "GET", "/mod/audit/export.csv", STAFF),
    # Accepted answers to review
    R("answers to review", "GET", "/mod/answers-to-review", ANY_MODERATOR),
    R("answer still correct", "POST", "/mod/answers-to-review/{solved}/still-correct",
      CATEGORY_SCOPED),
    R("answer superseded", "POST", "/mod/answers-to-review/{solved}/supersede", CATEGORY_SCOPED,
      {"newer": "/p/{post}"}),
    R("answer superseded by itself", "POST", "/mod/answers-to-review/{solved}/supersede",
      expect(member=403, other=403, category=422, moderator=422, admin=422),
      {"newer": "/p/{solution}"}),
    R("answer withdrawn", "POST", "/mod/answers-to-review/{solved}/withdraw", CATEGORY_SCOPED,
      {"reason": "Out of date."}),
    # Categories (admins only)
    R("categories", "GET", "/admin/categories", ADMIN_PAGE),
    R("add category (form)", "GET", "/admin/categories/new", ADMIN_PAGE),
    R("add category", "POST", "/admin/categories/new", ADMIN_PAGE, {"name": "Added {n}"}),
    R("edit category (form)", "GET", "/admin/categories/{spare}/edit", ADMIN_PAGE),
    R("edit category", "POST", "/admin/categories/{spare}/edit", ADMIN_PAGE,
      {"name": "Renamed {n}", "slug": "renamed-{n}", "is_sensitive": "y"}),
    R("move category", "POST", "/admin/categories/{spare}/move", ADMIN_PAGE,
      {"direction": "up"}),
    R("archive category", "POST", "/admin/categories/{spare}/archive", ADMIN_PAGE),
    R("unarchive category", "POST", "/admin/categories/{archived}/unarchive", ADMIN_PAGE),
    R("delete category (form)", "GET", "/admin/categories/{spare}/delete", ADMIN_PAGE),
    R("delete category", "POST", "/admin/categories/{spare}/delete", ADMIN_PAGE),
    # The member's side
    R("report form", "GET", "/p/{post}/report", MEMBERS),
    R("report a post", "POST", "/p/{post}/report", MEMBERS, {"reason": "spam"}),
    R("report a staff-only post", "GET", "/p/{staff_post}/report", STAFF_CONTENT),
    R("moderation messages", "GET", "/account/moderation", MEMBERS),
    # Personal access tokens for the API (the API's own matrix: tests/test_api_permissions.py)
    R("API tokens", "GET", "/account/tokens", MEMBERS),
    # The composer's "Cite guidance" lookup: members who may post
    R("guidance to cite", "GET", "/citations?q=NG12", expect(member=OK, other=OK, category=OK,
      silenced=403)),
    # Site settings and the site's pages
    R("site settings", "GET", "/admin/settings", ADMIN_PAGE),
    R("save site settings", "POST", "/admin/settings", ADMIN_PAGE, SETTINGS),
    R("site page versions", "GET", "/admin/settings/pages/privacy", STAFF_PAGE),
    R("publish a site page", "POST", "/admin/settings/pages/privacy", ADMIN_ACTION, PAGE_TEXT),
    R("an earlier version", "GET", "/admin/settings/pages/privacy/versions/1", STAFF_PAGE),
    R("about", "GET", "/about", PUBLIC),
    R("terms of use", "GET", "/terms", PUBLIC),
    R("privacy notice", "GET", "/privacy", PUBLIC),
    # Running the forum
    R("health page", "GET", "/admin/health", ADMINS),
    R("retry failed email", "POST", "/admin/health/retry-mail", ADMINS),
    # Categories restricted to a group
    R("group-only category", "GET", "/c/{reviews_slug}", GROUP_CONTENT),
    R("group-only thread", "GET", "/t/{group_thread}", GROUP_CONTENT),
    R("reply in a group-only thread", "POST", "/t/{group_thread}/reply", GROUP_REPLY,
      {"body": "Agreed, thank you."}),
    R("group-posting category", "GET", "/c/{notices_slug}", MEMBERS),
    R("group-posting thread", "GET", "/t/{notices_thread}", MEMBERS),
    R("new thread where only the group posts", "GET", "/c/{notices_slug}/new", GROUP_POSTING),
    R("reply where only the group posts", "POST", "/t/{notices_thread}/reply", GROUP_POSTING,
      {"body": "Noted, thank you."}),
    # A group's page for members (mentionable groups only), and the group pages for admins
    R("a group members may mention", "GET", "/g/reviewers-{n}", MEMBERS),
    R("its handle as a profile link", "GET", "/u/reviewers-{n}", expect(member=302, other=302,
      category=302, moderator=302, admin=302)),
    R("a group not open to mentions", "GET", "/g/spare-{n}", {**ADMIN_PAGES, "admin": 404}),
    R("groups", "GET", "/admin/groups", ADMIN_PAGES),
    R("add a group", "POST", "/admin/groups", ADMIN_PAGES,
      {"name": "Matrix group {n}", "handle": "matrix-{n}"}),
    R("group page", "GET", "/admin/groups/{group}", ADMIN_PAGES),
    R("group page, finding members", "GET", "/admin/groups/{group}?q=member", ADMIN_PAGES),
    R("edit group (form)", "GET", "/admin/groups/{group}/edit", ADMIN_PAGES),
    R("edit group", "POST", "/admin/groups/{group}/edit", ADMIN_PAGES,
      {"name": "Renamed {n}", "handle": "renamed-{n}"}),
    R("delete group", "POST", "/admin/groups/{spare_group}/delete", ADMIN_PAGES),
    R("add a member to a group", "POST", "/admin/groups/{group}/members", ADMIN_PAGES,
      {"user_id": "{target}"}),
    R("remove a member from a group", "POST", "/admin/groups/{group}/members/{grouped}/remove",
      ADMIN_PAGES),
    R("add an alliance to a group", "POST", "/admin/groups/{group}/alliance", ADMIN_PAGES,
      {"alliance": "Wessex"}),
    R("add members from a file", "POST", "/admin/groups/{group}/import", ADMIN_PAGES,
      {"file": lambda: (io.BytesIO(b"email\nmember1@example.org\n"), "list.csv")},
      changes=False, renders=True),
    R("restrict categories to a group", "POST", "/admin/groups/{group}/categories",
      ADMIN_PAGES, {"read": "{reviews}"}),
    # Webhooks: admins only; for everyone else the pages do not exist
    R("webhooks", "GET", "/admin/webhooks", ADMIN_PAGES),
    R("add webhook (form)", "GET", "/admin/webhooks/new", ADMIN_PAGES),
    R("add webhook", "POST", "/admin/webhooks/new", ADMIN_PAGES,
      {"url": "http://127.0.0.1:9/new{n}", "events": "thread.created"}, renders=True),
    R("webhook page", "GET", "/admin/webhooks/{webhook}", ADMIN_PAGES),
    R("edit webhook (form)", "GET", "/admin/webhooks/{webhook}/edit", ADMIN_PAGES),
    R("edit webhook", "POST", "/admin/webhooks/{webhook}/edit", ADMIN_PAGES,
      {"url": "http://127.0.0.1:9/changed{n}", "events": "post.created"}),
    R("rotate a webhook's secret", "POST", "/admin/webhooks/{webhook}/rotate", ADMIN_PAGES,
      renders=True),
    R("turn a webhook off", "POST", "/admin/webhooks/{webhook}/disable", ADMIN_PAGES),
    R("turn a webhook on", "POST", "/admin/webhooks/{off_webhook}/enable", ADMIN_PAGES),
    R("send a webhook a test event", "POST", "/admin/webhooks/{webhook}/test", ADMIN_PAGES),
    R("delete a webhook", "POST", "/admin/webhooks/{spare_webhook}/delete", ADMIN_PAGES),
    R("send a delivery again", "POST", "/admin/webhooks/{webhook}/deliveries/{delivery}/resend",
      ADMIN_PAGES),
    # The guideline register: staff keep it, every member reads it
    R("guideline register", "GET", "/admin/guidelines", STAFF_PAGE),
    R("add guideline (form)", "GET", "/admin/guidelines/new", STAFF_PAGE),
    R("add guideline", "POST", "/admin/guidelines/new", STAFF_PAGE, GUIDELINE | {
      "code": "NEW{n}", "published_on": "23/06/2015", "recommendations": "1.1 Lung"}),
    R("guideline page", "GET", "/admin/guidelines/{guideline}", STAFF_PAGE),
    R("edit guideline (form)", "GET", "/admin/guidelines/{guideline}/edit", STAFF_PAGE),
    R("edit guideline", "POST", "/admin/guidelines/{guideline}/edit", STAFF_PAGE,
      GUIDELINE | {"code": "{guideline}", "title": "Retitled {n}"}),
    R("new version (form)", "GET", "/admin/guidelines/{guideline}/versions/new", STAFF_PAGE),
    R("record a version", "POST", "/admin/guidelines/{guideline}/versions/new", STAFF_PAGE,
      {"published_on": "2030-01-01", "summary": "Changed.", "rows-0-number": "1.3.1",
       "rows-0-title": "Colorectal", "rows-0-status": "changed"}),
    R("the register for members", "GET", "/guidelines", MEMBERS),
    R("a guideline for members", "GET", "/guidelines/{guideline}", MEMBERS),
    # Accepted answers checked by a clinical lead
    R("mark an answer as checked", "POST", "/t/{answered}/solution/verify", VERIFIERS,
      {"post_id": "{answer}"}),
    R("remove the check", "POST", "/t/{checked}/solution/unverify", STAFF),
    # Feeds: each member manages their own addresses; an address needs no session
    R("feeds page", "GET", "/account/feeds", MEMBERS),
    R("make a new feed address", "POST", "/account/feeds", MEMBERS, renders=True),
    R("stop feed addresses", "POST", "/account/feeds/withdraw", MEMBERS),
    R("a member's feed, by its address", "GET", "/feeds/{feed_token}/latest.atom", PUBLIC),
]
# fmt: on


def snapshot() -> tuple:
    """Everything a moderation route could change."""
    db.session.commit()

    def rows(*columns: Any) -> list[tuple]:
        return sorted(tuple(map(str, row)) for row in db.session.execute(select(*columns)))

    return (
        rows(Post.id, Post.thread_id, Post.post_number, Post.body_source, Post.hidden_at,
             Post.held_at, Post.deleted_at),
        rows(Thread.id, Thread.title, Thread.category_id, Thread.is_locked, Thread.is_pinned,
             Thread.is_pinned_globally, Thread.deleted_at, Thread.hidden_at, Thread.reply_count,
             Thread.solution_verified_at),
        rows(User.id, User.silenced_until, User.suspended_until, User.banned_at,
             User.moderated_category_ids, User.session_version),
        rows(ModerationItem.id, ModerationItem.resolved_at, ModerationItem.flag_count),
        rows(Flag.id), rows(QueueClaim.id, QueueClaim.moderator_id), rows(WatchedWord.id,
        WatchedWord.action), rows(MemberSanction.id, MemberSanction.lifted_at),
        rows(MemberNote.id), rows(CategoryModerator.id), rows(ModerationMessage.id),
        rows(JoinRequest.id, JoinRequest.status), rows(AuditEntry.id, AuditEntry.action),
        rows(Category.id, Category.name, Category.slug, Category.position, Category.archived_at,
             Category.is_staff_only, Category.requires_approval, Category.requires_case_template,
             Category.is_sensitive), rows(CategorySlug.id, CategorySlug.slug),
        rows(SiteSettings.id, SiteSettings.name, SiteSettings.contact_email),
        rows(SitePageVersion.id, SitePageVersion.page, SitePageVersion.version),
        rows(OutboxMessage.id, OutboxMessage.status),
        rows(WebhookEndpoint.id, WebhookEndpoint.url, WebhookEndpoint.secret,
             WebhookEndpoint.is_active, WebhookEndpoint.events),
        rows(WebhookDelivery.id, WebhookDelivery.status, WebhookDelivery.next_attempt_at),
        rows(Group.id, Group.name, Group.member_count), rows(GroupMember.group_id,
        GroupMember.user_id), rows(CategoryGroup.category_id, CategoryGroup.group_id,
        CategoryGroup.may_read, CategoryGroup.may_post),
        rows(Guideline.id, Guideline.code, Guideline.title), rows(GuidelineVersion.id),
        rows(FeedToken.user_id, FeedToken.token_hash),
    )  # fmt: skip


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if callable(value):  # a file to upload, fresh for each request
        return value()
    return value.format(**ids) if isinstance(value, str) else value


def _client_for(app: Any, world: World, actor: str) -> FlaskClient:
    client = app.test_client()
    user = world.actors[actor]
    if user is not None:
        sign_in(client, user)
    if actor == "suspended":  # suspended by staff while signed in
        db.session.commit()
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(suspended_until=utcnow() + timedelta(days=3))
        )
        db.session.commit()
    return client


def _check(response: Any, route: Route, expected: Any) -> None:
    location, method = response.headers.get("Location", ""), route.method
    if expected == LOGIN:
        assert response.status_code == 302 and location.startswith("/login"), response.status_code
    elif expected == OK and (method == "GET" or route.renders):
        assert response.status_code == 200, response.status_code
    elif expected == OK:
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
        assert not location.startswith("/login")
    else:
        assert response.status_code == expected, response.status_code


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_permission_matrix(app: Any, route: Route, subtests: Any) -> None:
    world = None
    for actor in ACTORS:
        with subtests.test(actor=actor):
            world = world or build_world()  # refusals leave it as it was, so it is reused
            client = _client_for(app, world, actor)
            path = _fill(route.path, world.ids)
            data = {k: _fill(v, world.ids) for k, v in route.data.items()}
            before = snapshot()
            response = client.open(path, method=route.method, data=data or None)
            expected = route.expected[actor]
            after = snapshot()
            if after != before:
                world = None
            _check(response, route, expected)
            if expected != OK:
                assert after == before, "a refusal must not change anything"
            elif route.method == "POST" and route.changes:
                assert after != before, "an allowed action should change something"


MODERATION_BLUEPRINTS = {
    "admin_groups",
    "admin_group_members",
    "mod",
    "mod_posts",
    "mod_threads",
    "mod_members",
    "mod_words",
    "mod_audit",
    "mod_reports",
    "mod_answers",
    "admin_categories",
    # and the site's settings and pages
    "admin_settings",
    "pages",
    "admin_health",
    # and the guideline register
    "admin_guidelines",
    "guidelines",
    # and webhooks
    "admin_webhooks",
}


def test_the_matrix_covers_every_moderation_route_and_method(app: Any) -> None:
    adapter = app.url_map.bind("localhost")
    covered = set()
    for route in ROUTES:
        path = route.path.split("?")[0].format_map(_AnyId())
        endpoint, _ = adapter.match(path, method=route.method)
        covered.add((endpoint, route.method, path.rsplit("/", 1)[-1]))
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in MODERATION_BLUEPRINTS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert any(e == rule.endpoint and m == method for e, m, _ in covered), (
                method,
                rule.rule,
            )
    assert {last for e, _, last in covered if e == "mod_threads.lock"} == {"lock", "unlock"}


class _AnyId(dict):
    def __missing__(self, key: str) -> str:
        return "1"
