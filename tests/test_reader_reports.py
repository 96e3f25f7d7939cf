"""Report a problem: readers report without an account; editors triage; re-review in a click."""

from __future__ import annotations

import pytest
from django.core import mail

from articles.models import Article, ReaderReport, ReviewRound, State, WorkflowEvent
from editorial import roles
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

LONG_BODY = ("The dosage in the second table says 600 mg three times daily; the 2026 guideline "
             "says twice daily. ") * 40  # fmt: skip


@pytest.fixture
def live(policy, make_article) -> Article:
    return make_article("published")


def report_url(article: Article) -> str:
    return f"/articles/{article.slug}/report/"


def post_report(client, article, **fields):
    data = {
        "category": "factual_error",
        "body": LONG_BODY[:5000],
        "email": "",
        "publication": article.current_publication.number,
        "website": "",
        **fields,
    }
    return client.post(report_url(article), data, REMOTE_ADDR=fields.pop("address", "203.0.113.7"))


def test_the_article_page_offers_the_form_and_stays_cacheable(client, live):
    response = client.get(f"/articles/{live.slug}/")
    html = response.content.decode()
    assert f'action="/articles/{live.slug}/report/"' in html
    assert ">Report a problem</button>" in html
    assert "csrfmiddlewaretoken" not in html
    assert "public" in response["Cache-Control"]
    assert not response.cookies


