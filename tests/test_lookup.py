"""Looking a reference up by DOI or PMID, against recorded Crossref and PubMed answers."""

from __future__ import annotations

import httpx
import pytest

from references.lookup import ReferenceLookupError, lookup_reference
from references.models import Reference
from tests.reference_fakes import FakeServices


@pytest.fixture
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture
def polite(settings):
    settings.REFERENCE_LOOKUP_CONTACT_EMAIL = "refs@example.org"
    settings.NCBI_API_KEY = ""
    settings.REFERENCE_LOOKUP_TIMEOUT = 7.5


def test_a_doi_creates_the_reference_from_crossref(db, services, polite):
    result = lookup_reference("https://doi.org/10.2337/DC16-2042", client=services.client())
    reference = Reference.objects.get()
    assert result.created is True
    assert result.source == "crossref"
    assert result.reference == reference
    assert reference.doi == "10.2337/dc16-2042"
    assert (
        reference.title
        == "Diabetic Neuropathy: A Position Statement by the American Diabetes Association"
    )
    # Every author kept, in order, as structured names (NLM's "et al." is for printing only).
    assert [a["family"] for a in reference.authors] == [
        "Pop-Busui", "Boulton", "Feldman", "Bril", "Freeman", "Malik", "Sosenko", "Ziegler"
    ]  # fmt: skip
    assert reference.authors[1] == {"family": "Boulton", "given": "Andrew J.M."}
    assert reference.formatted.startswith(
        "Pop-Busui R, Boulton AJM, Feldman EL, Bril V, Freeman R, Malik RA, et al. Diabetic"
    )
    assert reference.journal == "Diabetes Care"
    assert (reference.year, reference.volume, reference.issue) == (2017, "40", "1")
    assert reference.pages == "136-154"
    assert reference.kind == Reference.Kind.GUIDELINE  # a position statement is guidance
    assert reference.retraction_status == Reference.RetractionStatus.UNCHECKED


def test_a_pmid_creates_the_reference_from_pubmed_with_the_full_nlm_title(db, services, polite):
    result = lookup_reference("PMID: 27999003", client=services.client())
    reference = result.reference
    assert result.created is True
    assert result.source == "pubmed"
    assert reference.pmid == "27999003"
    assert reference.doi == "10.2337/dc16-2042"
    assert reference.journal == "Diabetes care"
    assert reference.journal_abbrev == "Diabetes Care"
    assert reference.title.endswith("American Diabetes Association")  # trailing period dropped
    assert len(reference.authors) == 8
    assert reference.authors[-1] == {"family": "Ziegler", "given": "D"}
    assert reference.kind == Reference.Kind.GUIDELINE
    assert reference.year == 2017


def test_requests_identify_us_politely_and_have_a_timeout(db, services, polite):
    client = services.client()
    lookup_reference("10.2337/dc16-2042", client=client)
    lookup_reference("27999003", client=client)  # known by DOI now, but the PMID is asked
    crossref, pubmed = services.requests
    assert crossref.url.params["mailto"] == "refs@example.org"
    assert "mailto:refs@example.org" in crossref.headers["user-agent"]
    assert pubmed.url.params["tool"] == "editorial-review"
    assert pubmed.url.params["email"] == "refs@example.org"
    assert pubmed.url.params["retmode"] == "json"
    assert client.timeout.read == 7.5


def test_a_pmid_for_a_reference_known_by_its_doi_fills_in_the_pmid(db, services, polite):
    by_doi = lookup_reference("10.2337/dc16-2042", client=services.client()).reference
    result = lookup_reference("27999003", client=services.client())
    assert result.created is False
    assert result.reference == by_doi
    by_doi.refresh_from_db()
    assert by_doi.pmid == "27999003"
    assert Reference.objects.count() == 1


def test_an_existing_doi_returns_the_existing_reference_without_asking(
    db, services, polite, reference
):
    result = lookup_reference("doi:10.2337/DC16-2042", client=services.client())
    assert result.created is False
    assert result.reference == reference
    assert services.requests == []
    assert Reference.objects.count() == 1


