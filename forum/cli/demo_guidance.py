"""The demo's guideline register: NICE NG12 in two versions and one local pathway, recorded
through the register's service as staff would, so the audit log shows it. The titles and
summaries are our own short words, never the guidelines' text.

Between NG12's two versions a member answers a question citing it and the answer is accepted,
so the later version marks it: the demo shows "Guidance changed since this answer", the review
list and the notifications. Another accepted answer, citing the local pathway, is checked by a
clinical reviewer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import AnswerBasis, Post, Thread, User
from forum.services.discussions import posting as discussions
from forum.services.discussions import solutions
from forum.services.guidance import register, verification
from forum.services.guidance.register import Details, RecommendationRow

NG12 = Details(
    code="NG12",
    title="Suspected cancer: recognition and referral",
    publisher="NICE",
    url="https://www.nice.org.uk/guidance/ng12",
)
NG12_RECOMMENDATIONS = [
    RecommendationRow("1.1.1", "Lung: when to refer for suspected cancer"),
    RecommendationRow("1.2.1", "Upper GI: urgent direct-access endoscopy"),
    RecommendationRow("1.3.1", "Colorectal: referral criteria for suspected cancer"),
    RecommendationRow("1.4.1", "Breast: referral for an unexplained breast lump"),
    RecommendationRow("1.5.1", "Gynaecological: suspected ovarian cancer"),
    RecommendationRow("1.6.1", "Urological: suspected prostate cancer"),
]
NG12_LATER = (
    "Our summary, not NICE's wording: referral for suspected colorectal cancer now rests on a "
    "faecal immunochemical test (FIT) result for most adults with symptoms. Check the "
    "guideline itself for the thresholds and exceptions before relying on this."
)
LOCAL_PATHWAY = Details(
    code="LP-NSS",
    title="Non-specific symptoms pathway",
    publisher="Example Cancer Alliance (local pathway)",
    url="https://example.org/pathways/non-specific-symptoms",
)
LOCAL_RECOMMENDATIONS = [
    RecommendationRow("1", "Who the non-specific symptoms clinic is for"),
    RecommendationRow("2", "Tests to send before referring"),
    RecommendationRow("3", "Safety-netting while the patient waits"),
]


#: (question's title, answerer, text, basis): answers the demo accepts.
CITED_ANSWERS = {
    "fit": (
        "FIT under 10 but ongoing symptoms: what do you do next?",
        "tom.oconnell@example.nhs.uk",
        "For the referral itself we go by [[NG12 1.3.1]]: persistent change in bowel habit at "
        "60 or over is enough. While they wait, our alliance's pathway says to send the "
        "[[LP-NSS 2]] bloods first.",
        AnswerBasis.NATIONAL,
    ),
    "search": (
        "Our monthly 2WW safety-netting search (template inside)",
        "asha.patel@example.nhs.uk",
        "We added the [[LP-NSS 3]] safety-netting steps to the same search: anyone on the "
        "pathway without an appointment after 14 days goes to the duty doctor.",
        AnswerBasis.LOCAL,
    ),
}


def seed_guidelines(moderator: User, users: dict[str, User]) -> None:
    """Add NG12 (first version 23 June 2015, then one that changed 1.3.1) and the pathway, with
    answers citing them accepted in between (``users``: the demo members by email).

    The later version's date is the demo's: check the publisher's history before trusting it."""
    ng12 = register.create_guideline(
        moderator, NG12, published_on=date(2015, 6, 23), recommendations=NG12_RECOMMENDATIONS
    )
    register.create_guideline(
        moderator,
        LOCAL_PATHWAY,
        published_on=date(2024, 4, 1),
        recommendations=LOCAL_RECOMMENDATIONS,
    )
    _accepted_answer(users, *CITED_ANSWERS["fit"])
    thread, answer = _accepted_answer(users, *CITED_ANSWERS["search"])
    verification.verify_answer(users["grace.adeyemi@example.nhs.uk"], thread, answer)
    changed = RecommendationRow(
        "1.3.1",
        "Colorectal: referral guided by a FIT result",
        status="changed",
        change_note="Now rests on a FIT result for most adults with symptoms (our summary).",
    )
    register.record_version(moderator, ng12, date(2023, 10, 2), NG12_LATER, [changed])


def _accepted_answer(
    users: dict[str, User], title: str, email: str, body: str, basis: str
) -> tuple[Thread, Post]:
    """Reply to the demo question ``title`` and have its asker accept the reply."""
    by_title = select(Thread).where(Thread.title == title).options(joinedload(Thread.category))
    thread = db.session.scalars(by_title).one()
    answer = discussions.reply_to_thread(users[email], thread, body=body, basis=basis)
    asker = next(user for user in users.values() if user.id == thread.author_id)
    solutions.accept_solution(asker, thread, answer)
    return thread, answer
