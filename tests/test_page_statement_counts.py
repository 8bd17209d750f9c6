"""Every page runs a fixed number of SQL statements, however much it shows.

A sweep over every GET endpoint in ``app.url_map``: ``PAGES`` says how to visit each one (its
URL, filled from the world's ids, slugs and tokens, and who visits it), ``LEFT_OUT`` names the
few deliberately left out and why, and a test checks that the two cover the url map exactly,
so a new page fails until it has a budget here.

The world is built once for the module (``build_world``): the objects the URLs point at, and
one round (``add_round``) of everything the pages list, so each page shows at least one of each.
Each page is visited once to warm the per-process caches (statements built once, the pledge
version) and move read markers, then once counted. The world then GROWS by ``GROWTH`` more
rounds, attached to the same thread, post, member, resource, queue item and viewer the URLs
point at; each page is counted again and must run exactly as many statements as before (a page
that only gets a statement *shorter* says so with ``saved_by_growth``). A page that lists
things must also show more after the growth (``fixed`` pages show one object or a form), so
the sweep cannot pass by growing something no page shows.

The grown world's statements are also explained (``tests/query_plans.py``): no page may read a
growing table (posts, threads, notifications, the audit log...) in full, except as
``FULL_READS`` names, with the reason.

The CSV exports are swept like pages: each is one statement however many rows it writes (the
incidents export streams with ``yield_per`` from one cursor; the audit export is capped at
``EXPORT_LIMIT`` rows in one statement).
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from forum import queries
from forum.extensions import db
from forum.models import (
    Category,
    Group,
    Guideline,
    GuidelineVersion,
    Invitation,
    JoinRequest,
    ModerationItem,
    Post,
    PostCitation,
    Tag,
    Thread,
    User,
    utcnow,
)
from forum.policy import SYSTEM
from forum.queries import guidelines as guideline_reads
from forum.queries import library as library_queries
from forum.queries import moderation as moderation_reads
from forum.search import vocabulary
from forum.services.confidentiality import guard as confidentiality
from forum.services.confidentiality import redaction
from forum.services.discussions import bookmarks, helpful, questions, solutions, tags
from forum.services.discussions import posting as discussions
from forum.services.groups import admin as groups_admin
from forum.services.groups import members as group_members
from forum.services.guidance import register as guideline_register
from forum.services.learning import entries as learning_entries
from forum.services.library import resources as library
from forum.services.membership import accounts, invitations, join_requests, pledge
from forum.services.membership import data as member_data
from forum.services.membership import feeds as feed_addresses
from forum.services.membership.tokens import VERIFY_EMAIL, fingerprint, make_token
from forum.services.moderation import decisions as moderation_decisions
from forum.services.moderation import members as moderation_members
from forum.services.moderation import posts as moderation_posts
from forum.services.moderation import queue as moderation_queue
from forum.services.moderation import threads as moderation_threads
from forum.services.moderation import words as moderation_words
from forum.services.notifications import subscriptions, unsubscribe
from forum.services.search import terms as search_terms
from forum.services.site import pages as site_pages
from forum.services.webhooks import endpoints as webhook_endpoints
from forum.web.gates import forget_pledge_version
from tests import upload_samples
from tests.conftest import QueryCounter, app_on_empty_database
from tests.factories import (
    PASSWORD,
    citable_guideline,
    confirmed_reply,
    make_admin,
    make_category,
    make_category_moderator,
    make_moderator,
    make_resource,
    make_tag,
    make_thread,
    make_user,
    post_with_attachment,
    reported_post,
    restrict_category,
    sign_in,
    uploaded_file,
    with_two_factor,
)
from tests.query_plans import describe, full_scans, statements_sent

ADMIN, MODERATOR, MEMBER, ANONYMOUS = "admin", "moderator", "member", "anonymous"
#: A member made moderator of the category the thread is in (and no other).
CATEGORY_MODERATOR = "category_moderator"
#: An anonymous visitor who has passed the password step of a two-factor sign-in.
PENDING_2FA = "pending_2fa"
PEOPLE = (ADMIN, MODERATOR, CATEGORY_MODERATOR, MEMBER)
#: How many more of everything the world grows by.
GROWTH = 4

#: One worker runs the whole module (``--dist loadgroup`` in the Makefile), so the world is
#: built once per run, not once per worker.
pytestmark = pytest.mark.xdist_group("page_sweep")


@dataclass(frozen=True)
class Visit:
    url: str
    actor: str
    status: int = 200
    #: The page shows a fixed amount whatever the world holds (a form, one object, a
    #: redirect): it is not expected to get longer when the world grows.
    fixed: bool = False
    #: Statements the page stops running once the world has grown (a fallback it no longer
    #: needs); never statements it adds.
    saved_by_growth: int = 0


# The table: every GET endpoint, how to visit it, and who visits it. A key is the endpoint, or
# ``endpoint[variant]`` for a second visit of the same page (another actor, another filter).
# fmt: off
PAGES: dict[str, Visit] = {
    # Home, health
    "main.index": Visit("/", MEMBER),
    "main.index[moderator]": Visit("/", MODERATOR),
    "main.healthz": Visit("/healthz", ANONYMOUS, fixed=True),
    "main.readyz": Visit("/readyz", ANONYMOUS, fixed=True),
    # Signing in, joining, and the pages links in emails open
    "auth.login": Visit("/login", ANONYMOUS, fixed=True),
    "two_factor.sign_in": Visit("/login/2fa", PENDING_2FA, fixed=True),
    "join.register": Visit("/register", ANONYMOUS, fixed=True),
    "join.register_sent": Visit("/register/sent", ANONYMOUS, fixed=True),
    "join.invite": Visit("/invite/{invite_token}", ANONYMOUS, fixed=True),
    "passwords.reset_request": Visit("/reset", ANONYMOUS, fixed=True),
    "passwords.reset": Visit("/reset/{reset_token}", ANONYMOUS, fixed=True),
    "account.verify_email": Visit("/verify/{verify_token}", ANONYMOUS, fixed=True),
    "notification_settings.unsubscribe": Visit(
        "/unsubscribe/{unsubscribe_token}", ANONYMOUS, fixed=True
    ),
    # The member's own pages
    "auth.account": Visit("/account", MEMBER, fixed=True),
    "account.profile": Visit("/account/profile", MEMBER, fixed=True),
    "account.data": Visit("/account/data", MEMBER, fixed=True),
    "account.pledge": Visit("/pledge", MEMBER, fixed=True),
    "two_factor.setup": Visit("/account/2fa", MEMBER, fixed=True),
    "two_factor.setup[admin]": Visit("/account/2fa", ADMIN, fixed=True),
    "notification_settings.edit": Visit("/account/notifications", MEMBER, fixed=True),
    "notification_settings.watching": Visit("/account/notifications/watching", MEMBER),
    "feeds.manage": Visit("/account/feeds", MEMBER, fixed=True),
    # Feeds: no session, the member's secret in the address (the newest 30 threads)
    "feeds.latest": Visit("/feeds/{feed_token}/latest.atom", ANONYMOUS),
    "feeds.category": Visit("/feeds/{feed_token}/c/{category}.atom", ANONYMOUS),
    "feeds.tag": Visit("/feeds/{feed_token}/tags/{tag}.atom", ANONYMOUS),
    "notifications.index": Visit("/notifications", MEMBER),
    "mod_reports.messages": Visit("/account/moderation", MEMBER),
    # Categories, threads, posts
    "categories.show": Visit("/c/{category}", MEMBER),
    "categories.show[moderator]": Visit("/c/{category}", MODERATOR),
    "categories.new_thread": Visit("/c/{category}/new", MEMBER),
    "threads.show": Visit("/t/{thread}/{thread_slug}", MEMBER),
    "threads.show[moderator]": Visit("/t/{thread}", MODERATOR),
    "threads.show[category_moderator]": Visit("/t/{thread}", CATEGORY_MODERATOR),
    "posts.show": Visit("/p/{post}", MEMBER, 302, fixed=True),
    "posts.edit": Visit("/p/{my_post}/edit", MEMBER, fixed=True),
    "revisions.index": Visit("/p/{my_post}/revisions", MEMBER),
    "revisions.diff": Visit("/p/{my_post}/revisions/diff?from=1", MEMBER, fixed=True),
    "answers.compose_reply": Visit("/t/{thread}/reply?quote={post}", MEMBER, fixed=True),
    "answers.edit_tags": Visit("/t/{thread}/tags", MEMBER),
    "answers.first_unread": Visit("/t/{thread}/unread", MEMBER, 302, fixed=True),
    "answers.helpful_markers": Visit("/p/{helpful_post}/helpful", MEMBER),
    "answers.quote": Visit("/p/{post}/quote", MEMBER, fixed=True),
    "mod_reports.report": Visit("/p/{file_reply}/report", MEMBER, fixed=True),
    "composer.mentions": Visit("/mentions?q=round", MEMBER),
    "composer.citations": Visit("/citations?q=round", MEMBER),
    # Full-text search ranks first; only while it finds fewer than five threads does a
    # second statement fill the places left from thread titles. Grown, it finds five.
    "composer.similar": Visit("/similar?title=Liposarcoma", MEMBER, saved_by_growth=1),
    "uploads.show": Visit("/uploads/{attachment}", MEMBER, fixed=True),
    "users.show": Visit("/u/{author}", MEMBER),
    "users.show[moderator]": Visit("/u/{author}", MODERATOR),
    "members.index": Visit("/members", MEMBER),
    "search.index": Visit("/search?q=sarcoma", MEMBER),
    "search.index[filtered]": Visit("/search?q=sarcoma&tag={tag}&author={author}", MEMBER),
    "search.index[moderator]": Visit("/search?q=sarcoma", MODERATOR),
    "search.index[guidance]": Visit(
        "/search?q=sarcoma+cites:NG12-1.3.1&verified=y&outdated=y", MEMBER
    ),
    # Thread lists
    "lists.latest": Visit("/latest", MEMBER),
    "lists.latest[moderator]": Visit("/latest", MODERATOR),
    "lists.latest[category]": Visit("/latest?category={category}", MEMBER),
    "lists.unread": Visit("/unread", MEMBER),
    "lists.unanswered": Visit("/unanswered", MEMBER),
    "lists.unsolved": Visit("/unsolved", MEMBER),
    "lists.mine": Visit("/my-threads", MEMBER),
    "lists.bookmarks": Visit("/bookmarks", MEMBER),
    "lists.tags": Visit("/tags", MEMBER),
    "lists.tag": Visit("/tags/{tag}", MEMBER),
    # The library
    "library.index": Visit("/library/", MEMBER),
    "library.index[filtered]": Visit("/library/?tag={tag}&sort=review", MEMBER),
    "library.index[moderator]": Visit("/library/", MODERATOR),
    "library.show": Visit("/library/{resource}", MEMBER),
    "library.new": Visit("/library/new", MEMBER),
    "library.edit": Visit("/library/{resource}/edit", MEMBER),
    "library.new_version": Visit("/library/{resource}/versions/new", MEMBER, fixed=True),
    "library.review": Visit("/library/review", MODERATOR),
    # Moderation
    "mod.queue": Visit("/mod/", MODERATOR),
    "mod.queue[category_moderator]": Visit("/mod/", CATEGORY_MODERATOR),
    "mod.queue[flags]": Visit("/mod/?type=flag", MODERATOR),
    "mod.queue[held]": Visit("/mod/?type=held", MODERATOR),
    "mod.queue[join]": Visit("/mod/?type=join", MODERATOR),
    "mod.queue[confidentiality]": Visit("/mod/?type=confidentiality", MODERATOR),
    "mod.item": Visit("/mod/items/{flag_item}", MODERATOR),
    "mod.item[category_moderator]": Visit("/mod/items/{flag_item}", CATEGORY_MODERATOR),
    "mod.item[held]": Visit("/mod/items/{held_item}", MODERATOR, fixed=True),
    "mod.edit_and_resolve": Visit("/mod/items/{flag_item}/edit", MODERATOR, fixed=True),
    "mod_posts.show": Visit("/mod/posts/{post}", MODERATOR),
    "mod_posts.edit": Visit("/mod/posts/{post}/edit", MODERATOR, fixed=True),
    "mod_threads.show": Visit("/mod/threads/{thread}", MODERATOR),
    "mod_threads.split": Visit("/mod/threads/{thread}/split", MODERATOR),
    "mod_members.index": Visit("/mod/members/", MODERATOR),
    "mod_members.index[search]": Visit("/mod/members/?q=member", MODERATOR),
    "mod_members.show": Visit("/mod/members/{target}", MODERATOR),
    "mod_members.show[admin]": Visit("/mod/members/{target}", ADMIN),
    "mod_words.index": Visit("/mod/watched-words/", MODERATOR),
    "mod_answers.review": Visit("/mod/answers-to-review", MODERATOR),
    "mod_answers.review[category_moderator]": Visit("/mod/answers-to-review", CATEGORY_MODERATOR),
    "mod_audit.index": Visit("/mod/audit/", ADMIN),
    "mod_audit.index[member]": Visit("/mod/audit/?member=@{target_username}", ADMIN),
    # One entry per member who left: a different member named on every row.
    "mod_audit.index[action]": Visit("/mod/audit/?action=account.delete", ADMIN),
    "mod_audit.export": Visit("/mod/audit/export.csv", ADMIN),
    "mod_confidentiality.incidents": Visit("/mod/incidents", ADMIN),
    "mod_confidentiality.incidents_csv": Visit("/mod/incidents.csv", ADMIN),
    "mod_confidentiality.redact": Visit("/mod/posts/{pii_post}/redact", ADMIN),
    # Staff pages
    "admin.index": Visit("/admin/", ADMIN, fixed=True),
    "admin.join_requests_list": Visit("/admin/join-requests", ADMIN),
    "admin.invitations_list": Visit("/admin/invitations", ADMIN),
    "admin.invitations_list[accepted]": Visit("/admin/invitations?state=accepted", ADMIN),
    "admin_members.index": Visit("/admin/members", ADMIN),
    "admin_members.index[deleted]": Visit("/admin/members?state=deleted", ADMIN),
    "admin_members.show": Visit("/admin/members/{target}", ADMIN, fixed=True),
    "admin_members.pledge": Visit("/admin/pledge", ADMIN, fixed=True),
    "admin_tags.index": Visit("/admin/tags", ADMIN),
    "admin_tags.edit": Visit("/admin/tags/{tag_id}/edit", ADMIN, fixed=True),
    "admin_tags.case_template": Visit("/admin/case-template", ADMIN, 301, fixed=True),
    "admin_categories.index": Visit("/admin/categories", ADMIN),
    "admin_categories.new": Visit("/admin/categories/new", ADMIN, fixed=True),
    "admin_categories.edit": Visit("/admin/categories/{category_id}/edit", ADMIN, fixed=True),
    # Its picker of where the threads go lists every other category.
    "admin_categories.delete": Visit("/admin/categories/{category_id}/delete", ADMIN),
    "admin_uploads.index": Visit("/admin/uploads", MODERATOR, fixed=True),
    # Site settings and the site's pages (one version of the privacy notice more each round)
    "admin_settings.index": Visit("/admin/settings", ADMIN, fixed=True),
    "admin_settings.page": Visit("/admin/settings/pages/privacy", ADMIN),
    "admin_settings.page[moderator]": Visit("/admin/settings/pages/privacy", MODERATOR),
    "admin_settings.version": Visit("/admin/settings/pages/privacy/versions/1", ADMIN, fixed=True),
    "admin_settings.version[changes]": Visit(
        "/admin/settings/pages/privacy/versions/2", MODERATOR, fixed=True
    ),
    "pages.about": Visit("/about", ANONYMOUS, fixed=True),
    "pages.terms": Visit("/terms", MEMBER, fixed=True),
    "pages.privacy": Visit("/privacy", ANONYMOUS, fixed=True),
    "admin_health.index": Visit("/admin/health", ADMIN, fixed=True),
    "admin_groups.index": Visit("/admin/groups", ADMIN),
    "admin_groups.show": Visit("/admin/groups/{group}", ADMIN),
    "admin_groups.show[search]": Visit("/admin/groups/{group}?q=member", ADMIN),
    "admin_groups.edit": Visit("/admin/groups/{group}/edit", ADMIN, fixed=True),
    # Webhooks (the form lists the restricted categories, a round's category among them)
    "admin_webhooks.index": Visit("/admin/webhooks", ADMIN),
    "admin_webhooks.new": Visit("/admin/webhooks/new", ADMIN),
    "admin_webhooks.show": Visit("/admin/webhooks/{webhook}", ADMIN),
    "admin_webhooks.edit": Visit("/admin/webhooks/{webhook}/edit", ADMIN),
    # The search thesaurus (a group more each round), and "did you mean" for a misspelling
    "admin_search_terms.index": Visit("/admin/search-terms/", ADMIN),
    "admin_search_terms.index[find]": Visit("/admin/search-terms/?find=round", ADMIN),
    "admin_search_terms.edit": Visit("/admin/search-terms/{search_terms}/edit", ADMIN, fixed=True),
    "search.index[did_you_mean]": Visit("/search?q=liposarcomma", MEMBER, fixed=True),
    "groups.show": Visit("/g/reviewers", MEMBER),
    "users.show[group]": Visit("/u/reviewers", MEMBER, status=302, fixed=True),
    # The guideline register: one guideline more, and one version more of the one shown,
    # each round
    "admin_guidelines.index": Visit("/admin/guidelines", MODERATOR),
    "admin_guidelines.new": Visit("/admin/guidelines/new", MODERATOR, fixed=True),
    "admin_guidelines.show": Visit("/admin/guidelines/{guideline}", MODERATOR),
    "admin_guidelines.edit": Visit("/admin/guidelines/{guideline}/edit", ADMIN, fixed=True),
    "admin_guidelines.new_version": Visit("/admin/guidelines/{guideline}/versions/new", MODERATOR),
    "guidelines.index": Visit("/guidelines", MEMBER),
    "guidelines.show": Visit("/guidelines/{guideline}", MEMBER),
    # Personal access tokens and the JSON API (visited with the browser's session)
    "account.tokens": Visit("/account/tokens", MEMBER, fixed=True),
    "api.openapi": Visit("/api/v1/openapi.json", ANONYMOUS, fixed=True),
    "api.reference": Visit("/api/docs", ANONYMOUS, fixed=True),
    "api.me": Visit("/api/v1/me", MEMBER, fixed=True),
    "api.user": Visit("/api/v1/users/{author}", MEMBER, fixed=True),
    "api.notifications": Visit("/api/v1/notifications", MEMBER),
    "api.categories": Visit("/api/v1/categories", MEMBER),
    "api.threads": Visit("/api/v1/threads", MEMBER),
    "api.threads[unanswered]": Visit("/api/v1/threads?list=unanswered", MEMBER),
    "api.threads[category]": Visit("/api/v1/threads?category={category}", MEMBER),
    "api.threads[tag]": Visit("/api/v1/threads?tag={tag}", MEMBER),
    "api.thread": Visit("/api/v1/threads/{thread}?limit=100", MEMBER),
    "api.post": Visit("/api/v1/posts/{post}", MEMBER, fixed=True),
    "api.search_posts": Visit("/api/v1/search?q=sarcoma&limit=100", MEMBER),
    "api.queue": Visit("/api/v1/mod/queue?limit=100", MODERATOR),
    # The learning log: the member's own entries (one more each round), the contributions,
    # the forms, and the exports of a year (each file longer as the log grows)
    "learning.index": Visit("/account/learning", MEMBER),
    "learning.index[year]": Visit("/account/learning?year={log_year}", MEMBER),
    "learning.new": Visit("/account/learning/new", MEMBER, fixed=True),
    "learning.new[thread]": Visit("/account/learning/new?thread={thread}", MEMBER, fixed=True),
    "learning.new[post]": Visit("/account/learning/new?post={post}", MEMBER, fixed=True),
    "learning.new[resource]": Visit(
        "/account/learning/new?resource={resource}", MEMBER, fixed=True
    ),
    "learning.edit": Visit("/account/learning/{learning_entry}/edit", MEMBER, fixed=True),
    "learning.export": Visit("/account/learning/export", MEMBER, fixed=True),
    "learning.export[pdf]": Visit("/account/learning/export?{log_range}&format=pdf", MEMBER),
    "learning.export[docx]": Visit("/account/learning/export?{log_range}&format=docx", MEMBER),
    "learning.export[csv]": Visit("/account/learning/export?{log_range}&format=csv", MEMBER),
    # Organisation sign-in (OpenID Connect): the sweep's app has no provider configured, and
    # the join form needs a provider's verified answer first (tests/test_organisation_sign_in.py)
    "organisation.callback": Visit("/login/org/nhs/callback", ANONYMOUS, status=404, fixed=True),
    "organisation.join": Visit("/login/org/join", ANONYMOUS, status=302, fixed=True),
    # Programme insight: aggregates over the rollups, the same statements for any range
    # (fixed: each round's questions land in the same rows of the tables, not in new rows).
    "insight.overview": Visit("/insight", ADMIN, fixed=True),
    "insight.overview[year]": Visit("/insight?start=2026-01-01&end=2026-12-31", ADMIN, fixed=True),
    "insight.overview[category]": Visit("/insight?category={category_id}", MODERATOR, fixed=True),
    "insight.topics": Visit("/insight/topics", ADMIN, fixed=True),
    "insight.unanswered": Visit("/insight/unanswered", ADMIN, fixed=True),
    "insight.export": Visit("/insight/alliances.csv", ADMIN, fixed=True),
    "insight.export[trend]": Visit("/insight/trend.csv", ADMIN, fixed=True),
    "insight.export[downloads]": Visit("/insight/downloads.csv", ADMIN, fixed=True),
    "insight.export[unanswered]": Visit("/insight/unanswered.csv", ADMIN, fixed=True),
}
# fmt: on

#: Pages that read a growing table in full, on purpose: table -> why. Membership tables grow
#: with the programme's members (every one invited or approved by staff: hundreds, a few
#: thousand at most), never with posting; the staff lists of them count and sort them whole.
_MEMBERS = {"users": "lists the programme's members by name, with their total"}
_ACTIVE = {"users": "whether each member posted in the range: one index probe per member"}
FULL_READS: dict[str, dict[str, str]] = {
    "members.index": _MEMBERS,
    "mod_members.index": _MEMBERS,
    "mod_members.index[search]": {"users": "finds a name, username or email by any part"},
    "admin_members.index": _MEMBERS,
    "admin_members.index[deleted]": _MEMBERS,
    "admin.invitations_list": {"invitations": "every invitation sent, newest first, counted"},
    "admin.invitations_list[accepted]": {"invitations": "every invitation sent, filtered"},
    "admin.join_requests_list": {"join_requests": "the decided requests, newest first"},
    "mod_confidentiality.incidents_csv": {
        "confidentiality_incidents": "the export is the whole register, by design"
    },
    "admin_uploads.index": {"stored_files": "the total size of every stored file"},
    # The thesaurus is a short staff-kept list (about a hundred groups), shown whole
    "admin_search_terms.index": {"thesaurus_groups": "every group, by note (at most 500)"},
    "admin_search_terms.index[find]": {"thesaurus_groups": "the groups with a term like it"},
    "admin_health.index": {"stored_files": "the total size of every stored file"},
    "admin_groups.show[search]": {"users": "finds a name, username or email by any part"},
    # Active members: one index probe of insight_activity per member and period, whatever
    # the range and however many posts it holds.
    "insight.overview": _ACTIVE,
    "insight.overview[year]": _ACTIVE,
    "insight.overview[category]": _ACTIVE,
    "insight.export": _ACTIVE,
    "insight.export[trend]": _ACTIVE,
}

#: GET endpoints deliberately not swept, with the reason.
LEFT_OUT: dict[str, str] = {
    "static": "Files from the static folder: no database at all.",
}


def _endpoint(key: str) -> str:
    return key.split("[")[0]


def test_the_table_covers_every_get_endpoint_exactly(app: Flask) -> None:
    in_map = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    swept = {_endpoint(key) for key in PAGES}
    assert not swept & set(LEFT_OUT), "an endpoint is both swept and left out"
    missing = in_map - swept - set(LEFT_OUT)
    assert not missing, f"GET endpoints without a statement budget here: {sorted(missing)}"
    assert not (swept | set(LEFT_OUT)) - in_map, "the table names endpoints that do not exist"


# The world ---------------------------------------------------------------------------------


@dataclass
class World:
    """What the URLs point at (``ids``), the people, and what each round adds to."""

    ids: dict[str, Any] = field(default_factory=dict)
    people: dict[str, Any] = field(default_factory=dict)
    things: dict[str, Any] = field(default_factory=dict)


def _commit() -> None:
    db.session.commit()


def _post(post_id: int) -> Post:
    _commit()
    return queries.get_post_or_404(post_id, SYSTEM)


def _thread(thread_id: int) -> Thread:
    _commit()
    return queries.get_thread_or_404(thread_id, SYSTEM)


def _item(item_id: int) -> ModerationItem:
    _commit()
    return moderation_reads.get_item_or_404(item_id, SYSTEM)


def _question(author: User, category: Category, title: str, tag_ids: list[int]) -> Thread:
    _commit()
    thread = questions.start_thread(
        author, category, title=title, body=f"{title}: what would you do?", tag_ids=tag_ids
    )
    _commit()
    return thread


def _answer(author: User, thread_id: int, body: str, reply_to: int | None = None) -> Post:
    _commit()
    post = questions.answer(author, _thread(thread_id), body=body, reply_to=reply_to)
    _commit()
    return post


def _confirmed(body: str) -> list[str]:
    return confidentiality.scan_fields({"body": body}).confirm_fingerprints


def _pii_body(n: int) -> str:
    return f"Seen at the surgery near LS1 4AP last week; ferritin {n + 9}."


def _join_request(name: str) -> int:
    join_requests.submit_join_request(
        display_name=f"Dr Applicant {name}", email=f"applicant-{name}@example.org",
        job_title="GP", organisation="A Practice", alliance="", gmc_number="",
        reason="To learn.",
    )  # fmt: skip
    _commit()
    return db.session.scalar(select(JoinRequest.id).order_by(JoinRequest.id.desc()))


def _invitation(admin: User, name: str) -> tuple[Invitation, str]:
    """A pending invitation and the token of its link."""
    _commit()
    invitation, link = invitations.invite_member(
        admin, email=f"invitee-{name}@example.org", display_name=f"Dr Invitee {name}"
    )
    _commit()
    return invitation, link.rsplit("/", 1)[-1]


def _new_version(actor: User, resource_id: int, n: int) -> None:
    _commit()
    resource = library_queries.get_resource_or_404(resource_id, SYSTEM)
    content = library.Content(
        attested_no_pii=True,
        stream=io.BytesIO(upload_samples.pdf(f"Toolkit revision {n}")),
        filename=f"toolkit-{n}.pdf",
        change_note=f"Revision {n}",
    )
    library.add_version(actor, resource, content)
    _commit()


def _accept_current_pledge(world: World) -> None:
    _commit()
    version = pledge.current_version()
    for person in world.people.values():
        pledge.accept_pledge(person, person, version)
    _commit()
    forget_pledge_version()


def build_world() -> World:
    """The objects the URLs point at, then one round of everything the pages list."""
    world = World()
    people, things = world.people, world.things
    people.update(
        admin=make_admin(name="Alex Admin"),
        moderator=make_moderator(name="Mo Moderator"),
        member=make_user(name="Mel Member", job_title="GP", organisation="North Road"),
        author=make_user(name="Ash Author", job_title="Practice nurse", alliance="Wessex"),
        target=make_user(name="Tara Target"),
        pii_author=make_user(name="Pat Writer"),
        pending=make_user(name="Two Factor Person"),
    )  # fmt: skip
    admin, moderator, member, author = (
        people[k] for k in ("admin", "moderator", "member", "author")
    )
    # Staff pages ask for two-factor sign-in (the sweep turns STAFF_2FA_REQUIRED on).
    codes = things["recovery_codes"] = {
        actor: with_two_factor(people[actor])[1] for actor in ("admin", "moderator", "pending")
    }

    home = make_category("Referrals")
    tag = make_tag("NG12")
    people["category_moderator"] = make_category_moderator(home, name="Cat Moderator")
    codes["category_moderator"] = with_two_factor(people["category_moderator"])[1]
    staff_room = make_category("Staff room", staff_only=True)
    make_thread(staff_room, author=moderator, title="A sarcoma question for staff only")
    things.update(
        home=home, tag=tag,
        held_category=make_category("New members' questions", requires_approval=True),
        education=make_category("Education and resources"),
    )  # fmt: skip

    # A group holding the member, the only readers and writers of a category with a question.
    # Its members mark accepted answers as checked (the thread page asks the policy).
    reviewers = groups_admin.create_group(
        admin, name="Reviewers", handle="reviewers", is_mentionable=True, verifies_answers=True
    )
    group_members.add_members(admin, reviewers, [member, author], how="by name")
    _commit()
    restrict_category(make_category("Reviews"), read=(reviewers,), post=(reviewers,))
    things["reviews"] = db.session.scalar(select(Category).where(Category.name == "Reviews"))
    _question(member, things["reviews"], "A case for the reviewers", [])

    # The thread the thread pages show: the member's question, a reply by the author that is
    # reported and edited by staff, a reply accepted as the solution, the member's own reply
    # edited, a reply linking an uploaded file, a reply its writer edits (each round) to give a
    # patient's postcode, confirming it is not identifying (the redaction page's post).
    thread = _question(member, home, "Sarcoma referral question", [tag.id])
    post = _answer(author, thread.id, f"A sarcoma reply from @{member.username}")
    helpful_post = _answer(author, thread.id, "This helped me.")
    solutions.accept_solution(member, _thread(thread.id), _post(helpful_post.id))
    my_post = _answer(member, thread.id, "My first words.")
    file_reply, attachment = post_with_attachment(thread, author=author)
    pii_post = _answer(people["pii_author"], thread.id, "Nothing identifying yet.")
    _commit()
    closed = reported_post(_post(post.id), reporter=make_user())
    moderation_decisions.resolve_reports(
        moderator, _item(closed.id), outcome="dismissed", reason="Fine as it is."
    )
    _commit()
    flag_item = reported_post(_post(post.id), reporter=make_user())
    held_thread = _question(make_user(), things["held_category"], "A held question", [])
    held_item = db.session.scalar(
        select(ModerationItem.id).join(Post).where(Post.thread_id == held_thread.id)
    )
    moderation_words.add_watched_word(moderator, phrase="watchword zero", action="flag")
    resource = make_resource(
        things["education"], author=member, review_in_days=10, tag_ids=(tag.id,)
    )
    invitation_token = _invitation(admin, "first")[1]
    pledge.publish_pledge(admin, "I will never post anything that identifies a patient.")
    site_pages.publish_page(admin, "privacy", "# Who we are\n\nThe programme team, version 1.")
    _guideline(moderator, "NG12")
    _commit()

    things.update(
        thread_id=thread.id, post_id=post.id, helpful_post_id=helpful_post.id,
        my_post_id=my_post.id, pii_post_id=pii_post.id, resource_id=resource.id,
        flag_item_id=flag_item.id,
    )  # fmt: skip
    reset_user = make_user(name="Forgetful Member")
    email_fingerprint = fingerprint(member.id, member.email, member.session_version)
    world.ids.update(
        category=home.slug, category_id=home.id, thread=thread.id, thread_slug=thread.slug,
        post=post.id,
        my_post=my_post.id, helpful_post=helpful_post.id, tag=tag.slug, tag_id=tag.id,
        resource=resource.id, flag_item=flag_item.id, held_item=held_item,
        target=people["target"].id, target_username=people["target"].username,
        author=author.username, attachment=attachment.id,
        pii_post=pii_post.id, file_reply=file_reply.id,
        invite_token=invitation_token,
        reset_token=accounts.password_link_token(reset_user),
        verify_token=make_token(
            VERIFY_EMAIL, {"u": member.id, "e": "new@example.org", "f": email_fingerprint}
        ),
        unsubscribe_token=unsubscribe.make_token(member.id, home.id),
        feed_token=feed_addresses.new_feed_address(member, member),
        group=reviewers.id, guideline="NG12", ng12=_first_version("NG12"),
    )  # fmt: skip
    # A webhook told of everything, with the reviewers' category: each round's posts are
    # deliveries on its page.
    world.ids["webhook"] = webhook_endpoints.create_endpoint(
        admin, url="http://127.0.0.1:9/hook", description="The audit system",
        event_names=["thread.created", "post.created", "solution.accepted", "member.joined"],
        category_ids=[things["reviews"].id],
    ).id  # fmt: skip
    _commit()
    _learning_log(world)
    # The search thesaurus: one group (its edit page); each round adds another.
    world.ids["search_terms"] = search_terms.create_group(
        admin, terms="roundterm, round term zero", note="Round terms"
    ).id
    _commit()
    add_round(world, 0)
    _accept_current_pledge(world)
    return world


def _learning_log(world: World) -> None:
    """The member's learning log: an entry to edit, and the dates its pages show."""
    today = utcnow().date()
    entry = _learning_entry(world.people["member"], "The first entry")
    world.ids.update(
        learning_entry=entry.id, log_year=today.year - (today.month < 4),
        log_range=f"start={today - timedelta(days=365)}&end={today}",
    )  # fmt: skip


