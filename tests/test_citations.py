"""Citation markers: parsing, canonical keys, numbering, and the rows kept in history."""

from __future__ import annotations

import pytest

from references.citations import cited_keys, parse_markers, sync_citations
from references.models import Citation, Reference
from tests.conftest import edit_body


def test_a_single_marker_gives_its_key():
    assert cited_keys("Exercise helps [@smith2024].") == ["smith2024"]


def test_pmid_and_doi_markers_are_reduced_to_canonical_keys():
    body = "A [@pmid:27999003], B [@doi:10.2337/DC16-2042], C [@PMID: 38212345]."
    assert cited_keys(body) == ["pmid:27999003", "doi:10.2337/dc16-2042", "pmid:38212345"]


def test_a_doi_written_as_a_url_or_bare_is_the_same_key():
    body = "[@doi:https://doi.org/10.2337/dc16-2042] and [@10.2337/dc16-2042]"
    assert cited_keys(body) == ["doi:10.2337/dc16-2042"]


def test_several_keys_in_one_marker_keep_their_written_order():
    (marker,) = parse_markers("See [@b; @a;@c].")
    assert marker.keys == ("b", "a", "c")
    assert marker.text == "[@b; @a;@c]"


@pytest.mark.parametrize(
    "body",
    [
        "[ @smith2024 ]",
        "[@ smith2024]",
        "[@smith2024 ]",
        "[\u00a0@smith2024\u00a0]",  # non-breaking spaces
        "[\u200b@smith2024]",  # zero-width space from a PDF
        "[＠smith2024]",  # full-width at sign
        "[@Smith2024]",  # keys are case-insensitive
        "[@smith2024, p. 33]",  # a Pandoc locator is ignored
    ],
)
def test_markers_with_odd_spacing_or_unicode_are_read(body):
    assert cited_keys(body) == ["smith2024"]


def test_a_malformed_pmid_is_kept_as_written_so_it_can_be_reported():
    assert cited_keys("[@pmid:12ab]") == ["pmid:12ab"]


def test_brackets_that_are_not_markers_are_ignored():
    body = "An email [me@example.org], a link [text](https://example.org), a note [1], [@]."
    assert cited_keys(body) == []


def test_markers_in_code_are_not_citations():
    body = "Write `[@smith2024]` to cite.\n\n```\n[@jones2020]\n```\n\nReal: [@lee2021]"
    assert cited_keys(body) == ["lee2021"]


def test_repeated_keys_are_listed_once_in_order_of_first_appearance():
    body = "[@c] then [@a; @c] then [@b] then [@a]"
    assert cited_keys(body) == ["c", "a", "b"]


@pytest.fixture
def library(db):
    return {
        key: Reference.objects.create(title=f"Study {key}", key=key, pmid=pmid, doi=doi)
        for key, pmid, doi in [
            ("alpha", "11111111", "10.1000/alpha"),
            ("beta", "22222222", None),
            ("gamma", None, "10.1000/gamma"),
        ]
    }


def _numbers(article) -> list[tuple[int, str]]:
    return [
        (c.number, c.reference.key)
        for c in Citation.objects.filter(article=article).select_related("reference")
    ]


def test_citation_rows_are_numbered_by_first_appearance(make_article, library):
    article = make_article(body="[@gamma] first, then [@alpha; @beta], then [@gamma] again.")
    assert _numbers(article) == [(1, "gamma"), (2, "alpha"), (3, "beta")]


def test_one_reference_cited_under_two_keys_gets_one_number(make_article, library):
    article = make_article(body="[@alpha] and [@pmid:11111111] and [@doi:10.1000/ALPHA] [@beta]")
    assert _numbers(article) == [(1, "alpha"), (2, "beta")]


def test_sync_returns_the_unresolved_keys_and_numbers_the_rest(make_article, library):
    article = make_article(body="[@alpha]")
    article.body = "[@nobody2020; @beta] [@pmid:99999999] [@alpha]"
    assert sync_citations(article) == ["nobody2020", "pmid:99999999"]
    assert _numbers(article) == [(1, "beta"), (2, "alpha")]


def test_saving_new_content_renumbers_the_rows(make_article, library, author):
    article = make_article(body="[@alpha] [@beta]")
    edit_body(article, by=author, body="[@beta] now comes first, and [@gamma] is new.")
    assert _numbers(article) == [(1, "beta"), (2, "gamma")]


def test_each_revision_in_history_keeps_the_citations_it_had(make_article, library, author):
    article = make_article(body="[@alpha]")
    edit_body(article, by=author, body="[@beta] replaces it.")
    by_revision = {}
    for record in article.history.order_by("history_id"):
        by_revision[record.revision] = [c.reference.key for c in record.cited_references.all()]
    assert by_revision[1] == ["alpha"]
    assert by_revision[2] == ["beta"]


def test_a_body_with_many_markers_syncs_in_a_constant_number_of_queries(
    make_article, django_assert_max_num_queries
):
    references = [Reference.objects.create(title=f"Study {n}", key=f"s{n}") for n in range(60)]
    article = make_article(body="x")
    article.body = " ".join(f"[@{r.key}]" for r in references)
    with django_assert_max_num_queries(6):
        assert sync_citations(article) == []
    assert Citation.objects.filter(article=article).count() == 60


def test_every_demo_article_cites_the_demo_library_with_markers(db):
    from articles.demo import DEMO_ARTICLES
    from references.citations import resolve
    from references.demo import load_demo_references

    load_demo_references()
    for article in DEMO_ARTICLES:
        keys = cited_keys(article["body"])
        assert keys, article["title"]
        assert set(resolve(keys)) == set(keys), article["title"]


def test_the_demo_library_claims_no_check_that_did_not_happen(db):
    from references.demo import load_demo_references

    library = load_demo_references()
    assert all(reference.checked_at is None for reference in library.values())
    assert library["gornik2024"].retraction_status == Reference.RetractionStatus.UNCHECKED
    assert library["wakefield1998"].retraction_status == Reference.RetractionStatus.RETRACTED


def test_a_reference_says_how_to_cite_it(db):
    assert Reference(title="x", key="smith2024", pmid="1").marker == "[@smith2024]"
    assert Reference(title="x", pmid="27999003", doi="10.1/x").marker == "[@pmid:27999003]"
    assert Reference(title="x", doi="10.2337/dc16-2042").marker == "[@doi:10.2337/dc16-2042]"
    assert cited_keys(Reference(title="x", doi="10.2337/dc16-2042").marker) == [
        "doi:10.2337/dc16-2042"
    ]
