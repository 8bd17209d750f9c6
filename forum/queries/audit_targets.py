"""What each audit entry was about, by name: "#12 in “Thread title”", a member, a category.

Entries keep only a target's type and id (``forum.services.audit.record``), so a page of
entries is named here with one query per type of target on it. A target that no longer
exists is named from the entry's own snapshot when it has one ("Tag “Lung”, since deleted").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Integer, Select, String, literal, select, union_all

from forum.extensions import db
from forum.models import (
    AuditEntry,
    Category,
    Group,
    Guideline,
    Invitation,
    JoinRequest,
    Post,
    Resource,
    Tag,
    Thread,
    User,
    WatchedWord,
    WebhookDelivery,
    WebhookEndpoint,
)
from forum.text.former_members import FORMER_MEMBER


@dataclass(frozen=True)
class AuditTarget:
    """A target as the log shows it; ``endpoint`` and ``values`` make its link, if any."""

    kind: str
    label: str
    endpoint: str = ""
    values: tuple[tuple[str, Any], ...] = ()
    #: The page linked to is for admins only (moderators see the name without a link).
    admin_only: bool = False
    #: The thing is gone (deleted, purged, or the member anonymised).
    gone: bool = False
    note: str = ""

    @property
    def link_values(self) -> dict[str, Any]:
        return dict(self.values)


Key = tuple[str, int]


def _quoted(text: str) -> str:
    return f"“{text}”"


@dataclass(frozen=True)
class _Row:
    """One target as the union reads it: two texts, a number and a flag, by kind."""

    kind: str
    id: int
    text: str
    extra: str
    number: int
    flag: bool


def _part(kind: str, ids: set[int], id_col: Any, text: Any, extra: Any = "", number: Any = 0,
          flag: Any = False) -> Select[Any]:  # fmt: skip
    columns = [
        literal(kind, String).label("kind"),
        id_col.label("id"),
        (text if not isinstance(text, str) else literal(text, String)).label("text"),
        (extra if not isinstance(extra, str) else literal(extra, String)).label("extra"),
        (number if not isinstance(number, int) else literal(number, Integer)).label("number"),
        (flag if not isinstance(flag, bool) else literal(flag, Boolean)).label("flag"),
    ]
    return select(*columns).where(id_col.in_(ids))


#: Target type as ``audit.record`` writes it (the class name, lower case) -> its part of the
#: one statement. ``localproxy``: entries from before the fix for flask-login's proxy, which
#: were always about the signed-in member.
PARTS: dict[str, Callable[[set[int]], Select[Any]]] = {
    "post": lambda ids: _part(
        "post", ids, Post.id, Thread.title, "", Post.post_number, Post.deleted_at.is_not(None)
    ).join_from(Post, Thread, Thread.id == Post.thread_id),
    "thread": lambda ids: _part(
        "thread", ids, Thread.id, Thread.title, flag=Thread.deleted_at.is_not(None)
    ),
    "user": lambda ids: _part(
        "user", ids, User.id, User.display_name, flag=User.anonymised_at.is_not(None)
    ),
    "category": lambda ids: _part(
        "category",
        ids,
        Category.id,
        Category.name,
        Category.slug,
        flag=Category.archived_at.is_not(None),
    ),  # fmt: skip
    "tag": lambda ids: _part("tag", ids, Tag.id, Tag.name, Tag.slug),
    "group": lambda ids: _part("group", ids, Group.id, Group.name, Group.handle),
    "watchedword": lambda ids: _part("watchedword", ids, WatchedWord.id, WatchedWord.phrase),
    "resource": lambda ids: _part("resource", ids, Resource.id, Resource.title),
    "invitation": lambda ids: _part(
        "invitation", ids, Invitation.id, Invitation.display_name, Invitation.email
    ),
    "joinrequest": lambda ids: _part("joinrequest", ids, JoinRequest.id, JoinRequest.display_name),
    "guideline": lambda ids: _part("guideline", ids, Guideline.id, Guideline.title, Guideline.code),
    "webhookendpoint": lambda ids: _part(
        "webhookendpoint", ids, WebhookEndpoint.id, WebhookEndpoint.url, number=WebhookEndpoint.id
    ),
    "webhookdelivery": lambda ids: _part(
        "webhookdelivery",
        ids,
        WebhookDelivery.id,
        WebhookDelivery.message_id,
        WebhookDelivery.event,
        WebhookDelivery.endpoint_id,
    ),  # fmt: skip
}
#: Types stored under another name: read as the type they stand for.
ALIASES = {"localproxy": "user"}


def _post(row: _Row) -> AuditTarget:
    label = f"Post #{row.number} in {_quoted(row.text)}"
    values = (("post_id", row.id),)
    return AuditTarget("post", label, "mod_posts.show", values, note="deleted" if row.flag else "")


def _thread(row: _Row) -> AuditTarget:
    label, values = f"Thread {_quoted(row.text)}", (("thread_id", row.id),)
    note = "deleted" if row.flag else ""
    return AuditTarget("thread", label, "mod_threads.show", values, note=note)


def _member(row: _Row) -> AuditTarget:
    if row.flag:
        return AuditTarget("member", FORMER_MEMBER, gone=True)
    return AuditTarget("member", row.text, "mod_members.show", (("user_id", row.id),))


def _category(row: _Row) -> AuditTarget:
    label, values = f"Category {_quoted(row.text)}", (("slug", row.extra),)
    note = "archived" if row.flag else ""
    return AuditTarget("category", label, "categories.show", values, note=note)


#: How each kind of row becomes a target.
BUILDERS: dict[str, Callable[[_Row], AuditTarget]] = {
    "post": _post,
    "thread": _thread,
    "user": _member,
    "category": _category,
    "tag": lambda r: AuditTarget(
        "tag", f"Tag {_quoted(r.text)}", "lists.tag", (("slug", r.extra),)
    ),
    "group": lambda r: AuditTarget(
        "group", f"Group {_quoted(r.text)}", "groups.show", (("handle", r.extra),)
    ),
    "watchedword": lambda r: AuditTarget(
        "word", f"Watched word {_quoted(r.text)}", "mod_words.index"
    ),
    "resource": lambda r: AuditTarget(
        "resource", f"Library: {_quoted(r.text)}", "library.show", (("resource_id", r.id),)
    ),
    "invitation": lambda r: AuditTarget(
        "invitation",
        f"Invitation for {r.text or r.extra}",
        "admin.invitations_list",
        admin_only=True,
    ),  # fmt: skip
    "joinrequest": lambda r: AuditTarget(
        "join_request",
        f"Request to join from {r.text}",
        "admin.join_requests_list",
        admin_only=True,
    ),  # fmt: skip
    "guideline": lambda r: AuditTarget(
        "guideline", f"Guideline {r.extra}", "guidelines.show", (("code", r.extra),)
    ),
    "webhookendpoint": lambda r: AuditTarget(
        "webhook",
        f"Webhook to {r.text}",
        "admin_webhooks.show",
        (("endpoint_id", r.number),),
        admin_only=True,
    ),  # fmt: skip
    "webhookdelivery": lambda r: AuditTarget(
        "webhook_delivery",
        f"Webhook delivery {r.text} ({r.extra})",
        "admin_webhooks.show",
        (("endpoint_id", r.number),),
        admin_only=True,
    ),  # fmt: skip
}


def _found(wanted: Mapping[str, set[int]]) -> dict[Key, AuditTarget]:
    """The wanted targets that still exist, read in one statement."""
    parts = [PARTS[kind](ids) for kind, ids in wanted.items() if ids]
    if not parts:
        return {}
    stmt = parts[0] if len(parts) == 1 else union_all(*parts)
    rows = (_Row(*row) for row in db.session.execute(stmt))
    return {(row.kind, row.id): BUILDERS[row.kind](row) for row in rows}


_GONE_LABELS = {
    "post": "A post",
    "thread": "A thread",
    "category": "Category",
    "tag": "Tag",
    "group": "Group",
    "watchedword": "Watched word",
    "resource": "Library resource",
    "invitation": "An invitation",
    "joinrequest": "A request to join",
    "guideline": "Guideline",
    "webhookendpoint": "A webhook",
    "webhookdelivery": "A webhook delivery",
}
_NAME_KEYS = ("name", "title", "phrase", "display_name")


def _snapshot_name(entry: AuditEntry) -> str:
    for snapshot in (entry.before or {}, entry.after or {}):
        for key in _NAME_KEYS:
            if isinstance(snapshot.get(key), str) and snapshot[key]:
                return snapshot[key]
    return ""


def _gone(entry: AuditEntry) -> AuditTarget:
    """A target whose row is gone, named from the entry's snapshot when it can be."""
    if entry.target_type in ("user", "localproxy"):
        return AuditTarget("member", FORMER_MEMBER, gone=True)
    base = _GONE_LABELS.get(entry.target_type, entry.target_type.replace("_", " ").capitalize())
    name = _snapshot_name(entry)
    label = f"{base} {_quoted(name)}" if name else base
    return AuditTarget(entry.target_type, label, gone=True, note="no longer exists")


