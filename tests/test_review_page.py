"""The review page: the rendered article, the diff, reference checks, the thread, decisions."""

from __future__ import annotations

import pytest

from articles import workflow
from articles.models import Comment, Review
from references.models import Reference
from tests.conftest import edit_body


def url(article, action: str = "") -> str:
    return f"/review/{article.pk}/" + (f"{action}/" if action else "")


def test_anonymous_visitor_is_sent_to_sign_in(client, make_article, policy):
    article = make_article("under_review")
    assert client.get(url(article)).status_code == 302
    response = client.post(url(article, "approve"), {"conflict_of_interest": "none"})
    assert response.status_code == 401 and "/accounts/login/" in response.text
    assert not Review.objects.filter(decision="approve").exists()


def test_people_outside_the_article_get_not_found(client, outsider, other_author, make_article):
    article = make_article("submitted")
    for person in (outsider, other_author):
        client.force_login(person)
        assert client.get(url(article)).status_code == 404
        assert client.post(url(article, "start")).status_code == 404
    article.refresh_from_db()
    assert article.state == "submitted"


def test_reviewer_sees_the_article_as_readers_will_with_its_reference_checks(
    client, reviewer, make_article
):
    article = make_article("submitted")
    client.force_login(reviewer)
    response = client.get(url(article))
    assert response.status_code == 200
    page = response.text
    assert article.title in page
    assert 'class="citation"' in page
    assert "Exercise helps" in page
    assert "No notices found" in page and "PMID 27999003" in page and "Published 2017" in page
    assert ">Start review</button>" in page
    assert ">Approve</button>" not in page  # not before the review starts


def test_reference_checks_flag_unchecked_and_identifier_less_references(
    client, reviewer, author, reference
):
    Reference.objects.create(title="An old pamphlet", key="pamphlet", year=1990)
    article = workflow.create_article(
        by=author, title="Q?", body="A [@pmid:27999003]. B [@pamphlet]."
    )
    workflow.submit(article=article, by=author)
    client.force_login(reviewer)
    page = client.get(url(article)).text
    assert ">Not yet checked</li>" in page  # said once, in English
    assert "never checked" not in page
    assert "No DOI or PMID" in page
    assert "check it is still current" in page


