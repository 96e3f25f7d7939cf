"""The one renderer: Markdown, citation numbers, the References list, revisions, query budgets."""

from __future__ import annotations

import pytest

from articles.rendering import render_article, render_markdown, render_revision, render_text
from references.models import Citation, Reference
from tests.conftest import edit_body


@pytest.fixture
def finnerup(db):
    return Reference.objects.create(
        kind=Reference.Kind.SYSTEMATIC_REVIEW,
        key="finnerup2015",
        title="Pharmacotherapy for neuropathic pain in adults: a systematic review and meta-analysis",
        authors="Finnerup NB, Attal N, Haroutounian S, et al.",
        journal="The Lancet. Neurology",
        journal_abbrev="Lancet Neurol",
        year=2015,
        volume="14",
        issue="2",
        pages="162-173",
        doi="10.1016/s1474-4422(14)70251-0",
        pmid="25575710",
        retraction_status=Reference.RetractionStatus.OK,
    )


def test_markers_become_superscript_links_to_the_references_list(make_article, finnerup):
    article = make_article(body="Drugs help [@finnerup2015]. Exercise too [@pmid:27999003].")
    rendered = render_article(article)
    assert '<sup class="citation"><a href="#ref-1">1</a></sup>' in rendered.body_html
    assert '<sup class="citation"><a href="#ref-2">2</a></sup>' in rendered.body_html
    assert '<li id="ref-1">' in rendered.references_html
    assert '<li id="ref-2">' in rendered.references_html
    assert rendered.unresolved == []


def test_several_keys_in_one_marker_render_their_numbers_in_written_order(make_article, finnerup):
    article = make_article(body="First [@pmid:27999003]. Both [@finnerup2015; @pmid:27999003].")
    html = render_article(article).body_html
    assert '<sup class="citation"><a href="#ref-2">2</a>, <a href="#ref-1">1</a></sup>' in html


def test_the_superscript_sits_on_the_word_before_it(make_article):
    html = render_article(make_article(body="Exercise helps [@pmid:27999003].")).body_html
    assert 'helps<sup class="citation">' in html


def test_an_unresolved_marker_stays_visible_and_is_reported(make_article):
    article = make_article(body="Cited [@pmid:27999003] and [@ghost2020].")
    rendered = render_article(article)
    assert '<span class="citation-missing">[@ghost2020]</span>' in rendered.body_html
    assert rendered.unresolved == ["ghost2020"]


def test_a_reference_entry_shows_kind_title_authors_journal_locator_and_links(
    make_article, finnerup
):
    article = make_article(body="[@finnerup2015]")
    entry = render_article(article).references_html
    assert entry.startswith('<ol class="references">')
    assert "Systematic review" in entry
    assert "Pharmacotherapy for neuropathic pain in adults" in entry
    assert "Finnerup NB, Attal N, Haroutounian S, et al." in entry
    # NLM: the journal abbreviation and the page range elided (issue 12).
    assert "Lancet Neurol. 2015;14(2):162-73." in entry
    assert 'href="https://doi.org/10.1016/s1474-4422(14)70251-0"' in entry
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/25575710/"' in entry
    assert "badge" not in entry  # checked and clean: no badge


@pytest.mark.parametrize(
    ("status", "badge"),
    [
        ("retracted", '<span class="badge badge-retracted">Retracted</span>'),
        ("corrected", '<span class="badge badge-corrected">Corrected</span>'),
        ("concern", '<span class="badge badge-concern">Expression of concern</span>'),
        ("unchecked", '<span class="badge badge-unchecked">Not yet checked for retraction</span>'),
    ],
)
def test_the_retraction_status_shows_as_a_badge_and_unchecked_is_never_ok(
    make_article, reference, status, badge
):
    article = make_article()
    Reference.objects.filter(pk=reference.pk).update(retraction_status=status)
    assert badge in render_article(article).references_html


def test_citations_data_carries_the_formatted_text_for_structured_data(make_article, finnerup):
    article = make_article(body="[@finnerup2015] [@pmid:27999003]")
    first, second = render_article(article).citations
    assert first["number"] == 1
    assert first["kind"] == "article"  # the publication type; the evidence level is separate
    assert first["study_design"] == "systematic_review"
    assert first["doi"] == "10.1016/s1474-4422(14)70251-0"
    assert first["pmid"] == "25575710"
    assert first["retraction_status"] == "ok"
    assert first["text"] == (
        "Finnerup NB, Attal N, Haroutounian S, et al. Pharmacotherapy for neuropathic pain in "
        "adults: a systematic review and meta-analysis. Lancet Neurol. "
        "2015;14(2):162-73. doi:10.1016/s1474-4422(14)70251-0. PMID: 25575710."
    )
    assert second["number"] == 2
    assert second["journal"] == "Diabetes care"


def test_a_guideline_without_doi_links_to_its_web_page(make_article):
    Reference.objects.create(
        kind=Reference.Kind.GUIDELINE,
        key="nice2020",
        title="Neuropathic pain in adults",
        publisher="National Institute for Health and Care Excellence",
        year=2020,
        url="https://www.nice.org.uk/guidance/cg173",
    )
    html = render_article(make_article(body="[@nice2020]")).references_html
    assert 'href="https://www.nice.org.uk/guidance/cg173"' in html
    assert (
        "National Institute for Health and Care Excellence; 2020." in html
    )  # NLM: Publisher; Year


def test_preview_resolves_against_the_library_and_writes_nothing(finnerup):
    before = Citation.objects.count()
    rendered = render_text("Preview [@finnerup2015] and [@nobody].")
    assert '<a href="#ref-1">1</a>' in rendered.body_html
    assert rendered.unresolved == ["nobody"]
    assert rendered.citations[0]["title"].startswith("Pharmacotherapy")
    assert Citation.objects.count() == before


def test_a_past_revision_renders_with_the_references_it_had(make_article, finnerup, author):
    article = make_article(body="Old text [@pmid:27999003].")
    edit_body(article, by=author, body="New text [@finnerup2015].")
    first = article.history.filter(revision=1).order_by("-history_id").first()
    old = render_revision(first)
    assert "Old text" in old.body_html
    assert "Diabetic Neuropathy" in old.references_html
    assert "Pharmacotherapy" not in old.references_html
    assert "Pharmacotherapy" in render_article(article).references_html


def test_rendering_fifty_references_costs_a_constant_number_of_queries(
    make_article, django_assert_max_num_queries
):
    references = [
        Reference.objects.create(title=f"Trial {n}", key=f"trial{n}", pmid=str(1000 + n))
        for n in range(50)
    ]
    article = make_article(body="\n\n".join(f"Point [@{r.key}]." for r in references))
    with django_assert_max_num_queries(1):
        rendered = render_article(article)
    assert len(rendered.citations) == 50
    record = article.history.order_by("-history_id").first()
    with django_assert_max_num_queries(1):
        assert len(render_revision(record).citations) == 50
    with django_assert_max_num_queries(1):
        assert len(render_text(article.body).citations) == 50


def test_markdown_keeps_headings_lists_and_tables():
    html = render_markdown(
        "## From the Guidelines\n\n- one\n- two\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n"
    )
    assert "<h2>From the Guidelines</h2>" in html
    assert "<ul>\n<li>one</li>" in html
    assert "<table>" in html
    assert '<td style="text-align:right">2</td>' in html


def test_external_links_get_nofollow_noopener():
    html = render_markdown("[NICE](https://www.nice.org.uk/)")
    assert '<a href="https://www.nice.org.uk/" rel="nofollow noopener">NICE</a>' in html
