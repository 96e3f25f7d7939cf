"""The references panel: search the library from the editor, add on an unsaved article, export."""

from __future__ import annotations

import json
from unittest import mock

import pytest

from references.lookup import LookupResult
from references.models import Reference

LIBRARY = "/drafts/references/"


@pytest.fixture
def library(db, reference):
    """The conftest's ADA position statement plus a few hundred others."""
    Reference.objects.bulk_create(
        Reference(
            kind="article",
            title=f"Trial {n} of exercise for diabetic neuropathy " + "x" * 900,
            authors=[{"family": f"Okafor{n}", "given": "M"}],
            journal="Pain",
            year=2000 + n % 25,
            pmid=str(40000000 + n),
        )
        for n in range(300)
    )
    return Reference.objects.create(
        kind="article",
        study_design="systematic_review",
        key="finnerup2015",
        title="Pharmacotherapy for neuropathic pain in adults",
        authors="Finnerup NB, Attal N, Haroutounian S, McNicol E, Baron R, Dworkin RH, Gilron I",
        journal="The Lancet. Neurology",
        journal_abbrev="Lancet Neurol",
        year=2015,
        doi="10.1016/s1474-4422(14)70251-0",
        retraction_status="retracted",
    )


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    assert client.get(LIBRARY).status_code == 302
    assert client.get(f"{LIBRARY}export.ris").status_code == 302
    assert client.post(f"{LIBRARY}add/", {"lookup-identifier": "1"}).status_code == 302


def test_people_who_do_not_write_get_403(client, reviewer, outsider, db):
    for person in (reviewer, outsider):
        client.force_login(person)
        assert client.get(LIBRARY).status_code == 403
        assert client.get(f"{LIBRARY}export.json").status_code == 403
        assert client.post(f"{LIBRARY}add/", {"lookup-identifier": "1"}).status_code == 403


def test_an_author_finds_a_reference_by_author_and_sees_it_as_it_will_be_cited(
    client, author, library
):
    client.force_login(author)
    response = client.get(LIBRARY, {"q": "finnerup 2015"})
    assert response.status_code == 200
    assert "1 match for “finnerup 2015”" in response.text
    assert (
        "Finnerup NB, Attal N, Haroutounian S, McNicol E, Baron R, Dworkin RH, et al. "
        "Pharmacotherapy for neuropathic pain in adults. Lancet Neurol. 2015. "
        "doi:10.1016/s1474-4422(14)70251-0. Retracted."
    ) in response.text
    assert "Journal article · Systematic review / meta-analysis" in response.text
    assert 'class="check check--retracted"' in response.text
    assert 'value="[@finnerup2015]"' in response.text


@pytest.mark.parametrize(
    "query",
    [
        "Lancet Neurol",
        "pharmacotherapy",
        "finnerup2015",
        "https://doi.org/10.1016/S1474-4422(14)70251-0",
    ],
)
def test_the_library_is_searched_by_journal_title_key_and_doi(client, author, library, query):
    client.force_login(author)
    response = client.get(LIBRARY, {"q": query}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Pharmacotherapy for neuropathic pain" in response.text
    assert "<html" not in response.text  # htmx gets the results alone


def test_a_pmid_already_in_the_library_is_recognised_without_a_look_up(client, author, library):
    client.force_login(author)
    with mock.patch("references.lookup.make_client") as network:
        response = client.get(LIBRARY, {"q": "PMID: 27999003"})
        added = client.post(f"{LIBRARY}add/", {"lookup-identifier": "27999003"})
    network.assert_not_called()
    assert "Diabetic Neuropathy: A Position Statement" in response.text
    assert "Already in the library" in added.text
    assert 'value="[@pmid:27999003]"' in added.text


def test_references_the_article_cites_are_listed_first(client, author, library, make_article):
    article = make_article()  # cites PMID 27999003, alphabetically after "Pharmacotherapy…"
    client.force_login(author)
    response = client.get(LIBRARY, {"article": article.pk, "q": "neuropathy"})
    text = response.text
    assert text.index("Diabetic Neuropathy: A Position Statement") < text.index("Trial 0 of")
    assert "Cited here" in text


def test_the_list_is_bounded_and_says_so(client, author, library, django_assert_max_num_queries):
    client.force_login(author)
    with django_assert_max_num_queries(12):
        response = client.get(LIBRARY, {"q": "exercise"})
    assert response.text.count('class="picker-item') == 20
    assert "300 matches" in response.text and "the first 20 shown" in response.text
    assert len(response.content) < 200_000


def test_another_authors_article_is_not_listed_through_the_picker(
    client, other_author, make_article, library
):
    article = make_article()
    client.force_login(other_author)
    assert client.get(LIBRARY, {"article": article.pk}).status_code == 404


def test_the_new_article_page_has_the_panel_with_add_reference_not_tied_to_an_id(
    client, author, db
):
    client.force_login(author)
    page = client.get("/drafts/new/").text
    assert 'id="references-panel"' in page
    assert 'action="/drafts/references/add/"' in page
    assert 'target="_blank"' in page  # without JavaScript it opens beside the unsaved text
    assert "<script>" not in page and " style=" not in page and " onclick=" not in page


def test_add_reference_works_before_the_article_is_saved(client, author, db):
    client.force_login(author)
    found = Reference.objects.create(title="Foot care in diabetes", pmid="31234567", year=2019)
    result = LookupResult(found, created=True, source="pubmed")
    with mock.patch("articles.views.references.lookup_reference", return_value=result):
        response = client.post(
            f"{LIBRARY}add/", {"lookup-identifier": "31234567"}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert 'value="[@pmid:31234567]"' in response.text
    assert "data-insert-marker" in response.text


def test_a_refused_submit_is_shown_once_not_also_in_the_add_reference_box(
    client, author, make_article
):
    article = make_article(body="No citation at all.")
    client.force_login(author)
    response = client.post(
        article.get_edit_url(),
        {
            "title": article.title,
            "summary": article.summary,
            "body": "No citation at all.",
            "audience": article.audience,
            "expected_revision": article.revision,
            "action": "submit",
        },
    )
    assert response.status_code == 400
    message = response.context["error"].message
    assert response.text.count(message) == 1
    add_box = response.text[response.text.index('id="add-reference"') :]
    assert 'class="error"' not in add_box[: add_box.index("</form>")]


def test_an_articles_references_export_as_ris_and_csl_json(client, author, reviewer, make_article):
    article = make_article()
    client.force_login(author)
    ris = client.get(f"/drafts/{article.pk}/references.ris")
    assert ris.status_code == 200
    assert ris["Content-Disposition"].endswith('.ris"')
    assert "TY  - GUIDE" in ris.text and "AN  - 27999003" in ris.text
    data = json.loads(client.get(f"/drafts/{article.pk}/references.json").text)
    assert data[0]["PMID"] == "27999003" and data[0]["DOI"] == "10.2337/dc16-2042"
    assert client.get(f"/drafts/{article.pk}/references.xml").status_code == 404


def test_an_article_export_is_refused_to_someone_who_cannot_see_the_article(
    client, other_author, make_article
):
    article = make_article()
    client.force_login(other_author)
    assert client.get(f"/drafts/{article.pk}/references.ris").status_code == 404


def test_the_library_exports_every_author(client, editor, library):
    client.force_login(editor)
    data = json.loads(client.get(f"{LIBRARY}export.json").text)
    finnerup = next(item for item in data if item["id"] == "finnerup2015")
    assert len(finnerup["author"]) == 7
    assert finnerup["author"][0] == {"family": "Finnerup", "given": "N. B."}
    assert len(data) == 302
