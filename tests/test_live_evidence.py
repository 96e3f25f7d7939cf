"""Live evidence, frozen text: a retraction, concern or correction found after publication
shows on the live page at once, and the people behind it are told once (issue 13)."""

from __future__ import annotations

import datetime
import io
import re

import httpx
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from articles import workflow
from articles.models import Article, WorkflowEvent
from references import lookup
from references.models import Reference
from tests.reference_fakes import FakeServices

pytestmark = pytest.mark.django_db

Status = Reference.RetractionStatus
LANCET = "10.1016/s0140-6736(20)31180-6"
BODY = (
    "## From the Guidelines\n\nExercise helps [@pmid:27999003].\n\n"
    "## From the Research\n\nA registry analysis said otherwise [@doi:10.1016/s0140-6736(20)31180-6].\n"
)
CHECKED = datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def services(monkeypatch) -> FakeServices:
    fake = FakeServices()
    real = lookup.make_client
    monkeypatch.setattr(
        lookup, "make_client", lambda transport=None: real(httpx.MockTransport(fake.handle))
    )
    return fake


def check_references() -> None:
    call_command(
        "check_references", "--delay", "0", "--older-than-days", "0",
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip


@pytest.fixture
def registry(db) -> Reference:
    """Clean when the board approved it; Crossref and PubMed now say it was retracted."""
    return Reference.objects.create(
        title="Hydroxychloroquine or chloroquine with or without a macrolide for COVID-19",
        journal="Lancet",
        year=2020,
        doi=LANCET,
        pmid="32450107",
        retraction_status=Status.OK,
    )


@pytest.fixture
def live(policy, make_article, reference, registry) -> Article:
    Reference.objects.update(checked_at=CHECKED)
    return make_article("published", body=BODY)


def page(client, article) -> str:
    response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def without_live_evidence(html: str) -> str:
    """The page minus what is read live: notices, the evidence line, badges, JSON-LD."""
    html = re.sub(r'<section class="page-notices".*?</section>\s*', "", html, flags=re.S)
    html = re.sub(r'<p class="evidence-checked">.*?</p>', "", html, flags=re.S)
    html = re.sub(r'\s*<span class="(badge [a-z-]+|reference-notice)">[^<]*</span>', "", html)
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    return re.sub(r"\s+", " ", html)  # the blocks taken out leave their line breaks


def body_of(html: str) -> str:
    return re.search(r'<div class="article-body">.*?</div>', html, re.S).group(0)


def test_a_retraction_found_after_publication_shows_on_the_next_request(
    client, live, services, django_assert_max_num_queries
):
    before = page(client, live)
    assert "retracted" not in before.lower().replace("retractions", "")
    check_references()
    with django_assert_max_num_queries(2):
        after = page(client, live)
    found = timezone.localdate().strftime("%B %-d, %Y")
    assert f"Reference 2 was found retracted on {found}; the board is reviewing this page." in after
    entry = re.search(r'<li id="ref-2">.*?</li>', after, re.S).group(0)
    assert '<span class="badge badge-retracted">Retracted</span>' in entry
    assert f"Found {found}." in entry
    assert '<span class="badge' not in re.search(r'<li id="ref-1">.*?</li>', after, re.S).group(0)
    assert body_of(after) == body_of(before)
    assert without_live_evidence(after) == without_live_evidence(before)


def test_the_json_ld_says_which_reference_was_retracted(client, live, services):
    check_references()
    html = page(client, live)
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert '"creativeWorkStatus": "Retracted"' in data
    assert data.count("creativeWorkStatus") == 1


def test_a_retraction_puts_the_article_up_for_re_review_at_once(live, services):
    assert live not in Article.objects.review_due(timezone.localdate())
    check_references()
    assert live in Article.objects.review_due(timezone.localdate())
    event = WorkflowEvent.objects.get(article=live, transition="evidence_notice")
    assert "Reference 2" in event.comment and "retracted" in event.comment


def test_editors_and_approvers_are_told_once_however_often_the_check_runs(
    live, services, editor, reviewer, django_capture_on_commit_callbacks
):
    live.current_publication.approvers.add(reviewer)
    mail.outbox.clear()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            check_references()
    told = [m for m in mail.outbox if "Retraction in a cited reference" in m.subject]
    assert len(told) == 1
    assert {editor.email, reviewer.email} <= set(told[0].to)
    assert live.title in told[0].subject
    assert "Retracted." in told[0].body  # the formatted citation states the notice


@pytest.mark.parametrize(
    ("doi", "status", "words"),
    [
        ("10.5555/concern-example", Status.CONCERN, "An expression of concern about reference 2"),
        ("10.5555/corrected-example", Status.CORRECTED, "A correction to reference 2"),
    ],
)
def test_a_concern_or_correction_flags_the_page_for_the_board(
    client, policy, make_article, reference, services, editor, doi, status, words,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    Reference.objects.create(title="A trial", journal="Neurology", year=2021, doi=doi,
                             retraction_status=Status.OK)  # fmt: skip
    article = make_article("published", body=f"Helps [@pmid:27999003]; see [@doi:{doi}].")
    mail.outbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            check_references()
    html = page(client, article)
    assert words in html and "the board has been told." in html
    assert WorkflowEvent.objects.filter(article=article, transition="evidence_notice").count() == 1
    told = [m for m in mail.outbox if article.title in m.subject]
    assert len(told) == 1
    assert "listed under “Evidence flagged” in the board's review queue" in told[0].body
    assert article not in Article.objects.review_due(timezone.localdate())
    # Flagged for the board: listed in the queue until a board member answers it.
    client.force_login(editor)
    queue = client.get("/review/?section=flagged").content.decode()
    assert 'Evidence flagged <span class="count">1</span>' in queue
    assert article.title in queue and "Reference 2: A trial (2021)" in queue


def test_a_status_known_when_the_board_approved_is_a_badge_not_a_new_notice(
    client, policy, make_article, reviewer, reference
):
    reference.retraction_status = Status.CORRECTED
    reference.save()
    article = make_article("under_review")
    workflow.approve(
        article=article,
        by=reviewer,
        conflict_of_interest="none",
        acknowledged_warnings=[f"corrected:{reference.pk}"],
    )
    drive_publish(article)
    html = page(client, article)
    assert '<span class="badge badge-corrected">Corrected</span>' in html
    assert 'class="page-notices"' not in html


def drive_publish(article: Article) -> None:
    from editorial import roles
    from tests.conftest import make_user

    workflow.publish(article=article, by=make_user("pub", roles.EDITORS, staff=True))
    article.refresh_from_db()


# --- honest status ------------------------------------------------------------------------


def test_no_reader_sees_a_not_yet_checked_badge(client, policy, make_article, reviewer, reference):
    reference.retraction_status = Status.UNCHECKED
    reference.save()
    article = make_article("under_review")
    workflow.approve(
        article=article,
        by=reviewer,
        conflict_of_interest="none",
        acknowledged_warnings=[f"unchecked:{reference.pk}"],
    )
    drive_publish(article)
    assert "Not yet checked for retraction" in article.current_publication.references_html
    html = page(client, article)
    assert "Not yet checked" not in html
    assert "badge-unchecked" not in html
    assert "These references have not yet been checked for retractions." in html
    assert "Evidence checked" not in html


def test_the_page_says_once_when_the_evidence_was_last_checked(client, live):
    html = page(client, live)
    assert html.count("Evidence checked") == 1
    assert 'Evidence checked <time datetime="2026-03-03">March 3, 2026</time>' in html
    assert "badge" not in re.search(r'<ol class="references">.*?</ol>', html, re.S).group(0)


def test_the_checked_date_is_the_oldest_check_of_the_cited_references(client, live, registry):
    Reference.objects.filter(pk=registry.pk).update(
        checked_at=CHECKED + datetime.timedelta(days=40)
    )
    assert "March 3, 2026" in page(client, live)
    Reference.objects.update(checked_at=CHECKED + datetime.timedelta(days=40))
    html = page(client, live)
    assert "April 12, 2026" in html and "March 3, 2026" not in html


def test_a_retraction_set_by_hand_in_the_admin_is_told_like_a_found_one(
    client, live, registry, editor, django_capture_on_commit_callbacks
):
    from tests.test_reference_admin import _form

    client.force_login(editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/references/reference/{registry.pk}/change/",
            _form(
                kind="article", title=registry.title, journal="Lancet", year="2020",
                doi=LANCET, pmid="32450107", retraction_status="retracted",
            ),
        )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    registry.refresh_from_db()
    assert registry.retraction_status == Status.RETRACTED
    assert len([m for m in mail.outbox if "Retraction in a cited reference" in m.subject]) == 1
    client.logout()
    assert "Reference 2 was found retracted on" in page(client, live)


def test_the_feed_says_a_reference_was_found_retracted(client, live, services):
    check_references()
    feed = client.get("/feed/").content.decode()
    assert "Reference 2 was found retracted on" in feed