def _untargeted(entry: AuditEntry) -> AuditTarget | None:
    """Entries about the site rather than a row: its settings, pages, pledge and mail."""
    after = entry.after or {}
    if entry.action == "site.settings":
        return AuditTarget("settings", "Site settings", "admin_settings.index", admin_only=True)
    if entry.action == "site.page.publish" and isinstance(after.get("page"), str):
        page = after["page"]
        label = f"The {page} page, version {after.get('version', '?')}"
        return AuditTarget("page", label, "admin_settings.page", (("page", page),), True)
    if entry.action == "pledge.publish":
        label = f"The pledge, version {after.get('version', '?')}"
        return AuditTarget("pledge", label, "admin_members.pledge", admin_only=True)
    if entry.action == "webhook.delete":
        url = (entry.before or {}).get("url", "")
        return AuditTarget("webhook", f"Webhook to {url}", gone=True, note="deleted")
    if entry.action == "mail.retry_failed":
        count = after.get("messages", 0)
        return AuditTarget("mail", f"{count} failed email{'' if count == 1 else 's'}")
    return None


def targets_named(entries: Iterable[AuditEntry]) -> dict[int, AuditTarget | None]:
    """Entry id -> its target, named (one statement for all the targets of ``entries``)."""
    entries = list(entries)
    wanted: defaultdict[str, set[int]] = defaultdict(set)
    for entry in entries:
        kind = ALIASES.get(entry.target_type, entry.target_type)
        if kind in PARTS and entry.target_id is not None:
            wanted[kind].add(entry.target_id)
    found = _found(wanted)
    return {entry.id: _target(entry, found) for entry in entries}


def _target(entry: AuditEntry, found: Mapping[Key, AuditTarget]) -> AuditTarget | None:
    kind = ALIASES.get(entry.target_type, entry.target_type)
    if kind == "auditentry":  # forgetting a deleted member's name in the log
        return AuditTarget("entry", "A deleted member’s entries in this log")
    if kind in PARTS and entry.target_id is not None:
        return found.get((kind, entry.target_id)) or _gone(entry)
    if entry.target_type:
        return AuditTarget(entry.target_type, _GONE_LABELS.get(entry.target_type, "Something"))
    return _untargeted(entry)
