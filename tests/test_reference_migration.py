"""The data migration that structures authors and splits kind from study design loses nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("references", "0002_reference_identifier_help_and_url_schemes")]
AFTER = [("references", "0003_structured_authors_kinds_and_study_design")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_references_keep_every_author_and_their_kind_as_kind_and_study_design():
    old = migrate(BEFORE)
    Reference = old.get_model("references", "Reference")
    rows = {
        "sr": Reference.objects.create(
            kind="systematic_review",
            title="Pharmacotherapy for neuropathic pain",
            authors="Finnerup NB, Attal N, Haroutounian S, et al.",
        ),
        "guideline": Reference.objects.create(
            kind="guideline",
            title="Standards of care",
            authors="American Diabetes Association",
            key="ada2024",
        ),
        "research": Reference.objects.create(
            kind="research", title="A trial", authors="van de Beek D, de Gans J", pmid="15509818"
        ),
        "review": Reference.objects.create(kind="review", title="A review", authors=""),
        "other": Reference.objects.create(kind="other", title="A web page", authors="Moisset X"),
    }
    ids = {name: row.pk for name, row in rows.items()}
    try:
        new = migrate(AFTER)
        Reference = new.get_model("references", "Reference")
        got = {name: Reference.objects.get(pk=pk) for name, pk in ids.items()}
        assert got["sr"].authors == [
            {"family": "Finnerup", "given": "NB"},
            {"family": "Attal", "given": "N"},
            {"family": "Haroutounian", "given": "S"},
        ]
        assert got["sr"].more_authors is True  # "et al." is kept as a fact, not a name
        assert (got["sr"].kind, got["sr"].study_design) == ("article", "systematic_review")
        assert got["guideline"].authors == [{"literal": "American Diabetes Association"}]
        assert (got["guideline"].kind, got["guideline"].study_design) == ("guideline", "")
        assert got["research"].authors == [
            {"family": "van de Beek", "given": "D"},
            {"family": "de Gans", "given": "J"},
        ]
        assert (got["research"].kind, got["research"].study_design) == ("article", "research")
        assert (got["review"].kind, got["review"].study_design, got["review"].authors) == (
            "article",
            "review",
            [],
        )
        assert got["other"].kind == "other"
        assert got["other"].authors == [{"family": "Moisset", "given": "X"}]

        # And back again: the same strings and kinds as before.
        old = migrate(BEFORE)
        Reference = old.get_model("references", "Reference")
        back = {name: Reference.objects.get(pk=pk) for name, pk in ids.items()}
        assert back["sr"].authors == "Finnerup NB, Attal N, Haroutounian S, et al."
        assert back["sr"].kind == "systematic_review"
        assert back["research"].authors == "van de Beek D, de Gans J"
        assert back["guideline"].authors == "American Diabetes Association"
        assert [back[n].kind for n in ("guideline", "research", "review", "other")] == [
            "guideline",
            "research",
            "review",
            "other",
        ]
    finally:
        migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
