"""The live page is the publication snapshot: nothing changes it until the next publication."""

from __future__ import annotations

import pytest

from articles import workflow
from articles.models import ImmutableError, Publication, ReviewRound
from editorial.models import EditorialPolicy
from references.models import Reference
from tests.conftest import BODY, drive, edit_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(policy, make_article):
    return make_article("published")


def page(client, article) -> bytes:
    response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200
    return response.content


def test_publication_snapshot_holds_what_the_board_approved(live, reviewer):
    publication = live.current_publication
    assert publication.number == 1
    assert publication.title == "What helps peripheral neuropathy?"
    assert publication.summary == "Exercise and foot care."
    assert '<a href="#ref-1">1</a>' in publication.body_html
    assert 'id="ref-1"' in publication.references_html
    assert publication.citations[0]["doi"] == "10.2337/dc16-2042"
    assert publication.revision == live.revision
    assert publication.policy.version == 1
    assert publication.approvers.count() == 1
    assert publication.published_by is not None


def test_publication_cannot_be_edited(live):
    publication = live.current_publication
    publication.title = "Changed"
    with pytest.raises(ImmutableError):
        publication.save()
    publication.refresh_from_db()
    assert publication.title == "What helps peripheral neuropathy?"


def test_editing_a_new_revision_leaves_the_live_page_byte_identical(client, live, author):
    before = page(client, live)
    workflow.revise(article=live, by=author)
    workflow.save_content(
        article=live,
        by=author,
        expected_revision=live.revision,
        title="What else helps peripheral neuropathy?",
        summary="A rewritten summary.",
        body="## Rewritten\n\nNew claims [@pmid:27999003].",
    )
    workflow.submit(article=live, by=author)
    assert page(client, live) == before


def test_recititing_a_different_reference_leaves_the_live_page_byte_identical(client, live, author):
    before = page(client, live)
    Reference.objects.create(
        kind=Reference.Kind.RESEARCH,
        key="newer2024",
        title="A newer trial",
        journal="Neurology",
        year=2024,
        retraction_status=Reference.RetractionStatus.OK,
    )
    workflow.revise(article=live, by=author)
    edit_body(live, by=author, body="## From the Research\n\nA newer trial says so [@newer2024].")
    assert page(client, live) == before


def test_editing_the_cited_reference_leaves_the_live_page_byte_identical(client, live, reference):
    """Its text is frozen; only its evidence status is read live (tests/test_live_evidence.py)."""
    before = page(client, live)
    reference.title = "A corrected title"
    reference.journal = "Another journal"
    reference.save()
    assert page(client, live) == before


def test_a_re_review_in_progress_leaves_the_live_page_byte_identical(client, live, reviewer):
    before = page(client, live)
    workflow.start_rereview(article=live, by=reviewer)
    assert page(client, live) == before


def test_a_new_policy_leaves_the_live_page_linked_to_the_old_one(client, live):
    EditorialPolicy.objects.create(
        version=2, effective_date=live.current_publication.published_at.date(), body="New rules."
    )
    html = page(client, live).decode()
    assert 'href="/editorial-policy/1/">View editorial policy' in html


def test_the_next_publication_changes_the_live_page(client, policy, live, author, reviewer, editor):
    before = page(client, live)
    workflow.revise(article=live, by=author)
    workflow.save_content(
        article=live,
        by=author,
        expected_revision=live.revision,
        title="What else helps peripheral neuropathy?",
        summary=live.summary,
        body=live.body,
    )
    workflow.submit(article=live, by=author)
    workflow.start_review(article=live, by=reviewer)
    workflow.approve(article=live, by=reviewer, conflict_of_interest="none")
    workflow.publish(article=live, by=editor, change_note="The question now covers more.")
    after = page(client, live)
    assert after != before
    assert b"What else helps peripheral neuropathy?" in after
    live.refresh_from_db()
    assert live.current_publication.number == 2
    assert Publication.objects.filter(article=live).count() == 2


def test_publication_records_the_round_the_board_approved(live):
    publication = live.current_publication
    assert publication.review_round.outcome == ReviewRound.Outcome.APPROVED
    assert publication.review_round.revision == publication.revision
    assert publication.approved_at == publication.review_round.closed_at


def test_a_reference_edited_after_approval_is_published_as_the_board_approved_it(
    policy, make_article, editor, reference
):
    article = make_article("approved")
    Reference.objects.filter(pk=reference.pk).update(title="A title the board never saw")

    workflow.publish(article=article, by=editor)

    publication = article.publications.get()
    assert "Diabetic Neuropathy: A Position Statement" in publication.references_html
    assert "A title the board never saw" not in publication.references_html
    assert publication.citations[0]["title"].startswith("Diabetic Neuropathy")


def test_an_article_approved_before_approvals_kept_their_rendering_is_published_rendered_now(
    policy, make_article, editor, reference
):
    # Rounds approved before migration 0004 have no approved_rendering (it was not
    # backfilled); publishing such an article renders its content when it is published.
    article = make_article("approved")
    ReviewRound.objects.filter(article=article).update(approved_rendering=None)
    Reference.objects.filter(pk=reference.pk).update(title="A title edited since")

    workflow.publish(article=article, by=editor)

    publication = article.publications.get()
    assert '<a href="#ref-1">1</a>' in publication.body_html
    assert "A title edited since" in publication.references_html
    assert publication.citations[0]["title"] == "A title edited since"


def test_a_publication_stores_the_audience_subject_byline_and_cited_references(
    policy, editor, author, reference
):
    article = workflow.create_article(
        by=author,
        title="Nerve pain: what helps",
        body=BODY,
        audience="clinician",
        subject="Peripheral neuropathy",
    )
    drive(article, "approved", writer=author)
    workflow.publish(article=article, by=editor)

    publication = article.publications.get()
    assert (publication.audience, publication.subject) == ("clinician", "Peripheral neuropathy")
    assert publication.author_names == ["Alice Tester"]
    assert publication.corrected_at is None
    assert [(row.number, row.reference_id) for row in publication.cited.order_by("number")] == [
        (1, reference.pk)
    ]
