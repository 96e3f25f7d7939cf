"""Every state × every transition × every person: allowed moves succeed, the rest change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from articles import workflow
from articles.exceptions import WorkflowError
from articles.models import Publication, Review, ReviewRound, State, WorkflowEvent

PEOPLE = ["author", "other_author", "reviewer", "reviewer_author", "editor", "outsider"]

# transition: (source states, target state, people allowed)
AUTHORING = {"author", "reviewer_author", "editor"}  # the article's authors and editors
BOARD = {"reviewer"}  # board members who are not authors of the article
EDITORS = {"editor"}
GRAPH: dict[str, tuple[set[str], str, set[str]]] = {
    "submit": ({State.DRAFT}, State.SUBMITTED, AUTHORING),
    "withdraw": ({State.SUBMITTED}, State.DRAFT, AUTHORING),
    "start_review": ({State.SUBMITTED}, State.UNDER_REVIEW, BOARD),
    "approve": ({State.UNDER_REVIEW}, State.APPROVED, BOARD),
    "request_changes": ({State.UNDER_REVIEW}, State.CHANGES_REQUESTED, BOARD),
    "resubmit": ({State.CHANGES_REQUESTED}, State.SUBMITTED, AUTHORING),
    "publish": ({State.APPROVED}, State.PUBLISHED, EDITORS),
    "revise": ({State.PUBLISHED}, State.DRAFT, AUTHORING),
    "start_rereview": ({State.PUBLISHED}, State.UNDER_REVIEW, BOARD),
    "archive": ({s for s in State if s != State.ARCHIVED}, State.ARCHIVED, EDITORS),
}
ARGUMENTS: dict[str, dict[str, Any]] = {
    "approve": {"conflict_of_interest": "none"},
    "request_changes": {"comment": "Please cite the newer guideline."},
    "resubmit": {"answers": {1: ("done", "")}},  # the one point of drive()'s request
    "archive": {"reason": "Superseded."},
    # Outside GRAPH: a state-keeping action, allowed only while a notice is unanswered
    # (tests/test_evidence_flagged.py).
    "dismiss_evidence_flag": {"reason": "The correction does not touch what we cite."},
}


def snapshot(article: Any) -> tuple[Any, ...]:
    article.refresh_from_db()
    return (
        article.state,
        article.revision,
        article.history.count(),
        WorkflowEvent.objects.filter(article=article).count(),
        Review.objects.filter(round__article=article).count(),
        ReviewRound.objects.filter(article=article).count(),
        Publication.objects.filter(article=article).count(),
    )


def test_the_graph_in_this_test_matches_the_model() -> None:
    from articles.models import Article

    for name, (sources, target, _) in GRAPH.items():
        transitions = getattr(Article, name)._django_fsm.transitions
        assert {str(s) for s in transitions} == {str(s) for s in sources}, name
        assert name in workflow.TRANSITIONS


@pytest.mark.parametrize("state", [s.value for s in State])
@pytest.mark.parametrize("name", list(GRAPH))
@pytest.mark.parametrize("person", PEOPLE)
def test_transition_matrix(
    request: pytest.FixtureRequest,
    policy: Any,
    make_article: Any,
    state: str,
    name: str,
    person: str,
) -> None:
    article = make_article(state)
    user = request.getfixturevalue(person)
    if person == "reviewer_author":
        article.authors.add(user)
    sources, target, allowed_people = GRAPH[name]
    allowed = state in sources and person in allowed_people
    before = snapshot(article)

    if allowed:
        result = workflow.perform(name, article=article, by=user, **ARGUMENTS.get(name, {}))
        article.refresh_from_db()
        assert article.state == target == result.state
        event = WorkflowEvent.objects.filter(article=article).first()
        assert (event.transition, event.from_state, event.to_state) == (name, state, target)
        assert event.actor == user
        record = article.history.first()
        assert record.history_user == user
        assert record.history_change_reason.startswith(name)
    else:
        with pytest.raises(WorkflowError) as refusal:
            workflow.perform(name, article=article, by=user, **ARGUMENTS.get(name, {}))
        assert refusal.value.message  # a sentence for a person, not a stack trace
        assert snapshot(article) == before
