"""Synthetic, labelled evaluation corpus for forum.pii.

Everything here is invented: names and places are made up, NHS-style numbers are either from the
national test range (999 000 0000-999 999 9999, never issued) or synthetic numbers with a valid
check digit in the allocated ranges, phone numbers come from Ofcom's drama ranges, and postcodes
are random strings in valid formats. Labels follow the guideline in docs/pii.md, written from
what identifies a patient, not from what the detector happens to catch.

Run ``python tests/pii_corpus.py > corpus.jsonl`` to write the corpus as JSON lines.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypedDict


class Label(TypedDict):
    kind: str
    start: int
    end: int


class Snippet(TypedDict):
    text: str
    labels: list[Label]


Fill = tuple[str, str | None]  # (text, label kind or None)
R = random.Random

# --- Invented people and places -----------------------------------------------------------------

SURNAMES = (
    "Quillfeather Brackenridge Thistlewood Marchbanks Oakhurst Pennywhistle Halloran Wexley "
    "Ashcombe Fenwright Drummore Castleby Lindqvist Okonedo Varnham Trelawny Blackwood Yeardley "
    "Mossop Cradock Ellery Farrant Gwillim Hesketh Ingleby Jarrold Kersley Lattimore Nuttall "
    "Pargeter Rudd Summerbee Tolley Upcott Venning Whitcombe Adeyinka Balogun Chaudhry Dhaliwal "
    "Kowalczyk Nowakowska Mahmood Szabo Oyelaran Rahmani Santangelo Vartanian Brightwell"
).split()
SURNAMES_SPECIAL = ("O'Halloran", "McCreadie", "MacAskill", "Fenwick-Hale", "D'Souza-Pryor")
FIRST_NAMES = (
    "Agnes Bartholomew Cecily Dorian Elspeth Fergus Gwendolen Horace Imogen Jasper Kezia Lionel "
    "Maude Norbert Ottoline Percival Rosalind Silas Tamsin Ulric Verity Wilfred Zillah Amara "
    "Bilal Chiamaka Dariusz Esi Farida Goran Hamza Ifeoma Jovana Kofi Leilani Mehmet Nadia"
).split()
CLINICIAN_SURNAMES = (
    "Okafor Hale Adeyemi Lockhart Pemberton Raghavan Stanhope Vukovic Whitlow Abernethy Coker "
    "Danvers Ekwueme Forsythe Grantham"
).split()
VILLAGES = (
    "Little Wexcombe",
    "Nether Brockley",
    "Upper Thornby",
    "Hollowmere",
    "Kettlewick",
    "Brindlecombe",
    "Saltmarsh End",
    "Long Fennick",
    "Great Alderholt",
    "Cowlesby",
)
STREET_WORDS = (
    "Acacia Foxglove Millrace Quarry Tanners Larkspur Wheelwright Coppice Bramble Kingfisher "
    "Orchard Meadowsweet Ropewalk Flaxfield Sandpiper"
).split()
STREET_TYPES = ("Avenue", "Lane", "Close", "Road", "Street", "Drive", "Crescent", "Terrace", "Mews")
FARMS = ("Rose Farm", "Highfield Farm", "Lower Coombe Farm", "Windyridge Farm", "Ashtree Farm")
TOWNS = ("Leeds", "Bradford", "Sheffield", "Derby", "Norwich", "Plymouth", "Hull", "Bristol")
OUTWARDS = ("LS1", "LS6", "BD7", "S10", "DE22", "NR2", "PL4", "HU5", "BS8", "M20", "B33")

# --- Number helpers -----------------------------------------------------------------------------


def mod11_check(nine: str) -> int | None:
    """Return the Modulus 11 check digit for nine digits, or None when none exists."""
    check = 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
    return None if check == 10 else check % 11


def _digits(rng: R, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _valid_ten(rng: R, prefix: str) -> str:
    while True:
        nine = prefix + _digits(rng, 9 - len(prefix))
        check = mod11_check(nine)
        if check is not None:
            return nine + str(check)


def _invalid_ten(rng: R) -> str:
    nine = rng.choice("0123456789") + _digits(rng, 8)
    check = mod11_check(nine)
    return nine + rng.choice([d for d in "0123456789" if check is None or int(d) != check])


def _group334(number: str, rng: R) -> str:
    sep = rng.choice(["", " ", " ", " ", "-"])
    return sep.join((number[:3], number[3:6], number[6:]))


def _random_date(rng: R, first: int, last: int) -> date:
    start = date(first, 1, 1)
    return start + timedelta(days=rng.randrange((date(last, 12, 31) - start).days))


# --- Identifier fills (labelled) ----------------------------------------------------------------


def nhs(rng: R) -> Fill:
    prefix = rng.choice(["999", "999", str(rng.randint(400, 499)), str(rng.randint(600, 799))])
    return _group334(_valid_ten(rng, prefix), rng), "nhs_number"


def chi(rng: R) -> Fill:
    born = _random_date(rng, 1930, 2022)
    number = _valid_ten(rng, born.strftime("%d%m%y"))
    return rng.choice([number, number, number[:6] + " " + number[6:]]), "chi_number"


def hc(rng: R) -> Fill:
    return _group334(_valid_ten(rng, str(rng.randint(320, 399))), rng), "hc_number"


_MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def format_date(when: date, rng: R, *, short_year_ok: bool = True) -> str:
    month = _MONTH_NAMES[when.month - 1]
    styles = [
        f"{when:%d/%m/%Y}",
        f"{when.day}/{when.month}/{when.year}",
        f"{when.day}.{when.month}.{when:%y}" if short_year_ok else f"{when:%d.%m.%Y}",
        f"{when:%d-%m-%Y}",
        f"{_ordinal(when.day)} {month} {when.year}",
        f"{when.day} {month[:3]} {when.year}",
        f"{month} {_ordinal(when.day)} {when.year}",
        f"{when:%Y-%m-%d}",
        f"{when.day} {month} {when.year}",
        f"{when:%d/%m/%y}" if short_year_ok else f"{when:%d/%m/%Y}",
    ]
    return rng.choice(styles)


def dob(rng: R) -> Fill:
    return format_date(_random_date(rng, 1924, 2023), rng), "date_of_birth"


_POSTCODE_LETTERS_1 = "ABCDEFGHIJKLMNOPRSTUWYZ".replace("I", "").replace("J", "")
_POSTCODE_FORMATS = ("A9", "A99", "A9A", "AA9", "AA99", "AA9A")


def _outward(rng: R) -> str:
    fmt = rng.choice(_POSTCODE_FORMATS)
    out = rng.choice("ABCDEFGHJKLMNOPRSTUWYZ")
    if fmt[1] == "A":
        out += rng.choice("ABCDEFGHKLMNOPQRSTUVWXY")
    for part in fmt[len(out) :]:
        if part == "9":
            out += rng.choice("0123456789")
        else:
            out += rng.choice("ABCDEFGHJKPSTUW" if len(out) == 2 else "ABEHMNPRVWXY")
    return out


def postcode_text(rng: R) -> str:
    code = _outward(rng) + " " + rng.choice("0123456789")
    code += "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
    style = rng.random()
    if style < 0.12:
        return code.replace(" ", "").lower()
    if style < 0.2:
        return code.lower()
    return code.replace(" ", "") if style < 0.3 else code


def postcode(rng: R) -> Fill:
    return postcode_text(rng), "postcode"


def patient_name(rng: R) -> Fill:
    title = rng.choice(["Mrs", "Mr", "Ms", "Miss", "Mr", "Mrs", "Mx", "Master"])
    surname = rng.choice(SURNAMES + list(SURNAMES_SPECIAL) * 2)
    style = rng.random()
    if style < 0.2:
        return f"{title} {rng.choice(FIRST_NAMES)} {surname}", "titled_name"
    if style < 0.35:
        return f"{title} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {surname}", "titled_name"
    if style < 0.42:
        return f"{title}. {surname}", "titled_name"
    return f"{title} {surname}", "titled_name"


def hospital_number(rng: R) -> Fill:
    style = rng.choice(["K", "RX", "plain", "alpha", "slash"])
    if style == "K":
        return "K" + _digits(rng, 7), "hospital_number"
    if style == "RX":
        return rng.choice(["RXH", "RTH", "RR8", "RWD"]) + _digits(rng, 6), "hospital_number"
    if style == "alpha":
        return rng.choice("ABMSTW") + _digits(rng, rng.randint(5, 8)), "hospital_number"
    if style == "slash":
        return f"{_digits(rng, 2)}/{_digits(rng, 6)}", "hospital_number"
    return _digits(rng, rng.randint(6, 8)), "hospital_number"


def mobile(rng: R) -> Fill:
    tail = f"{rng.randint(0, 999):03d}"
    number = rng.choice(
        [f"07700 900{tail}", f"07700900{tail}", f"07700 900 {tail}", f"+44 7700 900{tail}"]
    )
    return number, "phone"


_LANDLINE_AREAS = ("0113 496", "0114 496", "0115 496", "0117 496", "0118 496", "0121 496")


def landline(rng: R) -> Fill:
    tail = f"0{rng.randint(0, 999):03d}"
    area = rng.choice(_LANDLINE_AREAS)
    return rng.choice(
        [
            f"{area} {tail}",
            f"020 7946 {tail}",
            f"01632 960{tail[1:]}",
            f"({area[:4]}) {area[5:]} {tail}",
            f"+44 {area[1:]} {tail}",
            f"+44 (0)20 7946 {tail}",
        ]
    ), "phone"


def email(rng: R) -> Fill:
    first, last = rng.choice(FIRST_NAMES).lower(), rng.choice(SURNAMES).lower()
    return rng.choice(
        [
            f"{first}.{last}@example.com",
            f"{first[0]}{last}{rng.randint(1, 99)}@example.org",
            f"{last}.{first}@example.net",
            f"{first}{last}@example.co.uk",
        ]
    ), "email"


_NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"


def ni_number(rng: R) -> Fill:
    while (prefix := rng.choice(_NI_FIRST) + rng.choice(_NI_SECOND)) in {
        "BG",
        "GB",
        "KN",
        "NK",
        "NT",
        "TN",
        "ZZ",
    }:
        continue
    digits = _digits(rng, 6)
    suffix = rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{prefix}{digits}{suffix}", "ni_number"
    return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}", "ni_number"


_OLD_AGES = (90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 104)


def age90(rng: R) -> Fill:
    age, sex = rng.choice(_OLD_AGES), rng.choice("MF")
    forms = [f"{age}{sex}", f"{age} {sex}", f"aged {age}", f"age {age}", f"{age}yo", f"{age} y/o"]
    return rng.choice(forms), "exact_age_90_plus"


def age90_adjective(rng: R) -> Fill:
    age = rng.choice(_OLD_AGES)
    forms = [f"{age}-year-old", f"{age} year old", f"{age}yo", f"{age} yo", f"{age} y/o"]
    return rng.choice(forms), "exact_age_90_plus"


def village(rng: R) -> Fill:
    return rng.choice(VILLAGES), "event_date_place"


def farm(rng: R) -> Fill:
    return rng.choice(FARMS), "event_date_place"


def street(rng: R) -> Fill:
    return f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_TYPES)}", "event_date_place"


def address(rng: R) -> Fill:
    house = rng.choice([str(rng.randint(1, 180)), f"{rng.randint(1, 60)}a"])
    return f"{house} {street(rng)[0]}", "event_date_place"


# --- Non-identifier fills: the everyday numbers of general practice (hard negatives) ------------


def _pick(*options: str) -> Callable[[R], Fill]:
    return lambda rng: (rng.choice(options), None)


def age_sex(rng: R) -> Fill:
    age = rng.randint(18, 89)
    return rng.choice(
        [
            f"{age}{rng.choice('MF')}",
            f"{age} {rng.choice('MF')}",
            f"{age}yo {rng.choice(['man', 'woman', 'F', 'M'])}",
            f"{age}-year-old {rng.choice(['man', 'woman', 'lady', 'gentleman'])}",
            f"{rng.choice(['man', 'woman', 'lady', 'chap'])} aged {age}",
            f"{age} y/o {rng.choice(['male', 'female'])}",
        ]
    ), None


def child_age(rng: R) -> Fill:
    return rng.choice(
        [
            f"{rng.randint(2, 11)} month old",
            f"{rng.randint(2, 15)}yo",
            f"{rng.randint(2, 15)} year old",
        ]
    ), None


def lab(rng: R) -> Fill:
    return rng.choice(
        [
            f"Hb {rng.randint(78, 160)} g/L",
            f"PSA {rng.randint(1, 40) / 10}",
            f"CA125 of {rng.randint(8, 400)}",
            f"eGFR {rng.randint(18, 90)}",
            f"ferritin {rng.randint(4, 600)}",
            f"HbA1c {rng.randint(36, 110)} mmol/mol",
            f"CRP {rng.randint(1, 250)}",
            f"platelets {rng.randint(90, 650)}",
            f"TSH {rng.randint(1, 90) / 10}",
            f"ALT {rng.randint(10, 300)}",
            f"Na {rng.randint(124, 146)}",
            f"K+ {rng.randint(30, 65) / 10}",
            f"WCC {rng.randint(30, 190) / 10}",
            f"FIT {rng.randint(0, 400)} µg Hb/g",
            f"B12 {rng.randint(90, 900)}",
            f"vit D {rng.randint(10, 120)} nmol/L",
            f"LDL {rng.randint(15, 60) / 10}",
            f"ACR {rng.randint(1, 90) / 10}",
            f"calcium {rng.randint(210, 290) / 100}",
            f"MCV {rng.randint(70, 110)}",
            f"INR {rng.randint(10, 45) / 10}",
            f"NT-proBNP {rng.randint(50, 4000)}",
            f"urate {rng.randint(250, 600)}",
            f"CK {rng.randint(80, 3000)}",
        ]
    ), None


def dose(rng: R) -> Fill:
    return rng.choice(
        [
            "amoxicillin 500mg tds",
            "2.5 mg bisoprolol",
            "ramipril 5mg od",
            "sertraline 50 mg",
            "metformin 500mg bd",
            "atorvastatin 20mg on",
            "colecalciferol 800 units daily",
            "hydroxocobalamin 1mg IM",
            "B12 1000mcg tablets",
            "doxycycline 100mg od",
            "naproxen 500mg bd",
            "lansoprazole 30mg",
            "Fostair 100/6 2 puffs bd",
            "prednisolone 30mg for 5 days",
            "apixaban 5mg bd",
            "edoxaban 60 mg",
            "levothyroxine 75 micrograms",
            "co-codamol 30/500",
            "nitrofurantoin 100mg MR bd for 3 days",
            "amlodipine 10 mg",
            "insulin glargine 24 units",
            "methotrexate 15mg weekly",
            "folic acid 5mg",
            "mirtazapine 15mg nocte",
            "gabapentin 300mg tds",
            "morphine sulfate 10mg/5ml 2.5-5ml prn",
            "Sativex?",
            "clarithromycin 500 mg bd",
        ]
    ), None


def guideline(rng: R) -> Fill:
    return rng.choice(
        [
            "NG12",
            "NG85",
            "CG27",
            "QS124",
            "DG30",
            "DG56",
            "NG136",
            "NG28",
            "CG113",
            "NG17",
            "TA123",
            "NG196",
            "NG238",
            "SIGN 158",
            "CG190",
            "NG240",
        ]
    ), None


def appt_date(rng: R) -> Fill:
    return format_date(_random_date(rng, 2019, 2026), rng), None


def event_date(rng: R) -> Fill:
    when = _random_date(rng, 2022, 2026)
    month = _MONTH_NAMES[when.month - 1]
    return rng.choice(
        [
            format_date(when, rng),
            f"{_ordinal(when.day)} {month}",
            f"{when.day} {month}",
            f"the {_ordinal(when.day)} of {month}",
            f"{when.day} {month[:3]}",
        ]
    ), None


def interval(rng: R) -> Fill:
    return rng.choice(
        [
            "2 weeks",
            "6 weeks",
            "3 months",
            "48 hours",
            "a week",
            "4-6 weeks",
            "10 days",
            "12 months",
            "3/12",
            "6/52",
            "2/7",
        ]
    ), None


def bp(rng: R) -> Fill:
    return f"{rng.randint(105, 190)}/{rng.randint(60, 110)}", None


def pct(rng: R) -> Fill:
    return f"{rng.randint(1, 99)}{rng.choice(['', '.' + str(rng.randint(0, 9))])}%", None


def year(rng: R) -> Fill:
    return str(rng.randint(1998, 2026)), None


def count(rng: R) -> Fill:
    return str(rng.randint(3, 480)), None


def icd(rng: R) -> Fill:
    return rng.choice(
        [
            "C18.7",
            "C50.9",
            "F32.1",
            "I48.9",
            "E11.9",
            "J44.1",
            "N18.3",
            "C61",
            "K57.3",
            "R10.4",
            "M81.0",
            "G30.1",
        ]
    ), None


def snomed(rng: R) -> Fill:
    return _digits(rng, 1).replace("0", "1") + _digits(
        rng, rng.choice([6, 8, 9, 9, 9, 11, 13, 15])
    ), None


def bad10(rng: R) -> Fill:
    return _group334(_invalid_ten(rng), rng), None


def ref10(rng: R) -> Fill:
    return _digits(rng, 10), None


def long_digits(rng: R) -> Fill:
    return rng.choice("123456789") + _digits(rng, rng.randint(11, 15)), None


def service_phone(rng: R) -> Fill:
    tail = f"0{rng.randint(0, 999):03d}"
    return rng.choice(
        [
            f"0306 999 {tail}",
            f"0300 {rng.randint(100, 999)} {tail}",
            f"0808 157 {tail}",
            f"0113 496 {tail}",
            f"020 7946 {tail}",
            f"0117 496 {tail}",
            f"0345 {rng.randint(100, 999)} {tail}",
        ]
    ), None


def surgeon(rng: R) -> Fill:
    name = rng.choice(CLINICIAN_SURNAMES)
    title = rng.choice(["Mr", "Mr", "Miss", "Ms"])
    return rng.choice(
        [
            f"referred to {title} {name}",
            f"under {title} {name}",
            f"{title} {name}'s clinic",
            f"{title} {name}, consultant colorectal surgeon,",
            f"{title} {name} (urology)",
            f"colorectal surgeon {title} {name}",
            f"{title} {name} the consultant urologist",
            f"seen by {title} {name}",
            f"{title} {name}'s list",
            f"consultant urologist {title} {name}",
            f"{title} {name}, the breast surgeon,",
            f"{title} {name} (ENT)",
            f"{title} {name}'s team",
            f"the orthopaedic consultant, {title} {name},",
        ]
    ), None


def doctor(rng: R) -> Fill:
    name = rng.choice(CLINICIAN_SURNAMES + SURNAMES[:10])
    return rng.choice(
        [
            f"Dr {name}",
            f"Dr. {name}",
            f"Prof {name}",
            f"Professor {name}",
            f"Dr {rng.choice(FIRST_NAMES)} {name}",
        ]
    ), None


def placeholder(rng: R) -> Fill:
    return f"{rng.choice(['Mrs', 'Mr', 'Ms', 'Miss'])} {rng.choice('ABCDXYZ')}", None


def citation(rng: R) -> Fill:
    name = rng.choice(SURNAMES)
    return rng.choice(
        [
            f"({name} et al., {rng.randint(1995, 2024)})",
            f"{name} et al ({rng.randint(1995, 2024)})",
            f"the {name} review ({rng.randint(2005, 2024)})",
        ]
    ), None


def town(rng: R) -> Fill:
    return rng.choice(TOWNS), None


def outward(rng: R) -> Fill:
    return rng.choice(OUTWARDS), None


def normal_age(rng: R) -> Fill:
    return str(rng.randint(40, 89)), None


def street_name(rng: R) -> Fill:
    return f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_TYPES)}", None


def aged_dob(rng: R) -> list[Fill]:
    """An age with a consistent birth date, as pasted from a summary: "aged 67 (03/04/1958)"."""
    today = date.today()
    born = _random_date(rng, today.year - 85, today.year - 20)
    age = today.year - born.year - ((born.month, born.day) > (today.month, today.day))
    when = format_date(born, rng, short_year_ok=False)
    return [(f"aged {age} (", None), (when, "date_of_birth"), (")", None)]


def patient_name_header(rng: R) -> Fill:
    """A name as hospital systems print it in a header: upper case, title first."""
    title = rng.choice(["MRS", "MR", "MS", "MISS"])
    name = f"{title} {rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}".upper()
    return name, "titled_name"


def dob_hospital(rng: R) -> Fill:
    born = _random_date(rng, 1924, 2010)
    return rng.choice([f"{born:%d-%b-%Y}", f"{born:%d %b %Y}", f"{born:%d/%m/%Y}"]), "date_of_birth"


def dob_bare(rng: R) -> Fill:
    """A birth date written straight after the name, as in a hand-typed list."""
    return format_date(_random_date(rng, 1924, 2005), rng), "date_of_birth"


def age90_bare(rng: R) -> Fill:
    return str(rng.choice(_OLD_AGES)), "exact_age_90_plus"


def surname(rng: R) -> Fill:
    return rng.choice(SURNAMES), None


def ubrn(rng: R) -> Fill:
    return f"{_digits(rng, 4)} {_digits(rng, 4)} {_digits(rng, 4)}", None


def staff_role(rng: R) -> Fill:
    return rng.choice(
        [
            "ANP",
            "practice nurse",
            "HCA",
            "paramedic",
            "physician associate",
            "practice manager",
            "clinical pharmacist",
            "care coordinator",
            "social prescriber",
            "nurse practitioner",
        ]
    ), None


SYMPTOM = _pick(
    "change in bowel habit",
    "post-menopausal bleeding",
    "unexplained weight loss",
    "haemoptysis",
    "a persistent cough",
    "dysphagia",
    "night sweats",
    "fatigue",
    "back pain",
    "palpitations",
    "a breast lump",
    "haematuria",
    "recurrent UTIs",
    "low mood",
    "headaches",
    "dizziness",
    "abdominal bloating",
    "a non-healing ulcer on the shin",
    "chest tightness on exertion",
    "itchy rash",
    "tremor",
    "falls",
    "urinary frequency",
    "reflux",
    "knee pain",
)
CONDITION = _pick(
    "AF",
    "T2DM",
    "COPD",
    "hypertension",
    "CKD 3a",
    "heart failure",
    "IBS",
    "asthma",
    "depression",
    "hypothyroidism",
    "gout",
    "osteoporosis",
    "psoriasis",
    "PMR",
    "anaemia",
    "BPH",
    "endometriosis",
)
TEST = _pick(
    "a FIT",
    "an urgent CXR",
    "a CA125",
    "a PSA",
    "an ultrasound",
    "bloods",
    "an ECG",
    "a spirometry",
    "a faecal calprotectin",
    "a DEXA",
    "an MRI",
    "a 24h tape",
)
SERVICE = _pick(
    "the 2WW referral line",
    "the advice and guidance line",
    "the community respiratory team",
    "switchboard",
    "the frailty hub",
    "the SPA",
    "the LMC helpline",
    "the on-call haematologist via switchboard",
    "the practice",
    "reception",
    "the crisis team",
    "the district nursing team",
    "the hospice advice line",
)
PLACE_WORD = _pick(
    "at home", "in the garden", "in town", "at the supermarket", "at work", "on holiday"
)

FILLS: dict[str, Callable[[R], Fill | list[Fill]]] = {
    "NHS": nhs,
    "CHI": chi,
    "HC": hc,
    "DOB": dob,
    "PC": postcode,
    "PNAME": patient_name,
    "HOSP": hospital_number,
    "MOB": mobile,
    "LAND": landline,
    "EMAIL": email,
    "NI": ni_number,
    "AGE90": age90,
    "AGE90ADJ": age90_adjective,
    "VILLAGE": village,
    "FARM": farm,
    "STREET": street,
    "ADDR": address,
    "AGEDOB": aged_dob,
    "AGESEX": age_sex,
    "CHILD": child_age,
    "LAB": lab,
    "DOSE": dose,
    "GUIDE": guideline,
    "APPT": appt_date,
    "EDATE": event_date,
    "INTERVAL": interval,
    "BP": bp,
    "PCT": pct,
    "YEAR": year,
    "N": count,
    "ICD": icd,
    "SNOMED": snomed,
    "BAD10": bad10,
    "REF10": ref10,
    "LONGDIGITS": long_digits,
    "SVCPHONE": service_phone,
    "SURGEON": surgeon,
    "DR": doctor,
    "PLACEHOLDER": placeholder,
    "CITE": citation,
    "TOWN": town,
    "OUTWARD": outward,
    "AGE": normal_age,
    "STREETNAME": street_name,
    "SYMPTOM": SYMPTOM,
    "CONDITION": CONDITION,
    "TEST": TEST,
    "SERVICE": SERVICE,
    "PLACEWORD": PLACE_WORD,
    "PNAMEHDR": patient_name_header,
    "DOBHOSP": dob_hospital,
    "DOBBARE": dob_bare,
    "AGE90BARE": age90_bare,
    "SURNAME": surname,
    "UBRN": ubrn,
    "ROLE": staff_role,
}

# --- Templates: what GPs write on a forum, and what they paste into it by mistake ----------------

TEMPLATES: tuple[str, ...] = (
    # Case questions, no identifiers
    "{AGESEX} with {SYMPTOM} for {INTERVAL}. {LAB}, {LAB}. Examination unremarkable. Would you "
    "refer under {GUIDE} or safety-net and review in {INTERVAL}?",
    "Interesting one this morning: {AGESEX}, background of {CONDITION}, presenting with {SYMPTOM}. "
    "Started {DOSE} and asked to come back in {INTERVAL}. Anything I've missed?",
    "Bloods back: {LAB}, {LAB}, {LAB}. {AGESEX}, no red flags. Repeat in {INTERVAL} or refer?",
    "Quick prescribing question - {DOSE} or {DOSE} for {CONDITION} with eGFR {N}? BNF is vague.",
    "How are people handling FIT results just under 10 µg Hb/g with ongoing symptoms? Our local "
    "{GUIDE} pathway says FIT ≥10 for the 2WW/USC route but we had {N} bounced last year.",
    "{AGESEX}, BP {BP} in clinic, ABPM average {BP}. QRISK3 {PCT}. Start ramipril or give "
    "lifestyle advice first and recheck in {INTERVAL}?",
    "{AGESEX} with {CONDITION}, on {DOSE} and {DOSE}. {LAB} today (was {LAB} in {YEAR}). Do I need "
    "to stop anything?",
    "Seen on {APPT} with {SYMPTOM}; I did {TEST} which came back normal. Now re-presenting with "
    "{SYMPTOM}. BMI {N}.{N}, BP {BP}. Thoughts?",
    "Anyone else struggling with the new {GUIDE} criteria? {AGESEX}, {LAB}, {SYMPTOM} - "
    "technically doesn't meet the threshold.",
    "{CHILD} with fever 38.{N}C for 3 days, HR {N}, RR {N}, CRT <2s. Traffic light amber? Parents "
    "anxious, seen twice already.",
    "ICD-10 {ICD} on the discharge letter but the hospital coded it differently. {AGESEX}, "
    "follow-up in {INTERVAL}. Who is responsible for the repeat {TEST}?",
    "Has anyone got a good template for {CONDITION} reviews? We code with SNOMED {SNOMED} and the "
    "QOF indicator keeps missing people.",
    "Our practice code for the audit was SNOMED CT concept {SNOMED} - does anyone know if that "
    "maps to the old Read code?",
    "PHQ-9 of {N}, GAD-7 {N}. {AGESEX}, already on {DOSE}. Increase or switch?",
    "{AGESEX} on {DOSE} with INR {N}.{N}; the anticoag clinic wants us to do the next check on "
    "{APPT}. Is that our job?",
    "Lipids: total chol {N}.{N}, LDL {N}.{N}, HDL 1.{N}. QRISK {PCT}. {AGESEX}. Statin?",
    "Spirometry: FEV1/FVC 0.{N}, FEV1 {PCT} predicted. {AGESEX}, ex-smoker ({N} pack years).",
    "Is a PSA of {N}.{N} in a {AGE} year old a 2WW? NG12 says age-specific thresholds but the "
    "local pathway uses >4.",
    "{AGESEX}, {SYMPTOM}, {LAB}. CT {APPT} showed nothing. GI said 'routine'. Worth a second "
    "opinion?",
    "Dermatology A&G came back in {INTERVAL} saying 'treat as eczema'. {AGESEX}. Photos attached.",
    # Referral dilemmas and specialist names
    "I referred a {AGE} year old with {SYMPTOM} and the letter came back from {SURGEON} saying "
    "it didn't meet criteria. Anyone else seeing this?",
    "{SURGEON} told me they prefer a CT before the 2WW for {SYMPTOM}. Is that in {GUIDE}?",
    "Great teaching from {DR} on {CONDITION} last night - slides are on the shared drive.",
    "{DR} at the hospital suggested {DOSE} for {CONDITION} but it isn't on our formulary.",
    "Discussed with {DR} (on-call medics) who advised {TEST} and review in {INTERVAL}.",
    "Urology A&G from {SURGEON}: repeat PSA in {INTERVAL}, refer if >{N}.",
    "The evidence for this is thin ({CITE}), and {CITE} found no difference in outcomes.",
    "Using placeholders as the LMC suggests: {PLACEHOLDER}, {AGE}, with {SYMPTOM}. {PLACEHOLDER} "
    "is her husband and main carer.",
    "{PLACEHOLDER} ({AGESEX}) was seen on {APPT} with {SYMPTOM}. Plan: {TEST}, review {INTERVAL}.",
    "Referred to colorectal on {APPT} via 2WW, seen {SURGEON} in {INTERVAL}. Good service.",
    # Safety netting, service lines, organisational contacts
    "Safety-netting for {CONDITION}: come back if {SYMPTOM} or not better in {INTERVAL}; call 111 "
    "out of hours or 999 if severe.",
    "For anyone in the area: {SERVICE} is on {SVCPHONE}, 8-6:30 weekdays.",
    "Tip: {SERVICE} number is {SVCPHONE} (bleep 4{N} for the reg).",
    "Our text template ends 'if things get worse, contact the practice on {SVCPHONE} or NHS 111'.",
    "Does anyone have the number for {SERVICE}? The one on the website ({SVCPHONE}) rings out.",
    "Referral forms go to the shared mailbox; urgent queries to {SERVICE} on {SVCPHONE}.",
    "Call 111 or 999 - we put both on every safety-netting leaflet, plus the Samaritans on 116 "
    "123.",
    # QI, audit, screening
    "Audit of {CONDITION}: {N}/{N} ({PCT}) had {TEST} within {INTERVAL}. Re-audit planned for "
    "{YEAR}. Happy to share the search.",
    "QI project: DNA rate fell from {PCT} to {PCT} after text reminders. Run chart attached.",
    "Bowel screening uptake in our PCN is {PCT}; FIT threshold 120 µg/g in England vs 80 in "
    "Scotland. {N} invites went out in {YEAR}.",
    "AAA screening at 65, cervical screening HPV primary every 5 years from 25-49 after {YEAR}.",
    "Cervical screening: {N} women overdue, {PCT} of them aged 50-64.",
    "Our {CONDITION} register has {N} patients, prevalence {PCT}, target {PCT}.",
    "Datix reference {REF10} submitted after the incident, learning event booked for {APPT}.",
    "The order number for the spirometer is {REF10}; supplier delivered {N} units.",
    "Lab accession number {LONGDIGITS} - the sample was lost, we repeated it on {APPT}.",
    "The ICB reference for the LES is {BAD10} - claims due by {APPT}.",
    "Lot number {BAD10} of the flu vaccine was recalled. Check your fridge!",
    "Invoice {BAD10} from the courier still unpaid; practice manager chasing.",
    "Guidance is here: https://www.example.org/guidance/{GUIDE}/resources/{REF10} - see "
    "section 1.3.",
    "Bank holiday cover: closed on {APPT} and Easter Monday, hub open 8-8.",
    "OR 1.{N} (95% CI 1.0{N}-2.{N}), p=0.00{N}, n={N} ({CITE}).",
    # Peer support and teaching
    "Tough week. Complaint after a missed {CONDITION} diagnosis in {YEAR}; MDO has been helpful. "
    "How do you all cope?",
    "Teaching session for registrars on {GUIDE}: red flags, {SYMPTOM}, and how to document "
    "safety-netting. {N} attended.",
    "ST3 here - for the SCA, is it OK to say 'come back in {INTERVAL}' or do examiners want a "
    "specific plan?",
    "Moved from {TOWN} to a rural practice; the {OUTWARD} area had a much younger list.",
    "Practices around {OUTWARD} and {OUTWARD} are merging next year; anyone been through it?",
    "Locum sessions available in {TOWN}, £{N} per session, EMIS practice.",
    "Lovely feedback today from a family I'd supported through a death at home. Sometimes it's "
    "worth it.",
    "Does anyone use the {TOWN} dermatology teledermatology service? Turnaround is {INTERVAL}.",
    "Fell {PLACEWORD} on {EDATE}, {AGESEX}, wrist X-ray normal. Still painful at 2 weeks.",
    "Seen at {STREETNAME} Surgery on {APPT} by the nurse; BP {BP}.",
    "Our branch site at {STREETNAME} Medical Centre is closing on {APPT}.",
    "Moved to {STREETNAME} Practice in {YEAR}; the partners are great.",
    "Care home round at {STREETNAME} Nursing Home every Thursday; {N} residents.",
    # Identifiers that GPs paste by mistake or include unthinkingly
    "Can anyone help with {PNAME}? {AGESEX}, NHS no {NHS}, {SYMPTOM} for {INTERVAL}.",
    "Re: {PNAME}  DOB: {DOB}  NHS No: {NHS}\nThank you for seeing this patient with {SYMPTOM}.",
    "Pasting the summary: {PNAME}, D.O.B. {DOB}, {ADDR}, {TOWN} {PC}. PMH: {CONDITION}, "
    "{CONDITION}.",
    "{NHS} - {SYMPTOM}, {LAB}, please advise re {TEST}.",
    "NHS number {NHS} keeps bouncing on e-RS; the hospital says it's not on PDS. Any ideas?",
    "I think I mistyped it - NHS no {BAD10} is rejected by e-RS as invalid.",
    "Home visit list: the {AGE90ADJ} on {DOSE}, then the {AGE}M with {CONDITION}.",
    "Patient {NHS} has had {TEST} twice now.",
    "Scottish patient on holiday, CHI {CHI}, on {DOSE}, needs an emergency supply.",
    "Temporary resident from Scotland - CHI number {CHI}. Do we need to register them?",
    "H&C number {HC} - visitor from Belfast, lost their {DOSE}.",
    "Visitor from Northern Ireland {HC}, {AGESEX}, asthma, needs a salbutamol inhaler.",
    "Letter says: 'Dear Dr, re {PNAME} ({DOB}), {CHI}'. What is the second number?",
    "{PNAME} rang again today about the {CONDITION} and wants {TEST}.",
    "Home visit to {PNAME} at {ADDR} on {EDATE} - {AGE90}, {SYMPTOM}.",
    "I saw {PNAME} and their daughter today; {SYMPTOM}, {LAB}.",
    "Any ideas? {PNAME}, hospital number {HOSP}, was discharged without her {DOSE}.",
    "MRN: {HOSP} - the discharge summary says {ICD} but no follow-up arranged.",
    "The ward gave me the wrong patient's letter: hosp no {HOSP}, {AGESEX}.",
    "Unit number {HOSP} - anyone know how to get the histology from the lab?",
    "Her daughter's mobile is {MOB} if the district nurses need it.",
    "Contact number for the patient: {MOB}. She prefers texts.",
    "Tried calling him on {LAND} - no answer, will try the mobile.",
    "His wife asked us to ring her at home on {LAND} after 5.",
    "Patient emailed me directly from {EMAIL} - is that OK to reply to?",
    "Her son's email is {EMAIL}; he wants copies of the letters.",
    "DWP form asks for NI number {NI} - do I fill that in?",
    "{PNAME} NI {NI} - the Fit note system rejected it.",
    "Postcode {PC} - is that in our catchment?",
    "She lives at {PC} which is out of area, can we still do a home visit?",
    "{AGE90} with {SYMPTOM}, lives alone, {LAB}. Admit or hospital at home?",
    "A {AGE90ADJ} lady with {CONDITION} and {SYMPTOM}; family want everything done.",
    "My patient is {AGE90}, on {DOSE} and {DOSE}. Deprescribe?",
    "Sudden death on {EDATE} at {FARM} - the coroner's officer asked for the records.",
    "RTC on {EDATE} near {STREET}, {AGESEX} with whiplash.",
    "Dog bite on {EDATE} in {VILLAGE} village, {CHILD}; tetanus up to date.",
    "Found on {EDATE} in the village of {VILLAGE} after a fall, {AGESEX}.",
    "House fire at {ADDR} on {EDATE}; the family are registered with us.",
    "Farm accident at {FARM} on {EDATE}, quad bike, {AGESEX}.",
    "Pasted from the hospital system: {PNAME}  {AGEDOB}  NHS {NHS}  {PC}",
    "Summary: {AGEDOB}, {CONDITION}, {DOSE}.",
    "Born on {DOB}, now with {SYMPTOM}. {PNAME} is struggling.",
    "Date of birth {DOB} - does she qualify for the shingles vaccine?",
    "DOB {DOB}, {CONDITION}, {DOSE}, {LAB}.",
    "Baby born {DOB}, {CHILD}, feeding well, 6-8 week check next week.",
    "{PNAME} (DOB {DOB}) - NHS {NHS} - {SYMPTOM}; {SURGEON} saw her last year.",
    "Can someone check this? {PNAME}, {EMAIL}, {MOB}, {PC}.",
    "Referral bounced: name {PNAME}, NHS {NHS}, MRN {HOSP}, tel {MOB}.",
    "Ring his partner on {MOB} - {PNAME} has dementia and can't manage the phone.",
    "{PNAME} moved to {ADDR}, {PC} on {EDATE}.",
    # Pasted headers and lists, written as hospital systems and busy GPs produce them
    "Name:\t{PNAMEHDR}\nDOB:\t{DOBHOSP}\nNHS No:\t{NHS}\nHosp No:\t{HOSP}\nAddress:\t{PC}",
    "{PNAME} {DOBBARE} - can't get through to the ward, anyone know the extension?",
    "Got a call from {PNAME}'s daughter on {MOB} asking about the results.",
    "{PNAME} and their partner came in together about the {CONDITION} diagnosis.",
    "Text from the patient's number {MOB} asking for {TEST} results.",
    "Hosp no: {HOSP} / NHS: {NHS} / {PNAME}",
    "{AGE90ADJ} nursing home resident with {SYMPTOM}; DNACPR in place.",
    "She's {AGE90BARE} and fiercely independent - refuses carers.",
    "Postcode:{PC}, GP practice out of area.",
    "ring {MOB} - that's her own phone, not the care home.",
    "Attended the fireworks on {EDATE} in {VILLAGE}, burns to the hand.",
    "Our new {ROLE}, Mrs {SURNAME}, starts on Monday.",
    "Thanks to Mrs {SURNAME}, our {ROLE}, for organising the flu clinics.",
    # More everyday clinical numbers
    "Sodium 139 mmol/L (133 - 146)\nPotassium 4.{N} mmol/L (3.5 - 5.3)\nUrea 6.1\nCreatinine "
    "{N} umol/L\neGFR >90\nReported {APPT} 14:32",
    "ECG: sinus rhythm, rate {N} bpm, PR 160 ms, QRS 90 ms, QTc 4{N} ms.",
    "Obs: SpO2 96% RA, RR 18, T 37.2, HR 96, BP {BP}, NEWS2 1. {AGESEX}.",
    "e-RS UBRN {UBRN} - the booking was cancelled by the hospital twice.",
    "QOF so far: DM012 {PCT}, HYP008 {PCT}, AST007 {PCT}. {N} days to year end.",
    "List size 12,{N}; {N} on the LD register, {N} carers identified.",
    "Phone lines open at 08:00; we had {N} calls by 08:30 on {APPT}.",
    "Born in {YEAR} and grew up in {TOWN}; {AGESEX} with {CONDITION}.",
    "Opening hours 08:00-18:30, extended access 18:30-20:00 at the hub on 0113 496 0{N}.",
)

# --- Hand-written snippets of tricky phrasing; [[kind|text]] marks a labelled span ---------------

HAND_WRITTEN: tuple[str, ...] = (
    # NHS, CHI and H&C numbers in awkward places
    "Sorry, pasted the wrong thing: [[nhs_number|999 526 0182]]",
    "NHS No.[[nhs_number|9991590838]] (from the e-RS worklist)",
    "nhs number: [[nhs_number|999-016-6137]] - can someone at the hub look it up?",
    "Patient ID [[nhs_number|450 390 9967]] keeps failing the PDS trace.",
    "[[nhs_number|6120308245]]",
    "Could the 2WW team call back about [[nhs_number|705 821 9931]] please.",
    "Her NHS number ([[nhs_number|401 518 1905]]) was merged with her sister's record.",
    "Scottish CHI [[chi_number|0304567604]] - the Borders team want us to send the results.",
    "CHI: [[chi_number|150972 1894]], visiting family in Leeds.",
    "[[hc_number|320 937 8657]] is a Belfast patient, temporary resident here.",
    "Health and care no. [[hc_number|3517975435]] on the NI summary.",
    "NHS no [[nhs_number|312 795 4220]] - registered since the 90s.",
    "The example NHS number [[nhs_number|943 476 5919]] is the one in the data dictionary.",
    "Full-width digits from a copied PDF: NHS [[nhs_number|９９９ ５８９ ０６２３]]",
    "Non-breaking spaces from Word: [[nhs_number|999\u00a0762\u00a02308]] (NHS no).",
    "The e-RS UBRN is 0001 2345 6789 - that's the booking reference, not the NHS number.",
    "The Wikipedia example 943 476 5919 is what our trainers use when teaching the check digit.",
    "Accession 94347659190 came back haemolysed.",
    "Ref 9434765918 was rejected by e-RS: invalid check digit.",
    "She's on the list as 640 128 9162 but that fails the check digit, so it's a typo.",
    "Phone +44 113 496 0962 is the Leeds switchboard.",
    "The SNOMED concept 1142139005 is the one for 'suspected cancer referral'.",
    "see https://www.example.org/docs/9997622308/ng12.pdf for the template.",
    "OR 1.4503909967 looked wrong in the spreadsheet - rounding error.",
    # Dates of birth
    "D.O.B: [[date_of_birth|3rd April 1956]]; lives alone.",
    "dob [[date_of_birth|1956-04-03]], PMH AF, on apixaban.",
    "She was born on [[date_of_birth|April 3rd 1956]] in Jamaica and came to the UK in 1961.",
    "[[titled_name|Mrs Ellery]] ([[date_of_birth|12/3/41]]) is on our palliative care register.",
    "Birthday [[date_of_birth|3 Apr 1956]] - does she qualify for the pneumococcal vaccine?",
    "Born at 32 weeks on [[date_of_birth|14.2.24]], now thriving.",
    "Born in 1956, grew up in Glasgow, worked as a welder.",
    "DOB 1956 only on the old paper notes - we never had the full date.",
    "Seen on 03/04/2024 and again on 17/04/2024, DOB confirmed at reception.",
    "Review due 03/04/2026; she turns 75 on her birthday next month.",
    "Bank holiday on 25/12/2025 and 26/12/2025: surgery closed.",
    "Born [[date_of_birth|3/4/56]] (b. Leeds) - [[titled_name|Mr Rudd]] wants his records moved.",
    # Postcodes
    "Lives at [[postcode|LS1 4AP]], 2 miles from the practice.",
    "Address on the form: flat 3, [[postcode|ls14ap]]",
    "Out of area ([[postcode|SW1A 1AA]]) - can we register him?",
    "Postcode [[postcode|EC1A 1BB]] came up as a business address.",
    "[[postcode|M1 1AE]] and [[postcode|B33 8TH]] both on the same referral - which is right?",
    "Moved from [[postcode|CR2 6XH]] to [[postcode|DN55 1PT]] last year.",
    "The form wouldn't accept [[postcode|GIR 0AA]] as a postcode.",
    "Most of our list is in the LS1 area, with a few in LS6.",
    "Vitamin B12 5MG? No - B12 injections are 1mg hydroxocobalamin.",
    "B12 2nd injection given today, next one in 2 days.",
    "NG12 2WW criteria for upper GI changed in 2023.",
    "Junction 24 of the M1 is closed, so the district nurses are late.",
    "CA19-9 and CA 125 both normal; CEA 2.1.",
    "T2DM, HbA1c 58, on metformin; CD4 count not relevant here.",
    "Practice ODS code M85001 and the PCN code U12345 are on the claim form.",
    # Titled names, colleagues, surgeons, citations
    "The consultant saw [[titled_name|Mrs Quillfeather]] on Tuesday and discharged her.",
    "Referred her to Mr Okafor, who thinks it is a pilonidal sinus.",
    "Mr Hale's 2005 paper is still the best summary of the evidence.",
    "This was shown years ago (Hamilton et al., 2005).",
    "Miss Adeyemi (breast) saw her within a week.",
    "Dr. Patel and Prof Lockhart ran the session; Dr Smith chaired.",
    "Mrs X, 78, widowed, carer for Mr X who has dementia.",
    "Mr A and Mrs B were both seen by the same locum.",
    "I'm doing a Master's degree in medical education; the Master Class was great.",
    "Miss the deadline and QOF points go.",
    "[[titled_name|Mr J. Smith]] came in with his wife about his memory.",
    "[[titled_name|Ms Amara Okonedo]] asked for a chaperone, which we arranged.",
    "Spoke to [[titled_name|Mrs Fenwick-Hale]] on the phone; she's much better.",
    "Letter from [[titled_name|Mr O'Halloran]] complaining about the wait.",
    "[[titled_name|Mx Varnham]] would like their pronouns updated on the record.",
    "Under Mr Stanhope's care for his knee; listed for TKR.",
    "The colorectal surgeon, Mr Raghavan, wants a CT first.",
    "Our practice nurse Mrs Whitlow runs the diabetes clinic.",
    "Mrs Jones, consultant in palliative medicine, gave a great talk.",
    "[[titled_name|Master Pargeter]], aged 7, with recurrent tonsillitis.",
    "[[titled_name|MRS LATTIMORE]] was the name on the sharps bin.",
    # Phones and emails
    "Her mobile: [[phone|07700 900461]], text only.",
    "Daughter on [[phone|+44 7700 900982]] (lives in Spain).",
    "Call the 2WW referral line on 0113 496 0000 if the form bounces.",
    "Tel: 020 7946 0123 (switchboard), ask for the on-call reg.",
    "The advice line is 0300 123 4567, 9-5.",
    "Freephone 0808 157 0192 for the carers' support service.",
    "Call 111 out of hours, 999 in an emergency.",
    "Bleep 2345 via switchboard for the med reg.",
    "Rang him on [[phone|0115 496 0732]] - no answer.",
    "Email me at [[email|a.nuttall@example.com]] if you want the slides.",
    "Her daughter emailed from [[email|kezia.brightwell@example.org]] asking for results.",
    "Our shared mailbox [[email|example.referrals@nhs.net]] is checked daily.",
    "Follow @SomeGP on social media for the QI updates.",
    # NI numbers, hospital numbers
    "NI number [[ni_number|AB123456C]] on the ESA50 form.",
    "[[ni_number|JK 12 34 56 D]] - is that his NI number or his wife's?",
    "The HMRC example QQ 12 34 56 C is not a real NI number.",
    "Hospital no. [[hospital_number|1234567]] - histology still pending.",
    "PAS no: [[hospital_number|20034567]], please check the radiology.",
    "RTH number [[hospital_number|K1234567]] for the Oxford referral.",
    "Ward 7B, bay 3, bed 12 - she's on the stroke unit.",
    "GMC number 7012345 on the prescription, GPhC 2071234.",
    # Ages
    "A [[exact_age_90_plus|91 yo]] man with a UTI.",
    "She's [[exact_age_90_plus|96F]], frail, on 11 medications.",
    "[[exact_age_90_plus|Age 102]] and still driving!",
    "The [[exact_age_90_plus|93-year-old]] was admitted overnight.",
    "Patients aged 90 and over get a home visit for flu jabs.",
    "Over-90s are 2% of our list; aged 90+ care plans are up to date.",
    "90-95 year olds have the highest fall rates.",
    "In my 90 years, said one patient, I've never had a flu jab.",
    "54M with chest pain, 63F with palpitations, aged 54 smoker.",
    # Event date and small place
    "Fell outside [[event_date_place|14 Kingfisher Close]] on 3rd May and broke her wrist.",
    "On 3 June at [[event_date_place|Hollowmere village]] hall, she collapsed.",
    "Died at home on 3/4/24, expected death, DNACPR in place.",
    "Seen at Mill Lane Surgery on 03/04/2024; BP 140/90.",
    "Lives in a small village outside Norwich; fell on 12 March.",
    "Admitted on 4th January from [[event_date_place|Ashtree Farm]] with a crush injury.",
)

# --- Held out: written in one sitting and scored before any rule was changed after reading them --

HELD_OUT: tuple[str, ...] = (
    "Anyone know why e-RS rejects [[nhs_number|999 824 9031]]? Spine says it's fine.",
    "nhs:[[nhs_number|9992518693]] dob:[[date_of_birth|02/11/1948]]",
    "pt [[titled_name|Mrs Hesketh]], [[exact_age_90_plus|92F]], recurrent falls.",
    "Had a lovely chat with [[titled_name|Mr Ingleby]] about his allotment - he's "
    "[[exact_age_90_plus|91]] and still digging.",
    "The discharge letter for [[titled_name|Mrs P. Yeardley]] (hosp no "
    "[[hospital_number|RWD4471920]]) says apixaban was stopped.",
    "Her husband rang from [[phone|07700 900 318]] - can't get through to switchboard.",
    "Discussed with the renal reg via switchboard on 0115 496 0011 - advice was to hold ramipril.",
    "I've just realised I put [[titled_name|Mr Castleby]]'s name in my last post - mods can you "
    "edit?",
    "Thanks for the tips re [[titled_name|Mrs Kersley]], I've referred her to Mr Pemberton for "
    "the hernia.",
    "Consultant surgeon Miss Forsythe operated; the patient ([[titled_name|Mr Summerbee]]) is "
    "home.",
    "[[postcode|WF13 4HR]] - ambulance couldn't find the house.",
    "She lives in the [[postcode|BD7 1DP]] area, near the park.",
    "Rates of T2DM in BD7 and BD8 are double the national average.",
    "DOB [[date_of_birth|19/7/1933]], so [[exact_age_90_plus|93]] this year.",
    "Birth date: [[date_of_birth|7 Sept 1951]]",
    "Born [[date_of_birth|29/02/1952]] - a leap year baby!",
    "Her CHI is [[chi_number|201186 8963]].",
    "Treating a student from Glasgow, CHI [[chi_number|1203590512]], for tonsillitis.",
    "Health & Care number [[hc_number|350 903 5429]] from his Belfast GP.",
    "Reference 9708741265 on the complaint letter.",
    "I typed 811 443 6904 into the search and got nothing - transposed digits.",
    "The 2WW form wants the patient's NHS number, DOB and phone; we autopopulate from EMIS.",
    "Tip: never put NHS numbers, DOBs or postcodes in posts here.",
    "Is 0.5mg/kg of prednisolone right for a 14kg child? Max 40mg.",
    "Our ODS code is Y02345 and the PCN is U98765; ICB is QWO.",
    "Sat with the family until 2am; [[titled_name|Mrs Rahmani]] died peacefully.",
    "Saw Mr and [[titled_name|Mrs Trelawny]] together about his memory.",
    "[[email|FARIDA.MOSSOP@EXAMPLE.COM]] emailed the surgery directly.",
    "Patients can email the practice at [[email|example.practice@nhs.net]] for non-urgent queries.",
    "Our helpline number has changed to 0113 496 0999.",
    "Out of hours: ring the GP OOH service on 0117 496 0123.",
    "Her landline is [[phone|01632 960 444]]",
    "Son: [[phone|+44 7700 900 777]]",
    "The DVLA says a [[exact_age_90_plus|ninety-one-year-old]] can still renew every 3 years.",
    "Lives at [[event_date_place|4 Tanners Row]]; fell on 9 Dec.",
    "The flood in [[event_date_place|Saltmarsh End]] on 14 January left three of our patients "
    "homeless.",
    "Seen at the walk-in centre on 2nd March, then at A&E on 3rd March.",
    "Attended Hollowmere Primary School on 3 March for the vaccination session.",
    "Met the team at Church Lane Health Centre on 5 May.",
    "A [[exact_age_90_plus|99-year-old]] with a hip fracture went home in 5 days!",
    "NICE NG136 says treat if BP >140/90 and QRISK >10%.",
    "HbA1c 53 -> 48 mmol/mol after 3/12 of metformin 500mg bd.",
    "CT colon 12/05/2025, colonoscopy 19/05/2025, MDT 26/05/2025.",
    "Prof Whitcombe et al. 2021 showed FIT <10 has an NPV of 99.6%.",
    "Mr Whitlow (urology) and Miss Danvers (gynae) run a joint clinic.",
    "[[titled_name|Ms Dhaliwal]]'s GP (me!) had to break the news.",
    "NI no. [[ni_number|NE 48 61 93 B]]",
    "National insurance number on the form: [[ni_number|ce559812a]]",
    "MRN [[hospital_number|0012345678]] on the radiology request.",
    "Hospital number: [[hospital_number|H123456]] (Royal Infirmary).",
    "The man in bed 4 is [[exact_age_90_plus|aged 97]].",
    "Aged 90-100 group had the highest uptake.",
    "Teaching: the '90-year-old with falls' case is a classic for the SCA.",
    "If born before 1 Sept 1950, offer the shingles vaccine.",
    "Patients born on or after 2 September 1960 are eligible for the new programme.",
    "Her [[exact_age_90_plus|96-year-old]] mum lives with her.",
    "Dr Okonedo, GP partner at Hollowmere, says hi.",
    "Post from Dr. Varnham: 'Use the 2WW proforma v3.2 dated 01/10/2024'.",
    "Mobile number format: 07xxx xxxxxx - make sure reception checks it.",
    "[[titled_name|Mrs Ölçer]] needs a Turkish interpreter for her diabetes review.",
    "[[titled_name|Mr Nguyễn]] asked for his results by text.",
)

# --- Rendering ----------------------------------------------------------------------------------

_SLOT_RE = re.compile(r"\{([A-Z0-9]+)\}")
_MARK_RE = re.compile(r"\[\[([a-z0-9_]+)\|(.*?)\]\]", re.S)


def _append(parts: list[str], labels: list[Label], text: str, kind: str | None) -> None:
    start = sum(map(len, parts))
    parts.append(text)
    if kind:
        labels.append({"kind": kind, "start": start, "end": start + len(text)})


def render(template: str, rng: R) -> Snippet:
    """Fill a template's {SLOT}s at random, recording the span of every labelled fill."""
    parts: list[str] = []
    labels: list[Label] = []
    position = 0
    for slot in _SLOT_RE.finditer(template):
        _append(parts, labels, template[position : slot.start()], None)
        filled = FILLS[slot[1]](rng)
        for text, kind in filled if isinstance(filled, list) else [filled]:
            _append(parts, labels, text, kind)
        position = slot.end()
    _append(parts, labels, template[position:], None)
    return {"text": "".join(parts), "labels": labels}


def parse_marked(marked: str) -> Snippet:
    """Turn "[[kind|text]]" markup into a snippet with labels."""
    parts: list[str] = []
    labels: list[Label] = []
    position = 0
    for mark in _MARK_RE.finditer(marked):
        _append(parts, labels, marked[position : mark.start()], None)
        _append(parts, labels, mark[2], mark[1])
        position = mark.end()
    _append(parts, labels, marked[position:], None)
    return {"text": "".join(parts), "labels": labels}


def generate(seed: int = 1234, per_template: int = 10) -> list[Snippet]:
    """Return the corpus: every template filled per_template times, then the hand-written sets."""
    rng = random.Random(seed)
    snippets = [render(t, rng) for t in TEMPLATES for _ in range(per_template)]
    rng.shuffle(snippets)
    return snippets + [parse_marked(m) for m in (*HAND_WRITTEN, *HELD_OUT)]


def main() -> None:
    for snippet in generate():
        sys.stdout.write(json.dumps(snippet, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
