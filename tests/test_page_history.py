"""What changed: the public change note given at publish time, the Page history, and
corrections noted at the top of the page for a while (issue 13)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from articles import workflow
from articles.exceptions import WorkflowError
from articles.models import Article, Publication, PublicationKind
from tests.conftest import edit_body

pytestmark = pytest.mark.django_db

NOTE = "Dosage table updated to the 2026 guideline"


@pytest.fixture
def live(policy, make_article) -> Article:
    return make_article("published")


def approve_a_revision(article, *, author, reviewer, body):
    workflow.revise(article=article, by=author)
    edit_body(article, by=author, body=body)
    workflow.submit(article=article, by=author)
    workflow.start_review(article=article, by=reviewer)
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none")


def page(client, article) -> str:
    return client.get(f"/articles/{article.slug}/").content.decode()


def history_items(html: str) -> list[str]:
    section = re.search(r'<ol class="page-history-list">(.*?)</ol>', html, re.S).group(1)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", section, re.S)]  # fmt: skip


def test_each_publication_keeps_the_numbered_history_up_to_it(live, author, reviewer, editor):
    approve_a_revision(
        live, author=author, reviewer=reviewer, body="Walking helps [@pmid:27999003]."
    )
    workflow.publish(article=live, by=editor, change_note=NOTE)
    live.refresh_from_db()
    history = live.current_publication.page_history
    assert [(e["number"], e["kind"], e["note"]) for e in history] == [
        (2, PublicationKind.UPDATE, NOTE),
        (1, PublicationKind.FIRST, ""),
    ]


def test_revise_and_publish_with_a_note_shows_in_the_page_history(
    client, live, author, reviewer, editor
):
    approve_a_revision(
        live, author=author, reviewer=reviewer, body="Walking helps [@pmid:27999003]."
    )
    workflow.publish(article=live, by=editor, change_note=NOTE)
    live.refresh_from_db()
    publication = live.current_publication
    assert publication.kind == PublicationKind.UPDATE
    assert publication.change_note == NOTE and not publication.is_correction
    items = history_items(page(client, live))
    today = timezone.localdate().strftime("%B %-d, %Y")
    assert items == [f"{today} Content updated {NOTE}", f"{today} First published"]


def test_a_correction_is_noted_at_the_top_then_only_in_the_history(
    client, live, author, reviewer, editor
):
    approve_a_revision(
        live, author=author, reviewer=reviewer, body="Walking helps [@pmid:27999003]."
    )
    workflow.publish(
        article=live, by=editor, change_note="The dose was 10 times too high", is_correction=True
    )
    live.refresh_from_db()
    html = page(client, live)
    top = re.search(r'<section class="page-notices".*?</section>', html, re.S).group(0)
    assert "Corrected on" in top and "The dose was 10 times too high" in top
    assert html.index("page-notices") < html.index('class="article-body"')
    assert history_items(html)[0].endswith("Correction The dose was 10 times too high")
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert '"@type": "CorrectionComment"' in data
    # 31 days later the notice at the top is gone; the history keeps it.
    Publication.objects.filter(pk=live.current_publication_id).update(
        corrected_at=timezone.now() - datetime.timedelta(days=31)
    )
    later = page(client, live)
    assert 'class="page-notices"' not in later
    assert "The dose was 10 times too high" in later


def test_the_next_update_keeps_when_the_last_correction_went_live(live, author, reviewer, editor):
    approve_a_revision(live, author=author, reviewer=reviewer, body="Walking [@pmid:27999003].")
    workflow.publish(article=live, by=editor, change_note="Dose fixed", is_correction=True)
    live.refresh_from_db()
    corrected_at = live.current_publication.corrected_at
    assert corrected_at is not None
    approve_a_revision(live, author=author, reviewer=reviewer, body="Cycling [@pmid:27999003].")
    workflow.publish(article=live, by=editor, change_note=NOTE)
    live.refresh_from_db()
    assert live.current_publication.corrected_at == corrected_at


def test_a_re_review_is_listed_as_such(client, live, reviewer, editor):
    workflow.start_rereview(article=live, by=reviewer)
    workflow.approve(article=live, by=reviewer, conflict_of_interest="none")
    workflow.publish(article=live, by=editor)
    live.refresh_from_db()
    assert history_items(page(client, live))[0].endswith("Re-reviewed, no change")


def test_a_correction_needs_its_note(live, author, reviewer, editor):
    approve_a_revision(
        live, author=author, reviewer=reviewer, body="Walking helps [@pmid:27999003]."
    )
    with pytest.raises(WorkflowError, match="Say what was corrected"):
        workflow.publish(article=live, by=editor, is_correction=True)
    with pytest.raises(WorkflowError, match="300 characters"):
        workflow.publish(article=live, by=editor, change_note="x" * 301)


def test_the_publish_form_asks_for_the_note_of_an_update(client, live, author, reviewer, editor):
    approve_a_revision(
        live, author=author, reviewer=reviewer, body="Walking helps [@pmid:27999003]."
    )
    client.force_login(editor)
    review_page = client.get(live.get_review_url()).content.decode()
    assert "What changed (public)" in review_page
    refused = client.post(f"/review/{live.pk}/publish/", {"at": ""})
    assert refused.status_code == 400
    assert "Say what changed" in refused.content.decode()
    client.post(
        f"/review/{live.pk}/publish/", {"at": "", "change_note": NOTE, "is_correction": "on"}
    )
    live.refresh_from_db()
    assert live.current_publication.number == 2
    assert live.current_publication.is_correction
    assert live.current_publication.change_note == NOTE


def test_a_scheduled_publication_keeps_its_note(live, author, reviewer, editor):
    approve_a_revision(
        live, author=author, reviewer=reviewer, body="Walking helps [@pmid:27999003]."
    )
    at = timezone.now() + datetime.timedelta(hours=1)
    workflow.publish(article=live, by=editor, at=at, change_note=NOTE)
    published, refused = workflow.publish_due(now=at + datetime.timedelta(minutes=1))
    assert not refused and [a.pk for a in published] == [live.pk]
    live.refresh_from_db()
    assert live.current_publication.change_note == NOTE
    assert live.scheduled_change_note == ""


def test_the_feed_carries_a_correction_as_an_update(client, live, author, reviewer, editor):
    approve_a_revision(
        live, author=author, reviewer=reviewer, body="Walking helps [@pmid:27999003]."
    )
    workflow.publish(article=live, by=editor, change_note="The dose was wrong", is_correction=True)
    feed = client.get("/feed/").content.decode()
    assert "Correction: The dose was wrong" in feed


def test_the_workflow_itself_refuses_an_update_without_a_change_note(
    policy: Any, make_article: Any, author: Any, reviewer: Any, editor: Any
) -> None:
    """Not only the publishing form: the admin and any command go through publish()."""
    article = make_article("published")
    workflow.revise(article=article, by=author)
    edit_body(article, by=author, body=article.body + "\n\nDoses updated for 2026.")
    workflow.submit(article=article, by=author)
    workflow.start_review(article=article, by=reviewer)
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    with pytest.raises(WorkflowError, match="Say what changed"):
        workflow.publish(article=article, by=editor)
    workflow.publish(article=article, by=editor, change_note="Doses updated for 2026.")
    article.refresh_from_db()
    assert article.current_publication.change_note == "Doses updated for 2026."


def test_the_change_note_may_be_300_characters_and_the_refusals_say_so_exactly(
    live, author, reviewer, editor
):
    approve_a_revision(
        live, author=author, reviewer=reviewer, body="Walking helps [@pmid:27999003]."
    )
    refusals = {}
    for kwargs in ({"change_note": "x" * 301}, {"is_correction": True}, {}):
        with pytest.raises(WorkflowError) as refused:
            workflow.publish(article=live, by=editor, **kwargs)
        refusals[tuple(kwargs)] = refused.value.message
    assert refusals == {
        ("change_note",): (
            "Keep the change note to 300 characters: readers see it in the Page history."
        ),
        ("is_correction",): (
            "Say what was corrected: a correction is shown to readers with its note."
        ),
        (): "Say what changed: readers see this note in the page's history.",
    }
    workflow.publish(article=live, by=editor, change_note="x" * 300)
    live.refresh_from_db()
    assert live.current_publication.change_note == "x" * 300


def test_a_scheduled_correction_goes_live_as_a_correction(live, author, reviewer, editor):
    approve_a_revision(
        live, author=author, reviewer=reviewer, body="Walking helps [@pmid:27999003]."
    )
    at = timezone.now() + datetime.timedelta(hours=1)
    workflow.publish(article=live, by=editor, at=at, change_note=NOTE, is_correction=True)
    live.refresh_from_db()
    assert live.scheduled_is_correction
    published, refused = workflow.publish_due(now=at + datetime.timedelta(minutes=1))
    assert not refused and [a.pk for a in published] == [live.pk]
    live.refresh_from_db()
    publication = live.current_publication
    assert (publication.kind, publication.is_correction, publication.change_note) == (
        PublicationKind.CORRECTION,
        True,
        NOTE,
    )
    assert not live.scheduled_is_correction
