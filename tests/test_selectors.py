"""The lists' selectors give the same answers as articles.rules, for a whole page at once."""

from __future__ import annotations

from typing import Any

import pytest

from articles import rules, selectors, workflow
from tests.conftest import edit_body, make_user


@pytest.fixture
def cases(policy: Any, make_article: Any, author: Any, reviewer_author: Any, editor: Any) -> Any:
    """An author now, a co-author taken off the byline, an editor who edited, and others."""
    written = make_article(title="Written by Alice?")
    former = make_article(title="Once co-written by Bea?")
    former.authors.add(reviewer_author)
    workflow.submit(article=former, by=author)
    former.authors.remove(reviewer_author)
    edited = make_article(title="Edited by Edna?")
    edit_body(edited, by=editor, body="Edna's text [@pmid:27999003].")
    untouched = make_article("submitted", title="Nobody else's?")
    return [written, former, edited, untouched]


def test_contributed_ids_agree_with_rules_for_every_person_and_article(
    cases: Any, author: Any, reviewer_author: Any, editor: Any, reviewer: Any, outsider: Any
) -> None:
    people = [author, reviewer_author, editor, reviewer, outsider]
    for person in people:
        ids = selectors.contributed_article_ids(person)
        among = selectors.contributed_article_ids(person, among=[a.pk for a in cases])
        for article in cases:
            expected = rules.is_contributor(article, person)
            assert (article.pk in ids) == expected, (person.username, article.title)
            assert (article.pk in among) == expected, (person.username, article.title)
    # Each of the three ways of contributing is covered by the fixture.
    assert cases[1].pk in selectors.contributed_article_ids(reviewer_author)
    assert cases[2].pk in selectors.contributed_article_ids(editor)
    assert cases[0].pk in selectors.contributed_article_ids(author)


def test_contributed_ids_take_one_query_whatever_the_number_of_articles(
    cases: Any, author: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        selectors.contributed_article_ids(author, among=[a.pk for a in cases])
    with django_assert_num_queries(0):
        assert selectors.contributed_article_ids(author, among=[]) == set()


def test_nobody_signed_in_contributed_to_nothing(cases: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert selectors.contributed_article_ids(AnonymousUser()) == set()


def test_a_board_member_taken_off_the_byline_is_not_offered_the_review_on_the_queue(
    client: Any, cases: Any, reviewer_author: Any
) -> None:
    """The drift this replaces: the queue offered "Start review", the workflow refused it."""
    client.force_login(reviewer_author)
    page = client.get("/review/").text
    row = page[page.index("Once co-written by Bea?") :].split("</tr>")[0]
    assert "You contributed: you cannot review it" in row
    assert "start review" not in row.lower()


def test_a_member_who_only_commented_in_the_open_round_finds_it_under_needs_you(
    client: Any, cases: Any, reviewer: Any
) -> None:
    article = cases[3]
    other = make_user("otto", "Medical Advisory Board")
    workflow.start_review(article=article, by=other)
    workflow.add_comment(article=article, by=reviewer, body="Is the 2017 statement current?")
    client.force_login(reviewer)
    page = client.get("/review/?section=mine").text
    assert "Nobody else&#x27;s?" in page or "Nobody else's?" in page


def test_review_due_q_agrees_with_the_models_review_due(
    policy: Any, make_article: Any, editor: Any
) -> None:
    import datetime

    from django.utils import timezone

    from articles.models import Article, Publication
    from references.models import Reference

    overdue = make_article("published", title="Overdue?")
    Publication.objects.filter(article=overdue).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    retracted = make_article("published", title="Cites a retraction?")
    Reference.objects.create(
        title="Withdrawn trial", key="withdrawn", retraction_status="retracted"
    )
    retracted.citation_set.create(reference=Reference.objects.get(key="withdrawn"), number=2)
    make_article("published", title="Fine?")
    archived = make_article("published", title="Archived and overdue?")
    Publication.objects.filter(article=archived).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    workflow.archive(article=archived, by=editor, reason="Superseded.")
    make_article("submitted", title="Not live?")
    today = timezone.localdate()
    expected = set(Article.objects.review_due(today).values_list("pk", flat=True))
    assert expected == {overdue.pk, retracted.pk}
    assert set(
        Article.objects.filter(selectors.review_due_q(today)).values_list("pk", flat=True)
    ) == (expected)
