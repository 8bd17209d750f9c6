"""The case question template: structured fields written out as the post's Markdown.

The fields become ordinary post text, so search, the patient-identifier guard and moderators
see exactly what readers see; nothing is stored beside the post. Ages are bands only.
"""

from __future__ import annotations

from dataclasses import dataclass

AGE_BANDS: tuple[str, ...] = (
    "Under 18",
    "18–29",
    "30–39",
    "40–49",
    "50–59",
    "60–69",
    "70–79",
    "80–89",
    "90 or over",
)
SEXES: tuple[str, ...] = ("Female", "Male", "Intersex")
CASE_HEADING = "Case question"

_SECTIONS = (
    ("history", "Relevant history"),
    ("presentation", "Presentation"),
    ("actions", "What has been done so far"),
    ("question", "The question"),
)


@dataclass(frozen=True)
class CaseFields:
    age_band: str
    presentation: str
    question: str
    sex: str = ""
    history: str = ""
    actions: str = ""


def _escape_line(text: str) -> str:
    """Keep a one-line answer from starting a Markdown block of its own."""
    return text.replace("\n", " ").strip()


def render_case(fields: CaseFields) -> str:
    """The Markdown body of a case question."""
    facts = [f"- **Age band:** {_escape_line(fields.age_band)}"]
    if fields.sex:
        facts.append(f"- **Sex:** {_escape_line(fields.sex)}")
    parts = [f"**{CASE_HEADING}**", "\n".join(facts)]
    for name, heading in _SECTIONS:
        text = getattr(fields, name).strip()
        if text:
            parts.append(f"# {heading}\n\n{text}")
    return "\n\n".join(parts) + "\n"
