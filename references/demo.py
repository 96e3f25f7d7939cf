"""The demo references library: real bibliographic facts for the demo articles to cite.

Each demo article cites these by key (``[@gornik2024]``). Their retraction status is left
"unchecked": no check against Crossref or PubMed has run for them here, and the demo does not
pretend one has (the pages show "Not yet checked for retraction"; the demo reviewer
acknowledges that warning when approving). Run ``manage.py check_references`` with network
access to check them for real.

One exception shows what a retraction looks like: ``wakefield1998``, cited by no demo article,
is marked retracted because The Lancet retracted it in February 2010 (a published fact, not a
check by this tool, so ``checked_at`` stays empty). Cite it in a draft to see submit refuse.
"""

from __future__ import annotations

from typing import Any

from references.models import Reference

# Field values for Reference.objects.update_or_create (strings, numbers, choices).
DEMO_REFERENCES: list[dict[str, Any]] = [
    {
        "key": "gornik2024",
        "kind": Reference.Kind.GUIDELINE,
        "title": (
            "2024 ACC/AHA/AACVPR/APMA/ABC/SCAI/SVM/SVN/SVS/SIR/VESS Guideline for the Management "
            "of Lower Extremity Peripheral Artery Disease: A Report of the American College of "
            "Cardiology/American Heart Association Joint Committee on Clinical Practice Guidelines"
        ),
        "authors": "Gornik HL, Aronow HD, Goodney PP, et al.",
        "journal": "Circulation",
        "journal_abbrev": "Circulation",
        "year": 2024,
        "volume": "149",
        "issue": "24",
        "pages": "e1313-e1410",
        "doi": "10.1161/cir.0000000000001251",
        "pmid": "38743805",
        "publisher": "American College of Cardiology; American Heart Association",
    },
    {
        "key": "jordan2020",
        "kind": Reference.Kind.GUIDELINE,
        "title": (
            "Systemic anticancer therapy-induced peripheral and central neurotoxicity: "
            "ESMO-EONS-EANO Clinical Practice Guidelines for diagnosis, prevention, treatment "
            "and follow-up"
        ),
        "authors": "Jordan B, Margulies A, Cardoso F, et al.",
        "journal": "Annals of oncology : official journal of the European Society for Medical Oncology",
        "journal_abbrev": "Ann Oncol",
        "year": 2020,
        "volume": "31",
        "issue": "10",
        "pages": "1306-1319",
        "doi": "10.1016/j.annonc.2020.07.003",
        "pmid": "32739407",
        "publisher": "European Society for Medical Oncology",
    },
    {
        "key": "moisset2024",
        "kind": Reference.Kind.JOURNAL_ARTICLE,
        "study_design": Reference.StudyDesign.REVIEW,
        "title": "Neuropathic pain: Evidence based recommendations",
        "authors": "Moisset X",
        "journal": "Presse medicale (Paris, France : 1983)",
        "journal_abbrev": "Presse Med",
        "year": 2024,
        "volume": "53",
        "issue": "2",
        "pages": "104232",
        "doi": "10.1016/j.lpm.2024.104232",
    },
    {
        "key": "painful-neuropathy-2002",
        "kind": Reference.Kind.JOURNAL_ARTICLE,
        "study_design": Reference.StudyDesign.REVIEW,
        "title": "Painful Peripheral Neuropathy",
        "journal": "Current treatment options in neurology",
        "journal_abbrev": "Curr Treat Options Neurol",
        "year": 2002,
    },
    {
        "key": "finnerup2015",
        "kind": Reference.Kind.JOURNAL_ARTICLE,
        "study_design": Reference.StudyDesign.SYSTEMATIC_REVIEW,
        "month": 2,
        "title": "Pharmacotherapy for neuropathic pain in adults: a systematic review and meta-analysis",
        "authors": "Finnerup NB, Attal N, Haroutounian S, et al.",
        "journal": "The Lancet. Neurology",
        "journal_abbrev": "Lancet Neurol",
        "year": 2015,
        "volume": "14",
        "issue": "2",
        "pages": "162-173",
        "doi": "10.1016/s1474-4422(14)70251-0",
        "pmid": "25575710",
    },
    {
        "key": "popbusui2017",
        "kind": Reference.Kind.GUIDELINE,
        "title": "Diabetic Neuropathy: A Position Statement by the American Diabetes Association",
        "authors": "Pop-Busui R, Boulton AJ, Feldman EL, et al.",
        "journal": "Diabetes care",
        "journal_abbrev": "Diabetes Care",
        "year": 2017,
        "volume": "40",
        "issue": "1",
        "pages": "136-154",
        "doi": "10.2337/dc16-2042",
        "pmid": "27999003",
        "publisher": "American Diabetes Association",
    },
    {
        "key": "kolasinski2020",
        "kind": Reference.Kind.GUIDELINE,
        "title": (
            "2019 American College of Rheumatology/Arthritis Foundation Guideline for the "
            "Management of Osteoarthritis of the Hand, Hip, and Knee"
        ),
        "authors": "Kolasinski SL, Neogi T, Hochberg MC, et al.",
        "journal": "Arthritis care & research",
        "journal_abbrev": "Arthritis Care Res (Hoboken)",
        "year": 2020,
        "volume": "72",
        "issue": "2",
        "pages": "149-162",
        "doi": "10.1002/acr.24131",
        "pmid": "31908149",
        "publisher": "American College of Rheumatology",
    },
    {
        "key": "whelton2018",
        "kind": Reference.Kind.GUIDELINE,
        "title": (
            "2017 ACC/AHA/AAPA/ABC/ACPM/AGS/APhA/ASH/ASPC/NMA/PCNA Guideline for the Prevention, "
            "Detection, Evaluation, and Management of High Blood Pressure in Adults"
        ),
        "authors": "Whelton PK, Carey RM, Aronow WS, et al.",
        "journal": "Hypertension (Dallas, Tex. : 1979)",
        "journal_abbrev": "Hypertension",
        "year": 2018,
        "volume": "71",
        "issue": "6",
        "pages": "e13-e115",
        "doi": "10.1161/hyp.0000000000000065",
        "pmid": "29133356",
        "publisher": "American College of Cardiology; American Heart Association",
    },
]


RETRACTED_EXAMPLE: dict[str, Any] = {
    "key": "wakefield1998",
    "kind": Reference.Kind.JOURNAL_ARTICLE,
    "study_design": Reference.StudyDesign.CASE_REPORT,
    "month": 2,
    "day": 28,
    "title": (
        "Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental "
        "disorder in children"
    ),
    "authors": "Wakefield AJ, Murch SH, Anthony A, et al.",
    "journal": "Lancet (London, England)",
    "journal_abbrev": "Lancet",
    "year": 1998,
    "volume": "351",
    "issue": "9103",
    "pages": "637-641",
    "doi": "10.1016/s0140-6736(97)11096-0",
    "pmid": "9500320",
    "retraction_status": Reference.RetractionStatus.RETRACTED,
}


def load_demo_references() -> dict[str, Reference]:
    """Create or update the demo library; idempotent. Returns the references by key."""
    library = {}
    for data in [*DEMO_REFERENCES, RETRACTED_EXAMPLE]:
        fields = dict(data)
        key = fields.pop("key")
        reference, _ = Reference.objects.update_or_create(key=key, defaults=fields)
        library[key] = reference
    return library
