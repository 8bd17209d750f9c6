"""Synthetic forum text for benchmarks (``forum seed-bench``), shaped like real forum text.

Real text follows Zipf's law: a few words are in most posts, most words are in very few.
Search costs depend on exactly that (how long each word's posting list is, how often two
words or a phrase occur together), so benchmark text must have it too. Here:

- a ranked vocabulary of ``VOCABULARY_SIZE`` entries: English function words and a core of
  clinical words at the top, then about 1,500 clinical and general English words and
  phrases ("safety netting", "two week wait" are single entries, so phrases occur as they do
  in real posts), then pronounceable pseudo-words as the long tail;
- words drawn with probability proportional to ``1 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT``
  (Zipf-Mandelbrot, the usual fit for English);
- sentences of 3 to 40 words (log-normal, median about 12), one to five per paragraph, one to
  five paragraphs per post, and one post in ten a short stock reply ("Thanks, very helpful.");
- titles from a dozen question and topic patterns.

Everything is drawn from the ``random.Random`` passed in, and the vocabulary from a fixed seed,
so the same seed always writes the same forum. Pseudo-words use no ``q``, ``x``, ``y`` or
``z``, so a benchmark can use such words as searches that find nothing.
"""

from __future__ import annotations

import html
import random
from functools import cache
from itertools import accumulate

VOCABULARY_SIZE = 30_000
ZIPF_EXPONENT = 1.05
#: Ranks over which the clinical words and phrases are spread.
CLINICAL_RANKS = (200, 12_000)
ZIPF_OFFSET = 2.7
_VOCABULARY_SEED = 20_261_128

#: The most frequent English words, most frequent first.
FUNCTION_WORDS = """the of and to a in is that for it with was on as be at by this have from or
are an but not we they you he she his her i my our their if so what which there all can been has
had would will were when one do no more about up out them some could also into than then only
other just its any may should these after over how most very two much first because did where
those does well back even still such while both each same through between before again under
never why being three down off few own whether further once here against during nothing""".split()

#: Clinical words every second post uses; ranked among the function words.
CORE_CLINICAL = """patient patients referral practice symptoms cancer gp refer clinical
review pathway urgent results test blood team care safety weeks history examination follow
guidance risk""".split()

CLINICAL = """referrals referred referring suspected diagnosis diagnosed primary secondary
screening bowel breast lung prostate colorectal ovarian pancreatic oesophageal gastric
bladder renal kidney cervical skin melanoma lymphoma leukaemia myeloma sarcoma mesothelioma
brain liver thyroid testicular head neck fit faecal immunochemical ferritin haemoglobin
anaemia iron deficiency platelets thrombocytosis calcium hypercalcaemia pth psa ca125
calprotectin crp esr albumin alt bilirubin egfr creatinine hba1c ultrasound ct mri xray
chest endoscopy colonoscopy gastroscopy cystoscopy biopsy histology cytology mammogram smear
hpv colposcopy dermatoscopy weight loss fatigue tiredness cough haemoptysis breathlessness
hoarseness dysphagia dyspepsia reflux nausea vomiting jaundice itch pruritus bloating
diarrhoea constipation bleeding rectal haematuria dysuria frequency nocturia postmenopausal
lump swelling mass lesion nodule ulcer mole rash pain headache backache night sweats fever
lymphadenopathy hepatomegaly splenomegaly thrombosis embolism clot dvt pe anticoagulation
smoker smoking alcohol obesity diabetes hypertension copd asthma frailty dementia
polypharmacy prescription medication repeat dose tablets antibiotics ppi omeprazole
lansoprazole iron supplements steroids opioids morphine paracetamol ibuprofen nsaids
oncology oncologist haematology urology gynaecology gastroenterology respiratory
dermatology radiology palliative hospice consultant registrar nurse specialist pharmacist
receptionist admin practitioner trainee locum partner salaried pcn icb alliance
commissioning nhs nice ng12 bsg acpgbi rapid diagnostic centre rdc clinic outpatient
inpatient admission discharge letter summary coding snomed emis systmone template search
audit significant event learning reflection appraisal revalidation cpd education teaching
training session webinar slides leaflet resource toolkit protocol policy threshold criteria
criterion age aged elderly young adult woman women man men child children family carer
consultation appointment telephone video triage duty doctor callback recall reminder
safety-netting netting timeframe delay delayed missed atypical vague nonspecific
non-specific red flag flags concern concerns worried worry anxious reassurance shared
decision informed consent capacity advance planning prognosis survival stage staging
metastatic recurrence remission treatment chemotherapy radiotherapy surgery immunotherapy
hormone tamoxifen letrozole survivorship rehabilitation inequalities deprivation uptake
ethnicity language interpreter housebound homeless learning disability access digital
data dashboard metrics indicators outcomes conversion detection rate rates quality
improvement qi pdsa cycle project champion lead leadership network peer support burnout
wellbeing resilience workload capacity demand backlog waiting list two-week-wait
""".split()

