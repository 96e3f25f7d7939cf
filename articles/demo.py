"""Demo articles, written for this project, on the anatomy of a published answer page.

Each entry names the state the demo should leave it in; `loaddemo` drives it there through
the real workflow functions, so the demo shows what the workflow produces.
"""

from __future__ import annotations

NEUROPATHY_PT = """\
## From the Guidelines

Guideline panels agree that supervised, progressive exercise is the backbone of rehabilitation
when nerves in the feet and legs are damaged: a mix of strengthening, balance work and
aerobic activity, scaled to what the person can safely do, improves walking distance and
day-to-day function [@gornik2024]. Oncology guidance likewise endorses exercise and functional
training for people left with neuropathy after chemotherapy [@jordan2020].

### What a programme usually includes

- Strength work for the hips, knees and ankles, progressed every few weeks
- Balance practice on stable and then less stable surfaces, with support nearby
- Aerobic activity such as walking or cycling on most days of the week
- Gait training, with a cane or walker where balance is poor
- Teaching on footwear, daily foot checks and a home programme

### Why these recommendations

The evidence for structured exercise comes mostly from vascular and oncology populations, so
it is applied here by analogy; the mechanisms it relies on (better muscle support, steadier
gait, improved circulation) are shared across causes of neuropathy [@gornik2024; @jordan2020].

## From the Research

- Reviews of neuropathic pain treatment place physical and non-drug approaches alongside
  medicines rather than instead of them [@moisset2024].
- Electrical nerve stimulation (TENS) is an option for pain limited to one area, usually
  combined with other treatment [@moisset2024; @painful-neuropathy-2002].
- Treatment works best when it is individual: the cause, the severity and the person's
  goals decide the mix [@painful-neuropathy-2002].
"""

KNEE_WALKING = """\
## From the Guidelines

For knee osteoarthritis, exercise is a first-line treatment, not a last resort. The
rheumatology guideline strongly recommends regular exercise, including walking, for people
with knee osteoarthritis [@kolasinski2020].

### Practical points

- Start with short walks on level ground and build up gradually.
- Some aching during or after activity is common and usually settles within a day.
- A cane in the hand opposite the painful knee can take load off the joint [@kolasinski2020].

## From the Research

- Weight loss, where needed, adds to the benefit of exercise [@kolasinski2020].
"""

HYPERTENSION_FIRST = """\
## From the Guidelines

For most adults with raised blood pressure, treatment starts with lifestyle changes: less
salt, more potassium-rich food, regular activity, limiting alcohol and losing weight where
needed [@whelton2018]. Medicines are added according to the blood pressure level and the
person's overall cardiovascular risk [@whelton2018].

## From the Research

- Several drug classes lower blood pressure to a similar degree; the choice depends on other
  conditions a person has [@whelton2018].
"""

DIABETIC_PAIN_DRUGS = """\
## From the Guidelines

Diabetes guidance lists a small group of medicines as first choices for painful diabetic
neuropathy, to be tried one at a time and reviewed for benefit and side effects
[@popbusui2017].

## From the Research

- A large meta-analysis supports several of these medicines as first-line options for
  neuropathic pain in adults, with modest average effects [@finnerup2015].
"""

CHEMO_EXERCISE = """\
## From the Guidelines

Exercise and functional training are recommended for people with neuropathy after
chemotherapy, with the aim of keeping balance and everyday function [@jordan2020].

## From the Research

- Supervised programmes that combine balance and strength training appear most useful
  [@jordan2020].
"""

FOOT_ULCERS = """\
## From the Guidelines

People with diabetes and loss of protective sensation need regular foot checks, and any
new wound should be assessed promptly [@popbusui2017].

## From the Research

- Early referral shortens the time to healing [@popbusui2017].
"""

TENS_PAIN = """\
## From the Research

TENS is inexpensive and safe for most people. It may help localized neuropathic pain when
combined with other treatment [@moisset2024].
"""

