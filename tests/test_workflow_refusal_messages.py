"""Each refusal says who may act, from which state, or what is missing, in exact words.

A person reads these messages on the page to know what to do next; a changed or lost word is
a change they see.
"""

from __future__ import annotations

from typing import Any

import pytest

from articles import workflow
from articles.exceptions import WorkflowError
from articles.models import Article
from editorial.models import EditorialPolicy
from references.models import Reference
from tests.conftest import make_user

Status = Reference.RetractionStatus
pytestmark = pytest.mark.usefixtures("policy")

BOARD_ONLY = (
    "Only a member of the Medical Advisory Board who has not written or edited this article "
)


def refused(action: str, article: Article, by: Any, **kwargs: Any) -> WorkflowError:
    with pytest.raises(WorkflowError) as caught:
        getattr(workflow, action)(article=article, by=by, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("state", "action", "kwargs", "message"),
    [
        (
            "draft",
            "submit",
            {},
            "Only an author of this article or an editor can submit it for review.",
        ),
        (
            "submitted",
            "withdraw",
            {},
            "Only an author of this article or an editor can withdraw it.",
        ),
        (
            "changes_requested",
            "resubmit",
            {},
            "Only an author of this article or an editor can resubmit it.",
        ),
        (
            "published",
            "revise",
            {},
            "Only an author of this article or an editor can start a revision.",
        ),
        ("submitted", "start_review", {}, BOARD_ONLY + "can start its review."),
        (
            "under_review",
            "approve",
            {"conflict_of_interest": "none"},
            BOARD_ONLY + "can approve it.",
        ),
        (
            "under_review",
            "request_changes",
            {"comment": "Cite more."},
            BOARD_ONLY + "can request changes to it.",
        ),
        ("published", "start_rereview", {}, BOARD_ONLY + "can start its re-review."),
        ("approved", "publish", {}, "Only an editor can publish an article."),
        ("published", "archive", {"reason": "Old."}, "Only an editor can archive an article."),
        (
            "draft",
            "save_content",
            {"expected_revision": 1, "title": "T", "summary": "", "body": "B"},
            "Only an author of this article or an editor can change its content.",
        ),
        (
            "draft",
            "change_authors",
            {"expected_revision": 1, "authors": []},
            "Only an editor can change an article's authors.",
        ),
        (
            "draft",
            "change_slug",
            {"expected_revision": 1, "slug": "elsewhere"},
            "Only an editor can change an article's address.",
        ),
    ],
)
def test_someone_without_the_role_is_told_who_may_act(
    make_article: Any, state: str, action: str, kwargs: dict[str, Any], message: str
) -> None:
    article = make_article(state)
    outsider = make_user("oscar")
    error = refused(action, article, outsider, **kwargs)
    assert (error.message, error.problems) == (message, [])
    assert Article.objects.get(pk=article.pk).state == state


def test_only_authors_and_editors_may_start_an_article(reviewer: Any, outsider: Any) -> None:
    for person in (reviewer, outsider):
        with pytest.raises(WorkflowError) as caught:
            workflow.create_article(by=person, title="A new article")
        assert caught.value.message == "Only authors and editors can start a new article."
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("state", "action", "who", "kwargs", "message"),
    [
        (
            "draft",
            "withdraw",
            "author",
            {},
            "“What helps peripheral neuropathy?” is draft, so you cannot withdraw it now "
            "(only when it is submitted).",
        ),
        (
            "draft",
            "start_review",
            "reviewer",
            {},
            "“What helps peripheral neuropathy?” is draft, so you cannot start review it now "
            "(only when it is submitted).",
        ),
        (
            "submitted",
            "request_changes",
            "reviewer",
            {"comment": "More."},
            "“What helps peripheral neuropathy?” is submitted, so you cannot request changes "
            "it now (only when it is under review).",
        ),
        (
            "archived",
            "archive",
            "editor",
            {"reason": "Again."},
            "“What helps peripheral neuropathy?” is archived, so you cannot archive it now "
            "(only when it is approved, changes requested, draft, published, submitted, "
            "under review).",
        ),
    ],
)
def test_an_action_from_the_wrong_state_names_the_states_it_needs(
    make_article: Any,
    author: Any,
    reviewer: Any,
    editor: Any,
    state: str,
    action: str,
    who: str,
    kwargs: dict[str, Any],
    message: str,
) -> None:
    article = make_article(state)
    person = {"author": author, "reviewer": reviewer, "editor": editor}[who]
    assert refused(action, article, person, **kwargs).message == message


