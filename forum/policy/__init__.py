"""The one permission policy. Pure functions, deny by default.

Views and templates call ``can_*`` to decide what to show; services call ``require`` before
changing anything. ``visible_*_clause`` express the same read rules in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, or_, true
from werkzeug.exceptions import Forbidden

from forum.models import Attachment, Category, Post, Resource, Role, Thread


class Actor(Protocol):
    id: Any
    role: str

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...


class AnonymousActor:
    """Nobody signed in: may do nothing."""

    id = None
    role = ""
    username = ""
    display_name = "Guest"
    is_authenticated = False
    is_active = False
    is_anonymous = True
    is_staff = False

    def get_id(self) -> None:
        return None


class SystemActor:
    """The command line and background jobs, acting with admin rights."""

    id = None
    role = Role.ADMIN
    username = "system"
    display_name = "System"
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = True


ANONYMOUS = AnonymousActor()
SYSTEM = SystemActor()


@dataclass(frozen=True, slots=True)
class ActorSnapshot:
    """What the policy reads of an actor, read once.

    A thread page asks a few hundred questions about one reader; on the live ``User`` each
    one re-reads instrumented columns and recomputes ``is_active``. A snapshot taken at the
    start of the request gives the same answers from plain attributes. Take it for reading
    only: after a change to the member, take a new one.
    """

    id: Any
    role: str
    is_authenticated: bool
    is_active: bool
    moderated_category_ids: frozenset[int]
    silenced_until: datetime | None

    @classmethod
    def of(cls, actor: Actor) -> ActorSnapshot:
        return cls(
            id=actor.id,
            role=actor.role,
            is_authenticated=bool(actor.is_authenticated),
            is_active=bool(actor.is_active),
            moderated_category_ids=moderated_category_ids(actor),
            silenced_until=getattr(actor, "silenced_until", None),
        )


#: The actor's id in statements built once per ``visibility_shape``.
ACTOR_ID: BindParameter[Any] = bindparam("actor_id")


def visibility_shape(actor: Actor) -> ActorSnapshot:
    """What the ``visible_*_clause`` functions read of ``actor``, with their id replaced by
    the bound parameter ``actor_id``.

    Readers of one role who moderate the same categories share a shape, so a statement built
    from it can be kept and run with ``{"actor_id": actor.id}``: building a statement and its
    cache key costs more than running it.
    """
    snapshot = actor if isinstance(actor, ActorSnapshot) else ActorSnapshot.of(actor)
    shared_id = None if snapshot.id is None else ACTOR_ID
    return replace(snapshot, id=shared_id, silenced_until=None)


def require(allowed: bool) -> None:
    """Raise 403 unless ``allowed``."""
    if not allowed:
        raise Forbidden("You do not have permission to do that.")


def is_member(actor: Actor) -> bool:
    return bool(actor.is_authenticated and actor.is_active)


def is_staff(actor: Actor) -> bool:
    return is_member(actor) and actor.role in (Role.MODERATOR, Role.ADMIN)


def is_admin(actor: Actor) -> bool:
    return is_member(actor) and actor.role == Role.ADMIN


# Reading ---------------------------------------------------------------------------------


def can_view_category(actor: Actor, category: Category) -> bool:
    if not is_member(actor):
        return False
    return not category.is_staff_only or is_staff(actor)


def can_view_thread(actor: Actor, thread: Thread) -> bool:
    if thread.deleted_at is not None or not can_view_category(actor, thread.category):
        return False
    # Opening post hidden or awaiting approval: its author and moderators only.
    if thread.hidden_at is not None:
        is_author = thread.author_id is not None and thread.author_id == actor.id
        return is_author or can_moderate(actor, thread.category)
    return True


def visible_categories_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL filter on ``Category`` matching ``can_view_category``."""
    if not is_member(actor):
        return Category.id.is_(None)
    if is_staff(actor):
        return true()
    return Category.is_staff_only.is_(False)


