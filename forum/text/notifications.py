"""What a notification says, in one sentence, on the site and in email.

In a sensitive category (peer support) an email names neither the thread nor the post: only
that there is something to sign in and read.
"""

from __future__ import annotations

from typing import Protocol

SIGN_IN_TO_READ = "sign in to read it"


class NotificationLike(Protocol):
    kind: str
    actor_name: str
    count: int
    summary: str


def _people(notification: NotificationLike) -> str:
    others = notification.count - 1
    if others <= 0:
        return notification.actor_name or "Someone"
    return f"{notification.actor_name} and {others} other{'s' if others > 1 else ''}"


HEADLINES = {
    "mention": "{actor} mentioned you in {title}",
    "quote": "{actor} quoted your post in {title}",
    "reply": "{actor} replied to your post in {title}",
    "watched_reply": "{actor} replied in {title}",
    "new_thread": "{actor} started a new thread: {title}",
    "solution": "{actor} accepted your reply as the solution to {title}",
    "guidance_changed": "Guidance cited in a post in {title} has changed: {summary}",
    "answer_review": "{actor} reviewed your accepted answer in {title}: {summary}",
}


def headline(notification: NotificationLike, title: str) -> str:
    """One sentence for the notifications page: who did what, where."""
    if notification.kind in ("moderation", "join_approved"):
        return notification.summary
    if notification.kind == "helpful":
        return f"{_people(notification)} found your post in “{title}” helpful"
    template = HEADLINES.get(notification.kind, "{actor} posted in {title}")
    return template.format(
        actor=notification.actor_name or "Someone", title=f"“{title}”", summary=notification.summary
    )


#: A thread's group of notifications, all of one kind: who, and what they did.
GROUP_HEADLINES = {
    "mention": "{people} mentioned you in {title}",
    "quote": "{people} quoted your posts in {title}",
    "reply": "{people} replied to your posts in {title}",
    "watched_reply": "{people} replied in {title}",
    "new_thread": "{people} started {title}",
}


def group_headline(latest: NotificationLike, title: str, people: int, one_kind: bool) -> str:
    """One sentence for a thread's notifications: "Asha Patel and 2 others replied in ...".

    ``latest`` is the newest of them, ``people`` how many different members they came from;
    of mixed kinds (replies and a mention), the sentence says only that they posted.
    """
    others = people - 1
    who = latest.actor_name or "Someone"
    if others > 0:
        who = f"{who} and {others} other{'s' if others > 1 else ''}"
    template = GROUP_HEADLINES.get(latest.kind) if one_kind else None
    return (template or "{people} posted in {title}").format(people=who, title=f"“{title}”")


def email_headline(
    notification: NotificationLike, title: str, category: str, sensitive: bool
) -> str:
    """As ``headline``, but a sensitive category's thread is named only by its category."""
    if not sensitive or notification.kind in ("moderation", "join_approved"):
        return headline(notification, title)
    return f"New activity in {category}: {SIGN_IN_TO_READ}"


def subject_for(headlines: list[str], site_name: str) -> str:
    if len(headlines) == 1:
        return headlines[0][:300]
    return f"{len(headlines)} new notifications on {site_name}"


#: Watching levels as members choose them: for one thread, and for a category or tag.
THREAD_LEVEL_CHOICES = [
    ("watching", "Watching: a notification and an email for every reply"),
    ("tracking", "Tracking: a notification for every reply, never an email"),
    ("normal", "Normal: only when someone mentions, quotes or replies to you"),
    ("muted", "Muted: nothing at all, not even mentions"),
]
TOPIC_LEVEL_CHOICES = [
    ("watching", "Watching: every new thread and reply"),
    ("watching_first_post", "Watching first post: each new thread"),
    ("normal", "Normal: threads you take part in, and mentions"),
    ("muted", "Muted: nothing from threads here, except mentions of you"),
]
