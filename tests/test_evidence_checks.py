"""Evidence checks: what blocks submit and approve, what needs acknowledging, check_references."""

from __future__ import annotations

import datetime
import io
import threading

import httpx
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from articles import workflow
from articles.exceptions import WorkflowError
from articles.models import State
from references import checking, lookup
from references.models import Reference
from tests.reference_fakes import FakeServices

Status = Reference.RetractionStatus


def _set_status(reference: Reference, status: str) -> None:
    reference.retraction_status = status
    reference.save()


# --- submit and resubmit -----------------------------------------------------------------


def test_a_retracted_reference_blocks_submit_naming_it(make_article, author, reference):
    article = make_article()
    _set_status(reference, Status.RETRACTED)
    with pytest.raises(WorkflowError) as error:
        workflow.submit(article=article, by=author)
    assert error.value.problems == [
        "Cited reference 1, “Diabetic Neuropathy: A Position Statement by the American Diabetes "
        "Association” (2017), has been retracted: remove or replace it."
    ]
    article.refresh_from_db()
    assert article.state == State.DRAFT


def test_an_unresolved_marker_blocks_submit_naming_the_key(make_article, author):
    article = make_article(body="Helps [@pmid:27999003], says [@ghost2021; @doi:10.9999/nope].")
    with pytest.raises(WorkflowError) as error:
        workflow.submit(article=article, by=author)
    problems = " ".join(error.value.problems)
    assert "[@ghost2021] matches no reference" in problems
    assert "[@doi:10.9999/nope] matches no reference" in problems
    article.refresh_from_db()
    assert article.state == State.DRAFT


def test_a_malformed_identifier_in_a_marker_is_explained(make_article, author):
    article = make_article(body="Helps [@pmid:27999003]; see [@pmid:12ab] and [@doi:abc].")
    with pytest.raises(WorkflowError) as error:
        workflow.submit(article=article, by=author)
    assert error.value.problems == [
        "The citation [@pmid:12ab] is not a valid PMID: a PMID is digits only.",
        "The citation [@doi:abc] is not a valid DOI: a DOI starts with 10., "
        "e.g. [@doi:10.2337/dc16-2042].",
    ]


def test_an_article_citing_nothing_cannot_be_submitted(make_article, author):
    article = make_article(body="No sources at all.")
    with pytest.raises(WorkflowError, match="must cite at least one reference"):
        workflow.submit(article=article, by=author)


def test_a_retracted_reference_blocks_resubmit(make_article, author, reference):
    article = make_article("changes_requested")
    _set_status(reference, Status.RETRACTED)
    with pytest.raises(WorkflowError, match="has been retracted"):
        workflow.resubmit(article=article, by=author)


def test_clean_references_let_the_article_be_submitted(make_article, author):
    article = make_article()
    workflow.submit(article=article, by=author)
    article.refresh_from_db()
    assert article.state == State.SUBMITTED


# --- approve -----------------------------------------------------------------------------


def test_a_reference_retracted_during_review_blocks_approve(
    make_article, reviewer, reference, policy
):
    article = make_article("under_review")
    _set_status(reference, Status.RETRACTED)
    with pytest.raises(WorkflowError) as error:
        workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    assert "has been retracted" in " ".join(error.value.problems)
    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW
    assert not article.rounds.get().reviews.exists()


@pytest.mark.parametrize("status", [Status.CONCERN, Status.CORRECTED, Status.UNCHECKED])
def test_a_doubtful_reference_needs_the_reviewers_acknowledgement(
    make_article, reviewer, reference, policy, status
):
    article = make_article("under_review")
    _set_status(reference, status)
    with pytest.raises(WorkflowError) as error:
        workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    assert "Acknowledge each evidence warning" in str(error.value)
    assert "Diabetic Neuropathy" in error.value.problems[0]
    workflow.approve(
        article=article,
        by=reviewer,
        conflict_of_interest="none",
        acknowledged_warnings=[f"{status}:{reference.pk}"],
    )
    article.refresh_from_db()
    assert article.state == State.APPROVED


def test_an_acknowledgement_does_not_cover_a_later_worse_status(
    make_article, reviewer, reference, policy
):
    article = make_article("under_review")
    _set_status(reference, Status.CORRECTED)
    old_code = f"corrected:{reference.pk}"
    _set_status(reference, Status.CONCERN)
    with pytest.raises(WorkflowError, match="Acknowledge"):
        workflow.approve(
            article=article,
            by=reviewer,
            conflict_of_interest="none",
            acknowledged_warnings=[old_code],
        )


def test_checked_references_need_no_acknowledgement(make_article, reviewer, policy):
    article = make_article("under_review")  # the shared reference is checked and ok
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    article.refresh_from_db()
    assert article.state == State.APPROVED


# --- check_references --------------------------------------------------------------------