def test_a_reader_reports_without_an_account_and_editors_are_told(
    client, live, editor, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_report(client, live, email="reader@example.net")
    assert response.status_code == 200
    assert "Your report about" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    report = ReaderReport.objects.get()
    assert report.article == live
    assert report.publication == live.current_publication
    assert report.body == LONG_BODY[:5000].strip()
    assert report.email == "reader@example.net"
    assert report.status == ReaderReport.Status.OPEN
    assert "203.0.113.7" not in report.sender  # a keyed hash, not the address
    told = [m for m in mail.outbox if "A reader reported a problem" in m.subject]
    assert len(told) == 1 and editor.email in told[0].to
    assert f"/reports/{report.pk}/" in told[0].body


def test_the_honeypot_refuses_with_a_clear_message_and_keeps_the_text(client, live):
    response = post_report(client, live, website="http://spam.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Leave this field empty" in html and "was filled in" in html
    assert "600 mg three times daily" in html
    assert not ReaderReport.objects.exists()


def test_one_address_is_limited_per_hour_with_a_clear_message(client, live, settings):
    settings.READER_REPORTS_PER_HOUR = 3
    for _ in range(3):
        assert post_report(client, live).status_code == 200
    refused = post_report(client, live)
    assert refused.status_code == 429
    assert "try again later" in refused.content.decode()
    assert ReaderReport.objects.count() == 3
    assert post_report(client, live, address="198.51.100.9").status_code == 200


def test_size_limits_refuse_overlong_reports(client, live):
    response = post_report(client, live, body="x" * 5001)
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    huge = client.post(
        report_url(live), {"category": "other", "body": "y" * 70_000}, REMOTE_ADDR="203.0.113.8"
    )
    assert huge.status_code == 413
    assert not ReaderReport.objects.exists()


def test_a_report_from_another_site_is_refused(client, live):
    response = client.post(
        report_url(live),
        {"category": "other", "body": "A long enough report."},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert not ReaderReport.objects.exists()


def test_drafts_and_archived_pages_cannot_be_reported(client, make_article, policy, editor):
    draft = make_article()
    assert (
        client.post(report_url(draft), {"category": "other", "body": "x" * 20}).status_code == 404
    )


# --- the triage list ----------------------------------------------------------------------


@pytest.fixture
def open_report(client, live) -> ReaderReport:
    post_report(client, live, email="reader@example.net")
    return ReaderReport.objects.get()


def test_the_triage_list_is_for_editors_and_the_board_only(
    client, open_report, author, outsider, editor, reviewer
):
    assert client.get("/reports/").status_code == 302  # anonymous: sign in
    for person in (author, outsider):
        client.force_login(person)
        assert client.get("/reports/").status_code == 403
        assert client.get(f"/reports/{open_report.pk}/").status_code == 403
    for person in (editor, reviewer):
        client.force_login(person)
        html = client.get("/reports/").content.decode()
        assert open_report.article.title in html and "Factual error" in html
        assert client.get(f"/reports/{open_report.pk}/").status_code == 200


def test_an_editor_dismisses_a_report_saying_why_and_the_reader_is_told(
    client, open_report, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/reports/{open_report.pk}/triage/",
            {"status": "dismissed", "resolution": "The table already follows the 2026 guideline."},
        )
    assert response.status_code == 302
    open_report.refresh_from_db()
    assert open_report.status == ReaderReport.Status.DISMISSED
    assert open_report.handled_by == editor
    assert open_report.resolution == "The table already follows the 2026 guideline."
    told = [m for m in mail.outbox if m.to == ["reader@example.net"]]
    assert len(told) == 1
    assert "does not need changing" in told[0].body
    assert "already follows the 2026 guideline" in told[0].body
    listed = client.get("/reports/?status=dismissed").content.decode()
    assert "Dismissed by" in listed


def test_a_board_member_cannot_dismiss_and_an_editor_must_say_why(
    client, open_report, reviewer, editor
):
    client.force_login(reviewer)
    client.post(f"/reports/{open_report.pk}/triage/", {"status": "dismissed", "resolution": "No."})
    open_report.refresh_from_db()
    assert open_report.status == ReaderReport.Status.OPEN
    client.force_login(editor)
    client.post(f"/reports/{open_report.pk}/triage/", {"status": "acted_on", "resolution": " "})
    open_report.refresh_from_db()
    assert open_report.status == ReaderReport.Status.OPEN


def test_a_board_member_starts_a_re_review_from_a_report_in_one_click(
    client, open_report, reviewer, author, django_capture_on_commit_callbacks
):
    client.force_login(author)
    assert client.post(f"/reports/{open_report.pk}/rereview/").status_code == 403
    client.force_login(reviewer)
    page = client.get(f"/reports/{open_report.pk}/").content.decode()
    assert ">Start re-review</button>" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/{open_report.pk}/rereview/")
    article = open_report.article
    assert response.status_code == 302 and response["Location"] == article.get_review_url()
    article.refresh_from_db()
    open_report.refresh_from_db()
    assert article.state == State.UNDER_REVIEW
    assert open_report.status == ReaderReport.Status.ACTED_ON
    assert open_report.handled_by == reviewer
    review_round = open_report.review_round
    assert review_round.kind == ReviewRound.Kind.REREVIEW
    assert review_round.started_by == reviewer
    event = WorkflowEvent.objects.filter(article=article, transition="start_rereview").get()
    assert "a reader reported" in event.comment
    assert [m for m in mail.outbox if m.to == ["reader@example.net"]]
    # The live page stays up meanwhile.
    assert client.get(article.get_absolute_url()).status_code == 200


def test_an_editor_opens_the_re_review_round_for_the_board(client, open_report, editor):
    client.force_login(editor)
    client.post(f"/reports/{open_report.pk}/rereview/")
    open_report.refresh_from_db()
    assert open_report.review_round.started_by is None
    assert open_report.article.state == State.UNDER_REVIEW


def test_a_report_is_handled_once(client, open_report, editor):
    second_editor = make_user("eli", roles.EDITORS, staff=True)
    client.force_login(editor)
    client.post(
        f"/reports/{open_report.pk}/triage/", {"status": "acted_on", "resolution": "Fixed."}
    )
    client.force_login(second_editor)
    response = client.post(
        f"/reports/{open_report.pk}/triage/", {"status": "dismissed", "resolution": "Nothing."}
    )
    assert response.status_code == 302
    open_report.refresh_from_db()
    assert open_report.status == ReaderReport.Status.ACTED_ON
    assert open_report.handled_by == editor


def test_a_re_review_from_a_report_answers_the_pages_evidence_flag(
    client, open_report, editor, reference
):
    from articles.models import EvidenceFlagReview
    from references.models import Reference

    found = Reference.objects.get(pk=reference.pk)
    found.retraction_status = Reference.RetractionStatus.CONCERN
    found.save()
    article = open_report.article
    assert article.has_evidence_flag()
    client.force_login(editor)
    client.post(f"/reports/{open_report.pk}/rereview/")
    article.refresh_from_db()
    assert not article.has_evidence_flag()
    answer = EvidenceFlagReview.objects.get()
    assert (answer.outcome, answer.reviewed_by) == (EvidenceFlagReview.Outcome.REREVIEW, editor)
    event = WorkflowEvent.objects.filter(article=article, transition="start_rereview").get()
    assert event.comment.endswith("(evidence notice: reference 1, expression of concern)")
