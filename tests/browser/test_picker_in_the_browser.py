"""The references panel in a real browser: search, insert at the cursor, add on an unsaved article."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from references.models import Reference


@pytest.fixture
def finnerup(transactional_db):
    return Reference.objects.create(
        kind="article",
        study_design="systematic_review",
        key="finnerup2015",
        title="Pharmacotherapy for neuropathic pain in adults",
        authors="Finnerup NB, Attal N, Haroutounian S, McNicol E, Baron R, Dworkin RH, Gilron I",
        journal_abbrev="Lancet Neurol",
        year=2015,
        volume="14",
        issue="2",
        pages="162-173",
        pmid="25575710",
    )


def _caret_after(page, text: str) -> None:
    """Put the cursor in the body just after `text`, as a person clicking there would."""
    page.get_by_label("Body", exact=True).evaluate(
        """(el, text) => { const at = el.value.indexOf(text) + text.length;
                           el.focus(); el.setSelectionRange(at, at);
                           el.dispatchEvent(new Event('select')); }""",
        text,
    )


def test_an_author_searches_the_library_and_inserts_a_marker_at_the_cursor(
    signed_in, author, reference, finnerup
):
    page = signed_in(author, width=375)
    page.goto("/drafts/new/")
    page.get_by_label("Title", exact=True).fill("Which drugs help neuropathic pain?")
    body = page.get_by_label("Body", exact=True)
    body.fill("Some drugs help. Exercise helps too.")
    _caret_after(page, "Some drugs help")

    page.get_by_label("Search the references library").fill("finnerup lancet")
    results = page.locator("#picker-results")
    expect(results).to_contain_text("1 match for “finnerup lancet”")
    expect(results).to_contain_text("Lancet Neurol. 2015;14(2):162-73.")
    expect(results).to_contain_text("Journal article · Systematic review / meta-analysis")
    results.get_by_role("button", name="Insert at cursor").click()

    expect(body).to_have_value("Some drugs help [@finnerup2015]. Exercise helps too.")
    expect(page.locator("#preview sup.citation")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scroll


def test_add_reference_on_a_new_unsaved_article_keeps_the_text_typed_so_far(
    signed_in, author, reference
):
    page = signed_in(author)
    page.goto("/drafts/new/")
    page.get_by_label("Title", exact=True).fill("Does exercise help neuropathy?")
    page.get_by_label("Summary", exact=True).fill("Yes, supervised exercise.")
    body = page.get_by_label("Body", exact=True)
    body.fill("Supervised exercise helps.")
    _caret_after(page, "Supervised exercise helps")

    # A PMID already in the library is recognised without asking PubMed.
    page.get_by_label("DOI or PMID").fill("PMID: 27999003")
    page.get_by_role("button", name="Add reference").click()
    expect(page.locator("#add-reference")).to_contain_text("Already in the library")
    expect(page.get_by_label("Marker to paste into the body")).to_have_value("[@pmid:27999003]")
    page.get_by_role("button", name="Insert into the body at the cursor").click()

    expect(page).to_have_url(re.compile(r"/drafts/new/$"))  # never left the page
    expect(page.get_by_label("Title", exact=True)).to_have_value("Does exercise help neuropathy?")
    expect(body).to_have_value("Supervised exercise helps [@pmid:27999003].")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved")
    article = Article.objects.get()
    assert list(article.cited_references.all()) == [reference]
    assert article.summary == "Yes, supervised exercise."


def test_the_editor_fits_a_small_screen_with_long_slash_joined_guideline_names(signed_in, author):
    from articles import workflow

    Reference.objects.create(
        kind="guideline",
        key="gornik2024",
        title="2024 ACC/AHA/AACVPR/APMA/ABC/SCAI/SVM/SVN/SVS/SIR/VESS Guideline for the Management "
        "of Lower Extremity Peripheral Artery Disease: A Report of the American College of "
        "Cardiology/American Heart Association Joint Committee on Clinical Practice Guidelines",
        authors="Gornik HL, Aronow HD, Goodney PP, Arya S, Brewster LP, Byrd L, et al.",
        journal="Circulation",
        year=2024,
        doi="10.1161/CIR.0000000000001251/with/an/unusually/long/suffix/that/has/no/spaces",
    )
    article = workflow.create_article(
        by=author, title="Walking and PAD?", body="Walking helps [@gornik2024]."
    )
    page = signed_in(author, width=375)
    page.goto(article.get_edit_url())
    expect(page.locator("#picker-results")).to_contain_text("ACC/AHA/AACVPR")
    expect(page.locator("#preview")).to_contain_text("ACC/AHA/AACVPR")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
