"""Every change made in the admin goes through the workflow: an event, a history row, a lock."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import State, WorkflowEvent
from tests.conftest import edit_body, make_user
from tests.test_admin import change_form_data, change_url


def events(article: Any) -> list[str]:
    return list(
        WorkflowEvent.objects.filter(article=article)
        .order_by("pk")
        .values_list("transition", flat=True)
    )


def test_saving_the_admin_form_unchanged_writes_nothing(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article(
        body="A body with trailing space and CRLF lines.  \r\n\r\nSecond [@pmid:27999003]\n"
    )
    client.force_login(editor)
    before = (article.revision, article.history.count(), events(article))
    data = change_form_data(client, change_url(article))
    data["body"] = data["body"].replace("\n", "\r\n")  # what a browser sends from a textarea
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.revision, article.history.count(), events(article)) == before


def test_an_authors_only_change_is_an_event_and_a_history_row(
    client: Any, policy: Any, make_article: Any, editor: Any, author: Any
) -> None:
    article = make_article()
    co_author = make_user("coauthor", "Authors")
    client.force_login(editor)
    data = change_form_data(client, change_url(article))
    data["authors"] = [author.pk, co_author.pk]
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert set(article.authors.all()) == {author, co_author}
    event = WorkflowEvent.objects.filter(article=article).latest("pk")
    assert (event.transition, event.actor) == ("change_authors", editor)
    record = article.history.latest()
    assert record.history_change_reason.startswith("change_authors")
    assert record.history_user == editor


def test_a_slug_change_is_an_event_and_a_history_row(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article()
    client.force_login(editor)
    data = change_form_data(client, change_url(article))
    data["slug"] = "neuropathy-physical-therapy"
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.slug == "neuropathy-physical-therapy"
    event = WorkflowEvent.objects.filter(article=article).latest("pk")
    assert (event.transition, event.actor) == ("change_slug", editor)
    assert "neuropathy-physical-therapy" in event.comment
    assert article.history.latest().history_change_reason.startswith("change_slug")


@pytest.mark.parametrize("field", ["slug", "authors"])
def test_a_stale_slug_or_authors_change_is_refused_with_the_form_kept(
    client: Any, policy: Any, make_article: Any, editor: Any, author: Any, field: str
) -> None:
    article = make_article()
    client.force_login(editor)
    data = change_form_data(client, change_url(article))
    edit_body(article, by=author, body=article.body + "\n\nChanged meanwhile by the author.")
    data[field] = "a-new-address" if field == "slug" else [make_user("new", "Authors").pk]
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Someone saved a newer version" in response.content.decode()
    article.refresh_from_db()
    assert (article.slug, list(article.authors.all())) == (
        "what-helps-peripheral-neuropathy",
        [author],
    )
    assert not {"change_slug", "change_authors"} & set(events(article))


def test_a_published_article_keeps_its_address_even_by_crafted_post(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article("published")
    client.force_login(editor)
    data = change_form_data(client, change_url(article))
    data["slug"] = "moved"
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.slug != "moved"
    assert "change_slug" not in events(article)


def test_a_made_up_transition_name_answers_400_with_a_message(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article("approved")
    client.force_login(editor)
    url = reverse("admin:articles_article_transition", args=[article.pk, "teleport"])
    response = client.post(url, {})
    assert response.status_code == 400
    assert "“teleport” is not a workflow action" in response.content.decode()
    data = change_form_data(client, change_url(article))
    data["_fsm_transition_to"] = "delete"
    response = client.post(change_url(article), data)
    assert response.status_code == 400
    article.refresh_from_db()
    assert article.state == State.APPROVED


def test_a_publish_time_in_the_past_is_refused_not_published_at_once(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article("approved")
    client.force_login(editor)
    url = reverse("admin:articles_article_transition", args=[article.pk, "publish"])
    past = timezone.localtime(timezone.now() - datetime.timedelta(days=2))
    response = client.post(url, {"at": past.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert "has passed" in response.content.decode()
    response = client.post(
        reverse("articles:publish", args=[article.pk]), {"at": past.strftime("%Y-%m-%dT%H:%M")}
    )
    assert "has passed" in response.content.decode()
    response = client.post(reverse("articles:publish", args=[article.pk]), {"at": "next tuesday"})
    assert response.status_code == 400
    article.refresh_from_db()
    assert article.state == State.APPROVED
    assert article.current_publication is None


def test_a_comment_is_an_event_in_the_audit_trail(
    policy: Any, make_article: Any, reviewer: Any
) -> None:
    article = make_article("under_review")
    records = article.history.count()
    workflow.add_comment(article=article, by=reviewer, body="Is the 2024 update out yet?")
    event = WorkflowEvent.objects.filter(article=article).latest("pk")
    assert (event.transition, event.actor, event.comment) == (
        "comment",
        reviewer,
        "Is the 2024 update out yet?",
    )
    assert (event.from_state, event.to_state) == (State.UNDER_REVIEW, State.UNDER_REVIEW)
    assert article.history.count() == records  # the article itself did not change


def test_a_page_where_nothing_can_be_changed_has_no_save_button(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    client.force_login(editor)
    live = client.get(change_url(make_article("published"))).content.decode()
    assert 'name="_save"' not in live and 'name="_continue"' not in live
    assert 'value="revise"' in live or 'value="archive"' in live  # the workflow's buttons stay
    draft = client.get(change_url(make_article())).content.decode()
    assert 'name="_save"' in draft


def test_the_admin_edits_the_subject_through_the_workflow(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article()
    client.force_login(editor)
    data = change_form_data(client, change_url(article))
    data["subject"] = "Peripheral neuropathy"
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.subject == "Peripheral neuropathy"
    assert events(article)[-1] == "edit"


def test_a_stale_form_sending_the_current_text_is_no_conflict_and_no_edit(
    make_article: Any, author: Any
) -> None:
    article = make_article()
    stale = article.revision
    edit_body(article, by=author, body=article.body + "\n\nA newer paragraph.")
    article.refresh_from_db()
    revision = article.revision
    workflow.save_content(
        article=article,
        by=author,
        expected_revision=stale,
        title=article.title,
        summary=article.summary,
        body=article.body,
    )
    article.refresh_from_db()
    assert article.revision == revision
