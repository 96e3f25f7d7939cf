"""A concern or correction found after publication is flagged for the board (issue 13):
the queue's "Evidence flagged" lists it until a board member starts a re-review or says
why the page needs no change; a later status change flags it again."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from articles import workflow
from articles.checks import warning_code
from articles.exceptions import WorkflowError
from articles.models import Article, EvidenceFlagReview, Publication, State, WorkflowEvent
from references.models import Reference

Status = Reference.RetractionStatus
QUEUE = "/review/"
REASON = "The correction fixes a table footnote; the dose we cite is unchanged."


def found(reference: Reference, status: str) -> Reference:
    """A check records a new status now (after the article went live)."""
    fresh = Reference.objects.get(pk=reference.pk)
    fresh.retraction_status = status
    fresh.save()
    reference.refresh_from_db()
    return reference


def section(page: str, key: str) -> str:
    """The HTML of one queue section."""
    start = page.index(f'<section id="{key}"')
    return page[start : page.index("</section>", start)]


def count(page: str, title: str) -> int:
    match = re.search(rf'{re.escape(title)} <span class="count">(\d+)</span>', page)
    assert match, title
    return int(match.group(1))


def dismiss_url(article: Article) -> str:
    return f"/review/{article.pk}/evidence-reviewed/"


def dismissal(reference: Reference, reason: str = REASON, **extra: Any) -> dict[str, Any]:
    reference.refresh_from_db()
    assert reference.status_changed_at is not None
    return {
        "reference": reference.pk,
        "found": reference.status_changed_at.isoformat(),
        "reason": reason,
        **extra,
    }


@pytest.fixture
def live(make_article: Any, policy: Any) -> Article:
    return make_article("published", title="Does exercise help neuropathy?")


# --- what is listed ---------------------------------------------------------------------


def test_a_concern_found_after_publication_is_listed_with_the_reference_and_date(
    client, live, reference, reviewer
):
    found(reference, Status.CONCERN)
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    assert count(page, "Evidence flagged") == 1
    row = section(page, "flagged")
    assert live.title in row
    assert "Expression of concern" in row
    assert f"Reference 1: {reference.title}" in row
    assert f'found <time datetime="{timezone.localtime().strftime("%Y-%m-%d")}' in row
    assert f'href="/review/{live.pk}/"' in row
    assert f'href="/articles/{live.slug}/"' in row  # the public page, with its notice
    assert "Start re-review" in row and "Reviewed: no change needed" in row


def test_a_correction_found_after_publication_is_listed_as_a_correction(
    client, live, reference, reviewer
):
    found(reference, Status.CORRECTED)
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    row = section(page, "flagged")
    assert count(page, "Evidence flagged") == 1
    assert ">Correction</span>" in row and "Expression of concern" not in row


@pytest.mark.parametrize("status", [Status.OK, Status.UNCHECKED])
def test_a_reference_found_clean_or_unchecked_flags_nothing(
    client, live, reference, reviewer, status
):
    found(reference, status)
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    assert count(page, "Evidence flagged") == 0
    assert live.title not in section(page, "flagged")


def test_a_concern_known_before_publication_flags_nothing(
    client, make_article, reference, reviewer, editor, policy
):
    article = make_article("under_review")
    found(reference, Status.CONCERN)  # the board approves it knowing
    workflow.approve(
        article=article,
        by=reviewer,
        conflict_of_interest="none",
        acknowledged_warnings=[warning_code(reference)],
    )
    workflow.publish(article=article, by=editor)
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    assert count(page, "Evidence flagged") == 0
    assert article.title not in section(page, "flagged")
    assert not article.has_evidence_flag()


def test_a_retraction_is_listed_for_re_review_not_as_a_flag(client, live, reference, reviewer):
    found(reference, Status.RETRACTED)
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    assert count(page, "Evidence flagged") == 0
    assert live.title in section(page, "due")


def test_a_flagged_article_already_due_or_in_review_is_listed_once_where_it_is(
    client, make_article, reference, reviewer, author, policy
):
    due = make_article("published", title="Due and flagged?")
    Publication.objects.filter(article=due).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    revised = make_article("published", title="Revised and flagged?")
    workflow.revise(article=revised, by=author)
    workflow.submit(article=revised, by=author)
    found(reference, Status.CONCERN)
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    assert count(page, "Evidence flagged") == 0
    assert due.title in section(page, "due")
    assert revised.title in section(page, "waiting")
    assert page.count(f'href="/review/{due.pk}/"') == 1


def test_a_flagged_live_article_with_a_draft_revision_is_listed_and_not_as_decided(
    client, live, reference, reviewer, author
):
    workflow.revise(article=live, by=author)
    found(reference, Status.CORRECTED)
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    row = section(page, "flagged")
    assert live.title in row and "draft revision in progress" in row
    assert "Start re-review" not in row  # only a published article is re-reviewed
    assert "Reviewed: no change needed" in row


def test_an_archived_article_is_never_flagged(client, live, reference, reviewer, editor):
    workflow.archive(article=live, by=editor, reason="Superseded.")
    found(reference, Status.CONCERN)
    client.force_login(reviewer)
    assert count(client.get(QUEUE).text, "Evidence flagged") == 0


# --- "Reviewed: no change needed" ---------------------------------------------------------


def test_a_reviewer_marks_it_reviewed_with_a_reason_and_it_leaves_the_queue(
    client, live, reference, reviewer
):
    found(reference, Status.CORRECTED)
    client.force_login(reviewer)
    response = client.post(dismiss_url(live), dismissal(reference, next=QUEUE))
    assert response.status_code == 302 and response["Location"] == QUEUE
    page = client.get(QUEUE).text
    assert count(page, "Evidence flagged") == 0
    answer = EvidenceFlagReview.objects.get()
    assert (answer.reviewed_by, answer.reason, answer.status, answer.outcome) == (
        reviewer,
        REASON,
        Status.CORRECTED,
        EvidenceFlagReview.Outcome.NO_CHANGE,
    )
    event = WorkflowEvent.objects.filter(article=live).first()
    assert event.transition == "dismiss_evidence_flag" and event.actor == reviewer
    assert event.comment == f"reference 1, correction: {REASON}"
    live.refresh_from_db()
    assert live.state == State.PUBLISHED  # the page stays as it is
    history = client.get(f"/drafts/{live.pk}/history/").text
    assert "Reviewed: no change needed: reference 1, correction: The correction fixes" in history


def test_the_review_page_shows_the_notice_and_its_answer_form(client, live, reference, reviewer):
    found(reference, Status.CONCERN)
    client.force_login(reviewer)
    page = client.get(f"/review/{live.pk}/").text
    assert 'id="evidence-flags"' in page
    assert "Expression of concern" in page
    assert f'action="/review/{live.pk}/evidence-reviewed/"' in page
    client.post(dismiss_url(live), dismissal(reference))
    page = client.get(f"/review/{live.pk}/").text
    assert f'action="/review/{live.pk}/evidence-reviewed/"' not in page
    assert "Every notice about the live version has been answered." in page
    answered = page[page.index("Answered notices (1)") :]
    assert "Reviewed: no change needed</strong> · expression of concern about" in answered
    assert REASON in answered and "by Rosa Lind" in answered


def test_an_author_on_the_board_cannot_mark_their_own_article_reviewed(
    client, live, reference, reviewer_author
):
    live.authors.add(reviewer_author)
    found(reference, Status.CONCERN)
    client.force_login(reviewer_author)
    row = section(client.get(QUEUE).text, "flagged")
    assert "You contributed: you cannot review it" in row
    assert "evidence-reviewed" not in row
    response = client.post(dismiss_url(live), dismissal(reference))
    assert response.status_code == 400
    assert "who has not written or edited this article" in response.text
    assert live.has_evidence_flag() and not EvidenceFlagReview.objects.exists()
    with pytest.raises(WorkflowError):
        workflow.dismiss_evidence_flag(article=live, by=reviewer_author, reason=REASON)


@pytest.mark.parametrize("person", ["author", "editor"])
def test_authors_and_editors_outside_the_board_cannot_mark_it_reviewed(
    request, client, live, reference, person
):
    found(reference, Status.CONCERN)
    client.force_login(request.getfixturevalue(person))
    response = client.post(dismiss_url(live), dismissal(reference))
    assert response.status_code == 400
    assert "Only a member of the Medical Advisory Board" in response.text
    assert not EvidenceFlagReview.objects.exists()


def test_an_outsider_gets_404_and_a_signed_out_visitor_gets_their_text_back(
    client, live, reference, outsider
):
    found(reference, Status.CONCERN)
    response = client.post(dismiss_url(live), dismissal(reference))
    assert response.status_code == 401 and REASON.split(";")[0] in response.text
    client.force_login(outsider)
    assert client.post(dismiss_url(live), dismissal(reference)).status_code == 404
    assert not EvidenceFlagReview.objects.exists()


def test_a_blank_reason_is_refused_and_the_flag_stays(client, live, reference, reviewer):
    found(reference, Status.CONCERN)
    client.force_login(reviewer)
    response = client.post(dismiss_url(live), dismissal(reference, reason="   "))
    assert response.status_code == 400
    assert "Say why the page needs no change." in response.text
    assert live.has_evidence_flag()
    with pytest.raises(WorkflowError, match="A reason is required"):
        workflow.dismiss_evidence_flag(article=live, by=reviewer, reason=" ")


def test_a_status_changed_since_the_page_was_read_is_refused_with_the_text_kept(
    client, live, reference, reviewer
):
    found(reference, Status.CONCERN)
    read = dismissal(reference)
    found(reference, Status.CORRECTED)  # a newer check, before the answer was sent
    client.force_login(reviewer)
    response = client.post(dismiss_url(live), read)
    assert response.status_code == 400
    assert "status changed since you read the notice" in response.text
    assert REASON[:40] in response.text  # what was typed is kept
    assert not EvidenceFlagReview.objects.exists()
    # The form now carries the notice as it stands: sent again, it answers that one.
    now_found = re.search(r'name="found" value="([^"]+)"', response.text).group(1)
    assert now_found == reference.status_changed_at.isoformat() != read["found"]
    response = client.post(dismiss_url(live), {**read, "found": now_found})
    assert response.status_code == 302
    assert EvidenceFlagReview.objects.get().status == Status.CORRECTED


def test_a_later_status_change_flags_the_page_again(client, live, reference, reviewer):
    found(reference, Status.CONCERN)
    workflow.dismiss_evidence_flag(article=live, by=reviewer, reason=REASON)
    assert not live.has_evidence_flag()
    found(reference, Status.CORRECTED)
    client.force_login(reviewer)
    page = client.get(QUEUE).text
    assert count(page, "Evidence flagged") == 1
    assert ">Correction</span>" in section(page, "flagged")


def test_nothing_to_answer_is_refused_as_not_possible_now(live, reviewer):
    with pytest.raises(WorkflowError, match="so you cannot"):
        workflow.dismiss_evidence_flag(article=live, by=reviewer, reason=REASON)
    assert not WorkflowEvent.objects.filter(transition="dismiss_evidence_flag").exists()


# --- "Start re-review" ---------------------------------------------------------------------


def test_starting_a_re_review_from_the_row_answers_the_flag(client, live, reference, reviewer):
    found(reference, Status.CONCERN)
    client.force_login(reviewer)
    response = client.post(f"/review/{live.pk}/start/")
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.state == State.UNDER_REVIEW
    answer = EvidenceFlagReview.objects.get()
    assert answer.outcome == EvidenceFlagReview.Outcome.REREVIEW and answer.reviewed_by == reviewer
    event = WorkflowEvent.objects.filter(article=live, transition="start_rereview").get()
    assert event.comment == "evidence notice: reference 1, expression of concern"
    # Sent back to the authors, the live page is not flagged again for the same notice.
    workflow.request_changes(article=live, by=reviewer, comment="Weigh the concern.")
    page = client.get(QUEUE).text
    assert count(page, "Evidence flagged") == 0


def test_the_queue_and_the_articles_own_rule_agree_on_what_is_flagged(
    make_article, reference, reviewer, editor, policy
):
    from articles.selectors import evidence_flagged_q

    answered = make_article("published", title="Answered?")
    archived = make_article("published", title="Archived?")
    flagged = make_article("published", title="Flagged?")
    never_published = make_article("under_review", title="Never published?")
    found(reference, Status.CONCERN)
    workflow.dismiss_evidence_flag(article=answered, by=reviewer, reason=REASON)
    workflow.archive(article=archived, by=editor, reason="Superseded.")
    listed = set(Article.objects.filter(evidence_flagged_q()))
    assert listed == {a for a in Article.objects.all() if a.has_evidence_flag()} == {flagged}
    assert never_published not in listed


def test_a_status_saved_through_a_refreshed_reference_is_dated_as_a_new_notice(
    live, reference, reviewer
):
    reference.retraction_status = Status.CONCERN
    reference.save()  # this instance last saved "concern"
    workflow.dismiss_evidence_flag(article=live, by=reviewer, reason=REASON)
    Reference.objects.filter(pk=reference.pk).update(retraction_status=Status.OK)
    reference.refresh_from_db()  # the instance last saved "concern" now reads "ok"
    reference.retraction_status = Status.CONCERN
    reference.save()
    assert live.has_evidence_flag()
