"""How a citation problem names the reference: its number, its title (cut when long), its year."""

from __future__ import annotations

from typing import Any

import pytest

from articles import workflow
from articles.exceptions import WorkflowError
from references.models import Reference

Status = Reference.RetractionStatus


def retract(reference: Reference, *, title: str, year: int | None) -> None:
    reference.title, reference.year = title, year
    reference.retraction_status = Status.RETRACTED
    reference.save()


def submit_problems(make_article: Any, author: Any) -> list[str]:
    article = make_article()
    with pytest.raises(WorkflowError) as caught:
        workflow.submit(article=article, by=author)
    return caught.value.problems


def test_a_title_of_120_characters_is_named_whole(
    make_article: Any, author: Any, reference: Reference
) -> None:
    title = "T" * 120
    retract(reference, title=title, year=2017)
    assert submit_problems(make_article, author) == [
        f"Cited reference 1, “{title}” (2017), has been retracted: remove or replace it."
    ]


def test_a_title_one_character_longer_is_cut_to_119_characters_and_an_ellipsis(
    make_article: Any, author: Any, reference: Reference
) -> None:
    retract(reference, title="T" * 119 + "UV", year=2017)
    assert submit_problems(make_article, author) == [
        f"Cited reference 1, “{'T' * 119}…” (2017), has been retracted: remove or replace it."
    ]


def test_a_reference_without_a_year_is_named_without_one(
    make_article: Any, author: Any, reference: Reference
) -> None:
    retract(reference, title="Diabetic Neuropathy", year=None)
    assert submit_problems(make_article, author) == [
        "Cited reference 1, “Diabetic Neuropathy”, has been retracted: remove or replace it."
    ]