def test_approving_without_a_policy_in_effect_is_refused_by_saying_so(
    make_article: Any, reviewer: Any
) -> None:
    article = make_article("under_review")
    EditorialPolicy.objects.all().delete()
    error = refused("approve", article, reviewer, conflict_of_interest="none")
    assert error.message == (
        "No editorial policy is in effect yet. An editor must add one in the admin "
        "before articles can be approved or published."
    )


def test_approving_without_a_declaration_is_refused_by_saying_what_to_write(
    make_article: Any, reviewer: Any
) -> None:
    article = make_article("under_review")
    error = refused("approve", article, reviewer, conflict_of_interest="   ")
    assert error.message == (
        "Declare any conflict of interest before approving: write “none” or state the interest."
    )


# What stops a submission.


def test_an_article_without_a_body_cannot_be_submitted(author: Any) -> None:
    article = workflow.create_article(by=author, title="Is coffee bad for the heart?")
    error = refused("submit", article, author)
    assert (error.message, error.problems) == (
        "The article cannot be submitted yet.",
        [
            "The article needs a body.",
            "The article must cite at least one reference (add a marker such as [@pmid:12345678]).",
        ],
    )


def test_each_unresolvable_marker_is_named_with_what_is_wrong_with_it(
    make_article: Any, author: Any
) -> None:
    article = make_article(
        body="Helps [@pmid:27999003]. See [@pmid:x123], [@doi:abc] and [@ghost2021]."
    )
    error = refused("submit", article, author)
    assert error.problems == [
        "The citation [@pmid:x123] is not a valid PMID: a PMID is digits only.",
        "The citation [@doi:abc] is not a valid DOI: a DOI starts with 10., "
        "e.g. [@doi:10.2337/dc16-2042].",
        "The citation [@ghost2021] matches no reference in the library: add the reference "
        "(“Add reference”) or correct the marker.",
    ]


# What the approving reviewer must acknowledge.


@pytest.mark.parametrize(
    ("status", "wording"),
    [
        (Status.CONCERN, "has an expression of concern from its publisher"),
        (
            Status.CORRECTED,
            "has been corrected since publication; check that the cited finding stands",
        ),
        (Status.UNCHECKED, "has not yet been checked for retractions or corrections"),
    ],
)
def test_a_doubtful_reference_is_named_and_needs_its_own_acknowledgement(
    make_article: Any, reviewer: Any, reference: Reference, status: str, wording: str
) -> None:
    article = make_article("under_review")
    reference.retraction_status = status
    reference.save()
    error = refused("approve", article, reviewer, conflict_of_interest="none")
    assert (error.message, error.problems) == (
        "Acknowledge each evidence warning before approving.",
        [
            "Cited reference 1, “Diabetic Neuropathy: A Position Statement by the American "
            f"Diabetes Association” (2017), {wording}."
        ],
    )
    code = f"{status}:{reference.pk}"
    workflow.approve(
        article=article, by=reviewer, conflict_of_interest="none", acknowledged_warnings=[code]
    )
    assert Article.objects.get(pk=article.pk).state == "approved"
    review = article.rounds.get().reviews.get()
    assert review.acknowledged_warnings == [code]


def test_a_second_approval_by_the_same_reviewer_is_refused_saying_it_counts_once(
    make_article: Any, reviewer: Any, policy: Any
) -> None:
    policy.required_approvals = 2
    policy.save()
    article = make_article("under_review")
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    error = refused("approve", article, reviewer, conflict_of_interest="none")
    assert error.message == (
        f"You have already approved revision {article.revision}; "
        "an approval counts once per reviewer."
    )
    assert article.rounds.get().reviews.count() == 1


def test_a_reference_retracted_during_review_stops_the_approval_by_name(
    make_article: Any, reviewer: Any, reference: Reference
) -> None:
    article = make_article("under_review")
    reference.retraction_status = Status.RETRACTED
    reference.save()
    error = refused("approve", article, reviewer, conflict_of_interest="none")
    assert (error.message, error.problems) == (
        "The article cannot be approved yet.",
        [
            "Cited reference 1, “Diabetic Neuropathy: A Position Statement by the American "
            "Diabetes Association” (2017), has been retracted: remove or replace it."
        ],
    )
