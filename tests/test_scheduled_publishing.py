"""Scheduled publishing: `manage.py publish_scheduled`, safe to run on several machines at once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from articles import workflow
from articles.models import Article, Publication, State
from editorial import roles

pytestmark = pytest.mark.django_db


def schedule(article, editor, *, minutes_ago: int = 5):
    """Schedule for a minute from now, then pretend that time has passed."""
    workflow.publish(article=article, by=editor, at=timezone.now() + datetime.timedelta(minutes=1))
    Article.objects.filter(pk=article.pk).update(
        publish_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    article.refresh_from_db()
    return article


def test_scheduling_does_not_publish_yet(client, policy, make_article, editor):
    article = make_article("approved")
    workflow.publish(article=article, by=editor, at=timezone.now() + datetime.timedelta(days=1))
    article.refresh_from_db()
    assert article.state == State.APPROVED
    assert article.current_publication is None
    assert client.get(f"/articles/{article.slug}/").status_code == 404
    call_command("publish_scheduled")
    article.refresh_from_db()
    assert article.state == State.APPROVED


def test_publish_scheduled_publishes_what_is_due(client, policy, make_article, editor, capsys):
    article = schedule(make_article("approved"), editor)
    call_command("publish_scheduled")
    article.refresh_from_db()
    assert article.state == State.PUBLISHED
    assert article.publish_at is None
    assert article.current_publication.published_by == editor
    assert "Published “What helps peripheral neuropathy?”" in capsys.readouterr().out
    assert client.get(f"/articles/{article.slug}/").status_code == 200


def test_publish_scheduled_run_again_publishes_nothing_more(policy, make_article, editor, capsys):
    article = schedule(make_article("approved"), editor)
    call_command("publish_scheduled")
    call_command("publish_scheduled")
    assert Publication.objects.filter(article=article).count() == 1
    assert "Nothing is due for publication." in capsys.readouterr().out


def test_publish_scheduled_fails_loudly_when_the_scheduler_lost_the_role(
    policy, make_article, editor
):
    article = schedule(make_article("approved"), editor)
    editor.groups.clear()
    editor.is_superuser = False
    editor.save()
    roles.forget_groups(editor)
    with pytest.raises(CommandError, match="1 scheduled article"):
        call_command("publish_scheduled")
    article.refresh_from_db()
    assert article.state == State.APPROVED
    assert article.publish_at is not None  # still scheduled: the next run retries


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_scheduled_publishing_run_twice_at_once_publishes_once(policy, make_article, editor):
    article = schedule(make_article("approved"), editor)
    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            published, refused = workflow.publish_due()
            results.append(len(published))
            assert not refused
        except BaseException as error:  # reported below, in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(results) == [0, 1]
    assert Publication.objects.filter(article=article).count() == 1
    article.refresh_from_db()
    assert article.state == State.PUBLISHED
    assert article.events.filter(transition="publish").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_skips_an_article_another_run_is_publishing(policy, make_article, editor):
    article = schedule(make_article("approved"), editor)
    other_run: list[int] = []

    def run() -> None:
        try:
            other_run.append(len(workflow.publish_due()[0]))
        finally:
            connection.close()

    with transaction.atomic():
        Article.objects.select_for_update().get(pk=article.pk)  # another machine holds it
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=30)
    assert other_run == [0]  # skipped, not blocked
    assert len(workflow.publish_due()[0]) == 1
    assert Publication.objects.filter(article=article).count() == 1