def visible_threads_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL filter for a query joined to ``Category``, matching ``can_view_thread``."""
    return and_(visible_categories_clause(actor), visible_thread_state_clause(actor))


# Writing ---------------------------------------------------------------------------------


def can_create_thread(actor: Actor, category: Category) -> bool:
    return can_view_category(actor, category) and can_post(actor)


def can_reply(actor: Actor, thread: Thread) -> bool:
    if not can_view_thread(actor, thread) or not can_post(actor):
        return False
    if thread.is_locked or thread.hidden_at is not None:
        return can_moderate(actor, thread.category)
    return True


def _is_author(actor: Actor, post: Post) -> bool:
    return post.author_id is not None and post.author_id == actor.id


def can_edit_post(actor: Actor, post: Post, *, now: datetime | None = None) -> bool:
    if not can_view_thread(actor, post.thread) or post.is_deleted:
        return False
    if can_moderate(actor, post.thread.category):
        return True
    if post.hidden_at is not None or not can_post(actor, now=now):
        return False  # hidden: moderators decide; silenced: cannot write
    return _is_author(actor, post) and not post.thread.is_locked


def can_delete_post(actor: Actor, post: Post) -> bool:
    thread = post.thread
    if not can_view_thread(actor, thread) or post.is_deleted:
        return False
    if can_moderate(actor, thread.category):
        return True
    if post.post_number == 1 and thread.reply_count > 0:
        return False  # the replies would lose their question
    return _is_author(actor, post) and not thread.is_locked


# Membership and staff pages ----------------------------------------------------------------


def can_view_staff_pages(actor: Actor) -> bool:
    return is_staff(actor)


def can_review_join_requests(actor: Actor) -> bool:
    return is_staff(actor)


def can_invite(actor: Actor, role: str = Role.MEMBER) -> bool:
    """Moderators invite members; only admins invite staff."""
    if role == Role.MEMBER:
        return is_staff(actor)
    return is_admin(actor)


def can_manage_member(actor: Actor, member: Any) -> bool:
    """Change role, deactivate, reactivate, purge posts: admins, never on themselves."""
    return is_admin(actor) and member.id != actor.id


def can_publish_pledge(actor: Actor) -> bool:
    return is_admin(actor)


def can_edit_profile(actor: Actor, member: Any) -> bool:
    return is_member(actor) and (member.id == actor.id or is_admin(actor))


def can_manage_own_account(actor: Actor, member: Any) -> bool:
    """Export, delete, email address and two-factor settings: the member themselves only."""
    return is_member(actor) and member.id == actor.id


# Moderation --------------------------------------------------------------------------------
# Global moderators and admins moderate everywhere; a member made moderator of chosen
# categories moderates those only. Sanctions live on the user row, so checks stay pure.


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def moderated_category_ids(actor: Actor) -> frozenset[int]:
    """The categories ``actor`` moderates as a category moderator (not as staff)."""
    if not is_member(actor):
        return frozenset()
    return frozenset(getattr(actor, "moderated_category_ids", None) or ())


def can_moderate(actor: Actor, category: Category) -> bool:
    """May ``actor`` act on threads and posts in ``category``?"""
    if is_staff(actor):
        return True
    return category.id in moderated_category_ids(actor) and can_view_category(actor, category)


def can_access_moderation(actor: Actor) -> bool:
    """May ``actor`` open the review queue (it shows only what they may moderate)?"""
    return is_staff(actor) or bool(moderated_category_ids(actor))


def is_silenced(actor: Actor, *, now: datetime | None = None) -> bool:
    until = getattr(actor, "silenced_until", None)
    return until is not None and until > _now(now)


def can_post(actor: Actor, *, now: datetime | None = None) -> bool:
    """Signed in, active and not silenced: may write posts at all."""
    return is_member(actor) and not is_silenced(actor, now=now)


def _post_is_public(post: Post) -> bool:
    return post.hidden_at is None and post.held_at is None


def can_view_post(actor: Actor, post: Post) -> bool:
    """Hidden and held posts: only their author and the category's moderators see them."""
    if not can_view_thread(actor, post.thread):
        return False
    return (
        _post_is_public(post)
        or _is_author(actor, post)
        or can_moderate(actor, post.thread.category)
    )


