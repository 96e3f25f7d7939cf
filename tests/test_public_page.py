"""The public article page: what a reader sees, who sees it, and how it is cached."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.utils import timezone

from articles import checks, workflow
from articles.models import ReviewRound
from references.models import Reference
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SEED_DAY = datetime.datetime(2025, 3, 19, 14, 30, tzinfo=datetime.UTC)


def page_of(client, article):
    return client.get(f"/articles/{article.slug}/")


def approved_on(article, when):
    """Pretend the board's approval of the open round happened at `when`."""
    ReviewRound.objects.filter(article=article, outcome=ReviewRound.Outcome.APPROVED).update(
        closed_at=when
    )


@pytest.fixture
def published(policy, make_article, reviewer, editor):
    """Approved by Rosa Lind, MD on March 19, 2025, and published by Edna."""
    article = make_article("under_review")
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    approved_on(article, SEED_DAY)
    workflow.publish(article=article, by=editor)
    article.refresh_from_db()
    return article


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_reader_sees_the_question_as_the_heading(client, published):
    html = page_of(client, published).content.decode()
    assert "<h1>What helps peripheral neuropathy?</h1>" in html


def test_page_shows_every_element_in_the_designed_order(client, published):
    html = re.split(r"<main[^>]*>", page_of(client, published).content.decode())[1]
    in_order = [
        "<h1>What helps peripheral neuropathy?</h1>",
        "All articles are reviewed for accuracy by our Medical Advisory Board",
        "Submitted",
        "Under Review",
        "Approved",
        "Last updated: ",
        "View editorial policy",
        "Reviewed by",
        "Exercise and foot care.",
        "From the Guidelines",
        "References",
        "Next review due: ",
        "Professional Medical Disclaimer",
    ]
    positions = [html.find(text) for text in in_order]
    assert -1 not in positions, dict(zip(in_order, positions, strict=True))
    assert positions == sorted(positions)


def test_last_updated_is_the_approval_date_and_links_to_that_policy_version(client, published):
    html = page_of(client, published).content.decode()
    assert re.search(
        r"Last updated: <time[^>]*>March 19, 2025</time></span>\s*<span[^>]*>•</span>\s*"
        r'<a href="/editorial-policy/1/">View editorial policy</a>',
        html,
    )


def test_review_steps_mark_approved_as_reached(client, published):
    html = page_of(client, published).content.decode()
    assert '<li class="step done" aria-current="step">Approved</li>' in html


def test_reviewed_by_names_the_approver_with_credentials_and_links_to_the_board(client, published):
    html = page_of(client, published).content.decode()
    assert '<a href="/board/#rosa-lind">Rosa Lind, MD</a>' in html


def test_body_has_numbered_citation_linking_to_its_reference(client, published):
    html = page_of(client, published).content.decode()
    assert '<sup class="citation"><a href="#ref-1">1</a></sup>' in html
    assert 'id="ref-1"' in html
    assert "Diabetic Neuropathy: A Position Statement" in html
    assert "https://doi.org/10.2337/dc16-2042" in html
    assert "https://pubmed.ncbi.nlm.nih.gov/27999003/" in html


def test_next_review_due_is_a_policy_interval_after_approval(client, published):
    html = page_of(client, published).content.decode()
    assert re.search(r"Next review due: <time[^>]*>March 19, 2026</time>", html)


def test_retraction_badge_is_shown_for_a_reference_retracted_before_publication(
    client, policy, make_article, reviewer, editor, reference
):
    article = make_article("under_review")
    # Corrected (not retracted) references may be approved once the warning is acknowledged.
    Reference.objects.filter(pk=reference.pk).update(retraction_status="corrected")
    warnings = [w.code for w in checks.approval_warnings(article)]
    workflow.approve(
        article=article, by=reviewer, conflict_of_interest="none", acknowledged_warnings=warnings
    )
    workflow.publish(article=article, by=editor)
    html = page_of(client, article).content.decode()
    assert "badge-corrected" in html
    assert "Corrected" in html