def _learning_entry(member: User, title: str) -> Any:
    _commit()
    details = learning_entries.EntryDetails(
        learned_on=utcnow().date(), title=title, minutes=30, learned=f"{title}: what I learned."
    )
    entry = learning_entries.add_entry(member, details)
    _commit()
    return entry


def _first_version(code: str) -> int:
    """The id of the first version of the guideline ``code``."""
    return db.session.scalar(
        select(GuidelineVersion.id)
        .join(Guideline, Guideline.id == GuidelineVersion.guideline_id)
        .where(Guideline.code == code, GuidelineVersion.sequence == 1)
    )


def _checked_and_outdated(world: World, thread_id: int, answer_id: int) -> None:
    """The accepted answer cites NG12 1.3.1, is checked by a clinical lead, and its guidance
    has changed since (what the guidance search finds)."""
    version = db.session.get(GuidelineVersion, world.ids["ng12"])
    db.session.add(PostCitation(post_id=answer_id, guideline_id=version.guideline_id,
                                number="1.3.1", version_id=version.id))  # fmt: skip
    thread = _thread(thread_id)
    thread.solution_verified_at = thread.solution_guidance_changed_at = utcnow()
    thread.solution_verified_by_name = "Mo Moderator"
    _commit()


def add_round(world: World, n: int) -> None:
    """One more of everything the pages list, on the objects the URLs point at."""
    p, t = world.people, world.things
    admin, moderator, member, author = (p[k] for k in ("admin", "moderator", "member", "author"))
    other = make_user(
        name=f"Member round {n}", job_title=f"GP partner {n}", alliance="Wessex" if n % 2 else ""
    )
    # Tags and categories, watched by the member; a question in each new category.
    new_tag = make_tag(f"Round tag {n}")
    subscriptions.set_tag_level(member, new_tag, "watching")
    category = make_category(f"Round category {n}")
    subscriptions.set_category_level(member, category, "watching")
    _question(other, category, f"Sarcoma referral question in category {n}", [])
    # Groups: another group; another member of the member's group, which alone may read every
    # other round's category (the round's group, without the member, reads the others).
    round_group = groups_admin.create_group(admin, name=f"Round group {n}", handle=f"round-{n}")
    reviewers = db.session.get(Group, world.ids["group"])
    group_members.add_members(admin, reviewers, [other], how="by name")
    group_members.add_members(admin, round_group, [other], how="by name")
    _commit()
    restrict_category(category, read=(reviewers,) if n % 2 else (round_group,))

    # More threads in the home category: tagged, some solved, some the member's, some pinned
    # site-wide, bookmarked and watched by the member; unanswered ones; the member answers
    # others' questions and has answers marked helpful and accepted.
    starter = member if n % 2 else other
    question = _question(
        starter, t["home"], f"Liposarcoma referral question {n}", [t["tag"].id, new_tag.id]
    )
    answer = _answer(author, question.id, f"A sarcoma answer {n} for @{member.username}")
    if n % 3 == 0:
        solutions.accept_solution(starter, _thread(question.id), _post(answer.id))
        _checked_and_outdated(world, question.id, answer.id)
    bookmarks.add_bookmark(member, _post(answer.id))
    subscriptions.set_thread_level(member, _thread(question.id), "watching")
    if n % 4 == 0:
        moderation_threads.pin_thread(admin, _thread(question.id), scope="site")
    _question(author, t["home"], f"An unanswered question {n}", [t["tag"].id])
    asked = _question(other, t["home"], f"A question for the member {n}", [])
    mine = _answer(member, asked.id, f"The member's answer {n}")
    helpful.mark_helpful(other, _post(mine.id))
    solutions.accept_solution(other, _thread(asked.id), _post(mine.id))

    # The thread the pages show: more replies (mentioning or quoting the member, with files,
    # deleted, hidden, by a member who then left), more marks and edits on its posts.
    thread_id = t["thread_id"]
    reply = _answer(other, thread_id, f"Sarcoma reply {n} to @{member.username}")
    _answer(other, thread_id, f"Quoting you, {n}", reply_to=t["my_post_id"])
    helpful.mark_helpful(member, _post(reply.id))
    helpful.mark_helpful(other, _post(t["helpful_post_id"]))
    bookmarks.add_bookmark(member, _post(reply.id))
    post_with_attachment(_thread(thread_id), author=other, name=f"handout-{n}.pdf")
    discussions.delete_post(other, _post(_answer(other, thread_id, f"Withdrawn {n}").id))
    moderation_posts.hide_post(
        moderator, _post(_answer(other, thread_id, f"Unkind {n}").id), reason="Unkind."
    )
    leaver = make_user(name=f"Leaver {n}")
    _answer(leaver, thread_id, f"A reply before leaving {n}")
    member_data.delete_own_account(leaver, leaver, password=PASSWORD)
    discussions.edit_post(
        member, _post(t["my_post_id"]), body=f"My words, take {n + 2}.", reason=f"Edit {n}"
    )
    moderation_posts.staff_edit_post(
        moderator, _post(t["post_id"]), body=f"A sarcoma reply, edited {n + 1} times.",
        reason=f"Tone {n}",
    )  # fmt: skip
    pii_text = _pii_body(n)
    discussions.edit_post(
        p["pii_author"], _post(t["pii_post_id"]), body=pii_text, reason=f"Detail {n}",
        pii_confirmed=_confirmed(pii_text),
    )  # fmt: skip
    _commit()

    # Moderation: another report on the same post; reports on other posts (some decided,
    # some claimed); a post the watched word flags; a held question; a join request (some
    # decided); a confirmed post for review; a longer record for the target member and the
    # member; a watched word; a confidentiality incident.
    reported_post(_post(t["post_id"]), reporter=make_user())
    flagged = _answer(other, thread_id, f"Reported {n}")
    item = reported_post(_post(flagged.id), reporter=member)
    if n % 2:
        moderation_decisions.resolve_reports(
            moderator, _item(item.id), outcome="hidden", reason=f"Unkind {n}."
        )
    else:
        moderation_queue.claim_entry(moderator, moderation_queue.ITEM, _item(item.id))
    _answer(other, thread_id, f"This mentions watchword zero, round {n}")
    _question(make_user(), t["held_category"], f"Another held question {n}", [])
    request_id = _join_request(f"round-{n}")
    if n % 2:
        join = db.session.get(JoinRequest, request_id)
        if n % 4 == 1:
            join_requests.approve_join_request(admin, join)
        else:
            join_requests.reject_join_request(admin, join, "Not a GP.")
    confirmed_reply(_thread(thread_id), body=_pii_body(n + 100))
    target = p["target"]
    moderation_members.warn_member(moderator, target, reason=f"Warning {n}.")
    moderation_members.add_member_note(moderator, target, body=f"Note {n}.")
    moderation_members.silence_member(
        moderator, target, until=utcnow() + timedelta(days=1), reason=f"Silence {n}."
    )
    moderation_members.lift_sanction(moderator, target, "silence", reason="Lifted.")
    moderation_members.warn_member(moderator, member, reason=f"Tone {n}.")
    moderation_words.add_watched_word(moderator, phrase=f"watchword {n}", action="flag")
    _commit()
    name = f"Ondine Farrow{n}"
    redacted = _answer(other, thread_id, f"About {name}, a patient of ours.")
    redaction.redact_post(admin, _post(redacted.id), phrases=[name])
    _commit()

    # The library: more resources (tagged, due for review; files and links), more versions
    # of the one shown. Staff lists: invitations (some accepted, some revoked), loose uploads.
    make_resource(
        t["education"], author=member, title=f"Round resource {n}", review_in_days=5 + n,
        tag_ids=(t["tag"].id, new_tag.id), data=upload_samples.pdf(f"Round resource {n}"),
        filename=f"round-{n}.pdf", link="https://www.nice.org.uk/guidance/ng12" if n % 2 else "",
    )  # fmt: skip
    _new_version(member, t["resource_id"], n + 2)
    invitation = _invitation(admin, f"round-{n}")[0]
    if n % 3 == 1:
        invitations.accept_invitation(invitation, display_name=f"Invitee {n}", password=PASSWORD)
    elif n % 3 == 2:
        invitations.revoke_invitation(admin, invitation)
    _commit()
    uploaded_file(other, f"loose-{n}.pdf", upload_samples.pdf(f"Loose file {n}"))
    site_pages.publish_page(admin, "privacy", f"# Who we are\n\nThe programme team, round {n}.")
    search_terms.create_group(admin, terms=f"roundterm{n}, round term {n}", note=f"Round {n}")
    vocabulary.refresh(db.session.connection())  # "did you mean" reads the words
    _commit()
    _commit()
    # Guidance to cite: another guideline, its round recommendation cited by the thread.
    citable_guideline(f"RND{n}", {"1.1": f"Round recommendation {n}"})
    _answer(other, thread_id, f"As [[RND{n} 1.1]] says, round {n}.")
    _commit()

    # The register: another guideline; another version of the one shown, changing one
    # recommendation, withdrawing none, adding one.
    _guideline(admin, f"RG{n}")
    ng12 = guideline_reads.get_guideline_or_404("NG12")
    rows = [guideline_register.RecommendationRow("1.1", f"Changed in round {n}", "changed",
                                                 f"Round {n} changed it."),
            guideline_register.RecommendationRow(f"{n + 2}.1", f"Added in round {n}")]  # fmt: skip
    guideline_register.record_version(moderator, ng12, date(2016 + n, 1, 1), f"Round {n}.", rows)
    _commit()
    _answers_to_review(world, other, n)
    # Another webhook, allowed this round's (restricted) category.
    webhook_endpoints.create_endpoint(
        admin, url=f"http://127.0.0.1:9/round-{n}", description=f"Round {n}",
        event_names=["post.created"], category_ids=[category.id],
    )  # fmt: skip
    _commit()
    _learning_entry(member, f"Round {n}: a webinar on sarcoma")