@pytest.fixture
def services(monkeypatch) -> FakeServices:
    fake = FakeServices()
    real = lookup.make_client
    monkeypatch.setattr(
        lookup, "make_client", lambda transport=None: real(httpx.MockTransport(fake.handle))
    )
    return fake


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("check_references", "--delay", "0", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _make(**fields) -> Reference:
    return Reference.objects.create(title=fields.pop("title", "A study"), **fields)


def test_check_references_records_what_crossref_and_pubmed_say(db, services):
    clean = _make(doi="10.2337/dc16-2042", pmid="27999003")
    retracted = _make(doi="10.1016/s0140-6736(20)31180-6", pmid="32450107")
    concern = _make(doi="10.5555/concern-example")
    corrected = _make(doi="10.5555/corrected-example")
    out, err = _run()
    expected = {
        clean: Status.OK,
        retracted: Status.RETRACTED,
        concern: Status.CONCERN,
        corrected: Status.CORRECTED,
    }
    for reference, status in expected.items():
        reference.refresh_from_db()
        assert reference.retraction_status == status
        assert reference.checked_at is not None
    assert "Done: 4 checked, 4 changed status, 0 could not be checked." in out
    assert err == ""


def test_pubmed_retracted_publication_type_alone_marks_it_retracted(db, services):
    reference = _make(pmid="32450107")
    _run()
    reference.refresh_from_db()
    assert reference.retraction_status == Status.RETRACTED


def test_a_retraction_notice_found_only_through_update_to_counts(db, services):
    reference = _make(doi="10.1016/s0140-6736(20)31180-6")
    services.answer(
        "crossref",
        "10.1016/s0140-6736(20)31180-6",
        httpx.Response(200, json={"message": {"title": ["The registry analysis"]}}),
    )
    _run()
    reference.refresh_from_db()
    assert reference.retraction_status == Status.RETRACTED


def test_a_reference_whose_source_failed_is_not_marked_ok(db, services):
    reference = _make(doi="10.2337/dc16-2042", pmid="27999003")
    services.answer("pubmed", "27999003", httpx.ReadTimeout("slow"))
    with pytest.raises(CommandError, match="No reference could be checked"):
        _run()
    reference.refresh_from_db()
    assert reference.retraction_status == Status.UNCHECKED
    assert reference.checked_at is None


def test_a_failure_is_reported_and_the_others_still_get_checked(db, services):
    failing = _make(doi="10.5555/does-not-exist")
    fine = _make(pmid="27999003")
    out, err = _run()
    failing.refresh_from_db()
    fine.refresh_from_db()
    assert failing.retraction_status == Status.UNCHECKED
    assert fine.retraction_status == Status.OK
    assert "Crossref has no record of DOI 10.5555/does-not-exist" in err
    assert "1 could not be checked" in out


def test_a_rate_limit_stops_the_run_and_leaves_the_rest_for_next_time(db, services):
    first = _make(doi="10.5555/concern-example")
    second = _make(doi="10.2337/dc16-2042")
    third = _make(doi="10.5555/corrected-example")
    services.answer("crossref", "10.2337/dc16-2042", httpx.Response(429))
    out, err = _run("--batch-size", "1")
    for reference in (first, second, third):
        reference.refresh_from_db()
    assert first.retraction_status == Status.CONCERN
    assert second.retraction_status == Status.UNCHECKED
    assert third.retraction_status == Status.UNCHECKED
    assert "Stopped early: Crossref is limiting" in err
    asked = [r.url.path for r in services.requests]
    assert not any("corrected-example" in path for path in asked)  # nothing after the 429


def test_a_later_check_never_undoes_a_retraction(db, services):
    reference = _make(pmid="27999003", retraction_status=Status.RETRACTED)
    _run()
    reference.refresh_from_db()
    assert reference.retraction_status == Status.RETRACTED


def test_check_references_works_in_batches_and_shows_progress(db, services):
    for n in range(5):
        _make(pmid=str(27999003 + n))
    out, _ = _run("--batch-size", "2")
    assert "Checked 2 of 5 references" in out
    assert "Checked 4 of 5 references" in out
    assert "Checked 5 of 5 references" in out
    pubmed_requests = [r for r in services.requests if r.url.host == "eutils.ncbi.nlm.nih.gov"]
    assert len(pubmed_requests) == 3  # one esummary per batch, not one per PMID


def test_recently_checked_references_are_not_due(db, services):
    _make(pmid="27999003", retraction_status=Status.OK, checked_at=timezone.now())
    out, _ = _run()
    assert "No references are due for a check." in out
    assert services.requests == []


def test_running_twice_is_idempotent_and_keeps_history_for_changes_only(db, services):
    reference = _make(doi="10.5555/concern-example")
    _run()
    first = reference.history.count()
    _run("--older-than-days", "0")
    reference.refresh_from_db()
    assert reference.retraction_status == Status.CONCERN
    assert reference.history.count() == first
    assert reference.checked_at > timezone.now() - datetime.timedelta(minutes=1)


def test_references_without_identifiers_are_left_unchecked(db, services):
    reference = _make(url="https://www.nice.org.uk/guidance/cg173")
    out, _ = _run()
    assert "No references are due" in out
    reference.refresh_from_db()
    assert reference.retraction_status == Status.UNCHECKED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reference_locked_by_someone_else_is_skipped_not_waited_for():
    """Two cron runs, or a run and an editor saving, never block or overwrite each other."""
    reference = _make(pmid="32450107")
    fake = FakeServices()
    outcomes: list[checking.Outcome] = []

    def run_check() -> None:
        try:
            with fake.client() as client:
                outcomes.extend(checking.check_batch([reference], client=client))
        finally:
            connection.close()

    with transaction.atomic():
        Reference.objects.select_for_update().get(pk=reference.pk)
        worker = threading.Thread(target=run_check)
        worker.start()
        worker.join(timeout=30)
        assert not worker.is_alive()
    (outcome,) = outcomes
    assert outcome.after is None
    assert "someone is editing it" in outcome.problems[0]
    reference.refresh_from_db()
    assert reference.retraction_status == Status.UNCHECKED


def test_a_reference_retracted_after_approval_stops_publication(
    policy, make_article, editor, reference
):
    article = make_article("approved")
    _set_status(reference, Status.RETRACTED)
    with pytest.raises(WorkflowError, match="has been retracted"):
        workflow.publish(article=article, by=editor)
    article.refresh_from_db()
    assert article.state == State.APPROVED
    assert article.current_publication is None
