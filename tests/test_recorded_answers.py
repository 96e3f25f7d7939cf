"""Real Crossref answers recorded by rcrossref and habanero, read as the raw answer says (fixtures'
README)."""

from __future__ import annotations

import json

import httpx
import pytest

from references import checking
from references.lookup import fields_from_crossref, lookup_reference
from references.models import Reference
from tests.reference_fakes import FIXTURES, FakeServices


def _message(doi: str) -> dict:
    return json.loads((FIXTURES / f"crossref_work_{doi.replace('/', '_')}.json").read_text())[
        "message"
    ]


def _raw_names(message: dict, role: str = "author") -> list[dict[str, str]]:
    names = []
    for person in message.get(role, []):
        if person.get("family"):
            names.append(
                {
                    "family": person["family"],
                    **({"given": person["given"]} if "given" in person else {}),
                }
            )
        else:
            names.append({"literal": person["name"]})
    return names


CASES = [
    # doi, kind, container, year, volume, issue, pages
    (
        "10.1155/2021/5541843",
        Reference.Kind.JOURNAL_ARTICLE,
        "Journal of Interventional Cardiology",
        2021,
        "2021",
        "",
        "1-8",
    ),
    (
        "10.1016/j.healun.2009.05.025",
        Reference.Kind.JOURNAL_ARTICLE,
        "The Journal of Heart and Lung Transplantation",
        2009,
        "28",
        "10",
        "1102-1106",
    ),
    (
        "10.1007/978-981-287-670-6_15",
        Reference.Kind.CHAPTER,
        "Next Generation DNA Led Technologies",
        2016,  # published-print 2016 (issued online 2015-10-29): the print year is cited
        "",
        "",
        "135-140",
    ),
    (
        "10.1145/2832099.2832103",
        Reference.Kind.CONFERENCE_PAPER,
        "Proceedings of the Fifth International Workshop on Network-Aware Data Management - NDM '15",
        2015,
        "",
        "",
        "",
    ),
    ("10.1186/isrctn11093872", Reference.Kind.DATASET, "http://isrctn.com/", 2015, "", "", ""),
    ("10.5194/acp-2021-781", Reference.Kind.PREPRINT, "", 2021, "", "", ""),
    ("10.4095/110861", Reference.Kind.REPORT, "", 1964, "", "", ""),
    ("10.17875/gup2015-797", Reference.Kind.BOOK, None, 2015, "", "", ""),
]


@pytest.mark.parametrize(("doi", "kind", "container", "year", "volume", "issue", "pages"), CASES)
def test_a_recorded_crossref_answer_is_read_as_the_raw_answer_says(
    doi, kind, container, year, volume, issue, pages
):
    message = _message(doi)
    fields = fields_from_crossref(message, doi=doi)
    assert fields["authors"] == _raw_names(message)  # every author, in order
    assert fields["kind"] == kind
    if container is not None:
        assert fields["journal"] == container
    assert fields["year"] == year
    assert (fields["volume"], fields["issue"], fields["pages"]) == (volume, issue, pages)
    assert "retraction_status" not in fields  # no notice in these answers: stays unchecked


def test_a_journal_article_with_sixteen_authors_keeps_all_sixteen_and_prints_six(db):
    services = FakeServices()
    reference = lookup_reference("10.1155/2021/5541843", client=services.client()).reference
    reference.refresh_from_db()
    assert len(reference.authors) == 16
    assert reference.month == 12 and reference.day == 14
    six = ", ".join(
        f"{a['family']} {''.join(p[0] for p in a['given'].replace('-', ' ').split())}"
        for a in reference.authors[:6]
    )
    assert reference.formatted.startswith(f"{six}, et al. ")
    assert "Journal of Interventional Cardiology" in reference.formatted or (
        reference.journal_abbrev and reference.journal_abbrev in reference.formatted
    )


def test_a_book_chapter_is_cited_in_its_book(db):
    services = FakeServices()
    reference = lookup_reference("10.1007/978-981-287-670-6_15", client=services.client()).reference
    assert reference.kind == Reference.Kind.CHAPTER
    assert "In: Next Generation DNA Led Technologies." in reference.formatted
    assert "p. 135-40." in reference.formatted


def test_a_dataset_and_a_preprint_say_what_they_are_in_the_citation(db):
    services = FakeServices()
    dataset = lookup_reference("10.1186/isrctn11093872", client=services.client()).reference
    preprint = lookup_reference("10.5194/acp-2021-781", client=services.client()).reference
    assert "[dataset]." in dataset.formatted
    assert "[Preprint]." in preprint.formatted
    assert len(preprint.authors) == 13


def test_a_crossref_updated_by_retraction_is_stated_in_the_citation_text(db):
    services = FakeServices()
    reference = lookup_reference(
        "10.1016/s0140-6736(20)31180-6", client=services.client()
    ).reference
    assert reference.retraction_status == Reference.RetractionStatus.RETRACTED
    assert reference.formatted.endswith("Retracted.")


