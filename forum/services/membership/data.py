"""The member's own data: download it all as a zip, or delete the account.

Deleting anonymises: the account row stays (so posts keep their place and staff can still
purge them), but everything that identifies the person is removed and the posts show
"Former member".
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, select, update

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import (
    Invitation,
    JoinRequest,
    PledgeAcceptance,
    Post,
    PostRevision,
    RecoveryCode,
    Thread,
    User,
    utcnow,
)
from forum.policy import Actor, can_manage_own_account, require
from forum.services import audit
from forum.services.groups import members as group_members
from forum.services.membership import api_tokens, leaving
from forum.services.membership.passwords import verify_password
from forum.text.former_members import FORMER_MEMBER, former_address

PROFILE_COLUMNS = (
    "id", "email", "username", "display_name", "role", "job_title", "organisation", "alliance",
    "bio", "interests", "gmc_number",
    "post_count", "created_at", "last_seen_at", "email_verified_at",
)  # fmt: skip
#: Tables of other features whose rows with ``user_id`` = the member are theirs to download.
OWN_ROW_TABLES = {
    "reactions": ("post_reactions", "reactions"),
    "notifications": ("notifications",),
    "settings": ("notification_settings", "notification_preferences", "user_settings"),
    "subscriptions": (
        "thread_subscriptions",
        "subscriptions",
        "category_subscriptions",
        "tag_subscriptions",
    ),
    "bookmarks": ("bookmarks",),
    "drafts": ("drafts",),
    "groups": ("group_members",),
    "learning_log": ("learning_entries",),
    "organisation_accounts": ("linked_identities",),
}
#: Columns never exported, whatever table they are in.
SECRET_COLUMNS = {"password_hash", "totp_secret", "code_hash", "token_hash", "secret"}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _profile(user: User) -> dict[str, Any]:
    data = {name: _plain(getattr(user, name)) for name in PROFILE_COLUMNS}
    data["two_factor_enabled"] = user.has_two_factor
    data["pledge_version_accepted"] = user.pledge_version
    return data


def _posts(user: User) -> list[dict[str, Any]]:
    stmt = (
        select(Post, Thread.title)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == user.id)
        .order_by(Post.created_at)
    )
    rows = db.session.execute(stmt).all()
    revisions = _revisions([post.id for post, _ in rows])
    return [
        {
            "id": post.id,
            "thread_id": post.thread_id,
            "thread_title": title,
            "post_number": post.post_number,
            "created_at": _plain(post.created_at),
            "edited_at": _plain(post.edited_at),
            "deleted_at": _plain(post.deleted_at),
            "body": post.body_source,
            "revisions": revisions.get(post.id, []),
        }
        for post, title in rows
    ]


def _revisions(post_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    if not post_ids:
        return found
    stmt = (
        select(PostRevision)
        .where(PostRevision.post_id.in_(post_ids))
        .order_by(PostRevision.revision_number)
    )
    for rev in db.session.scalars(stmt):
        found.setdefault(rev.post_id, []).append(
            {
                "revision": rev.revision_number,
                "body": rev.body_source,
                "edited_by": rev.editor_name,
                "reason": rev.reason,
                "created_at": _plain(rev.created_at),
            }
        )
    return found


def _pledges(user: User) -> list[dict[str, Any]]:
    stmt = select(PledgeAcceptance).where(PledgeAcceptance.user_id == user.id)
    return [
        {"version": p.version, "accepted_at": _plain(p.accepted_at)}
        for p in db.session.scalars(stmt.order_by(PledgeAcceptance.version))
    ]


def _own_rows(table: Table, user: User) -> list[dict[str, Any]]:
    stmt = select(table).where(table.c.user_id == user.id)
    return [
        {k: _plain(v) for k, v in row.items() if k not in SECRET_COLUMNS}
        for row in db.session.execute(stmt).mappings()
    ]


def _other_features(user: User) -> dict[str, list[dict[str, Any]]]:
    tables = db.metadata.tables
    sections: dict[str, list[dict[str, Any]]] = {}
    for section, names in OWN_ROW_TABLES.items():
        rows: list[dict[str, Any]] = []
        for name in names:
            if name in tables and "user_id" in tables[name].c:
                rows += _own_rows(tables[name], user)
        sections[section] = rows
    return sections


def export_member_data(actor: Actor, user: User) -> bytes:
    """A zip of JSON files: profile, posts with their revisions, and the member's own rows."""
    require(can_manage_own_account(actor, user))
    files: dict[str, Any] = {
        "profile": _profile(user),
        "posts": _posts(user),
        "pledge_acceptances": _pledges(user),
        **_other_features(user),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(f"{name}.json", json.dumps(content, indent=2, ensure_ascii=False))
        archive.writestr("README.txt", _README.format(when=utcnow().isoformat(timespec="seconds")))
    audit.record(actor, "account.export", target=user)
    return buffer.getvalue()


_README = """Your data from the forum, exported {when} (UTC).

profile.json             your profile and account settings
posts.json               every post you wrote, with its earlier versions
pledge_acceptances.json  when you accepted each version of the confidentiality pledge
learning_log.json        your learning log: every entry and reflection
the other files          your reactions, notifications, settings, subscriptions and groups
"""


def delete_own_account(actor: Actor, user: User, *, password: str) -> None:
    """Anonymise the account after checking the password; posts stay as "Former member"."""
    require(can_manage_own_account(actor, user))
    if not verify_password(user.password_hash, password):
        raise ServiceError("Your password is not right.", "password")
    who = leaving.identity_record(user)
    anonymise(user)
    audit.record(None, leaving.DELETED, target=user, actor_name=FORMER_MEMBER, before=who)


def anonymise(user: User) -> None:
    """Forget who the member was: every readable copy of their name, then the account."""
    now = utcnow()
    leaving.forget_member(user)
    _forget_invitations(user)
    group_members.leave_every_group(user)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.email = former_address(user.id)
    user.username, user.display_name = f"former_{user.id}", FORMER_MEMBER
    for name in ("job_title", "organisation", "alliance", "bio", "interests", "gmc_number"):
        setattr(user, name, "")
    user.password_hash = user.totp_secret = user.totp_enabled_at = None
    user.linked_identity_count = 0  # the links went with the member's own rows
    user.anonymised_at = user.deactivated_at = now
    user.session_version += 1
    api_tokens.revoke_all(user)
    db.session.flush()


def _forget_invitations(user: User) -> None:
    """Join requests and invitations held the person's name and address: scrub them."""
    for model in (JoinRequest, Invitation):
        db.session.execute(
            update(model)
            .where((model.user_id == user.id) | (model.email == user.email))
            .values(email=former_address(user.id), display_name=FORMER_MEMBER)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(JoinRequest)
        .where(JoinRequest.user_id == user.id)
        .values(job_title="", organisation="", gmc_number="", reason="")
        .execution_options(synchronize_session=False)
    )
