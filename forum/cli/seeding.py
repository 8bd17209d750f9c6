"""Demo content for trying the forum, and synthetic volume for benchmarks."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, insert, select

from forum import search
from forum.cli import demo_extras, demo_insight, demo_reply_by_email, demo_search, synthetic_text
from forum.extensions import db
from forum.models import Category, Post, Role, Thread, User, utcnow
from forum.policy import SYSTEM
from forum.services.discussions import posting as discussions
from forum.services.membership import accounts, pledge
from forum.services.membership.passwords import hash_password
from forum.text import markup

DEMO_PASSWORD = "demo-password-2026"

CATEGORIES = [
    (
        "Early diagnosis and referral (NG12)",
        "early-diagnosis",
        "Suspected cancer pathways, NG12 criteria, FIT and referral dilemmas.",
        False,
    ),
    (
        "Screening",
        "screening",
        "Bowel, breast and cervical screening uptake and inequalities.",
        False,
    ),
    (
        "Safety-netting",
        "safety-netting",
        "Systems that make sure no patient is lost to follow-up.",
        False,
    ),
    (
        "Quality improvement",
        "quality-improvement",
        "Audits, practice reviews and QI projects that worked (or didn't).",
        False,
    ),
    (
        "Education and resources",
        "education",
        "Teaching material, slide decks and strategic primary-care resources.",
        False,
    ),
    ("Peer support", "peer-support", "A kind place to talk about the hard days.", False),
    (
        "North of England alliances",
        "north",
        "Cancer Alliances across the North: local pathways and news.",
        False,
    ),
    (
        "Midlands and East alliances",
        "midlands-east",
        "Local pathways and news from the Midlands and East.",
        False,
    ),
    (
        "London and the South alliances",
        "london-south",
        "Local pathways and news from London and the South.",
        False,
    ),
    ("Staff announcements", "staff", "Programme staff only: planning and moderation notes.", True),
]

#: Emails never carry these categories' titles or posts (forum/services/notifications/email.py).
SENSITIVE_CATEGORIES = frozenset({"peer-support"})

MEMBERS = [
    (
        "asha.patel@example.nhs.uk",
        "Dr Asha Patel",
        Role.MEMBER,
        "GP partner and cancer lead",
        "West Yorkshire and Harrogate",
    ),
    (
        "tom.oconnell@example.nhs.uk",
        "Dr Tom O'Connell",
        Role.MEMBER,
        "Salaried GP",
        "Greater Manchester",
    ),
    (
        "grace.adeyemi@example.nhs.uk",
        "Dr Grace Adeyemi",
        Role.MEMBER,
        "GP and PCN clinical director",
        "North Central London",
    ),
    ("sam.hughes@example.org", "Sam Hughes", Role.MODERATOR, "Programme manager", ""),
    ("admin@example.org", "Forum Admin", Role.ADMIN, "Programme lead", ""),
]

THREADS = [
    (
        "early-diagnosis",
        "FIT under 10 but ongoing symptoms: what do you do next?",
        "A patient in their 60s with six weeks of change in bowel habit, FIT came back under 10 µg Hb/g. "
        "Examination normal, Hb and ferritin normal.\n\nNG12 and the BSG/ACPGBI guidance say a negative FIT "
        "should not rule out referral if clinical concern persists. **How are your practices safety-netting these?**",
        [
            "We book a review at 6 weeks and repeat the FIT if symptoms persist. Our alliance has a direct "
            "access non-specific symptoms pathway for the ones that don't fit anywhere else.",
            "Worth coding the negative FIT with a safety-netting code so the monthly search picks them up.",
        ],
    ),
    (
        "safety-netting",
        "Our monthly 2WW safety-netting search (template inside)",
        "We run a monthly search of everyone referred on an urgent suspected cancer pathway without a "
        "recorded outcome after 28 days. Steps:\n\n1. Run the search on the first Monday\n2. Admin checks "
        "the hospital portal\n3. Anything unresolved goes to the duty doctor\n\nHappy to share the search "
        "definitions.",
        ["This is brilliant, thank you. Would you share the search file?"],
    ),
    (
        "peer-support",
        "Hard week: a missed diagnosis review",
        "Had a significant event review this week about a delayed diagnosis. Logically I know the "
        "presentation was atypical, but it has knocked my confidence. How do others look after themselves "
        "after these?",
        [
            "You're not alone. Our practice does a protected debrief with a colleague outside "
            "the team. It helped me more than I expected.",
            "Sending support. Talking about it here is a good first step.",
        ],
    ),
    (
        "education",
        "Slides: NG12 update for practice nurses",
        "I've put together a 20-minute session on the NG12 recommendations for practice nurses and HCAs, "
        "focused on symptoms they hear about first. Feedback welcome before I share it more widely.",
        [],
    ),
    (
        "staff",
        "Moderation rota for December",
        "Staff only: the moderation rota for December is on the shared drive. Please check your dates.",
        [],
    ),
]


def demo_sign_ins() -> list[tuple[str, str]]:
    return [(email, str(role)) for email, _name, role, _job, _alliance in MEMBERS]


def seed_demo() -> bool:
    """Create the demo forum; returns False (and does nothing) if there are categories already.

    Tags, groups, the restricted category, the library and the welcome: ``demo_extras``."""
    if db.session.scalar(select(func.count()).select_from(Category)):
        return False
    for position, (name, slug, description, staff_only) in enumerate(CATEGORIES):
        db.session.add(
            Category(
                name=name,
                slug=slug,
                description=description,
                position=position,
                is_staff_only=staff_only,
                is_sensitive=slug in SENSITIVE_CATEGORIES,
            )
        )
    users = [_demo_user(*member) for member in MEMBERS]
    db.session.flush()
    for index, (slug, title, body, replies) in enumerate(THREADS):
        category = db.session.scalar(select(Category).where(Category.slug == slug))
        author = users[4] if category.is_staff_only else users[index % 3]
        thread = discussions.create_thread(author, category, title=title, body=body)
        for n, reply in enumerate(replies):
            discussions.reply_to_thread(users[(index + n + 1) % 3], thread, body=reply)
    demo_extras.seed_extras({user.email: user for user in users})
    demo_reply_by_email.seed_reply_by_email()
    demo_insight.seed_insight({user.email: user for user in users})
    # Last of the posts: it refreshes the words "did you mean" suggests from.
    demo_search.seed_search_demo({user.email: user for user in users})
    pledge.publish_pledge(SYSTEM, pledge.DEFAULT_TEXT)  # members accept it on first sign-in
    return True


def _demo_user(email: str, name: str, role: str, job: str, alliance: str) -> User:
    user = accounts.create_user(
        SYSTEM, email=email, display_name=name, role=role, password=DEMO_PASSWORD
    )
    user.job_title, user.alliance = job, alliance
    return user


#: Time between two bench posts: a million posts span about three years, as a busy forum's
#: would, so date filters select realistic shares of them.
BENCH_POST_INTERVAL = timedelta(seconds=90)
#: Bench posts whose quickly built HTML is checked against ``markup.render``.
RENDER_CHECKS = 200


def seed_bench(
    *,
    users: int,
    threads: int,
    posts: int,
    seed: int = 42,
    progress: Callable[[int], None] = lambda n: None,
) -> None:
    """Bulk-insert synthetic data quickly (Core inserts, one shared password hash)."""
    rng = random.Random(seed)
    category_ids = _bench_categories()
    first_user = _bench_users(users, rng)
    now = utcnow()
    opened = [now - BENCH_POST_INTERVAL * max(posts - i, 0) for i in range(threads)]
    thread_rows = [
        {
            "category_id": category_ids[i % len(category_ids)],
            "author_id": first_user + i % users,
            "author_name": f"Bench Member {i % users}",
            "title": synthetic_text.title(rng),
            "slug": f"bench-thread-{i}",
            "created_at": opened[i],
            "last_post_at": opened[i],
            "last_poster_name": f"Bench Member {i % users}",
        }
        for i in range(threads)
    ]
    result = db.session.execute(insert(Thread).returning(Thread.id), thread_rows)
    thread_ids = [row[0] for row in result]
    with search.built_afterwards():
        _bench_posts(thread_ids, first_user, users, posts, rng, progress)
        _recount(category_ids)


def _bench_categories() -> list[int]:
    ids = list(db.session.scalars(select(Category.id).where(Category.is_staff_only.is_(False))))
    if ids:
        return ids
    for n in range(8):
        db.session.add(Category(name=f"Bench category {n}", slug=f"bench-{n}", position=100 + n))
    db.session.flush()
    return list(db.session.scalars(select(Category.id)))


def _bench_users(count: int, rng: random.Random) -> int:
    start = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    shared_hash = hash_password(DEMO_PASSWORD)
    rows = [
        {
            "email": f"bench{start + i}@example.org",
            "username": f"bench{start + i}",
            "display_name": f"Bench Member {i}",
            "password_hash": shared_hash,
            "role": Role.MEMBER.value,
            "email_verified_at": utcnow(),
        }
        for i in range(count)
    ]
    db.session.execute(insert(User), rows)
    return db.session.scalar(
        select(func.min(User.id)).where(User.email == f"bench{start}@example.org")
    )


def _bench_posts(
    thread_ids: list[int], first_user: int, users: int, posts: int, rng: random.Random, progress
) -> None:
    counters = dict.fromkeys(thread_ids, 0)
    now, batch = utcnow(), []
    for i in range(posts):
        thread_id = _bench_thread_for(i, thread_ids, rng)
        counters[thread_id] += 1
        source, html = _bench_body(i, rng)
        batch.append(
            {
                "thread_id": thread_id,
                "post_number": counters[thread_id],
                "author_id": first_user + rng.randrange(users),
                "author_name": "Bench Member",
                "body_source": source,
                "body_html": html,
                "markup_version": markup.MARKUP_VERSION,
                "created_at": now - BENCH_POST_INTERVAL * (posts - i),
            }
        )
        if len(batch) == 5000:
            db.session.execute(insert(Post), batch)
            progress(len(batch))
            batch = []
    if batch:
        db.session.execute(insert(Post), batch)
        progress(len(batch))


def _bench_body(i: int, rng: random.Random) -> tuple[str, str]:
    """A new post's Markdown and HTML (see ``forum.cli.synthetic_text``). Rendering a million posts
    would take longer than inserting them, so the HTML is built directly, after checking on
    the first posts that it is exactly what ``markup.render`` makes."""
    paragraphs = synthetic_text.post_paragraphs(rng)
    source, html = "\n\n".join(paragraphs), synthetic_text.paragraphs_html(paragraphs)
    if i < RENDER_CHECKS and markup.render(source) != html:
        raise RuntimeError("synthetic_text.paragraphs_html no longer matches markup.render")
    return source, html


#: After every thread has its opening post, one post in this many goes to the first thread,
#: so there is a long thread (a twentieth of the posts) to time deep pages on.
LONG_THREAD_SHARE = 20


def _bench_thread_for(i: int, thread_ids: list[int], rng: random.Random) -> int:
    if i < len(thread_ids):
        return thread_ids[i]
    if i % LONG_THREAD_SHARE == 0:
        return thread_ids[0]
    return rng.choice(thread_ids)


def _recount(category_ids: list[int]) -> None:
    """Set the denormalised counters from the rows, in SQL."""
    from sqlalchemy import update

    post_counts = select(func.count()).where(Post.thread_id == Thread.id).scalar_subquery()
    last_post = (
        select(func.max(Post.created_at)).where(Post.thread_id == Thread.id).scalar_subquery()
    )
    db.session.execute(
        update(Thread).values(
            last_post_number=post_counts, reply_count=post_counts - 1, last_post_at=last_post
        )
    )
    thread_count = select(func.count()).where(Thread.category_id == Category.id).scalar_subquery()
    post_count = (
        select(func.coalesce(func.sum(Thread.reply_count + 1), 0))
        .where(Thread.category_id == Category.id)
        .scalar_subquery()
    )
    last_at = (
        select(func.max(Thread.last_post_at))
        .where(Thread.category_id == Category.id)
        .scalar_subquery()
    )
    db.session.execute(
        update(Category)
        .where(Category.id.in_(category_ids))
        .values(thread_count=thread_count, post_count=post_count, last_post_at=last_at)
    )
    _set_latest_threads(category_ids)


def _set_latest_threads(category_ids: list[int]) -> None:
    """Point each category's "latest" line at its most recently active thread."""
    for category_id in category_ids:
        latest = db.session.execute(
            select(Thread.id, Thread.title, Thread.last_poster_name)
            .where(Thread.category_id == category_id)
            .order_by(Thread.last_post_at.desc(), Thread.id.desc())
            .limit(1)
        ).first()
        if latest is not None:
            category = db.session.get_one(Category, category_id)
            category.last_thread_id, category.last_thread_title = latest.id, latest.title
            category.last_poster_name = latest.last_poster_name
