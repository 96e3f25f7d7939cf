"""Public pages with everything issue 13 adds (a retraction notice, a correction, Page history,
the Report a problem form) have no axe-core violations at 1280 and 375 px, no console errors
under the Content-Security-Policy, and a reader can send a report from the page."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import ReaderReport
from references.models import Reference
from tests.conftest import edit_body

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BODY = (
    "## From the Guidelines\n\nExercise helps [@pmid:27999003].\n\n"
    "## From the Research\n\nA registry analysis said otherwise [@doi:10.1016/s0140-6736(20)31180-6].\n"
)


@pytest.fixture
def corrected_and_retracted(policy, author, reviewer, editor, reference) -> Any:
    """Published, then corrected; one of its references retracted since."""
    registry = Reference.objects.create(
        title="Hydroxychloroquine or chloroquine with or without a macrolide for COVID-19",
        journal="Lancet",
        year=2020,
        doi="10.1016/s0140-6736(20)31180-6",
        retraction_status=Reference.RetractionStatus.OK,
        checked_at=timezone.now() - datetime.timedelta(days=3),
    )
    Reference.objects.filter(pk=reference.pk).update(checked_at=timezone.now())
    article = workflow.create_article(
        by=author, title="What helps peripheral neuropathy?", summary="Exercise.", body=BODY
    )
    for note, correction in (("", False), ("The walking dose was twice what the trial used", True)):
        if article.current_publication_id:
            workflow.revise(article=article, by=author)
            edit_body(article, by=author, body=BODY + "\nWalk 30 minutes a day.\n")
        workflow.submit(article=article, by=author)
        workflow.start_review(article=article, by=reviewer)
        workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
        workflow.publish(article=article, by=editor, change_note=note, is_correction=correction)
        article.refresh_from_db()
    registry.retraction_status = Reference.RetractionStatus.RETRACTED
    registry.save()
    return article


def axe_violations(page: Any) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return list(result)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_public_article_has_no_axe_violations(
    browser, live_server, corrected_and_retracted, width
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(corrected_and_retracted.get_absolute_url())
    assert page.get_by_text("Reference 2 was found retracted on").is_visible()
    assert page.get_by_text("Corrected on").is_visible()
    assert page.get_by_role("heading", name="Page history").is_visible()
    page.get_by_text("Report a problem with this page").click()
    assert page.get_by_label("Tell us more").is_visible()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.wait_for_load_state("networkidle")
    assert errors == []  # nothing blocked by the CSP, no missing favicon
    assert axe_violations(page) == []  # (axe's own probes break the CSP: checked after)
    context.close()


def test_a_reader_sends_a_report_from_the_page(browser, live_server, corrected_and_retracted):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 900})
    page = context.new_page()
    page.goto(corrected_and_retracted.get_absolute_url())
    page.get_by_text("Report a problem with this page").click()
    page.get_by_label("Out of date").check()
    page.get_by_label("Tell us more").fill("The 2026 guideline changed the walking advice.")
    page.get_by_label("Your email (optional)").fill("reader@example.net")
    page.get_by_role("button", name="Report a problem").click()
    assert page.get_by_role("heading", name="Thank you").is_visible()
    assert axe_violations(page) == []
    report = ReaderReport.objects.get()
    assert report.category == ReaderReport.Category.OUT_OF_DATE
    assert report.email == "reader@example.net"
    context.close()


def test_the_triage_list_has_no_axe_violations(signed_in, corrected_and_retracted, editor):
    workflow.submit_report(
        article=corrected_and_retracted,
        publication_number=2,
        category="factual_error",
        body="The dose in the table is wrong. " * 20,
        email="reader@example.net",
        address="203.0.113.5",
    )
    for width in (1280, 375):
        page = signed_in(editor, width=width)
        page.goto("/reports/")
        assert axe_violations(page) == []
        page.get_by_role("link", name=corrected_and_retracted.title).click()
        assert page.get_by_role("button", name="Start re-review").is_visible()
        assert axe_violations(page) == []