def visible_posts_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL filter on ``Post`` (joined to ``Thread``) matching ``can_view_post``'s hidden/held
    rule; combine it with ``visible_threads_clause`` and your own ``deleted_at`` rule."""
    public = and_(Post.hidden_at.is_(None), Post.held_at.is_(None))
    if not is_member(actor):
        return public
    if is_staff(actor):
        return true()
    allowed = [public, Post.author_id == actor.id]
    if ids := moderated_category_ids(actor):
        allowed.append(Thread.category_id.in_(sorted(ids)))
    return or_(*allowed)


def visible_thread_state_clause(actor: Actor) -> ColumnElement[bool]:
    """SQL filter on ``Thread`` alone: not deleted, and hidden threads only for their author
    and the category's moderators (``visible_threads_clause`` adds the category rule)."""
    if is_staff(actor):
        return Thread.deleted_at.is_(None)
    allowed = [Thread.hidden_at.is_(None)]
    if is_member(actor):
        allowed.append(Thread.author_id == actor.id)
    if ids := moderated_category_ids(actor):
        allowed.append(Thread.category_id.in_(sorted(ids)))
    return and_(Thread.deleted_at.is_(None), or_(*allowed))


def can_flag_post(actor: Actor, post: Post) -> bool:
    """Members report others' posts they can see (silenced members too: reading is allowed)."""
    if not is_member(actor) or post.is_deleted or _is_author(actor, post):
        return False
    return can_view_post(actor, post)


def can_moderate_post(actor: Actor, post: Post) -> bool:
    """Hide, restore, delete or edit with a reason, and handle its queue items."""
    return can_view_thread(actor, post.thread) and can_moderate(actor, post.thread.category)


def can_purge_post(actor: Actor, post: Post) -> bool:
    """Permanent removal, for admins only."""
    return is_admin(actor) and can_view_thread(actor, post.thread)


def can_moderate_thread(actor: Actor, thread: Thread) -> bool:
    """Lock, pin, rename, split; moving and merging also need the other category."""
    return can_view_thread(actor, thread) and can_moderate(actor, thread.category)


def can_pin_globally(actor: Actor, thread: Thread) -> bool:
    """A site-wide pin shows on everyone's home page, so it is for staff."""
    return is_staff(actor) and can_view_thread(actor, thread)


def can_move_thread(actor: Actor, thread: Thread, destination: Category) -> bool:
    if destination.id == thread.category_id:
        return False
    return can_moderate_thread(actor, thread) and can_moderate(actor, destination)


def can_merge_threads(actor: Actor, source: Thread, target: Thread) -> bool:
    if source.id == target.id:
        return False
    return can_moderate_thread(actor, source) and can_moderate_thread(actor, target)


_RANK = {Role.MEMBER: 0, Role.MODERATOR: 1, Role.ADMIN: 2}


def _outranks(actor: Actor, member: Any) -> bool:
    return _RANK.get(actor.role, -1) > _RANK.get(member.role, 0)


def can_sanction_member(actor: Actor, member: Any) -> bool:
    """Silence, suspend, ban and lift them: staff, on members of a lower role, never oneself."""
    return is_staff(actor) and member.id != actor.id and _outranks(actor, member)


def can_warn_member(actor: Actor, member: Any, category: Category | None = None) -> bool:
    """Formal warnings: as for sanctions, and category moderators about posts they moderate."""
    if can_sanction_member(actor, member):
        return True
    if category is None or member.id == actor.id or member.role != Role.MEMBER:
        return False
    return can_moderate(actor, category)


def can_view_member_record(actor: Actor) -> bool:
    """Staff notes, sanctions and the member pages under /mod/members."""
    return is_staff(actor)


def can_assign_category_moderators(actor: Actor) -> bool:
    return is_admin(actor)


def can_manage_watched_words(actor: Actor) -> bool:
    return is_staff(actor)


def can_view_audit_log(actor: Actor) -> bool:
    return is_staff(actor)


# Questions and answers -------------------------------------------------------------------
# Solutions, helpful marks, bookmarks, revisions, tags and the case question template.

SOLVABLE_KINDS = frozenset({"question", "case"})


def is_solvable(thread: Thread) -> bool:
    """Questions and case questions can have a solution; discussions cannot."""
    return (thread.kind or "question") in SOLVABLE_KINDS


def _is_thread_author(actor: Actor, thread: Thread) -> bool:
    return thread.author_id is not None and thread.author_id == actor.id


def can_accept_solution(actor: Actor, thread: Thread, post: Post) -> bool:
    """The question's author or a moderator of its category picks one visible reply."""
    if post.thread_id != thread.id or post.post_number == 1 or post.is_deleted:
        return False
    if not _post_is_public(post):
        return False
    return can_change_solution(actor, thread)


