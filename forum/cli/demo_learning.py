"""The demo's learning log: Dr Asha Patel's CPD reflections this appraisal year, two of them
on threads and a resource of the demo forum, one on a webinar with nothing to link to, and
her GMC number (made up) for the exports."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from forum.extensions import db
from forum.links import external_url
from forum.models import Resource, Thread, User, utcnow
from forum.services.learning.entries import EntryDetails, add_entry

#: (days ago, minutes, what it is about, learned, practice change, follow up)
ENTRIES = [
    (
        40,
        45,
        "thread",
        "A FIT under 10 µg Hb/g does not rule out colorectal cancer when symptoms persist: "
        "NG12 and the BSG guidance keep referral open on clinical concern.",
        "I book a six-week review with a repeat FIT when symptoms persist, and code the "
        "negative FIT so our monthly search finds it.",
        "",
    ),
    (
        21,
        90,
        "",
        "Adenocarcinoma is the commonest lung cancer in people who have never smoked, and a "
        "normal chest X-ray does not rule it out.",
        "A lower threshold for direct-access CT in a persistent cough with weight loss, "
        "whatever the smoking history.",
        "Discuss the Alliance's audit of normal-X-ray lung cancers at our clinical meeting.",
    ),
    (
        6,
        30,
        "resource",
        "A structured template for recording safety-netting advice and who follows it up.",
        "",
        "Run the audit on our last 50 urgent suspected cancer referrals.",
    ),
]


def seed_learning(users: dict[str, User]) -> None:
    """Add the entries to Dr Asha Patel's log, as she would."""
    asha = users["asha.patel@example.nhs.uk"]
    asha.gmc_number = "7654321"
    today = utcnow().date()
    for days, minutes, kind, learned, change, follow_up in ENTRIES:
        title, link, source_id = _source(kind)
        details = EntryDetails(
            learned_on=today - timedelta(days=days), title=title, minutes=minutes, link=link,
            learned=learned, practice_change=change, follow_up=follow_up, source_kind=kind,
            source_id=source_id,
        )  # fmt: skip
        add_entry(asha, details)
    db.session.flush()


def _source(kind: str) -> tuple[str, str, int | None]:
    if kind == "thread":
        thread = db.session.scalars(select(Thread).order_by(Thread.id).limit(1)).one()
        link = external_url("threads.show", thread_id=thread.id, slug=thread.slug)
        return thread.title, link, thread.id
    if kind == "resource":
        resource = db.session.scalars(select(Resource).order_by(Resource.id).limit(1)).one()
        link = external_url("library.show", resource_id=resource.id)
        return resource.title, link, resource.id
    return "Webinar: lung cancer in people who have never smoked", "", None
