"""Kinds, severities, explanations and the ``Finding`` every rule returns."""

from __future__ import annotations

from dataclasses import dataclass

#: Most severe first.
SEVERITY_ORDER: tuple[str, ...] = ("block", "confirm", "nudge")
RANK = {name: len(SEVERITY_ORDER) - i for i, name in enumerate(SEVERITY_ORDER)}

SEVERITY: dict[str, str] = {
    "nhs_number": "block",
    "chi_number": "block",
    "hc_number": "block",
    "date_of_birth": "confirm",
    "postcode": "confirm",
    "titled_name": "confirm",
    "hospital_number": "confirm",
    "phone": "confirm",
    "email": "confirm",
    "ni_number": "confirm",
    "exact_age_90_plus": "nudge",
    "event_date_place": "nudge",
}

KIND_LABELS: dict[str, str] = {
    "nhs_number": "This looks like an NHS number (the check digit is valid). Remove it: NHS "
    "numbers identify a patient.",
    "chi_number": "This looks like a Scottish CHI number (a date of birth followed by a valid "
    "check digit). Remove it: CHI numbers identify a patient.",
    "hc_number": "This looks like a Northern Ireland Health and Care number (the check digit is "
    "valid). Remove it: H&C numbers identify a patient.",
    "date_of_birth": "This looks like a full date of birth. Give an age or an age range instead: "
    "a date of birth helps identify a patient.",
    "postcode": "This looks like a full postcode. Remove it or give the area only (e.g. 'LS1'): "
    "a full postcode covers a handful of homes.",
    "titled_name": "This looks like a person's name with a title (Mr, Mrs, Ms...). If it is a "
    "patient or a relative, remove it or use a placeholder such as 'Mrs A'.",
    "hospital_number": "This looks like a hospital or unit number. Remove it: local record "
    "numbers identify a patient.",
    "phone": "This looks like a personal phone number. Remove it unless it is a published "
    "service line.",
    "email": "This looks like an email address. Remove it unless it is a published service "
    "mailbox.",
    "ni_number": "This looks like a National Insurance number. Remove it: it identifies a person.",
    "exact_age_90_plus": "An exact age of 90 or over is rare enough to help identify someone. "
    "Consider 'over 90' instead.",
    "event_date_place": "An exact date together with a small place (a street, village or farm) "
    "can identify someone. Consider removing one of them.",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    severity: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "start": self.start, "end": self.end, "severity": self.severity}


def make_finding(kind: str, start: int, end: int) -> Finding:
    return Finding(kind, start, end, SEVERITY[kind])


#: A short name for each kind, for lists and headings.
KIND_NAMES: dict[str, str] = {
    "nhs_number": "NHS number",
    "chi_number": "CHI number",
    "hc_number": "Health and Care number",
    "date_of_birth": "Date of birth",
    "postcode": "Postcode",
    "titled_name": "Name with a title",
    "hospital_number": "Hospital number",
    "phone": "Phone number",
    "email": "Email address",
    "ni_number": "National Insurance number",
    "exact_age_90_plus": "Exact age of 90 or over",
    "event_date_place": "Exact date with a small place",
}
#: Each kind in a sentence ("it contains what looks like a postcode").
KIND_PHRASES: dict[str, str] = {
    "nhs_number": "an NHS number",
    "chi_number": "a CHI number",
    "hc_number": "a Health and Care number",
    "date_of_birth": "a date of birth",
    "postcode": "a postcode",
    "titled_name": "a name with a title",
    "hospital_number": "a hospital number",
    "phone": "a phone number",
    "email": "an email address",
    "ni_number": "a National Insurance number",
    "exact_age_90_plus": "an exact age of 90 or over",
    "event_date_place": "an exact date near a small place",
}
