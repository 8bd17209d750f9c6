"""Factory helpers named after the states they make. Use inside the ``app`` fixture."""

from __future__ import annotations

import itertools
from typing import Any

from flask.testing import FlaskClient

from forum import queries
from forum.extensions import db
from forum.models import Category, Post, Role, Thread, User
from forum.policy import SYSTEM
from forum.services.discussions import posting as discussions
from forum.services.membership import accounts

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def _committed(obj: Any) -> Any:
    db.session.commit()
    return obj


def make_user(
    role: str = Role.MEMBER,
    *,
    name: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    **fields: Any,
) -> User:
    db.session.commit()
    n = next(_counter)
    user = accounts.create_user(
        SYSTEM,
        email=email or f"member{n}@example.org",
        display_name=name or f"Member {n}",
        role=role,
        password=password,
    )
    for key, value in fields.items():
        setattr(user, key, value)
    return _committed(user)


def make_moderator(**kwargs: Any) -> User:
    return make_user(Role.MODERATOR, **kwargs)


def make_admin(**kwargs: Any) -> User:
    return make_user(Role.ADMIN, **kwargs)


def make_category(name: str | None = None, *, staff_only: bool = False, **fields: Any) -> Category:
    db.session.commit()
    n = next(_counter)
    name = name or f"Category {n}"
    fields.setdefault("slug", f"category-{n}")
    category = Category(name=name, is_staff_only=staff_only, **fields)
    db.session.add(category)
    return _committed(category)


def make_staff_category(**kwargs: Any) -> Category:
    return make_category(staff_only=True, **kwargs)


def make_thread(
    category: Category | None = None,
    *,
    author: User | None = None,
    title: str | None = None,
    body: str = "An opening post.",
    replies: int = 0,
) -> Thread:
    db.session.commit()
    category = category or make_category()
    author = author or (make_moderator() if category.is_staff_only else make_user())
    thread = discussions.create_thread(
        author, category, title=title or f"Thread number {next(_counter)}", body=body
    )
    for n in range(replies):
        discussions.reply_to_thread(author, thread, body=f"Reply {n + 1}")
    return _committed(thread)


def locked_thread(**kwargs: Any) -> Thread:
    thread = make_thread(**kwargs)
    thread.is_locked = True
    return _committed(thread)


def loaded(thread: Thread) -> Thread:
    """The thread with its category, as the pages load it."""
    return queries.get_thread_or_404(thread.id, SYSTEM)


def make_reply(thread: Thread, *, author: User | None = None, body: str = "A reply.") -> Post:
    db.session.commit()
    post = discussions.reply_to_thread(author or make_user(), loaded(thread), body=body)
    return _committed(post)