def _guideline(actor: User, code: str) -> None:
    """A guideline in its first version, with two recommendations."""
    details = guideline_register.Details(
        code, f"Guideline {code}", "NICE", f"https://www.nice.org.uk/guidance/{code.lower()}"
    )
    rows = guideline_register.rows_from_lines("1.1 Lung: referral\n1.2 Upper GI: endoscopy")
    guideline_register.create_guideline(
        actor, details, published_on=date(2015, 6, 23), recommendations=rows
    )
    _commit()


def _answers_to_review(world: World, other: User, n: int) -> None:
    """Two more accepted answers due a review: one whose cited guidance changed, one overdue."""
    t, author = world.things, world.people["author"]
    for due in ("changed", "overdue"):
        question = _question(other, t["home"], f"A question whose answer is {due} {n}", [])
        answer = _answer(author, question.id, f"An answer to review, {due} {n}")
        solutions.accept_solution(other, _thread(question.id), _post(answer.id))
        thread, post = _thread(question.id), _post(answer.id)
        if due == "changed":
            post.guidance_changed_at = thread.solution_guidance_changed_at = utcnow()
            post.guidance_note = f"NG12 1.3.{n} was changed in the version of 2 October 2026"
        else:
            thread.solution_review_due = utcnow() - timedelta(days=n + 1)
        _commit()