def test_start_review_moves_it_under_review(client, reviewer, make_article):
    article = make_article("submitted")
    client.force_login(reviewer)
    response = client.post(url(article, "start"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "under_review"


def test_author_sees_no_decision_buttons_on_their_own_article(
    client, reviewer_author, make_article
):
    article = make_article("under_review", by=reviewer_author)
    client.force_login(reviewer_author)
    page = client.get(url(article)).text
    assert ">Approve</button>" not in page
    assert ">Request changes</button>" not in page
    assert ">Start review</button>" not in page
    assert "you cannot review it" in page


def test_a_crafted_approval_by_the_author_is_refused_with_the_reason(
    client, reviewer_author, make_article
):
    article = make_article("under_review", by=reviewer_author)
    client.force_login(reviewer_author)
    response = client.post(url(article, "approve"), {"conflict_of_interest": "none"})
    assert response.status_code == 400
    assert "who has not written or edited this article" in response.text
    article.refresh_from_db()
    assert article.state == "under_review"
    assert not Review.objects.filter(reviewer=reviewer_author).exists()


def test_a_crafted_request_for_changes_by_the_author_is_refused(
    client, reviewer_author, make_article
):
    article = make_article("under_review", by=reviewer_author)
    client.force_login(reviewer_author)
    response = client.post(url(article, "request-changes"), {"comment": "Self-review."})
    assert response.status_code == 400
    article.refresh_from_db()
    assert article.state == "under_review"


def test_approve_needs_a_conflict_of_interest_declaration(client, reviewer, make_article):
    article = make_article("under_review")
    client.force_login(reviewer)
    page = client.get(url(article)).text
    assert ">Conflict of interest</label>" in page and ">Approve</button>" in page
    response = client.post(url(article, "approve"), {"conflict_of_interest": ""})
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert not Review.objects.filter(decision="approve", reviewer=reviewer).exists()


def test_approve_with_a_declaration_approves_when_one_approval_is_enough(
    client, reviewer, make_article, policy
):
    article = make_article("under_review")
    client.force_login(reviewer)
    response = client.post(url(article, "approve"), {"conflict_of_interest": "none"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "approved"


def test_quorum_progress_is_shown_from_the_current_policy(
    client, reviewer, second_reviewer, make_article, policy
):
    policy.required_approvals = 2
    policy.save()
    article = make_article("under_review")
    client.force_login(reviewer)
    assert "0 of 2 approvals" in client.get(url(article)).text
    client.post(url(article, "approve"), {"conflict_of_interest": "none"})
    article.refresh_from_db()
    assert article.state == "under_review"
    page = client.get(url(article)).text
    assert "1 of 2 approvals" in page
    assert "You approved revision" in page and ">Approve</button>" not in page
    client.force_login(second_reviewer)
    client.post(url(article, "approve"), {"conflict_of_interest": "Speaker fees from X."})
    article.refresh_from_db()
    assert article.state == "approved"
    assert "Declared interest: Speaker fees from X." in client.get(url(article)).text


def test_evidence_warnings_must_be_acknowledged(client, reviewer, reference, make_article, policy):
    reference.retraction_status = Reference.RetractionStatus.CORRECTED
    reference.save()
    article = make_article("under_review")
    client.force_login(reviewer)
    page = client.get(url(article)).text
    assert "has been corrected since publication" in page
    assert 'type="checkbox"' in page
    response = client.post(url(article, "approve"), {"conflict_of_interest": "none"})
    assert response.status_code == 400
    assert "Tick each warning" in response.text
    code = f"corrected:{reference.pk}"
    response = client.post(
        url(article, "approve"), {"conflict_of_interest": "none", "acknowledged_warnings": code}
    )
    assert response.status_code == 302
    assert Review.objects.get(reviewer=reviewer).acknowledged_warnings == [code]


def test_request_changes_needs_a_comment(client, reviewer, make_article):
    article = make_article("under_review")
    client.force_login(reviewer)
    response = client.post(url(article, "request-changes"), {"comment": "  "})
    assert response.status_code == 400
    article.refresh_from_db()
    assert article.state == "under_review"
    response = client.post(url(article, "request-changes"), {"comment": "Cite the 2024 review."})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "changes_requested"


def test_diff_against_the_previous_rounds_revision(client, author, reviewer, make_article):
    article = make_article("changes_requested")
    edit_body(
        article, by=author, body=article.body.replace("Exercise helps", "Supervised exercise helps")
    )
    workflow.resubmit(article=article, by=author, answers={1: ("done", "")})
    client.force_login(reviewer)
    page = client.get(url(article)).text
    assert "the revision reviewed in round 1" in page
    assert "Earlier rounds (1)" in page and "Add a source." in page
    assert "<del>Exercise</del><ins>Supervised exercise</ins> helps" in page


def test_diff_against_the_live_publication(client, author, reviewer, make_article, policy):
    article = make_article("published")
    workflow.revise(article=article, by=author)
    workflow.save_content(
        article=article,
        by=author,
        expected_revision=article.revision,
        title=article.title,
        summary="Exercise, foot care <and> balance.",
        body=article.body,
    )
    client.force_login(reviewer)
    page = client.get(url(article)).text
    assert "the live publication" in page
    assert "&lt;and&gt;" in page and "<and>" not in page


def test_comment_thread(client, reviewer, author, outsider, make_article):
    article = make_article("under_review")
    client.force_login(reviewer)
    response = client.post(url(article, "comment"), {"body": "Which guideline year?"})
    assert response.status_code == 302
    assert Comment.objects.get().author == reviewer
    client.force_login(author)
    assert "Which guideline year?" in client.get(f"/drafts/{article.pk}/").text
    client.force_login(outsider)
    assert client.post(url(article, "comment"), {"body": "spam"}).status_code == 404
    assert Comment.objects.count() == 1


def test_comment_redirect_stays_on_this_site(client, reviewer, make_article):
    article = make_article("under_review")
    client.force_login(reviewer)
    response = client.post(
        url(article, "comment"), {"body": "Fine.", "next": "https://evil.example/"}
    )
    assert response["Location"].startswith(url(article))


@pytest.mark.parametrize(
    "action",
    ["start", "approve", "request-changes", "comment", "publish", "archive"],
)
def test_every_decision_endpoint_refuses_an_anonymous_visitor_and_offers_sign_in(
    client, make_article, policy, action
):
    article = make_article("under_review")
    response = client.post(url(article, action), {"comment": "x", "reason": "x"})
    assert response.status_code == 401 and "/accounts/login/" in response.text
    article.refresh_from_db()
    assert article.state == "under_review"


def test_a_decision_in_the_wrong_state_says_so(client, reviewer, make_article, policy):
    article = make_article("submitted")
    client.force_login(reviewer)
    response = client.post(url(article, "approve"), {"conflict_of_interest": "none"})
    assert response.status_code == 400
    assert "is submitted, so “Approve” is not possible now" in response.text


def test_decision_pages_answer_get_with_method_not_allowed(client, reviewer, make_article):
    article = make_article("under_review")
    client.force_login(reviewer)
    assert client.get(url(article, "approve")).status_code == 405


def test_the_review_page_costs_the_same_queries_for_many_references(
    client, author, reviewer, reference, policy, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reviewer)
    one = workflow.create_article(by=author, title="One source?", body="A [@pmid:27999003].")
    workflow.submit(article=one, by=author)
    with CaptureQueriesContext(connection) as few:
        client.get(url(one))
    keys = []
    for n in range(6):
        Reference.objects.create(title=f"Source {n}", pmid=f"1000{n}", year=2020)
        keys.append(f"[@pmid:1000{n}]")
    many = workflow.create_article(
        by=author, title="Many sources?", body="A [@pmid:27999003]. " + " ".join(keys)
    )
    workflow.submit(article=many, by=author)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(many)).status_code == 200


def test_start_review_on_a_published_article_starts_its_re_review(
    client, reviewer, make_article, policy
):
    article = make_article("published")
    client.force_login(reviewer)
    assert ">Start review</button>" in client.get(url(article)).text
    response = client.post(url(article, "start"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "under_review"
    assert article.rounds.first().kind == "rereview"


def test_declared_interests_are_shown_to_editors_but_not_to_the_authors(
    client, policy, make_article, author, reviewer, second_reviewer, editor
):
    policy.required_approvals = 2
    policy.save()
    article = workflow.start_review(article=make_article("submitted"), by=reviewer)
    workflow.approve(article=article, by=reviewer, conflict_of_interest="Consulting for Acme Neuro")
    client.force_login(editor)
    assert "Consulting for Acme Neuro" in client.get(url(article)).text
    client.force_login(author)
    page = client.get(url(article))
    assert page.status_code == 200
    assert "Consulting for Acme Neuro" not in page.text