def opening_post(thread: Thread) -> Post:
    return db.session.scalars(
        db.select(Post).where(Post.thread_id == thread.id, Post.post_number == 1)
    ).one()


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    """Sign ``user`` in through the real form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


# Closed membership ---------------------------------------------------------------------------


def publish_pledge(text: str = "I will never post anything that identifies a patient.") -> int:
    """Publish a pledge version as an admin; returns the version number."""
    from forum.services.membership import pledge

    db.session.commit()
    version = pledge.publish_pledge(make_admin(), text).version
    db.session.commit()
    from forum.web.gates import forget_pledge_version

    forget_pledge_version()  # pages cache the current version briefly
    return version


def totp_code(secret: str, offset_steps: int = 0) -> str:
    import time

    import pyotp

    return pyotp.TOTP(secret).at(int(time.time()) + 30 * offset_steps)


def with_two_factor(user: User) -> tuple[str, list[str]]:
    """Turn on two-factor sign-in for ``user``; returns the secret and the recovery codes."""
    from forum.services.membership import two_factor

    db.session.commit()
    secret = two_factor.new_secret()
    codes = two_factor.enable_two_factor(
        user, user, secret=secret, code=totp_code(secret, offset_steps=-1)
    )
    db.session.commit()
    return secret, codes


# Moderation ----------------------------------------------------------------------------------


def make_category_moderator(*categories: Category, **kwargs: Any) -> User:
    """A member made moderator of ``categories`` (and no others) by an admin."""
    from forum.services.moderation import members as moderation_members

    member = make_user(**kwargs)
    moderation_members.set_moderated_categories(make_admin(), member, list(categories))
    return _committed(member)


def silenced_member(**kwargs: Any) -> User:
    from datetime import timedelta

    from forum.models import utcnow

    return make_user(silenced_until=utcnow() + timedelta(days=3), **kwargs)


def suspended_member(**kwargs: Any) -> User:
    from datetime import timedelta

    from forum.models import utcnow

    return make_user(suspended_until=utcnow() + timedelta(days=3), **kwargs)


def reported_post(post: Post, *, reason: str = "unkind", reporter: User | None = None) -> Any:
    """``post`` reported by ``reporter`` (a new member by default); returns the queue item."""
    from forum.services.moderation import flags as moderation_flags

    reporter = reporter or make_user()
    post = queries.get_post_or_404(post.id, SYSTEM)
    flag = moderation_flags.flag_post(reporter, post, reason=reason, note="")
    item_id = flag.item_id
    db.session.commit()
    from forum.models import ModerationItem

    return db.session.get(ModerationItem, item_id)


# Questions and answers -----------------------------------------------------------------------


def make_tag(name: str | None = None, *, description: str = "") -> Any:
    from forum.services.discussions import tags

    db.session.commit()
    tag = tags.create_tag(SYSTEM, name=name or f"Tag {next(_counter)}", description=description)
    return _committed(tag)


def solved_thread(
    *, author: User | None = None, answerer: User | None = None, **kwargs: Any
) -> Any:
    """A question whose first reply (by ``answerer``) is its accepted solution; returns
    ``(thread, solution_post)``."""
    from forum.services.discussions import solutions

    author = author or make_user()
    thread = make_thread(author=author, **kwargs)
    answer = make_reply(thread, author=answerer or make_user(), body="This answers it.")
    solutions.accept_solution(author, loaded(thread), queries.get_post_or_404(answer.id, SYSTEM))
    db.session.commit()
    return thread, answer


def read_up_to(user: User, thread: Thread, post_number: int) -> None:
    """``user`` has read ``thread`` up to ``post_number``."""
    from forum.services.discussions import reading

    db.session.commit()
    reading.mark_thread_read(user, loaded(thread), post_number)
    db.session.commit()


# Attachments and the resource library ----------------------------------------------------------


def uploaded_file(
    user: User, name: str = "handout.pdf", data: bytes | None = None, *, alt: str = ""
) -> Any:
    """An upload by ``user`` (a small PDF unless ``data`` is given), not yet in a post."""
    import io

    from forum.services.library import uploads
    from tests import upload_samples

    db.session.commit()
    stream = io.BytesIO(upload_samples.pdf() if data is None else data)
    attachment = uploads.store_upload(user, stream, name, alt_text=alt)
    return _committed(attachment)


def post_with_attachment(
    thread: Thread, *, author: User | None = None, name: str = "handout.pdf"
) -> tuple[Post, Any]:
    """A reply in ``thread`` that links a file its author uploaded; returns both."""
    author = author or make_user()
    attachment = uploaded_file(author, name)
    post = make_reply(thread, author=author, body=f"Here it is: [{name}]({attachment.url})")
    return post, attachment


def make_resource(
    category: Category | None = None,
    *,
    author: User | None = None,
    title: str = "Safety-netting audit toolkit",
    data: bytes | None = None,
    filename: str = "toolkit.pdf",
    link: str = "",
    licence: str = "ogl",
    review_in_days: int = 365,
    tag_ids: tuple[int, ...] = (),
) -> Any:
    """A library resource with one version: a PDF (or ``link``), discussed in ``category``."""
    import io
    from datetime import UTC, datetime, timedelta

    from forum.services.library import resources as library
    from tests import upload_samples

    db.session.commit()
    category = category or make_category("Education and resources")
    author = author or (make_moderator() if category.is_staff_only else make_user())
    today = datetime.now(UTC).date()
    details = library.Details(
        title=title,
        description="A toolkit for auditing safety-netting in general practice.",
        organisation="North Cancer Alliance",
        licence=licence,
        review_by=today + timedelta(days=review_in_days),
        audience="GPs and practice nurses",
        tag_ids=tag_ids,
    )
    content = library.Content(
        attested_no_pii=True,
        stream=None if link else io.BytesIO(data or upload_samples.pdf()),
        filename="" if link else filename,
        link_url=link,
    )
    resource = library.add_resource(author, category, details, content, today=today)
    return _committed(resource)


# The confidentiality guard -------------------------------------------------------------------


def confirmed_reply(thread: Thread, *, author: User | None = None, body: str) -> Post:
    """A reply whose author confirmed, when the guard asked, that the details it found are not
    patient-identifiable (so it is published, and waits in the review queue)."""
    from forum.services.confidentiality import guard as confidentiality

    db.session.commit()
    seen = confidentiality.scan_fields({"body": body}).confirm_fingerprints
    post = discussions.reply_to_thread(
        author or make_user(), loaded(thread), body=body, pii_confirmed=seen
    )
    return _committed(post)


# Groups --------------------------------------------------------------------------------------


def make_group(name: str | None = None, *, members: tuple[User, ...] = (), **fields: Any) -> Any:
    """A group holding ``members``, made by the system actor."""
    from forum.services.groups import admin as groups
    from forum.services.groups import members as memberships

    db.session.commit()
    n = next(_counter)
    group = groups.create_group(
        SYSTEM, name=name or f"Group {n}", handle=fields.pop("handle", f"group-{n}"), **fields
    )
    memberships.add_members(SYSTEM, group, list(members), how="by name")
    return _committed(group)


def restrict_category(
    category: Category, *, read: tuple[Any, ...] = (), post: tuple[Any, ...] = ()
) -> Category:
    """Restrict ``category`` to the groups ``read`` (reading) and ``post`` (posting)."""
    from forum.models import CategoryGroup
    from forum.services.groups import caches

    db.session.commit()
    for group in {*read, *post}:
        db.session.add(CategoryGroup(category_id=category.id, group_id=group.id,
                                     may_read=group in read, may_post=group in post))  # fmt: skip
    db.session.flush()
    caches.refresh_categories([category.id])
    db.session.commit()
    return db.session.get(Category, category.id)


# The guideline register, for citations (rows inserted directly) -----------------------------


def citable_guideline(
    code: str = "NG12",
    recommendations: dict[str, str] | None = None,
    *,
    published_on: Any = None,
    title: str = "Suspected cancer: recognition and referral",
    url: str = "https://www.nice.org.uk/guidance/ng12",
) -> Any:
    """A guideline with one version listing ``recommendations`` (number -> short title)."""
    from datetime import date

    from forum.models import Guideline

    db.session.commit()
    guideline = Guideline(code=code, title=title, publisher="NICE", url=url)
    db.session.add(guideline)
    db.session.flush()
    next_guideline_version(
        guideline,
        recommendations if recommendations is not None else {"1.3.1": "Refer for a chest X-ray"},
        published_on=published_on or date(2023, 10, 2),
    )
    return _committed(guideline)


def next_guideline_version(
    guideline: Any,
    recommendations: dict[str, str],
    *,
    published_on: Any,
    statuses: dict[str, str] | None = None,
    urls: dict[str, str] | None = None,
) -> Any:
    """Record the guideline's next version, listing all its recommendations."""
    from sqlalchemy import func

    from forum.models import GuidelineVersion
    from forum.models.guidance import Recommendation

    sequence = db.session.scalar(
        db.select(func.coalesce(func.max(GuidelineVersion.sequence), 0)).where(
            GuidelineVersion.guideline_id == guideline.id
        )
    )
    version = GuidelineVersion(
        guideline_id=guideline.id, sequence=sequence + 1, published_on=published_on
    )
    db.session.add(version)
    db.session.flush()
    for number, title in recommendations.items():
        db.session.add(
            Recommendation(
                version_id=version.id,
                guideline_id=guideline.id,
                number=number,
                title=title,
                status=(statuses or {}).get(number, "unchanged"),
                url=(urls or {}).get(number, ""),
            )
        )
    return _committed(version)


# The learning log ------------------------------------------------------------------------------


def make_learning_entry(user: User, **fields: Any) -> Any:
    """An entry in ``user``'s learning log, dated today unless ``learned_on`` says otherwise."""
    from forum.models import utcnow
    from forum.services.learning import entries as log_entries

    db.session.commit()
    details = log_entries.EntryDetails(
        learned_on=fields.pop("learned_on", utcnow().date()),
        title=fields.pop("title", "A webinar on lung cancer"),
        minutes=fields.pop("minutes", 60),
        learned=fields.pop("learned", "Chest X-ray within two weeks."),
        **fields,
    )
    return _committed(log_entries.add_entry(user, details))


def export_learning_log(client: FlaskClient, kind: str, start: Any, end: Any) -> Any:
    """The signed-in member's export of the dates ``start`` to ``end``, as ``kind``."""
    return client.get(f"/account/learning/export?start={start}&end={end}&format={kind}")
