"""loaddemo: demo people, a policy and articles in every state, idempotent, development only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.models import Article, Publication, State
from editorial import roles
from editorial.models import EditorialPolicy


def test_loaddemo_refuses_to_run_with_debug_off(db: Any, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("loaddemo")
    assert not get_user_model().objects.filter(username="author").exists()


def test_loaddemo_creates_articles_in_every_state_through_the_workflow(
    db: Any, settings: Any
) -> None:
    settings.DEBUG = True
    call_command("loaddemo")

    assert set(Article.objects.values_list("state", flat=True)) == set(State.values)
    assert EditorialPolicy.objects.current().version == 1
    reviewer = get_user_model().objects.get(username="reviewer")
    assert roles.is_board_member(reviewer)
    assert reviewer.check_password("demo-password")
    for article in Article.objects.filter(state=State.PUBLISHED):
        publication = article.current_publication
        assert publication.approvers.exists()
        assert article.events.filter(transition="publish").exists()
        assert article.cited_references.exists()


def test_loaddemo_twice_changes_nothing(db: Any, settings: Any) -> None:
    settings.DEBUG = True
    call_command("loaddemo")
    counts = (
        Article.objects.count(),
        Publication.objects.count(),
        get_user_model().objects.count(),
    )
    call_command("loaddemo")
    assert (
        Article.objects.count(),
        Publication.objects.count(),
        get_user_model().objects.count(),
    ) == counts


def test_the_data_migration_creates_the_three_roles(db: Any) -> None:
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_GROUPS)
    assert (
        Group.objects.get(name=roles.EDITORS).permissions.filter(codename="change_article").exists()
    )


def test_loaddemo_shows_one_live_page_flagged_for_the_board(
    db: Any, settings: Any, client: Any
) -> None:
    settings.DEBUG = True
    call_command("loaddemo")
    call_command("loaddemo")  # the notice is recorded once
    flagged = [a for a in Article.objects.live() if a.has_evidence_flag()]
    assert [a.title for a in flagged] == [
        "Does regular walking help with knee osteoarthritis pain?"
    ]
    client.force_login(get_user_model().objects.get(username="reviewer"))
    page = client.get("/review/").text
    assert 'Evidence flagged <span class="count">1</span>' in page
    assert "Correction</span>" in page
    public = client.get(f"/articles/{flagged[0].slug}/").text
    assert "A correction to reference 1 was found on" in public