#: Multi-word phrases drawn as one vocabulary entry, so they occur as real phrases do.
PHRASES = """safety netting|two week wait|primary care|weight loss|urgent suspected cancer|
faecal immunochemical test|change in bowel habit|iron deficiency anaemia|night sweats|
shared decision making|direct access|non-specific symptoms|significant event analysis|
quality improvement|red flag symptoms|rapid diagnostic centre|cancer care review|
practice nurse|duty doctor|blood test|chest x-ray|vague symptoms|clinical judgement|
post-menopausal bleeding|rectal bleeding|raised platelets|raised psa|low ferritin|
lung cancer screening|bowel screening|cervical screening|breast screening|
cancer alliance|learning from events|follow up|advice and guidance""".replace("\n", "").split("|")

GENERAL = """think know see look want give use find tell ask work seem feel try leave call
need become keep let begin help talk turn start show hear play run move live believe hold
bring happen write provide sit stand lose pay meet include continue set learn change lead
understand watch follow stop create speak read allow add spend grow open walk win offer
remember love consider appear buy wait serve die send expect build stay fall cut reach
kill remain suggest raise pass sell require report decide pull agree explain hope develop
carry break receive thank share check plan arrange book contact email phone discuss agree
mention note record document update review manage handle improve reduce increase avoid
time year people way day thing world life hand part place case week company system program
question work government number night point home water room mother area money story fact
month lot right study book eye job word business issue side kind head house service friend
father power hour game line end member law car city community name president team minute
idea body information back parent face others level office door health person art war
history party result change morning reason research girl guy moment air teacher force
education foot boy age policy everything process music market sense nation plan college
interest death experience effect class control field development role effort rate heart
drug show leader light voice wife police mind price report decision son view relationship
town road arm difference value building action model season society tax director position
player record paper space ground form event official matter center couple site project
activity star table need court oil situation cost industry figure street image phone data
picture practice piece land product doctor wall patient worker news test movie north love
support technology step baby computer type attention film tree source organization hair
window evidence population site training skill approach colleague colleagues partner staff
meeting email letter list note question answer problem solution example option choice
detail details idea ideas advice experience concern example evidence feedback thought
thoughts view views good new old great high small large big long little own other right
different important early young few public bad same able late hard major better best
economic strong possible whole free military true federal international full special easy
clear recent certain personal open red difficult available likely short single medical
current wrong private past foreign fine common poor natural significant similar hot dead
central happy serious ready simple left physical general environmental financial blue
democratic dark various entire close legal religious cold final main green nice huge
popular traditional cultural local regional national useful helpful worth sure quick slow
busy quiet tired worried careful usual unusual normal abnormal positive negative borderline
raised low mild moderate severe persistent recurrent new ongoing previous recent routine
really quite probably perhaps actually usually often sometimes always already almost soon
later today yesterday tomorrow recently certainly definitely maybe otherwise instead
although though unless since until within without towards around across behind beyond
""".split()

STOCK_REPLIES = (
    "Thanks, that's really helpful.",
    "Thank you for sharing this.",
    "Same here, following this thread.",
    "Very useful, thanks.",
    "Agree with all of the above.",
    "Great idea, we will try this at our practice.",
    "Could you share the template?",
    "Has anyone had a reply from the alliance?",
    "Thanks, I will pass this on to our team.",
    "Good question, I would like to know too.",
)

TITLE_PATTERNS = (
    "{A} and {B} in {C}",
    "Anyone seen {A} with {B}?",
    "{A} after {B}: refer or wait?",
    "How do you manage {A} {B}?",
    "{A} {B} audit results",
    "Question about {A} and {B}",
    "{A} in a {N}-year-old with {B}",
    "Advice please: {A}, {B} and {C}",
    "Our {A} {B} template",
    "{A} {B}: what do you do next?",
    "Is {A} enough to rule out {B}?",
    "{A} for {B}: local pathway",
)

_ONSETS = "b c d f g h k l m n p r s t v w br cl dr fl gr pl pr st tr ch sh th".split()
_VOWELS = "a e i o u ai ea ee io ou".split()
_CODAS = ["", "", "", "n", "r", "l", "s", "t", "m", "nd", "rt", "st", "ll"]
_MEDICAL_ENDINGS = ["", "", "", "itis", "osis", "oma", "ine", "ase", "al", "ic", "ence"]


