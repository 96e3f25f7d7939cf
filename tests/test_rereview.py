"""Periodic re-review: due dates, the overdue list, and a re-review's new publication."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import workflow
from articles.models import Article, ReviewRound
from editorial.models import EditorialPolicy

pytestmark = pytest.mark.django_db

FIRST_APPROVAL = datetime.datetime(2025, 3, 19, 14, 30, tzinfo=datetime.UTC)


def publish_approved_on(article, when, *, editor):
    ReviewRound.objects.filter(article=article, outcome=ReviewRound.Outcome.APPROVED).update(
        closed_at=when
    )
    workflow.publish(article=article, by=editor)
    article.refresh_from_db()
    return article


@pytest.fixture
def overdue(policy, make_article, editor):
    """Approved March 19, 2025 under a 12-month policy: due March 19, 2026 (long past)."""
    return publish_approved_on(make_article("approved"), FIRST_APPROVAL, editor=editor)


def rereview(article, *, reviewer, editor):
    workflow.start_rereview(article=article, by=reviewer)
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    workflow.publish(article=article, by=editor)
    article.refresh_from_db()
    return article


def test_next_review_due_is_approval_plus_the_policy_interval(overdue):
    assert overdue.current_publication.next_review_due == datetime.date(2026, 3, 19)


def test_interval_comes_from_the_policy_the_round_was_approved_under(make_article, editor, policy):
    EditorialPolicy.objects.filter(pk=policy.pk).update(review_interval_months=6)
    article = publish_approved_on(
        make_article("approved"),
        datetime.datetime(2025, 8, 31, 12, tzinfo=datetime.UTC),
        editor=editor,
    )
    assert article.current_publication.next_review_due == datetime.date(2026, 2, 28)


def test_overdue_article_is_in_the_review_due_list(overdue):
    today = timezone.localdate()
    assert list(Article.objects.review_due(today)) == [overdue]


def test_article_not_yet_due_is_not_in_the_review_due_list(overdue):
    assert list(Article.objects.review_due(datetime.date(2026, 3, 18))) == []
    assert list(Article.objects.review_due(datetime.date(2026, 3, 19))) == [overdue]


def test_archived_article_is_not_due_for_re_review(overdue, editor):
    workflow.archive(article=overdue, by=editor, reason="Superseded.")
    assert list(Article.objects.review_due(timezone.localdate())) == []


def test_re_review_writes_a_new_publication_with_the_same_content_and_new_dates(
    overdue, reviewer, editor
):
    first = overdue.current_publication
    article = rereview(overdue, reviewer=reviewer, editor=editor)
    second = article.current_publication
    assert second.number == 2
    assert second.revision == first.revision
    assert second.body_html == first.body_html
    assert second.references_html == first.references_html
    assert second.content_approved_at == first.content_approved_at == FIRST_APPROVAL
    assert second.approved_at.date() == timezone.now().date()
    assert second.next_review_due > timezone.localdate()
    assert list(second.approvers.all()) == [reviewer]


def test_re_reviewed_article_leaves_the_review_due_list(overdue, reviewer, editor):
    rereview(overdue, reviewer=reviewer, editor=editor)
    assert list(Article.objects.review_due(timezone.localdate())) == []


def test_page_keeps_last_updated_and_shows_last_reviewed_after_a_re_review(
    client, overdue, reviewer, editor
):
    article = rereview(overdue, reviewer=reviewer, editor=editor)
    html = client.get(f"/articles/{article.slug}/").content.decode()
    today = timezone.localdate().strftime("%B %-d, %Y")
    assert re.search(r"Last updated: <time[^>]*>March 19, 2025</time>", html)
    assert re.search(rf"Last reviewed: <time[^>]*>{today}</time>", html)
    assert '<a href="/board/#rosa-lind">Rosa Lind, MD</a>' in html


def test_page_without_a_re_review_shows_no_separate_last_reviewed(client, overdue):
    html = client.get(f"/articles/{overdue.slug}/").content.decode()
    assert "Last reviewed" not in html


def test_flag_due_reviews_lists_overdue_articles(overdue, capsys):
    call_command("flag_due_reviews", on=datetime.date(2026, 4, 1))
    out = capsys.readouterr().out
    assert "1 article(s) due for re-review on 2026-04-01" in out
    assert "2026-03-19 (13 days overdue)" in out
    assert overdue.title in out


def test_flag_due_reviews_says_when_nothing_is_due(overdue, capsys):
    call_command("flag_due_reviews", on=datetime.date(2026, 1, 1))
    assert "No published article is due for re-review" in capsys.readouterr().out


def test_flag_due_reviews_can_fail_for_monitoring(overdue):
    with pytest.raises(SystemExit) as exit_info:
        call_command("flag_due_reviews", on=datetime.date(2026, 4, 1), fail_if_due=True)
    assert exit_info.value.code == 3


def test_a_published_article_citing_a_reference_retracted_since_is_due_at_once(
    client, policy, make_article, reviewer, reference
):
    from references.models import Reference

    article = make_article("published")
    assert not Article.objects.review_due(timezone.localdate()).filter(pk=article.pk).exists()
    Reference.objects.filter(pk=reference.pk).update(
        retraction_status=Reference.RetractionStatus.RETRACTED
    )

    due = Article.objects.review_due(timezone.localdate()).get(pk=article.pk)
    assert due.cites_retracted
    client.force_login(reviewer)
    assert "Cites a retracted reference" in client.get("/review/").content.decode()
    out = io.StringIO()
    call_command("flag_due_reviews", stdout=out)
    assert "cites a retracted reference" in out.getvalue()