def test_an_existing_pmid_returns_the_existing_reference(db, services, polite, reference):
    result = lookup_reference("https://pubmed.ncbi.nlm.nih.gov/27999003/", client=services.client())
    assert (result.reference, result.created) == (reference, False)
    assert services.requests == []


def test_a_retracted_work_is_recorded_as_retracted(db, services, polite):
    reference = lookup_reference("32450107", client=services.client()).reference
    assert reference.retraction_status == Reference.RetractionStatus.RETRACTED
    assert reference.checked_at is not None
    assert reference.journal == "Lancet (London, England)"


def test_crossref_updated_by_retraction_is_recorded(db, services, polite):
    doi = "10.1016/S0140-6736(20)31180-6"
    reference = lookup_reference(doi, client=services.client()).reference
    assert reference.retraction_status == Reference.RetractionStatus.RETRACTED


def _fails(identifier: str, services: FakeServices) -> str:
    with pytest.raises(ReferenceLookupError) as error:
        lookup_reference(identifier, client=services.client())
    assert Reference.objects.count() == 0
    return str(error.value)


def test_an_unknown_doi_says_crossref_has_no_record(db, services, polite):
    message = _fails("10.5555/does-not-exist", services)
    assert (
        message == "Crossref has no record of DOI 10.5555/does-not-exist. Check it and try again."
    )


def test_an_unknown_pmid_says_pubmed_has_no_record(db, services, polite):
    assert "PubMed has no record of PMID 99999999" in _fails("99999999", services)


def test_pubmeds_invalid_uid_answer_is_not_found(db, services, polite):
    services.answer(
        "pubmed",
        "12345",
        httpx.Response(200, json={"header": {}, "error": "Invalid uid 12345 at position=0"}),
    )
    assert "PubMed has no record of PMID 12345" in _fails("12345", services)


def test_a_timeout_says_try_again_and_writes_nothing(db, services, polite):
    services.answer("crossref", "10.2337/dc16-2042", httpx.ReadTimeout("slow"))
    assert "did not answer in time" in _fails("10.2337/dc16-2042", services)


def test_being_offline_says_so(db, services, polite):
    services.answer("pubmed", "27999003", httpx.ConnectError("no route to host"))
    message = _fails("27999003", services)
    assert message.startswith("Could not reach PubMed")
    assert "enter the reference by hand" in message


def test_a_rate_limit_says_wait_a_minute(db, services, polite):
    services.answer(
        "crossref", "10.2337/dc16-2042", httpx.Response(429, headers={"Retry-After": "60"})
    )
    assert "Wait a minute" in _fails("10.2337/dc16-2042", services)


def test_a_server_error_names_the_status(db, services, polite):
    services.answer("pubmed", "27999003", httpx.Response(503, text="Service unavailable"))
    assert "(503)" in _fails("27999003", services)


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html><body>Maintenance</body></html>"),
        httpx.Response(200, json={"status": "ok", "message": "not a work"}),
        httpx.Response(200, json=["unexpected"]),
    ],
)
def test_a_malformed_crossref_answer_says_it_could_not_be_read(db, services, polite, answer):
    services.answer("crossref", "10.2337/dc16-2042", answer)
    assert "could not be read" in _fails("10.2337/dc16-2042", services)


def test_a_crossref_work_without_a_title_is_malformed(db, services, polite):
    assert "could not be read" in _fails("10.5555/untitled", services)


def test_a_malformed_pubmed_answer_says_it_could_not_be_read(db, services, polite):
    services.answer("pubmed", "27999003", httpx.Response(200, json={"result": "nope"}))
    assert "could not be read" in _fails("27999003", services)


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("", "Enter a DOI"),
        ("hello", "neither a DOI"),
        ("10.12/x", "is not a DOI"),
        ("pmid:12ab", "is not a PMID"),
        ("0", "is not a PMID"),
        ("<script>alert(1)</script>", "neither a DOI"),
    ],
)
def test_a_malformed_identifier_is_refused_before_any_request(
    db, services, polite, identifier, expected
):
    assert expected in _fails(identifier, services)
    assert services.requests == []