def _pseudo_word(rng: random.Random) -> str:
    syllables = rng.choice((2, 2, 3, 3, 3, 4))
    word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
    return word + rng.choice(_CODAS) + rng.choice(_MEDICAL_ENDINGS)


@cache
def vocabulary() -> tuple[str, ...]:
    """Every entry, most frequent first: ``VOCABULARY_SIZE`` words and phrases.

    Function words and the core clinical words come first, then general English words;
    the other clinical words and phrases are spread from rank ``CLINICAL_RANKS[0]`` to
    ``CLINICAL_RANKS[1]`` (evenly on a log scale, in a shuffled order), so some are in a few
    percent of posts and others in one post in a thousand; pseudo-words fill the rest.
    """
    rng = random.Random(_VOCABULARY_SEED)
    top = _interleave(FUNCTION_WORDS, CORE_CLINICAL, start=12, every=4)
    general = [w for w in dict.fromkeys(GENERAL) if w not in top]
    clinical = [w for w in dict.fromkeys(CLINICAL + PHRASES) if w not in top and w not in general]
    rng.shuffle(general)
    rng.shuffle(clinical)
    low, high = CLINICAL_RANKS
    slots = {round(low * (high / low) ** (k / len(clinical))) for k in range(len(clinical))}
    entries, seen = list(top), set(top)
    while len(entries) < VOCABULARY_SIZE:
        rank = len(entries) + 1
        if clinical and (rank in slots or rank >= high):
            word = clinical.pop()
        elif general:
            word = general.pop()
        elif (word := _pseudo_word(rng)) in seen:
            continue
        seen.add(word)
        entries.append(word)
    return tuple(entries)


def _interleave(base: list[str], extra: list[str], *, start: int, every: int) -> list[str]:
    merged, pending = list(base[:start]), list(extra)
    for n, word in enumerate(base[start:]):
        merged.append(word)
        if n % every == every - 1 and pending:
            merged.append(pending.pop(0))
    return merged + pending


@cache
def _weights() -> tuple[float, ...]:
    ranks = range(1, len(vocabulary()) + 1)
    return tuple(accumulate(1 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT for rank in ranks))


@cache
def _content_words() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The vocabulary without function words, and its cumulative Zipf weights (for titles)."""
    skip = set(FUNCTION_WORDS)
    ranked = [(w, r) for r, w in enumerate(vocabulary(), start=1) if w not in skip]
    weights = accumulate(1 / (r + ZIPF_OFFSET) ** ZIPF_EXPONENT for _w, r in ranked)
    return tuple(w for w, _r in ranked), tuple(weights)


def words(rng: random.Random, count: int) -> list[str]:
    """``count`` entries drawn with Zipf frequencies."""
    return rng.choices(vocabulary(), cum_weights=_weights(), k=count)


def sentence(rng: random.Random) -> str:
    length = min(40, max(3, round(rng.lognormvariate(2.45, 0.5))))
    drawn = words(rng, length)
    if length > 8 and rng.random() < 0.4:
        drawn[rng.randrange(2, length - 2)] += ","
    if rng.random() < 0.15:
        drawn.insert(rng.randrange(1, len(drawn)), str(rng.choice((rng.randint(2, 90), 12, 45))))
    text = " ".join(drawn)
    return text[0].upper() + text[1:] + ("?" if rng.random() < 0.12 else ".")


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 5))))


def post_paragraphs(rng: random.Random) -> list[str]:
    """One post's paragraphs: a stock reply one time in ten, else one to five paragraphs."""
    if rng.random() < 0.1:
        return [rng.choice(STOCK_REPLIES)]
    count = rng.choices((1, 2, 3, 4, 5), weights=(45, 30, 14, 8, 3))[0]
    return [paragraph(rng) for _ in range(count)]


def title(rng: random.Random) -> str:
    entries, weights = _content_words()
    a, b, c = rng.choices(entries, cum_weights=weights, k=3)
    text = rng.choice(TITLE_PATTERNS).format(A=a, B=b, C=c, N=rng.randint(18, 95))
    return text[0].upper() + text[1:]


def paragraphs_html(paragraphs: list[str]) -> str:
    """What ``markup.render`` makes of paragraphs of plain words and punctuation (as written
    here), without the cost of rendering: ``seed_bench`` checks the two agree."""
    return "".join(f"<p>{html.escape(p, quote=False)}</p>\n" for p in paragraphs)


def rank_of(word: str) -> int | None:
    """A word's frequency rank (1 is the most frequent), or None if it is not in the
    vocabulary."""
    try:
        return vocabulary().index(word) + 1
    except ValueError:
        return None
