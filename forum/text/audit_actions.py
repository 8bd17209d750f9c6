"""The audit log in plain English: a name for every action code, and changes as label/value pairs.

Every code passed to ``forum.services.audit.record`` has a name here
(``tests/test_audit_actions.py`` scans the source to make sure); a code that is not here
(an entry written by an older version) is humanised instead, never an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Action code -> what the person did, as a sentence without its subject.
ACTION_NAMES: dict[str, str] = {
    # Signing in and account security
    "auth.sign_in": "Signed in",
    "auth.sign_in_failed": "Failed to sign in",
    "auth.password_accepted": "Entered the right password (two-factor code next)",
    "auth.2fa_failed": "Entered a wrong two-factor code",
    "auth.sign_out_everywhere": "Signed out on every device",
    "feeds.new_address": "Made a new private feed address",
    "feeds.withdraw_address": "Withdrew their private feed address",
    "auth.password_change": "Changed their password",
    "auth.password_set": "Chose a first password",
    "auth.password_reset": "Reset their password by email link",
    "auth.password_removed": "Removed their forum password (signs in with an organisation account)",
    "identity.link": "Linked an organisation account",
    "identity.unlink": "Unlinked an organisation account",
    "2fa.enable": "Set up two-factor sign-in",
    "2fa.replace": "Replaced their two-factor authenticator",
    "2fa.disable": "Turned off two-factor sign-in",
    "2fa.recovery_codes_replaced": "Made new two-factor recovery codes",
    "2fa.reset_by_staff": "Reset a member’s two-factor sign-in",
    "token.create": "Made a personal access token for the API",
    "token.revoke": "Revoked a personal access token",
    # A member's own account
    "account.email_change_requested": "Asked to change their email address",
    "account.email_changed": "Confirmed a new email address",
    "account.export": "Downloaded their data",
    "account.delete": "Deleted an account",
    "audit.names_forgotten": "Removed a deleted member’s name from the log",
    "member.profile_edit": "Edited a member’s profile",
    # Joining
    "user.create": "Created an account",
    "invitation.create": "Invited someone",
    "invitation.resend": "Sent an invitation again",
    "invitation.revoke": "Withdrew an invitation",
    "invitation.accept": "Accepted an invitation",
    "join_request.approve": "Approved a request to join",
    "join_request.reject": "Turned down a request to join",
    "pledge.publish": "Published a new version of the pledge",
    # Staff action on members
    "member.warn": "Warned a member",
    "member.silence": "Silenced a member",
    "member.suspend": "Suspended a member",
    "member.ban": "Banned a member",
    "member.lift_silence": "Lifted a member’s silence",
    "member.lift_suspension": "Lifted a member’s suspension",
    "member.lift_ban": "Lifted a member’s ban",
    "member.note": "Added a staff note about a member",
    "member.role_change": "Changed a member’s role",
    "member.category_moderator": "Changed the categories a member moderates",
    "member.deactivate": "Deactivated an account",
    "member.reactivate": "Reactivated an account",
    "member.purge_posts": "Deleted all of a member’s posts",
    # Posts
    "post.hide": "Hid a post",
    "post.hide_pending_review": "Hid a post reported as identifying a patient",
    "post.restore": "Restored a post",
    "post.delete": "Deleted a post",
    "post.purge": "Permanently removed a post",
    "post.staff_edit": "Edited someone else’s post",
    "post.redact": "Redacted identifying details from a post",
    "confidentiality.clear": "Cleared a post in a confidentiality check",
    "confidentiality.hold": "Held a post for a confidentiality check (identifiers together)",
    "confidentiality.release": "Published a post after its confidentiality check",
    # The review queue
    "queue.flag.hidden": "Hid a post after a report",
    "queue.flag.deleted": "Deleted a post after a report",
    "queue.flag.edited": "Edited a post after a report",
    "queue.flag.warned": "Warned a post’s author after a report",
    "queue.flag.dismissed": "Dismissed the reports on a post",
    "queue.held.approved": "Approved a held post",
    "queue.held.rejected": "Rejected a held post",
    # Threads
    "thread.lock": "Locked a thread",
    "thread.unlock": "Unlocked a thread",
    "thread.pin": "Pinned a thread",
    "thread.unpin": "Unpinned a thread",
    "thread.rename": "Renamed a thread",
    "thread.move": "Moved a thread to another category",
    "thread.merge": "Merged threads",
    "thread.split": "Split replies into a new thread",
    "thread.accept_solution": "Chose the answer to a question for its asker",
    "thread.clear_solution": "Cleared the answer to a question for its asker",
    # Accepted answers and the guidance they cite
    "guidance.version_applied": "Marked the posts citing guidance a new version changed",
    "answer.still_correct": "Confirmed an accepted answer is still correct",
    "answer.superseded": "Marked an accepted answer as superseded by a newer post",
    "answer.withdrawn": "Withdrew an accepted answer",
    "thread.verify_answer": "Marked an accepted answer as checked by a clinical lead",
    "thread.unverify_answer": "Removed the clinical lead's check from an accepted answer",
    # Categories, tags and groups
    "category.create": "Created a category",
    "category.update": "Changed a category",
    "category.move": "Moved a category in the list",
    "category.archive": "Archived a category",
    "category.unarchive": "Brought a category back from the archive",
    "category.delete": "Deleted a category",
    "category.threads_move": "Moved every thread into another category",
    "category.group_access": "Changed a group’s access to a category",
    "tag.create": "Created a tag",
    "tag.update": "Changed a tag",
    "tag.delete": "Deleted a tag",
    "group.create": "Created a group",
    "group.update": "Changed a group",
    "group.delete": "Deleted a group",
    "group.add_members": "Added members to a group",
    "group.remove_member": "Removed a member from a group",
    # Watched words, the library and the site
    "watched_word.add": "Added a watched word",
    "watched_word.change": "Changed a watched word",
    "watched_word.remove": "Removed a watched word",
    "resource.review": "Checked a library resource is current",
    "site.settings": "Changed the site’s settings",
    "site.page.publish": "Published a new version of a site page",
    "mail.retry_failed": "Queued failed email to send again",
    # The guideline register
    "guideline.create": "Added a guideline to the register",
    "guideline.update": "Changed a guideline’s details in the register",
    "guideline.version": "Recorded a new version of a guideline",
    # Webhooks
    "webhook.create": "Registered a webhook",
    "webhook.update": "Changed a webhook",
    "webhook.rotate_secret": "Made a new signing secret for a webhook",
    "webhook.enable": "Turned a webhook on",
    "webhook.disable": "Turned a webhook off",
    "webhook.delete": "Deleted a webhook",
    "webhook.resend": "Sent a webhook delivery again",
    "webhook.test": "Sent a webhook a test event",
    # The search thesaurus
    "search_terms.create": "Added a group of search terms",
    "search_terms.update": "Changed a group of search terms",
    "search_terms.delete": "Removed a group of search terms",
    "search_terms.seed": "Added the standard groups of search terms",
}

_SEPARATORS = re.compile(r"[._]+")
_ABBREVIATIONS = {"2fa": "two-factor", "id": "ID", "ids": "IDs", "ip": "IP", "url": "URL"}


def humanise(code: str) -> str:
    """``"watched_word.add"`` -> ``"Watched word add"``: a readable fallback for any code."""
    words = [_ABBREVIATIONS.get(w.lower(), w) for w in _SEPARATORS.split(code.strip()) if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else "Unknown action"


def action_name(code: str) -> str:
    """The plain-English name of an action code (humanised when the code is unknown)."""
    return ACTION_NAMES.get(code) or humanise(code)


def action_choices(codes: list[str]) -> list[tuple[str, str]]:
    """``(code, name)`` pairs for a filter's options, in the order of their names."""
    return sorted(((code, action_name(code)) for code in codes), key=lambda p: p[1].lower())


@dataclass(frozen=True)
class Change:
    """One field of an entry's before/after snapshot, as text."""

    label: str
    before: str | None  # None: the entry has no "before" for this field
    after: str | None


def show_value(value: Any) -> str:
    """A snapshot value as a person would write it."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, list | tuple):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[Change]:
    """The fields of the two snapshots side by side, in the order they were written."""
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [
        Change(
            humanise(key),
            show_value(before[key]) if key in before else None,
            show_value(after[key]) if key in after else None,
        )
        for key in keys
    ]
