"""Names with a title (Mr, Mrs, Ms, Miss, Mx, Master), not colleagues or cited authors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from forum.pii.findings import Finding, make_finding

_NOT_NAMES = (
    "The|And|Of|In|On|At|To|For|With|Class|Classes|Plan|Key|Degree|Card|Copy|File|List|Chef|"
    "Builder|Mind|Patient|Index|Data|Record|Sheet|Document|Switch|Bedroom|Suite|January|February|March|April|June|July|August|September|October|November|"
    "December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)


def _latin_letters(predicate: Callable[[str], bool]) -> str:
    latin = [*range(0x41, 0x250), *range(0x1E00, 0x1F00)]  # basic, extended, Vietnamese...
    return "".join(re.escape(chr(c)) for c in latin if predicate(chr(c)))


_UP, _LOW = _latin_letters(str.isupper), _latin_letters(str.islower)  # Ł, Ø, É, ñ...
_PARTICLES = r"(?:(?:de|van|von|der|den|da|di|du|del|della|la|le|ten|ter|bin|ibn)[ \t]+){0,2}"
_NAME = (
    rf"(?!(?:{_NOT_NAMES})\b)(?:(?:al|el|Al|El)-)?(?:Ma?c|O'|D')?[{_UP}][{_LOW}]+"
    rf"(?:[-'][{_UP}][{_LOW}]+)*"
)
_TITLE = r"M(?<!\wM)(?:rs|r|s|iss|x|aster)\b\.?"
_FORENAMES = rf"(?:(?:{_NAME}|[{_UP}]\.?)[ \t]+){{0,2}}"
FULL_NAME = rf"{_TITLE}[ \t]+{_FORENAMES}{_PARTICLES}{_NAME}"
_TITLED_NAME_RE = re.compile(FULL_NAME)
# Upper case is how hospital systems print names, but "MR"/"MS" are also mitral regurgitation and
# multiple sclerosis: accept upper case after a "Name:"-style label, or for the unambiguous "MRS".
_UPPER_NAME_RE = re.compile(
    rf"M(?<!\wM)(?P<title>RS|R|S|ISS|X|ASTER)\b\.?[ \t]+"
    rf"(?P<name>[{_UP}][{_UP}'-]+(?:[ \t]+[{_UP}][{_UP}'-]+){{0,2}})\b"
)
_HEADER_LABEL_RE = re.compile(r"(?i)\b(?:name|patient|pt|re|surname)\s*[:\t-]\s*$")


# Clinicians and colleagues named with a title: UK surgeons are "Mr"/"Miss", nurses often "Mrs".
_ROLE_NOUN = (
    r"(?:consultants?|surgeons?|urologists?|gyn(?:a)?ecologists?|obstetricians?|registrars?|"
    r"frcs|spr|ophthalmologists?|an(?:a)?esthetists?|oncologists?|physicians?|"
    r"neurosurgeons?|nurses?|sisters?|matron|midwife|midwives|health visitors?|pharmacists?|"
    r"physio(?:therapist)?s?|managers?|receptionists?|secretary|colleagues?|anps?|hcas?|"
    r"paramedics?|physician associates?|nurse practitioners?|care coordinators?|"
    r"social prescribers?|gps?|doctors?|leads?)"
)
_SPECIALTY = (
    r"(?:colorectal|vascular|ent|urology|urological|breast|orthop(?:a)?edics?|orthop(?:a)?edic|"
    r"plastics?|upper gi|lower gi|hpb|max ?fax|cardiothoracic|general surgical|surgical|"
    r"gyn(?:a)?(?:ecology)?|gynae|obs|o&g|paeds|paediatrics|derm(?:atology)?|rheum(?:atology)?|"
    r"cardio(?:logy)?|neuro(?:logy)?|resp(?:iratory)?|gastro(?:enterology)?|ortho|haem(?:atology)?|"
    r"onc(?:ology)?|ophthalmology|spinal|hand|trauma)"
)
_QUALIFIERS = (
    r"(?:(?:practice|district|community|specialist|senior|lead|clinical|advanced|new|locum|"
    r"palliative|diabetes|respiratory|research|salaried|trainee)\s+)*"
)
_CLINICIAN_BEFORE_RE = re.compile(
    rf"(?i)(?:\b{_ROLE_NOUN}[\s,:(-]*|\b(?:referred(?: \w+)?(?: back)? to|referral to|"
    r"refer(?: \w+)? to|under(?: the care of)?|care of|seen by|reviewed by|operated on by|"
    r"clinic letter from|clinic with|listed by|advice from)\s+)$"
)
_CLINICIAN_AFTER_RE = re.compile(
    r"(?i)(?:'s\s+(?:clinic|list|team|firm|secretary|registrar|theatre|outpatient|letter|"
    r"opinion|paper|review|\d{4})|\s+et al\b|\s*\((?:19|20)\d\d\)"
    rf"|\s*[,(-]?\s*(?:is\s+)?(?:the\s+|a\s+|our\s+)?{_QUALIFIERS}(?:{_SPECIALTY}\s+)?"
    rf"{_ROLE_NOUN}\b|\s*\((?:consultant\s+)?{_SPECIALTY}\))"
)


def _is_clinician(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 45) : start]
    return bool(_CLINICIAN_BEFORE_RE.search(before) or _CLINICIAN_AFTER_RE.match(text, end))


def _titled_name_spans(text: str) -> Iterator[tuple[int, int]]:
    yield from (m.span() for m in _TITLED_NAME_RE.finditer(text))
    for m in _UPPER_NAME_RE.finditer(text):
        labelled = _HEADER_LABEL_RE.search(text[max(0, m.start() - 20) : m.start()])
        if labelled or (m["title"] == "RS" and len(m["name"]) >= 3):
            yield m.span()


def find_titled_names(text: str) -> Iterator[Finding]:
    for start, end in _titled_name_spans(text):
        if not _is_clinician(text, start, end):
            yield make_finding("titled_name", start, end)