def grow(world: World) -> None:
    """Many more of everything every page lists, on the same objects the URLs point at."""
    for n in range(1, GROWTH + 1):
        add_round(world, n)
    t = world.things
    every_tag = db.session.scalars(select(Tag.id).order_by(Tag.id)).all()
    tags.set_thread_tags(
        world.people["member"], _thread(t["thread_id"]), every_tag[: tags.MAX_TAGS_PER_THREAD]
    )
    pledge.publish_pledge(world.people["admin"], "Version two: I will never identify a patient.")
    _commit()
    _accept_current_pledge(world)


# Measuring ---------------------------------------------------------------------------------


@dataclass
class Measure:
    status: int
    statements: list[str]
    error: str = ""
    size: int = 0
    #: Each statement that reads or changes rows, with its parameters, for its plan.
    sent: list[tuple[str, Any]] = field(default_factory=list)
    #: The statements that read a growing table in full, with those tables (the plans are
    #: asked for in the grown world only).
    full_scans: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


def _password_step(client: FlaskClient, user: User) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/login/2fa"


def _clients(app: Flask, world: World) -> dict[str, FlaskClient]:
    """A signed-in client per actor: staff with their second factor (a recovery code)."""
    clients = {actor: app.test_client() for actor in (*PEOPLE, ANONYMOUS, PENDING_2FA)}
    sign_in(clients[MEMBER], world.people[MEMBER])
    for actor in (ADMIN, MODERATOR, CATEGORY_MODERATOR):
        _password_step(clients[actor], world.people[actor])
        code = world.things["recovery_codes"][actor][0]
        assert clients[actor].post("/login/2fa", data={"code": code}).status_code == 302
    _password_step(clients[PENDING_2FA], world.people["pending"])
    return clients