B12_NEUROPATHY = """\
## From the Research

Vitamin B12 deficiency is one treatable cause of neuropathy; replacing it helps only when
the level is low [@painful-neuropathy-2002].
"""

DEMO_ARTICLES = [
    {
        "title": "What are the physical therapy treatments for peripheral neuropathy?",
        "summary": (
            "A structured, progressive exercise programme of strength, balance and aerobic "
            "training is the core of physical therapy for peripheral neuropathy, supported by "
            "gait training, foot care education and, for localized pain, TENS."
        ),
        "body": NEUROPATHY_PT,
        "subject": "Peripheral neuropathy",
        "audience": "clinician",
        "author": "author",
        "state": "published",
    },
    {
        "title": "Does regular walking help with knee osteoarthritis pain?",
        "summary": (
            "Yes. Regular walking and other exercise are first-line treatments for knee "
            "osteoarthritis and usually reduce pain and stiffness over time."
        ),
        "body": KNEE_WALKING,
        "subject": "Knee osteoarthritis",
        "audience": "patient",
        "author": "author2",
        "state": "published",
    },
    {
        "title": "How is high blood pressure treated at first?",
        "summary": "Lifestyle changes come first; medicines are added depending on the level and overall risk.",
        "body": HYPERTENSION_FIRST,
        "subject": "Hypertension",
        "audience": "patient",
        "author": "author",
        "state": "approved",
    },
    {
        "title": "Which medicines are first choices for painful diabetic neuropathy?",
        "summary": "A small group of medicines is tried first, one at a time, and reviewed for benefit.",
        "body": DIABETIC_PAIN_DRUGS,
        "subject": "Painful diabetic neuropathy",
        "audience": "clinician",
        "author": "author2",
        "state": "under_review",
    },
    {
        "title": "Can exercise ease neuropathy after chemotherapy?",
        "summary": "Exercise and functional training are recommended to keep balance and function.",
        "body": CHEMO_EXERCISE,
        "subject": "Chemotherapy-induced peripheral neuropathy",
        "audience": "patient",
        "author": "author",
        "state": "submitted",
    },
    {
        "title": "When should a diabetic foot wound be seen by a specialist?",
        "summary": "Promptly: any new wound on a foot with reduced feeling needs assessment.",
        "body": FOOT_ULCERS,
        "subject": "Diabetic foot ulcer",
        "audience": "patient",
        "author": "author2",
        "state": "changes_requested",
    },
    {
        "title": "Does TENS help nerve pain?",
        "summary": "It may help pain limited to one area, alongside other treatment.",
        "body": TENS_PAIN,
        "subject": "Neuropathic pain",
        "audience": "patient",
        "author": "author",
        "state": "draft",
    },
    {
        "title": "Does vitamin B12 help peripheral neuropathy?",
        "summary": "Only when neuropathy is caused by a low B12 level.",
        "body": B12_NEUROPATHY,
        "subject": "Vitamin B12 deficiency neuropathy",
        "audience": "patient",
        "author": "author",
        "state": "archived",
    },
]

# A check after publication that found a notice on a cited reference, as check_references
# would record it: the demo's queue then shows "Evidence flagged" and the public page its
# notice. (Made up for the demo: it says nothing about the real paper.)
DEMO_EVIDENCE_NOTICES = [
    {
        "article": "Does regular walking help with knee osteoarthritis pain?",
        "reference": "kolasinski2020",
        "status": "corrected",
    },
]

POLICY_BODY = """\
## How our articles are reviewed

Every article on this site answers one clinical question and is approved by at least one
member of our Medical Advisory Board before it is published. Reviewers check that each claim
is supported by the cited guideline or research, that the sources are current and have not
been retracted, and that the advice is safe for the intended reader.

## Conflicts of interest

Reviewers declare any conflict of interest with each approval. No one reviews an article they
wrote or edited.

## Keeping articles current

Each published article is reviewed again within the review interval below, and sooner when
important new evidence appears. The date shown as "Last updated" is the date the board
approved the content you are reading.
"""