@pytest.mark.parametrize(
    ("types", "headings", "design"),
    [
        (["Journal Article", "Practice Guideline"], [], "guideline"),
        (
            ["Journal Article", "Review", "Systematic Review", "Meta-Analysis"],
            [],
            "systematic_review",
        ),
        (["Randomized Controlled Trial", "Multicenter Study"], [], "rct"),
        (["Case Reports"], [], "case_report"),
        (["Journal Article", "Review"], [], "review"),
        (["Consensus Development Conference"], [], "expert_opinion"),
        (["Journal Article", "Comparative Study"], ["*Cohort Studies", "Humans"], "cohort"),
        (["Journal Article", "Research Support, Non-U.S. Gov't"], [], ""),
    ],
)
def test_pubmed_publication_types_say_the_study_design(types, headings, design):
    from references.lookup import design_from_types

    assert design_from_types(types, headings) == design


def test_a_pubmed_summary_keeps_every_author_the_date_and_the_notice_links(db):
    services = FakeServices()
    summary = json.loads((FIXTURES / "pubmed_esummary_32450107.json").read_text())["result"][
        "32450107"
    ]
    reference = lookup_reference("32450107", client=services.client()).reference
    assert [a.get("family") or a.get("literal") for a in reference.authors] == [
        (a["name"].rsplit(" ", 1)[0] if a.get("authtype") == "Author" else a["name"])
        for a in summary["authors"]
        if a.get("authtype") in ("Author", "CollectiveName")
    ]
    assert reference.retraction_status == Reference.RetractionStatus.RETRACTED
    assert reference.formatted.endswith("Retracted.")


# --- notices Crossref really sent (fixtures' README: habanero and rcrossref cassettes) --------


PLOS_CORRECTED = "10.1371/journal.pone.0033693"  # updated-by: a correction (habanero)
PLOS_RETRACTED = "10.1371/journal.pone.0090062"  # named by a retraction notice (rcrossref)


def _notices(doi: str) -> list[dict]:
    data = json.loads((FIXTURES / f"crossref_notices_{doi.replace('/', '_')}.json").read_text())
    return data["message"]["items"]


def test_a_recorded_updated_by_correction_is_recorded_on_look_up(db):
    services = FakeServices()
    message = _message(PLOS_CORRECTED)
    reference = lookup_reference(PLOS_CORRECTED.upper(), client=services.client()).reference
    reference.refresh_from_db()
    assert [(u["type"], u["DOI"]) for u in message["updated-by"]] == [
        ("correction", "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda")
    ]
    assert reference.retraction_status == Reference.RetractionStatus.CORRECTED
    assert reference.checked_at is not None
    assert reference.authors == _raw_names(message)
    assert (reference.journal, reference.year, reference.month, reference.day) == (
        "PLoS ONE",
        2012,
        3,
        21,
    )
    assert reference.formatted.endswith("Correction published.")


def test_a_recorded_retraction_notice_found_through_update_to_retracts_the_work(db):
    (notice,) = _notices(PLOS_RETRACTED)
    (update,) = notice["update-to"]
    assert (update["type"], update["DOI"], update["updated"]["date-parts"]) == (
        "retraction",
        PLOS_RETRACTED,
        [[2019, 1, 10]],
    )
    (cited,) = notice["reference"]  # the notice cites the work it retracts
    reference = Reference.objects.create(
        doi=PLOS_RETRACTED, title=cited["article-title"], year=int(cited["year"])
    )
    services = FakeServices()
    # Only the notice side is recorded; the work's own answer is a stand-in with no updated-by,
    # so the retraction can only come from the notice's update-to.
    services.answer(
        "crossref",
        PLOS_RETRACTED,
        httpx.Response(
            200, json={"message": {"DOI": PLOS_RETRACTED, "title": [cited["article-title"]]}}
        ),
    )
    changes = []
    (outcome,) = checking.check_batch(
        [reference], client=services.client(), on_change=lambda **change: changes.append(change)
    )
    asked = [(r.url.path, r.url.params.get("filter")) for r in services.requests]
    assert ("/works", f"updates:{PLOS_RETRACTED}") in asked
    reference.refresh_from_db()
    assert reference.retraction_status == Reference.RetractionStatus.RETRACTED
    assert (outcome.before, outcome.after, outcome.problems) == ("unchecked", "retracted", [])
    assert [(c["before"], c["after"]) for c in changes] == [("unchecked", "retracted")]
    assert reference.formatted.endswith("Retracted.")


def test_a_recorded_retraction_notice_counts_only_for_the_doi_it_names(db):
    """The same real notice served for another DOI (the cassette's next retracted PLOS ONE
    article) says nothing about it: update-to names 10.1371/journal.pone.0090062 only."""
    other = "10.1371/journal.pone.0083541"
    reference = Reference.objects.create(doi=other, title="PknE, a Serine/Threonine Protein Kinase")
    services = FakeServices()
    services.answer("crossref", other, httpx.Response(200, json={"message": {"title": ["PknE"]}}))
    notice_answer = FIXTURES / f"crossref_notices_{PLOS_RETRACTED.replace('/', '_')}.json"
    services.answer(
        "crossref-updates", other, httpx.Response(200, json=json.loads(notice_answer.read_text()))
    )
    checking.check_batch([reference], client=services.client(), on_change=lambda **_: None)
    reference.refresh_from_db()
    assert reference.retraction_status == Reference.RetractionStatus.OK