def can_change_solution(actor: Actor, thread: Thread) -> bool:
    """May ``actor`` accept, change or clear the solution of ``thread`` at all?"""
    if not is_member(actor) or not can_view_thread(actor, thread):
        return False
    if not is_solvable(thread):
        return False
    return _is_thread_author(actor, thread) or can_moderate(actor, thread.category)


def can_mark_helpful(actor: Actor, post: Post) -> bool:
    """Members mark others' visible posts helpful (and take it back); never their own."""
    if not is_member(actor) or post.is_deleted or _is_author(actor, post):
        return False
    return _post_is_public(post) and can_view_post(actor, post)


def can_bookmark(actor: Actor, post: Post) -> bool:
    return is_member(actor) and not post.is_deleted and can_view_post(actor, post)


def can_view_revisions(actor: Actor, post: Post) -> bool:
    """The post's author and moderators of its category; others only see "edited"."""
    if not is_member(actor) or not can_view_post(actor, post):
        return False
    return _is_author(actor, post) or can_moderate(actor, post.thread.category)


def can_tag_thread(actor: Actor, thread: Thread) -> bool:
    """Change a thread's tags after it was started: its author or a moderator."""
    if not can_view_thread(actor, thread):
        return False
    if can_moderate(actor, thread.category):
        return True
    return _is_thread_author(actor, thread) and can_post(actor) and not thread.is_locked


def can_manage_tags(actor: Actor) -> bool:
    return is_staff(actor)


def can_require_case_template(actor: Actor) -> bool:
    return is_staff(actor)


# Attachments and the resource library -------------------------------------------------------
# A file belongs to the post that links it (library files to their resource's opening post),
# so whoever may see that post may fetch the file, and nobody else; until a post links it,
# only its uploader may.


def can_upload(actor: Actor) -> bool:
    return can_post(actor)


def can_download_attachment(actor: Actor, attachment: Attachment) -> bool:
    """Needs ``attachment.post.thread.category`` loaded when the attachment is linked."""
    post = attachment.post
    if post is None:
        uploader = attachment.uploader_id
        return is_member(actor) and uploader is not None and uploader == actor.id
    if post.is_deleted and not can_moderate(actor, post.thread.category):
        return False
    return can_view_post(actor, post)


def can_view_resource(actor: Actor, resource: Resource) -> bool:
    return resource.thread_id is not None and can_view_thread(actor, resource.thread)


def can_add_resource(actor: Actor, category: Category) -> bool:
    return can_create_thread(actor, category)


def can_edit_resource(actor: Actor, resource: Resource) -> bool:
    """Edit the details or add a version: whoever added it, and its category's moderators."""
    if not can_view_resource(actor, resource):
        return False
    if can_moderate(actor, resource.thread.category):
        return True
    is_owner = resource.created_by_id is not None and resource.created_by_id == actor.id
    return is_owner and can_post(actor) and not resource.thread.is_locked


def can_review_resources(actor: Actor) -> bool:
    """See the "due for review" list and confirm a resource is still current."""
    return is_staff(actor)


# Notifications and watching ---------------------------------------------------------------


def can_manage_notifications(actor: Actor, user_id: int | None) -> bool:
    """Settings, watching levels and marking notifications read: the member's own only."""
    return is_member(actor) and user_id is not None and actor.id == user_id


def can_be_notified_about(user: Any, thread: Thread) -> bool:
    """May ``user`` hear about new posts in ``thread`` (in-app or by email)?"""
    return can_view_thread(user, thread)


# The confidentiality guard and breach response ---------------------------------------------
# Category moderators review posts published after a confirmation; redaction rewrites a
# post's history, so it is for staff, as is the incident record the data-protection lead reads.


def can_review_confidentiality(actor: Actor, post: Post) -> bool:
    """Clear a confirmed post from the review queue: its category's moderators."""
    return can_moderate_post(actor, post)


def can_redact_post(actor: Actor, post: Post) -> bool:
    """Replace identifiers in a post, its revisions and copies with "[redacted]"."""
    return is_staff(actor) and can_view_thread(actor, post.thread)


def can_view_confidentiality_incidents(actor: Actor) -> bool:
    return is_staff(actor)
