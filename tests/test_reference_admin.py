"""The references library in the admin: who may use it, search, filters, adding, history."""

from __future__ import annotations

import httpx
import pytest

from references import lookup
from references.models import Reference
from tests.reference_fakes import FakeServices

LIST = "/admin/references/reference/"
ADD = "/admin/references/reference/add/"


@pytest.fixture
def library(db, reference):
    other = Reference.objects.create(
        kind=Reference.Kind.RESEARCH,
        title="Painful Peripheral Neuropathy",
        journal="Current treatment options in neurology",
        year=2002,
        retraction_status=Reference.RetractionStatus.RETRACTED,
    )
    return reference, other


def test_anonymous_visitors_are_sent_to_sign_in(client, library):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_author_cannot_open_the_library_admin(client, author, library):
    client.force_login(author)
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_editor_sees_the_library(client, editor, library):
    client.force_login(editor)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Painful Peripheral Neuropathy" in response.text
    assert "Diabetic Neuropathy" in response.text


@pytest.mark.parametrize(
    "term",
    [
        "Position Statement",
        "10.2337/dc16-2042",
        "https://doi.org/10.2337/DC16-2042",
        "PMID: 27999003",
        "diabetes care",
    ],
)
def test_search_finds_by_title_doi_pmid_and_journal(client, editor, library, term):
    client.force_login(editor)
    response = client.get(LIST, {"q": term})
    assert "Diabetic Neuropathy" in response.text
    assert "Painful Peripheral Neuropathy" not in response.text


def test_filters_by_kind_and_retraction_status(client, editor, library):
    client.force_login(editor)
    response = client.get(LIST, {"retraction_status__exact": "retracted"})
    assert "Painful Peripheral Neuropathy" in response.text
    assert "Diabetic Neuropathy" not in response.text
    response = client.get(LIST, {"kind__exact": "guideline"})
    assert "Diabetic Neuropathy" in response.text
    assert "Painful Peripheral Neuropathy" not in response.text


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "research",
        "title": "Exercise for neuropathy",
        "authors": "",
        "key": "",
        "journal": "",
        "journal_abbrev": "",
        "year": "2020",
        "volume": "",
        "issue": "",
        "pages": "",
        "doi": "",
        "pmid": "",
        "url": "",
        "publisher": "",
        "retraction_status": "unchecked",
    }
    data.update(overrides)
    return data


def test_an_editor_adds_a_reference_with_its_identifiers_normalised(client, editor, db):
    client.force_login(editor)
    response = client.post(
        ADD, _form(doi="https://doi.org/10.1000/ABC.123", pmid="PMID: 123456", key="Smith2020")
    )
    assert response.status_code == 302
    reference = Reference.objects.get()
    assert (reference.doi, reference.pmid, reference.key) == (
        "10.1000/abc.123",
        "123456",
        "smith2020",
    )
    assert reference.history.get().history_user == editor


def test_a_malformed_doi_is_refused_with_a_message(client, editor, db):
    client.force_login(editor)
    response = client.post(ADD, _form(doi="10.12/too-short"))
    assert response.status_code == 200
    assert "is not a DOI" in response.text
    assert not Reference.objects.exists()


def test_a_duplicate_doi_names_the_existing_reference(client, editor, reference):
    client.force_login(editor)
    response = client.post(ADD, _form(doi="10.2337/DC16-2042"))
    assert response.status_code == 200
    assert "The library already has this DOI" in response.text
    assert Reference.objects.count() == 1


def test_a_javascript_url_is_refused(client, editor, db):
    client.force_login(editor)
    response = client.post(ADD, _form(url="javascript:alert(1)"))
    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert not Reference.objects.exists()


def test_the_history_of_a_reference_is_shown(client, editor, reference):
    reference.title = "Diabetic Neuropathy (updated)"
    reference.save()
    client.force_login(editor)
    response = client.get(f"{LIST}{reference.pk}/history/")
    assert response.status_code == 200
    assert "Diabetic Neuropathy (updated)" in response.text


def test_the_check_now_action_updates_the_selected_references(client, editor, monkeypatch, db):
    fake = FakeServices()
    real = lookup.make_client
    monkeypatch.setattr(
        lookup, "make_client", lambda transport=None: real(httpx.MockTransport(fake.handle))
    )
    retracted = Reference.objects.create(title="Registry analysis", pmid="32450107")
    client.force_login(editor)
    response = client.post(
        LIST, {"action": "check_now", "_selected_action": [retracted.pk]}, follow=True
    )
    assert "Checked 1 references; 1 changed status." in response.text
    retracted.refresh_from_db()
    assert retracted.retraction_status == Reference.RetractionStatus.RETRACTED
