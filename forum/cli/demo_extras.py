"""The rest of the demo forum: tags, alliance groups with a restricted category, library
resources with small PDFs made here, and the site's welcome message. Everything goes through
the services an admin's or a member's page would call, so the demo shows what they make."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.cli import demo_organisation
from forum.cli.demo_guidance import seed_guidelines
from forum.cli.demo_learning import seed_learning
from forum.extensions import db
from forum.models import Category, Tag, Thread, User
from forum.policy import SYSTEM
from forum.queries import site as site_reads
from forum.services.discussions import categories
from forum.services.discussions import posting as discussions
from forum.services.discussions import tags as thread_tags
from forum.services.groups import admin as groups
from forum.services.groups import members as group_members
from forum.services.library import resources as library
from forum.services.site import settings as site
from forum.text import site_pages

TAGS = [
    ("NG12", "NICE guideline NG12: suspected cancer, recognition and referral."),
    ("FIT", "Faecal immunochemical testing in symptomatic patients."),
    ("Safety-netting", "Making sure no patient is lost between appointments and results."),
    ("Audit", "Searches, audits and significant event reviews."),
    ("Templates", "Searches, checklists and templates to adapt for your practice."),
]

#: Demo threads (by title) and the tags staff put on them.
THREAD_TAGS = {
    "FIT under 10 but ongoing symptoms: what do you do next?": ["FIT", "NG12", "Safety-netting"],
    "Our monthly 2WW safety-netting search (template inside)": [
        "Safety-netting",
        "Audit",
        "Templates",
    ],
    "Slides: NG12 update for practice nurses": ["NG12"],
}

#: (name, handle, Cancer Alliance whose members join it).
GROUPS = [
    ("West Yorkshire and Harrogate GPs", "wyh-gps", "West Yorkshire and Harrogate"),
    ("Greater Manchester GPs", "gm-gps", "Greater Manchester"),
]

RESTRICTED_CATEGORY = categories.CategoryDetails(
    name="West Yorkshire and Harrogate GPs",
    slug="west-yorkshire-harrogate",
    description="For the alliance's GPs and the programme staff only: local pathways and news.",
)

RESTRICTED_THREADS = [
    (
        "Our alliance's non-specific symptoms pathway: referral form changes",
        "The Rapid Diagnostic Centre has a new referral form from next month. The main change: "
        "a FIT result is now needed before referral for abdominal symptoms. **Has anyone tried "
        "it yet?**",
        ["Not yet, but our PCN is going through it at the next cancer leads meeting."],
    ),
    (
        "Cancer leads meeting: agenda ideas",
        "Post here what you would like on the agenda of the next alliance cancer leads "
        "meeting. So far: FIT in primary care, and the new safety-netting template.",
        [],
    ),
]

WELCOME = """\
Welcome to the **demo** of the GP Cancer Leads Forum. Everything here is made up, and every \
demo account's password is `demo-password-2026`.

Things to try:

- the categories below, and the threads tagged [NG12](/tags/ng12) or \
[Safety-netting](/tags/safety-netting);
- the [library](/library/) of resources, with two small PDFs to download;
- the **West Yorkshire and Harrogate GPs** category, which only that group (Dr Asha Patel) \
and the programme staff can read: sign in as Dr Tom O'Connell and it is not there;
- Dr Asha Patel's private [learning log](/account/learning) of CPD reflections, and its PDF \
for her appraisal.

