"""The demo of programme insight (/insight): a group of Cancer Alliance leads, and eight weeks
of questions from members in a few alliances, answered at realistic speeds.

The questions go through the same services as members' posts, then are dated back over the
last eight weeks and the rollups rebuilt, so the dashboards have two periods to compare.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select, update

from forum.extensions import db
from forum.models import Category, Post, Thread, User, utcnow
from forum.policy import SYSTEM
from forum.services.discussions import posting as discussions
from forum.services.discussions import solutions
from forum.services.groups import admin as groups
from forum.services.groups import members as group_members
from forum.services.insight import rebuild
from forum.services.membership import accounts

#: (name, alliance) of the members asking the demo's questions.
ASKERS = [
    ("Dr Nadia Hussain", "West Yorkshire and Harrogate"),
    ("Dr Ben Carter", "West Yorkshire and Harrogate"),
    ("Dr Priya Nair", "West Yorkshire and Harrogate"),
    ("Dr Owen Price", "Greater Manchester"),
    ("Dr Chloe Evans", "Greater Manchester"),
    ("Dr Femi Okafor", "North Central London"),
    ("Dr Lucy Grant", "Wessex"),
    ("Dr Ravi Menon", ""),
]
TOPICS = [
    "Unexplained weight loss in a 58-year-old: which pathway?",
    "Raised platelets on a routine blood test",
    "FIT positive but patient declines colonoscopy",
    "Non-specific symptoms pathway referral criteria",
    "Safety-netting after a normal chest X-ray",
    "PSA in a 52-year-old with lower urinary tract symptoms",
    "Post-menopausal bleeding on HRT: urgent or routine?",
    "Persistent hoarseness with a normal examination",
    "Iron deficiency anaemia in a man in his forties",
    "Breast lump in a woman under 30",
]
REPLY = "We refer on the urgent pathway and book a review in two weeks; our alliance's guide helps."


def seed_insight(users: dict[str, User]) -> None:
    """The leads' group (Dr Asha Patel leads West Yorkshire), then the questions' history."""
    admin = users["admin@example.org"]
    group = groups.create_group(
        admin,
        name="Alliance leads",
        handle="alliance-leads",
        description="Cancer Alliance primary care leads: they see their alliance's figures.",
        leads_alliance=True,
    )
    group_members.add_member(admin, group, users["asha.patel@example.nhs.uk"])
    # They sign in with the demo password too (the admin's hash: no hashing eight times).
    askers = [_asker(name, alliance, n, admin) for n, (name, alliance) in enumerate(ASKERS)]
    _history(askers, list(users.values())[:3], random.Random(24))
    rebuild.rebuild_insight()


def _asker(name: str, alliance: str, n: int, admin: User) -> User:
    user = accounts.create_user(SYSTEM, email=f"insight.demo{n}@example.nhs.uk", display_name=name)
    user.alliance, user.job_title = alliance, "GP"
    user.password_hash = admin.password_hash
    return user


def _history(askers: list[User], answerers: list[User], rng: random.Random) -> None:
    category = db.session.scalar(select(Category).where(Category.slug == "early-diagnosis"))
    now = utcnow()
    for n in range(48):
        asker = askers[n % len(askers)]
        thread = discussions.create_thread(
            asker, category, title=TOPICS[n % len(TOPICS)], body="What would you do next?"
        )
        asked = now - timedelta(days=rng.uniform(1, 56))
        _date_back(thread, 1, asked)
        if rng.random() < 0.75:
            answerer = next(u for u in answerers if u.id != asker.id)
            reply = discussions.reply_to_thread(answerer, thread, body=REPLY)
            _date_back(thread, reply.post_number, asked + timedelta(hours=rng.expovariate(1 / 30)))
            if rng.random() < 0.5:
                solutions.accept_solution(asker, thread, reply)
    db.session.flush()


def _date_back(thread: Thread, number: int, at: object) -> None:
    db.session.flush()
    db.session.execute(
        update(Post)
        .where(Post.thread_id == thread.id, Post.post_number == number)
        .values(created_at=at)
    )
    if number == 1:
        db.session.execute(update(Thread).where(Thread.id == thread.id).values(created_at=at))
    db.session.expire(thread, ["created_at"])
