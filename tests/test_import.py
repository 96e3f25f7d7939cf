"""Importing references: real exports of each format, duplicates merged, bad entries named, a
preview that writes nothing until it is confirmed."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from references import importing
from references.models import Reference
from tests.reference_fakes import FIXTURES

IMPORT = "/drafts/references/import/"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def upload(client, name: str, text: str):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


def confirm(client, preview) -> object:
    plan = re.search(r'name="plan" value="([^"]+)"', preview.text).group(1)
    return client.post(IMPORT, {"plan": plan, "confirm": "1"})


# --- reading each real format ---------------------------------------------------------------


def test_a_zotero_ris_export_keeps_every_author_in_order():
    reading = importing.read(fixture_text("zotero_ris_journal_7_authors.ris"), "x.ris")
    (entry,) = reading.entries
    assert entry.fields["kind"] == "article"
    assert len(entry.fields["authors"]) == 7
    assert reading.problems == []


def test_a_ris_record_without_a_title_is_named_by_its_line():
    reading = importing.read(fixture_text("zotero_ris_crlf_two_articles.ris"), "scopus.ris")
    assert len(reading.entries) == 1
    assert reading.entries[0].fields["doi"] == "10.1016/s0027-9684(15)31340-7"
    assert [a["family"] for a in reading.entries[0].fields["authors"]][:2] == [
        "Bryan",
        "Wetmore-Arkader",
    ]
    (problem,) = reading.problems
    assert problem.where == "record 2 (line 20)"
    assert "no title" in problem.message


def test_a_ris_dataset_is_a_dataset():
    (entry,) = importing.read(fixture_text("zotero_ris_dataset.ris"), "d.ris").entries
    assert entry.fields["kind"] == "dataset"
    assert len(entry.fields["authors"]) == 3


def test_a_medline_record_keeps_authors_types_and_date():
    (entry,) = importing.read(fixture_text("zotero_medline_8402898.nbib"), "p.nbib").entries
    fields = entry.fields
    assert fields["pmid"] == "8402898"
    assert len(fields["authors"]) == 10
    assert fields["authors"][:2] == [
        {"family": "Gout", "given": "I"},
        {"family": "Dhand", "given": "R"},
    ]
    assert fields["journal_abbrev"] == "Cell"
    assert (fields["year"], fields["month"], fields["day"]) == (1993, 10, 8)
    assert fields["kind"] == "article"


def test_a_medline_case_report_is_a_case_report():
    (entry,) = importing.read(fixture_text("zotero_medline_36216673.nbib"), "p.nbib").entries
    assert entry.fields["study_design"] == "case_report"


def test_a_bibtex_export_with_twenty_authors_keeps_them_all():
    (entry,) = importing.read(fixture_text("zotero_bibtex_sasson_2013.bib"), "z.bib").entries
    assert len(entry.fields["authors"]) == 20
    assert entry.fields["authors"][0] == {"family": "Sasson", "given": "Comilla"}
    assert entry.fields["doi"].startswith("10.")


def test_bibtex_chapters_and_conference_papers_keep_their_kind():
    chapter_text = fixture_text("zotero_bibtex_inbook.bib").replace("P123456", "123456")
    chapter = importing.read(chapter_text, "c.bib").entries[0]
    paper = importing.read(fixture_text("zotero_bibtex_inproceedings.bib"), "p.bib").entries[0]
    assert chapter.fields["kind"] == "chapter"
    assert paper.fields["kind"] == "paper_conference"
    assert len(paper.fields["authors"]) == 4


def test_a_broken_bibtex_entry_is_named_by_its_line():
    text = fixture_text("crossref_bibtex_10.1126_science.169.3946.635.bib")
    text += "\n\n@article{broken,\n  title = {Never closed,\n  year = 2001\n"
    reading = importing.read(text, "mixed.bib")
    assert len(reading.entries) == 1
    assert reading.entries[0].fields["authors"] == [{"family": "Frank", "given": "Henry S."}]
    (problem,) = reading.problems
    assert problem.where == "entry at line 15"  # where "@article{broken" starts


def test_an_entry_with_a_malformed_pmid_is_named_and_not_imported():
    reading = importing.read(fixture_text("zotero_bibtex_inbook.bib"), "c.bib")
    assert reading.entries == []
    (problem,) = reading.problems
    assert problem.where.startswith("entry 1 “smith_testing_????” (line 1)")
    assert "“P123456” is not a PMID" in problem.message


def test_csl_json_from_crossref_and_from_zotero():
    crossref = importing.read(
        fixture_text("crossref_csl_json_10.1126_science.169.3946.635.json"), "c.json"
    ).entries[0]
    assert crossref.fields["doi"] == "10.1126/science.169.3946.635"
    assert (crossref.fields["volume"], crossref.fields["issue"]) == ("169", "3946")
    book = importing.read(fixture_text("zotero_csl_json_book.json"), "z.json").entries[0]
    assert book.fields["kind"] == "book"


def test_malformed_csl_json_names_the_line():
    with pytest.raises(importing.ImportRefused, match="line 3, column"):
        importing.read('[\n  {"title": "a"},\n  {"title": }\n]', "bad.json")


def test_a_pasted_list_names_what_is_neither_a_doi_nor_a_pmid(db, reference):
    reading = importing.read("27999003\n\nnot-an-id\n")
    assert reading.entries[0].fields["pmid"] == "27999003"  # in the library: no look-up
    (problem,) = reading.problems
    assert problem.where == "line 3"


# --- planning: duplicates ------------------------------------------------------------------


def test_duplicates_by_doi_pmid_and_title_year_first_author_are_never_added_twice(db, reference):
    Reference.objects.create(
        title="Clinical features and prognostic factors in adults with bacterial meningitis",
        authors="van de Beek D, de Gans J",
        year=2004,
    )
    entries = [
        importing.Entry("a", {"title": "Same DOI", "doi": "10.2337/dc16-2042"}),
        importing.Entry("b", {"title": "Same PMID", "pmid": "27999003"}),
        importing.Entry(
            "c",
            {
                "title": "Clinical Features and Prognostic Factors in Adults with Bacterial "
                "Meningitis.",
                "authors": [{"family": "van de Beek", "given": "Diederik"}],
                "year": 2004,
            },
        ),
        importing.Entry("d", {"title": "New one", "doi": "10.1000/new", "year": 2020}),
        importing.Entry("e", {"title": "New one again", "doi": "10.1000/NEW", "volume": "4"}),
    ]
    for entry in entries:
        entry.fields["doi"] = (entry.fields.get("doi") or "").lower() or None
    steps = importing.plan(entries, may_fill=False)
    assert [s["action"] for s in steps] == ["skip", "skip", "skip", "add", "skip"]
    assert steps[4]["why"] == "the same reference as d in this file"
    assert steps[3]["fields"]["volume"] == "4"  # merged into the first
    assert Reference.objects.count() == 2  # planning writes nothing


# --- the pages -----------------------------------------------------------------------------


def test_anonymous_and_non_writers_cannot_import(client, reviewer, outsider, db):
    assert client.get(IMPORT).status_code == 302
    for person in (reviewer, outsider):
        client.force_login(person)
        assert client.get(IMPORT).status_code == 403
        assert upload(client, "x.ris", fixture_text("zotero_ris_dataset.ris")).status_code == 403
    assert Reference.objects.count() == 0


def test_the_preview_writes_nothing_and_confirming_writes_what_it_showed(client, author, db):
    client.force_login(author)
    text = (
        fixture_text("zotero_ris_crlf_two_articles.ris")
        + "\r\n"
        + fixture_text("zotero_ris_journal_7_authors.ris")
    )
    preview = upload(client, "mine.ris", text)
    assert preview.status_code == 200
    assert "Nothing has been saved yet" in preview.text
    assert "Record 2 (line 20)" in preview.text
    assert Reference.objects.count() == 0
    done = confirm(client, preview)
    assert done.status_code == 302
    assert Reference.objects.count() == 2
    # The same file again: both are recognised, none added twice.
    again = confirm(client, upload(client, "mine.ris", text))
    assert again.status_code == 302
    assert Reference.objects.count() == 2


def test_a_cancelled_preview_writes_nothing(client, author, db):
    client.force_login(author)
    preview = upload(client, "z.bib", fixture_text("zotero_bibtex_sasson_2013.bib"))
    plan = re.search(r'name="plan" value="([^"]+)"', preview.text).group(1)
    response = client.post(IMPORT, {"plan": plan, "cancel": "1"})
    assert response.status_code == 302
    assert Reference.objects.count() == 0


def test_a_tampered_or_someone_elses_preview_writes_nothing(client, author, other_author, db):
    client.force_login(author)
    preview = upload(client, "z.bib", fixture_text("zotero_bibtex_sasson_2013.bib"))
    plan = re.search(r'name="plan" value="([^"]+)"', preview.text).group(1)
    assert client.post(IMPORT, {"plan": plan[:-3] + "abc", "confirm": "1"}).status_code == 302
    client.force_login(other_author)
    assert client.post(IMPORT, {"plan": plan, "confirm": "1"}).status_code == 302
    assert Reference.objects.count() == 0


def test_an_author_never_changes_an_existing_reference_an_editor_fills_only_blanks(
    client, author, editor, db
):
    existing = Reference.objects.create(
        title="Some other title kept as it is", pmid="8402898", journal=""
    )
    nbib = fixture_text("zotero_medline_8402898.nbib")
    client.force_login(author)
    preview = upload(client, "p.nbib", nbib)
    assert "an editor could add" in preview.text
    confirm(client, preview)
    existing.refresh_from_db()
    assert existing.journal == "" and existing.authors == []
    client.force_login(editor)
    confirm(client, upload(client, "p.nbib", nbib))
    existing.refresh_from_db()
    assert existing.title == "Some other title kept as it is"  # never overwritten
    assert existing.journal_abbrev == "Cell" and len(existing.authors) == 10
    assert existing.history.count() == 2  # the fill is in the reference's history


def test_a_file_that_is_not_an_export_is_refused_with_a_message(client, author, db):
    client.force_login(author)
    response = upload(client, "notes.json", "{ this is not json")
    assert response.status_code == 400
    assert "not valid CSL-JSON: line 1, column 3" in response.text
    assert Reference.objects.count() == 0


MALFORMED = {
    "ris": ("zotero_ris_journal_7_authors.ris", "\nTY  - JOUR\nTI  - Cut off here\n", "record 2"),
    "bib": ("zotero_bibtex_sasson_2013.bib", "\n@article{cut,\n title = {Never closed\n", "line"),
    "nbib": (
        "zotero_medline_35128459.nbib",
        "\n\nPMID- 12345678\nthis line is not a tag\n",
        "record 2",
    ),
    "json": ("zotero_csl_json_book.json", None, "item 2"),
}


@pytest.mark.parametrize("suffix", MALFORMED)
def test_each_format_twice_with_a_malformed_entry_adds_once_and_names_the_entry(
    client, editor, db, suffix
):
    name, broken, where = MALFORMED[suffix]
    text = fixture_text(name)
    if suffix == "json":
        items = __import__("json").loads(text)
        text = __import__("json").dumps([*items, *items, "not an item"])
    else:
        text = text + "\n" + text + broken
    client.force_login(editor)
    preview = upload(client, f"export.{suffix}", text)
    assert preview.status_code == 200
    assert "1</strong> to add" in preview.text
    assert "1</strong> already in the library" in preview.text  # the copy in the same file
    assert "1</strong> could not be read" in preview.text
    assert where in preview.text.lower()
    assert Reference.objects.count() == 0
    confirm(client, preview)
    assert Reference.objects.count() == 1
    confirm(client, upload(client, f"export.{suffix}", text))
    assert Reference.objects.count() == 1  # never created twice


def test_latex_accents_in_bibtex_names_are_decoded():
    text = "@book{x,\n  author = {Eva H. {\\\"O}nnud{\\'o}ttir and {World Health Organization}},\n  title = {T},\n  year = 2001\n}\n"
    (entry,) = importing.read(text, "x.bib").entries
    assert entry.fields["authors"] == [
        {"family": "Önnudóttir", "given": "Eva H."},
        {"literal": "World Health Organization"},
    ]


def test_pasted_dois_and_pmids_are_looked_up_for_the_preview_and_written_only_on_confirm(
    client, author, db
):
    from unittest import mock

    from tests.reference_fakes import FakeServices

    services = FakeServices()
    client.force_login(author)
    with mock.patch("references.readers.make_client", return_value=services.client()):
        preview = client.post(
            IMPORT,
            {"pasted": "10.1145/2832099.2832103, 27999003\nhttps://doi.org/10.1186/ISRCTN11093872"},
        )
    assert preview.status_code == 200
    assert "3</strong> to add" in preview.text
    assert len(services.requests) == 3
    assert Reference.objects.count() == 0
    confirm(client, preview)
    assert set(Reference.objects.values_list("kind", flat=True)) == {
        "paper_conference",
        "guideline",
        "dataset",
    }


# --- an RIS file written by Zotero itself (fixtures' README: asreview's pubmed_zotero.ris) ----

ZOTERO_EXPORT = "zotero_export_pubmed_ibd.ris"


def zotero_export() -> str:
    """The file as Zotero wrote it: CRLF line ends kept (read_text would turn them into LF)."""
    return (FIXTURES / ZOTERO_EXPORT).read_bytes().decode("utf-8")


def _raw_ris_records(text: str) -> list[dict[str, list[str]]]:
    records, tags = [], {}
    for line in text.splitlines():
        tag, _, value = line.partition("  - ")
        if tag == "ER":
            records.append(tags)
            tags = {}
        elif value:
            tags.setdefault(tag, []).append(value)
    return records


def test_a_zotero_ris_export_is_read_as_the_file_says():
    text = zotero_export()
    assert text.startswith("TY  - JOUR\r\n") and "ER  - \r\n\r\n" in text
    raw = _raw_ris_records(text)
    reading = importing.read(text, "Exported Items.ris")
    assert reading.problems == []
    assert len(reading.entries) == len(raw) == 6
    for entry, tags in zip(reading.entries, raw, strict=True):
        fields = entry.fields
        assert [f"{a['family']}, {a['given']}" for a in fields["authors"]] == tags["AU"]
        assert fields["doi"] == tags["DO"][0].lower()
        assert (fields["journal"], fields["journal_abbrev"]) == (tags["T2"][0], tags["J2"][0])
        assert (fields["volume"], fields["issue"]) == (tags["VL"][0], tags["IS"][0])
        assert fields["year"] == int(tags["PY"][0])
    # Zotero's DA: "2019///" (year only), "2019/10//undefined" (no day), "2019/07/24/".
    dates = [
        (e.fields["year"], e.fields.get("month"), e.fields.get("day")) for e in reading.entries
    ]
    assert [tags["DA"][0] for tags in raw][:4] == [
        "2019///",
        "2019/10//undefined",
        "2019/08//undefined",
        "2019/07/24/",
    ]
    assert dates[:4] == [(2019, None, None), (2019, 10, None), (2019, 8, None), (2019, 7, 24)]
    assert [e.fields["pages"] for e in reading.entries][:3] == ["121-128", "947-955", "e16881"]


def test_a_zotero_ris_export_previews_adds_merges_and_skips_what_the_library_has(
    client, author, db
):
    # Already in the library: one of its works by DOI (in another spelling), one by title, year
    # and first author (no DOI there).
    by_doi = Reference.objects.create(title="Mindfulness-based CBT in youth", doi="10.2196/14432")
    by_title = Reference.objects.create(
        title="Outcomes of inflammatory bowel disease surgery in obese versus non-obese "
        "patients: a meta-analysis",
        authors=[{"family": "Hicks", "given": "G"}],
        year=2019,
    )
    text = zotero_export()
    client.force_login(author)

    preview = upload(client, "Exported Items.ris", text + text)  # the export twice in one file
    assert preview.status_code == 200
    assert "4</strong> to add" in preview.text
    assert "0</strong> to update" in preview.text
    assert "8</strong> already in the library" in preview.text
    assert "0</strong> could not be read" in preview.text
    assert "the same DOI" in preview.text
    assert "the same title, year and first author" in preview.text
    assert "the same reference as record 1 (line 1) in this file" in preview.text
    assert "an editor could add" in preview.text  # never for an author to change
    assert Reference.objects.count() == 2  # the preview writes nothing

    cancelled = re.search(r'name="plan" value="([^"]+)"', preview.text).group(1)
    assert client.post(IMPORT, {"plan": cancelled, "cancel": "1"}).status_code == 302
    assert Reference.objects.count() == 2  # a refused preview writes nothing either

    assert confirm(client, upload(client, "Exported Items.ris", text + text)).status_code == 302
    assert Reference.objects.count() == 6  # 4 new, the 2 already there kept
    by_doi.refresh_from_db()
    by_title.refresh_from_db()
    assert by_doi.title == "Mindfulness-based CBT in youth" and by_doi.journal == ""
    assert by_title.doi is None
    added = Reference.objects.get(doi="10.1097/md.0000000000016881")
    assert len(added.authors) == 6 and (added.year, added.month) == (2019, 8)

    again = upload(client, "Exported Items.ris", text)
    assert "0</strong> to add" in again.text and "6</strong> already in the library" in again.text
    confirm(client, again)
    assert Reference.objects.count() == 6  # never added twice


def test_an_editor_importing_the_zotero_export_fills_only_blanks(client, editor, db):
    existing = Reference.objects.create(title="Kept as the library has it", doi="10.2196/14432")
    client.force_login(editor)
    preview = upload(client, "Exported Items.ris", zotero_export())
    assert "5</strong> to add" in preview.text
    assert "1</strong> to update" in preview.text
    assert Reference.objects.count() == 1
    confirm(client, preview)
    existing.refresh_from_db()
    assert existing.title == "Kept as the library has it"  # never overwritten
    assert (existing.journal, existing.volume, existing.pages) == (
        "JMIR research protocols",
        "8",
        "e14432",
    )
    assert [a["family"] for a in existing.authors] == [
        "Ewais",
        "Begun",
        "Kenny",
        "Headey",
        "Kisely",
    ]
    assert Reference.objects.count() == 6