Never post anything that could identify a patient, here or anywhere on the forum."""

CONTACT = "team@example.org"

#: (adder's email, title, description, file name, the PDF's lines, tags).
RESOURCES = [
    (
        "sam.hughes@example.org",
        "Safety-netting checklist",
        "A one-page checklist for safety-netting patients with possible cancer symptoms: what "
        "to tell them, what to code and when to look again.",
        "safety-netting-checklist.pdf",
        [
            "Safety-netting checklist",
            "",
            "1. Tell the patient which symptoms should make them come back, and how soon.",
            "2. Agree who chases the result, and when: never leave it to the patient alone.",
            "3. Code the consultation so the practice's monthly search finds it.",
            "4. Book the review before the patient leaves.",
            "5. Check that every urgent referral has an appointment within two weeks.",
            "",
            "Demo resource: adapt it for your own practice.",
        ],
        ["Safety-netting", "Templates"],
    ),
    (
        "asha.patel@example.nhs.uk",
        "2WW referral criteria summary (our words, not NICE text)",
        "Our practice's short summary of when to think of an urgent suspected cancer referral, "
        "written in our own words. Always check the NICE guideline itself.",
        "2ww-referral-criteria-summary.pdf",
        [
            "Urgent suspected cancer referral: a summary in our words",
            "",
            "This is not NICE text. Check NICE guideline NG12 before you refer.",
            "",
            "- Unexplained weight loss with another symptom: think broadly.",
            "- Change in bowel habit with a positive FIT: refer on the lower GI pathway.",
            "- Non-specific symptoms and a gut feeling: use the alliance's RDC pathway.",
            "- Safety-net every patient you do not refer.",
        ],
        ["NG12"],
    ),
]

LINK_RESOURCE = (
    "NICE guideline NG12: suspected cancer",
    "The guideline itself, on the NICE website: recognition and referral of suspected cancer.",
    "https://www.nice.org.uk/guidance/ng12",
    ["NG12"],
)


def seed_extras(users: dict[str, User]) -> None:
    """Add the demo's tags, groups, restricted category, library and welcome message.

    ``users``: the demo members by email address."""
    admin, moderator = users["admin@example.org"], users["sam.hughes@example.org"]
    tags = _tag_threads(moderator)
    _restricted_category(admin, users)
    _clinical_reviewers(admin, users["grace.adeyemi@example.nhs.uk"])
    _library(users, moderator, tags)
    _welcome(admin)
    seed_guidelines(moderator, users)
    seed_learning(users)
    demo_organisation.seed_linked_account(users["tom.oconnell@example.nhs.uk"])


def _tag_threads(moderator: User) -> dict[str, Tag]:
    tags = {
        name: thread_tags.create_tag(moderator, name=name, description=text) for name, text in TAGS
    }
    for title, names in THREAD_TAGS.items():
        by_title = select(Thread).where(Thread.title == title)
        thread = db.session.scalars(by_title.options(joinedload(Thread.category))).one()
        thread_tags.set_thread_tags(moderator, thread, [tags[name].id for name in names])
    return tags


def _restricted_category(admin: User, users: dict[str, User]) -> Category:
    made = []
    for name, handle, alliance in GROUPS:
        group = groups.create_group(
            admin,
            name=name,
            handle=handle,
            description=f"GPs of the {alliance} Cancer Alliance.",
            is_mentionable=True,
        )
        group_members.add_alliance(admin, group, alliance)
        made.append(group)
    category = categories.create_category(SYSTEM, RESTRICTED_CATEGORY)
    groups.set_category_access(admin, made[0], read=[category.id], post=[category.id])
    member = users["asha.patel@example.nhs.uk"]
    for title, body, replies in RESTRICTED_THREADS:
        thread = discussions.create_thread(member, category, title=title, body=body)
        for reply in replies:
            discussions.reply_to_thread(users["sam.hughes@example.org"], thread, body=reply)
    return category


def _clinical_reviewers(admin: User, reviewer: User) -> None:
    """The group whose members may mark accepted answers as checked by a clinical lead."""
    group = groups.create_group(
        admin,
        name="Clinical reviewers",
        handle="clinical-reviewers",
        description="Clinical leads who check accepted answers against current guidance.",
        verifies_answers=True,
    )
    group_members.add_member(admin, group, reviewer)


def _library(users: dict[str, User], moderator: User, tags: dict[str, Tag]) -> None:
    category = db.session.scalars(select(Category).where(Category.slug == "education")).one()
    today = datetime.now(UTC).date()
    for email, title, description, filename, lines, names in RESOURCES:
        content = library.Content(
            attested_no_pii=True, stream=io.BytesIO(pdf_document(lines)), filename=filename
        )
        details = _details(title, description, [tags[name].id for name in names], today)
        library.add_resource(users[email], category, details, content, today=today)
    title, description, link, names = LINK_RESOURCE
    details = _details(title, description, [tags[name].id for name in names], today)
    details = replace(details, organisation="NICE", licence="all-rights-reserved")
    content = library.Content(attested_no_pii=True, link_url=link)
    library.add_resource(moderator, category, details, content, today=today)


def _details(title: str, description: str, tag_ids: list[int], today: date) -> library.Details:
    return library.Details(
        title=title,
        description=description,
        organisation="Cancer clinical leadership programme (demo)",
        licence="cc-by",
        review_by=today + timedelta(days=365),
        audience="GPs and practice teams",
        tag_ids=tuple(tag_ids),
    )


def _welcome(admin: User) -> None:
    details = site.SiteDetails(
        name="GP Cancer Leads Forum",
        description=site_pages.DEFAULT_DESCRIPTION,
        welcome=WELCOME,
        contact_email=CONTACT,
    )
    site.save_site_settings(admin, details)
    site_reads.forget_site_settings()


def pdf_document(lines: list[str]) -> bytes:
    """A one-page A4 PDF showing ``lines`` in Helvetica (pypdf writes the file)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): font})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    contents = DecodedStreamObject()
    contents.set_data(_text_operators(lines))
    page.replace_contents(contents)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _text_operators(lines: list[str]) -> bytes:
    """Draw ``lines`` from the top left; the first, larger, is the title."""
    ops = ["BT", "/F1 16 Tf", "20 TL", "56 780 Td"]
    for number, line in enumerate(lines):
        if number == 1:
            ops += ["/F1 11 Tf", "16 TL"]
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    return "\n".join(ops).encode("cp1252")