def _measure(clients: dict[str, FlaskClient], world: World) -> dict[str, Measure]:
    results = {}
    for key, visit in PAGES.items():
        client, url = clients[visit.actor], visit.url.format(**world.ids)
        try:
            client.get(url)  # warm: per-process caches, read markers, the 2FA set-up secret
            counter = QueryCounter()
            event.listen(db.engine, "before_cursor_execute", counter)
            try:
                with statements_sent(db.engine) as sent:
                    response = client.get(url)
            finally:
                event.remove(db.engine, "before_cursor_execute", counter)
            results[key] = Measure(
                response.status_code,
                counter.statements,
                size=len(response.get_data()),
                sent=sent.sent,
            )
        except Exception as error:  # noqa: BLE001 - reported by the page's own test
            results[key] = Measure(0, [], f"{type(error).__name__}: {error}")
    return results


@pytest.fixture(scope="module")
def sweep(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Every page measured in the world as built, then in the grown world."""
    with app_on_empty_database(database_url) as app, pytest.MonkeyPatch.context() as patch:
        app.config["UPLOAD_FOLDER"] = str(tmp_path_factory.mktemp("uploads"))
        app.config["STAFF_2FA_REQUIRED"] = True  # as in production: staff pages pass its gate
        # The current pledge version is cached for 30 seconds: long enough to lapse between a
        # warm-up visit and the counted one now and then. Publishing a version forgets it.
        patch.setattr("forum.web.gates.PLEDGE_CACHE_SECONDS", 3600)
        app.config["SITE_SETTINGS_CACHE_SECONDS"] = 3600  # the same for the site settings
        world = build_world()
        clients = _clients(app, world)
        before = _measure(clients, world)
        grow(world)
        after = _measure(clients, world)
        _explain(after)
        yield {"before": before, "after": after, "world": world}


def _explain(measures: dict[str, Measure]) -> None:
    """Ask the database for the plan of every statement the pages sent."""
    with db.engine.connect() as connection:
        for measure in measures.values():
            for statement, parameters in measure.sent:
                if tables := full_scans(connection, statement, parameters):
                    measure.full_scans.append((statement, tables))


def _shape(statement: str) -> str:
    return re.sub(r"\s+", " ", statement).strip()[:300]


@pytest.mark.parametrize("key", list(PAGES))
def test_the_page_runs_the_same_statements_however_much_it_shows(sweep: dict, key: str) -> None:
    before, after, visit = sweep["before"][key], sweep["after"][key], PAGES[key]
    assert not before.error, before.error
    assert not after.error, after.error
    url = visit.url.format(**sweep["world"].ids)
    assert (before.status, after.status) == (visit.status, visit.status), url
    if not visit.fixed:  # the growth reached the page: it shows more
        assert after.size > before.size, f"{url}: the grown world shows nothing more"
    if after.count != before.count - visit.saved_by_growth:
        diff = "\n".join(
            difflib.unified_diff(
                [_shape(s) for s in before.statements],
                [_shape(s) for s in after.statements],
                "before growth",
                "after growth",
                lineterm="",
            )
        )
        pytest.fail(f"{url}: {before.count} statements before growth, {after.count} after:\n{diff}")


@pytest.mark.parametrize("key", list(PAGES))
def test_the_page_reads_no_growing_table_in_full(sweep: dict, key: str) -> None:
    """Every list reads index ranges (``tests/query_plans.py``): a page that read all the
    posts, threads, members or log entries would slow down with every one the forum stores,
    however few statements it sent."""
    after = sweep["after"][key]
    assert not after.error, after.error
    allowed = FULL_READS.get(key, {})
    unexpected = [
        (sql, [t for t in tables if t not in allowed]) for sql, tables in after.full_scans
    ]
    unexpected = [(sql, tables) for sql, tables in unexpected if tables]
    assert not unexpected, describe(unexpected)
