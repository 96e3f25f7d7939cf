"""Bad input to the references library and the renderer: a clear result, never a crash."""

from __future__ import annotations

import pytest

from articles import workflow
from articles.rendering import render_article, render_text
from references.forms import ReferenceForm, ReferenceLookupForm
from references.identifiers import InvalidIdentifier, normalize_doi, normalize_pmid
from references.models import Citation, Reference


def _form(**fields: str) -> ReferenceForm:
    data = {"kind": "research", "title": "A study", **fields}
    return ReferenceForm(data=data)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("10.2337/DC16-2042", "10.2337/dc16-2042"),
        ("https://doi.org/10.2337/dc16-2042", "10.2337/dc16-2042"),
        ("http://dx.doi.org/10.2337/dc16-2042", "10.2337/dc16-2042"),
        ("doi: 10.2337/dc16-2042", "10.2337/dc16-2042"),
        ("DOI:10.2337/dc16-2042.", "10.2337/dc16-2042"),
        ("https://doi.org/10.1016%2Fj.lpm.2024.104232", "10.1016/j.lpm.2024.104232"),
        ("\u200b10.2337/dc16-2042\u00a0", "10.2337/dc16-2042"),
    ],
)
def test_dois_are_stored_lower_case_without_a_resolver(raw, stored):
    assert normalize_doi(raw) == stored


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("27999003", "27999003"),
        ("PMID: 27999003", "27999003"),
        ("pmid27999003", "27999003"),
        ("https://pubmed.ncbi.nlm.nih.gov/27999003/", "27999003"),
        ("２７９９９００３", "27999003"),  # full-width digits
    ],
)
def test_pmids_are_stored_as_digits(raw, stored):
    assert normalize_pmid(raw) == stored


@pytest.mark.parametrize(
    "doi",
    [
        "10.2337",
        "10.12/abc",
        "11.2337/dc16",
        "dc16-2042",
        "10.2337/ with space",
        "10.1/" + "x" * 300,
    ],
)
def test_malformed_dois_are_refused_with_a_message(db, doi):
    with pytest.raises(InvalidIdentifier):
        normalize_doi(doi)
    form = _form(doi=doi)
    assert not form.is_valid()
    assert "DOI" in form.errors["doi"][0]


@pytest.mark.parametrize("pmid", ["abc", "12 34", "0", "-5", "1234567890", "pmid:", "27999003x"])
def test_malformed_pmids_are_refused_with_a_message(db, pmid):
    form = _form(pmid=pmid)
    assert not form.is_valid()
    assert "PMID" in form.errors["pmid"][0]


def test_the_form_stores_normalised_identifiers_and_empty_ones_as_null(db):
    form = _form(doi="https://doi.org/10.1000/ABC", pmid=" PMID 42 ")
    assert form.is_valid(), form.errors
    reference = form.save()
    assert (reference.doi, reference.pmid) == ("10.1000/abc", "42")
    second = _form(title="Another", key="another", doi="  ")
    assert second.is_valid(), second.errors
    assert (second.save().doi, Reference.objects.filter(doi__isnull=True).count()) == (None, 1)


def test_a_reference_that_could_not_be_cited_is_refused(db):
    form = _form(url="https://www.nice.org.uk/guidance/cg173")
    assert not form.is_valid()
    assert "Give a citation key, a DOI or a PMID" in form.non_field_errors()[0]


def test_saving_a_model_normalises_identifiers_too(db):
    reference = Reference.objects.create(title="x", doi="DOI:10.1000/XYZ", pmid="PMID: 7")
    assert (reference.doi, reference.pmid) == ("10.1000/xyz", "7")
    with pytest.raises(InvalidIdentifier):
        Reference.objects.create(title="y", doi="not a doi")


def test_the_same_doi_in_another_spelling_is_a_duplicate(db, reference):
    form = _form(doi="HTTPS://DOI.ORG/10.2337/DC16-2042")
    assert not form.is_valid()
    assert "already has this DOI" in form.errors["doi"][0]


def test_a_title_of_1000_characters_is_accepted_and_1001_refused(db):
    assert _form(title="T" * 1000, key="long").is_valid()
    form = _form(title="T" * 1001)
    assert not form.is_valid()
    assert form.errors["title"][0] == "Keep the title to at most 1000 characters; it has 1001."


def test_a_year_out_of_range_is_refused(db):
    form = _form(year="20245")
    assert not form.is_valid()
    assert "Enter a year between 1800" in form.errors["year"][0]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/x"])
def test_links_other_than_http_and_https_are_refused(db, url):
    form = _form(url=url)
    assert not form.is_valid()
    assert "url" in form.errors


def test_html_in_every_text_field_is_accepted_and_rendered_as_text(make_article, db):
    payload = "<b onclick=alert(1)>x</b>"
    fields = ["title", "authors", "journal", "journal_abbrev", "volume", "issue", "pages"]
    form = _form(**dict.fromkeys(fields, payload), publisher=payload, key="html-test")
    assert form.is_valid(), form.errors
    form.save()
    html = render_article(make_article(body="[@html-test]")).references_html
    assert "<b" not in html
    assert "&lt;b onclick=alert(1)&gt;x&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("", "This field is required."),
        ("hello", "neither a DOI"),
        ("10.1/x", "is not a DOI"),
        ("pmid:abc", "is not a PMID"),
        ("x" * 301, "at most 300 characters"),
    ],
)
def test_the_lookup_form_explains_a_bad_identifier(identifier, message):
    form = ReferenceLookupForm(data={"identifier": identifier})
    assert not form.is_valid()
    assert message in form.errors["identifier"][0]


def test_a_body_of_200_kb_with_markers_saves_and_renders(make_article, author, reference):
    paragraph = "Exercise helps balance and strength [@pmid:27999003]. " * 20 + "\n\n"
    body = paragraph * (200_000 // len(paragraph) + 1)
    assert len(body) > 200_000
    article = make_article()
    workflow.save_content(
        article=article,
        by=author,
        expected_revision=article.revision,
        title=article.title,
        summary="",
        body=body,
    )
    assert Citation.objects.filter(article=article).count() == 1
    rendered = render_article(article)
    assert rendered.body_html.count('<a href="#ref-1">1</a>') == body.count("[@pmid:27999003]")


def test_a_marker_spanning_odd_unicode_resolves_in_preview(reference):
    rendered = render_text("Helps [\u00a0＠PMID:\u200b27999003\u00a0].")
    assert '<a href="#ref-1">1</a>' in rendered.body_html
    assert rendered.unresolved == []


def test_unclosed_and_nested_brackets_are_left_as_text(db):
    rendered = render_text("Broken [@a [@b] and [@c and [[@d]]")
    assert "[@a" in rendered.body_html
    assert rendered.unresolved == ["b", "d"]
