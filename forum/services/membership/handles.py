"""Members' handles (``User.username``, what ``@handle`` mentions): the rules a chosen handle
must meet, and mentions that follow a member who changes theirs.

A handle changes like Discourse's usernames: mentions of the old handle in posts and titles
are rewritten to the new one and the posts re-rendered, so every earlier mention still links
to the member and the old handle is free for anyone (nothing else keeps it).
Why: docs/answers.md#handles
"""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select

from forum.errors import ServiceError
from forum.extensions import db
from forum.models import Draft, Group, Post, Thread, User
from forum.services.guidance import citations as cited
from forum.text import markup
from forum.text.slugs import slugify

#: 2 to 30 letters, digits, dots, hyphens or underscores; a dot only between two of the others.
HANDLE = re.compile(rf"{markup.USERNAME_PATTERN}")
HANDLE_RULE = (
    "Use 2 to 30 letters, digits, dots, hyphens or underscores for your handle, starting with "
    "a letter or digit and not ending with a dot (for example asha.patel)."
)
#: Handles people might mistake for staff or the system, or that the forum writes itself.
RESERVED_HANDLES = frozenset(
    {
        "admin", "administrator", "moderator", "moderators", "staff", "system", "support",
        "forum", "all", "everyone", "here", "members", markup.FORMER_MEMBER_HANDLE,
    }
)  # fmt: skip


def is_reserved(handle: str) -> bool:
    return handle in RESERVED_HANDLES or handle.startswith("former_")


def check_handle(user: User, handle: str) -> str:
    """The handle ``user`` chose, lower-cased; ``ServiceError`` on the ``username`` field if
    it breaks a rule, is reserved, or is another member's or a group's."""
    handle = handle.strip().lstrip("@").lower()
    if not HANDLE.fullmatch(handle):
        raise ServiceError(HANDLE_RULE, "username")
    if handle == user.username:
        return handle
    if is_reserved(handle):
        raise ServiceError(f"“{handle}” is reserved: choose another handle.", "username")
    taken = select(func.count()).where(User.username == handle, User.id != user.id)
    if db.session.scalar(taken):
        raise ServiceError(f"“{handle}” is taken by another member: choose another.", "username")
    if db.session.scalar(select(Group.id).where(Group.handle == handle)) is not None:
        raise ServiceError(f"A group has that name (@{handle}): choose another handle.", "username")
    return handle


def _mention(handle: str) -> re.Pattern[str]:
    # As the pipeline's rule: not in an address or a longer handle ("@asha" is not in
    # "@asha.patel"); "\@" (not a mention) is rewritten too, harmlessly.
    before = r"(?<![\w.+!#$%&'*/=?^`{|}~@-])"
    return re.compile(rf"{before}@{re.escape(handle)}(?![\w@-]|\.[\w-])", re.IGNORECASE)


def _profile_link(handle: str) -> re.Pattern[str]:
    return re.compile(rf"/u/{re.escape(handle)}(?![\w-]|\.[\w-])", re.IGNORECASE)


def _renamed(text: str, old: str, new: str) -> str:
    text = _mention(old).sub(f"@{new}", text)
    return _profile_link(old).sub(f"/u/{new}", text)


def follow_handle_change(old: str, new: str) -> int:
    """Rewrite mentions of ``@old`` (and links to ``/u/old``) in posts, thread titles and
    drafts to ``new``, re-rendering the posts; returns how many posts and titles changed."""
    if old == new:
        return 0
    needles = (f"%@{old}%", f"%/u/{old}%")
    lowered = func.lower(Post.body_source)
    posts = db.session.scalars(select(Post).where(or_(*(lowered.like(n) for n in needles)))).all()
    rewritten = []
    for post in posts:
        source = _renamed(post.body_source, old, new)
        if source != post.body_source:
            post.body_source = source
            rewritten.append(post)
    cited.render_again(rewritten)  # citing the versions the posts recorded
    changed = len(rewritten)
    title = func.lower(Thread.title)
    for thread in db.session.scalars(select(Thread).where(title.like(f"%@{old}%"))):
        renamed = _renamed(thread.title, old, new)[:200]
        if renamed != thread.title:
            thread.title, thread.slug = renamed, slugify(renamed)
            changed += 1
    drafts = db.session.scalars(select(Draft).where(func.lower(Draft.body).like(f"%@{old}%")))
    for draft in drafts:  # what others are still writing mentions the member too
        draft.body = _renamed(draft.body, old, new)
    db.session.flush()
    return changed