def test_medical_web_page_json_ld_describes_the_review(client, published):
    data = json_ld(page_of(client, published).content.decode())
    assert data["@type"] == "MedicalWebPage"
    assert data["headline"] == "What helps peripheral neuropathy?"
    assert data["lastReviewed"] == "2025-03-19"
    assert data["reviewedBy"][0]["name"] == "Rosa Lind"
    assert data["reviewedBy"][0]["honorificSuffix"] == "MD"
    assert data["datePublished"]
    assert data["dateModified"]
    assert data["citation"][0]["name"].startswith("Diabetic Neuropathy")
    assert "https://doi.org/10.2337/dc16-2042" in data["citation"][0]["sameAs"]


def test_json_ld_cannot_be_closed_by_a_title(client, policy, make_article, reviewer, editor):
    title = "Is </script><script>alert(1)</script> safe?"
    article = make_article("under_review", title=title)
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    workflow.publish(article=article, by=editor)
    html = page_of(client, article).content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(html)["headline"] == title


def test_page_sends_validators_and_cdn_cache_control(client, published):
    response = page_of(client, published)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    cache_control = response["Cache-Control"]
    for directive in ("public", "max-age=", "s-maxage=", "stale-while-revalidate="):
        assert directive in cache_control


def test_matching_etag_gets_304_with_no_body(client, published):
    etag = page_of(client, published)["ETag"]
    again = client.get(f"/articles/{published.slug}/", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_matching_last_modified_gets_304(client, published):
    last_modified = page_of(client, published)["Last-Modified"]
    again = client.get(f"/articles/{published.slug}/", headers={"if-modified-since": last_modified})
    assert again.status_code == 304


def test_stale_etag_gets_the_full_page(client, published):
    again = client.get(f"/articles/{published.slug}/", headers={"if-none-match": '"p0-old"'})
    assert again.status_code == 200
    assert b"What helps peripheral neuropathy?" in again.content


def test_signed_in_person_gets_a_private_response(client, published, outsider):
    client.force_login(outsider)
    response = page_of(client, published)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_unknown_slug_is_404(client, db):
    assert client.get("/articles/no-such-article/").status_code == 404


@pytest.mark.parametrize("state", ["draft", "submitted", "under_review", "approved"])
def test_never_published_article_is_404_for_everyone(client, make_article, policy, state):
    article = make_article(state)
    assert page_of(client, article).status_code == 404
    client.force_login(article.authors.first())
    assert page_of(client, article).status_code == 404


def test_archived_article_is_410_with_a_short_notice(client, published, editor):
    workflow.archive(article=published, by=editor, reason="Merged into a broader article.")
    response = page_of(client, published)
    assert response.status_code == 410
    html = response.content.decode()
    assert "This article has been withdrawn" in html
    assert "Merged into a broader article." in html
    assert "Exercise helps" not in html
    assert '<a class="skip-link"' in html  # in the site layout


def test_draft_of_next_revision_is_not_shown(client, published, author):
    workflow.revise(article=published, by=author)
    workflow.save_content(
        article=published,
        by=author,
        expected_revision=published.revision,
        title="A new working title",
        summary="Unreviewed summary.",
        body="Unreviewed text [@pmid:27999003].",
    )
    html = page_of(client, published).content.decode()
    assert "What helps peripheral neuropathy?" in html
    assert "Unreviewed" not in html
    assert "A new working title" not in html


def test_approver_without_a_board_profile_is_named_without_a_link(
    client, policy, make_article, editor
):
    board_member = make_user("nora", "Medical Advisory Board", first_name="Nora", last_name="Quill")
    article = make_article("under_review")
    workflow.approve(article=article, by=board_member, conflict_of_interest="none")
    workflow.publish(article=article, by=editor)
    html = page_of(client, article).content.decode()
    assert "Nora Quill" in html
    assert 'href="/board/#' not in html


def test_today_approval_shows_today_as_last_updated(client, policy, make_article, editor):
    article = make_article("published")
    today = timezone.localdate().strftime("%B %-d, %Y")
    assert f">{today}</time>" in page_of(client, article).content.decode()


def test_anonymous_page_sets_no_cookie_so_a_cdn_can_store_it(client, published):
    response = page_of(client, published)
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
