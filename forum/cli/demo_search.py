"""The demo's search thesaurus at work: threads that say "2WW", "FIT" and "tumor" where a
member might type "two week wait", "faecal immunochemical test" or "tumour", and the forum's
words counted for "did you mean" (the thesaurus itself is seeded by migration 0026)."""

from __future__ import annotations

from sqlalchemy import select

from forum.extensions import db
from forum.models import Category, User
from forum.search import vocabulary
from forum.services.discussions import posting as discussions

THREADS = [
    (
        "Sent a 2WW for a FIT of 14 with no symptoms?",
        "Asymptomatic man of 62 with a FIT of 14 micrograms per gram from the bowel screening "
        "kit. The trust rejected the 2WW. Has anyone had this?",
        "The colorectal team wants the screening programme to take it: colonoscopy through "
        "the BCSP, not the USC route.",
    ),
    (
        "Neuroendocrine tumor on a CT report",
        "An incidental neuroendocrine tumor on a CT done for renal colic. Who should follow "
        "this up, and how fast?",
        "Refer to the NET MDT; they usually want a gut hormone profile first.",
    ),
]


def seed_search_demo(users: dict[str, User]) -> None:
    """Two threads in the first public category, and the words "did you mean" reads."""
    category = db.session.scalar(
        select(Category).where(Category.is_staff_only.is_(False)).order_by(Category.position)
    )
    author, replier = users["asha.patel@example.nhs.uk"], users["sam.hughes@example.org"]
    for title, body, reply in THREADS:
        thread = discussions.create_thread(author, category, title=title, body=body)
        discussions.reply_to_thread(replier, thread, body=reply)
    db.session.flush()
    vocabulary.refresh(db.session.connection())
