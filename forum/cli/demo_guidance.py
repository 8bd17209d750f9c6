"""The demo's guideline register: NICE NG12 in two versions and one local pathway, recorded
through the register's service as staff would, so the audit log shows it. The titles and
summaries are our own short words, never the guidelines' text."""

from __future__ import annotations

from datetime import date

from forum.models import User
from forum.services.guidance import register
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


def seed_guidelines(moderator: User) -> None:
    """Add NG12 (first version 23 June 2015, then one that changed 1.3.1) and the pathway.

    The later version's date is the demo's: check the publisher's history before trusting it."""
    ng12 = register.create_guideline(
        moderator, NG12, published_on=date(2015, 6, 23), recommendations=NG12_RECOMMENDATIONS
    )
    changed = RecommendationRow(
        "1.3.1",
        "Colorectal: referral guided by a FIT result",
        status="changed",
        change_note="Now rests on a FIT result for most adults with symptoms (our summary).",
    )
    register.record_version(moderator, ng12, date(2023, 10, 2), NG12_LATER, [changed])
    register.create_guideline(
        moderator,
        LOCAL_PATHWAY,
        published_on=date(2024, 4, 1),
        recommendations=LOCAL_RECOMMENDATIONS,
    )
