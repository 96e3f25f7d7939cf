"""The Django admin: transitions go through the workflow, whatever the POST says."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from articles import workflow
from articles.models import Article, Publication, State
from editorial import roles
from tests.conftest import edit_body, make_user


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def change_form_data(client: Any, url: str) -> dict[str, Any]:
    """What the browser would post back from the admin's change form, unchanged."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = [getattr(v, "pk", v) for v in value] if isinstance(value, list) else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


@pytest.fixture
def staff_clerk(db: Any) -> Any:
    """Staff with the model permissions to change articles, but no role in the workflow."""
    user = make_user("clara", staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", codename__in=["view_article", "change_article"]
        )
    )
    return user


def test_the_editor_sees_the_publish_button_on_an_approved_article(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article("approved")
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert 'name="_fsm_transition_to"' in page
    assert 'value="publish"' in page
    assert 'value="approve"' not in page


def test_staff_without_a_role_cannot_transition_by_a_crafted_post(
    client: Any, policy: Any, make_article: Any, staff_clerk: Any
) -> None:
    article = make_article("submitted")
    client.force_login(staff_clerk)
    page = client.get(change_url(article)).content.decode()
    assert 'name="_fsm_transition_to"' not in page  # no buttons offered

    data = change_form_data(client, change_url(article))
    data["_fsm_transition_to"] = "start_review"
    response = client.post(change_url(article), data, follow=True)

    article.refresh_from_db()
    assert article.state == State.SUBMITTED
    assert article.events.filter(transition="start_review").count() == 0
    assert "Only a member of the Medical Advisory Board" in response.content.decode()


@pytest.mark.parametrize("person", ["staff_clerk", "editor"])
def test_a_crafted_post_to_the_transition_form_is_refused(
    request: pytest.FixtureRequest, client: Any, policy: Any, make_article: Any, person: str
) -> None:
    article = make_article("under_review")
    client.force_login(request.getfixturevalue(person))
    url = reverse("admin:articles_article_transition", args=[article.pk, "approve"])

    client.post(url, {"conflict_of_interest": "none"})

    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW
    assert not article.rounds.get().reviews.exists()


def test_a_board_member_who_wrote_the_article_cannot_approve_it_in_the_admin(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article("under_review")
    editor.groups.add(Group.objects.get(name=roles.BOARD))
    roles.forget_groups(editor)
    article.authors.add(editor)
    client.force_login(editor)

    client.post(
        reverse("admin:articles_article_transition", args=[article.pk, "approve"]),
        {"conflict_of_interest": "none"},
    )
    data = change_form_data(client, change_url(article))
    data["_fsm_transition_to"] = "approve"
    client.post(change_url(article), data)

    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW
    assert not article.rounds.get().reviews.exists()


@pytest.mark.parametrize("action", ["approve", "request_changes"])
def test_the_admin_sends_a_board_member_to_the_review_page_to_decide(
    client: Any, policy: Any, make_article: Any, reviewer: Any, staff_clerk: Any, action: str
) -> None:
    """The review page has what a decision needs (rendering, diff, evidence warnings to
    acknowledge); the admin's button never fails without a way forward."""
    article = make_article("under_review")
    reviewer.is_staff = True
    reviewer.save()
    reviewer.user_permissions.add(*staff_clerk.user_permissions.all())
    client.force_login(reviewer)
    url = reverse("admin:articles_article_transition", args=[article.pk, action])

    for response in (
        client.get(url),
        client.post(url, {"conflict_of_interest": "none", "comment": "Sound."}),
    ):
        assert response.status_code == 302
        assert response["Location"] == f"/review/{article.pk}/"
    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW
    assert not article.rounds.get().reviews.exists()


def test_the_admins_evidence_button_leads_to_the_review_page_where_the_reason_is_asked(
    client: Any, policy: Any, make_article: Any, reference: Any, reviewer: Any, staff_clerk: Any
) -> None:
    article = make_article("published")
    found = type(reference).objects.get(pk=reference.pk)
    found.retraction_status = "corrected"  # found after the article went live
    found.save()
    reviewer.is_staff = True
    reviewer.save()
    reviewer.user_permissions.add(*staff_clerk.user_permissions.all())
    client.force_login(reviewer)
    data = change_form_data(client, change_url(article))
    data["_fsm_transition_to"] = "dismiss_evidence_flag"
    response = client.post(change_url(article), data, follow=True)
    assert response.redirect_chain[-1][0] == f"/review/{article.pk}/"
    assert "Why no change is needed" in response.text
    assert article.has_evidence_flag()  # nothing answered without a reason


def test_the_admin_ignores_a_posted_state(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article()
    client.force_login(editor)
    data = change_form_data(client, change_url(article))
    data["state"] = "published"
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.state == State.DRAFT


def test_an_editor_edit_in_the_admin_goes_through_the_workflow(
    client: Any, make_article: Any, editor: Any
) -> None:
    article = make_article()
    client.force_login(editor)
    data = change_form_data(client, change_url(article))
    data["summary"] = "Edited in the admin."
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.summary == "Edited in the admin."
    assert article.events.filter(transition="edit", actor=editor).exists()


def test_a_stale_admin_edit_is_refused_and_keeps_the_text(
    client: Any, make_article: Any, author: Any, editor: Any
) -> None:
    article = make_article()
    client.force_login(editor)
    data = change_form_data(client, change_url(article))
    workflow.save_content(
        article=article,
        by=author,
        expected_revision=article.revision,
        title=article.title,
        summary="The author's newer summary.",
        body=article.body,
    )
    data["summary"] = "The editor's summary."

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    assert "Someone saved a newer version" in response.content.decode()
    assert "The editor&#x27;s summary." in response.content.decode()
    article.refresh_from_db()
    assert article.summary == "The author's newer summary."


def test_content_of_a_submitted_article_is_read_only_in_the_admin(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article("submitted")
    client.force_login(editor)
    form = client.get(change_url(article)).context["adminform"].form
    assert "body" not in form.fields
    assert "title" not in form.fields


def test_publications_and_articles_cannot_be_changed_or_deleted_in_the_admin(
    client: Any, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article("published")
    publication = Publication.objects.get(article=article)
    client.force_login(editor)

    assert (
        client.get(reverse("admin:articles_publication_change", args=[publication.pk])).status_code
        == 200
    )
    response = client.post(
        reverse("admin:articles_publication_change", args=[publication.pk]), {"title": "Changed"}
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    publication.refresh_from_db()
    assert publication.title == article.title
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("person", ["author", "reviewer", "outsider"])
def test_people_without_staff_status_cannot_open_the_admin(
    request: pytest.FixtureRequest, client: Any, make_article: Any, person: str
) -> None:
    article = make_article()
    client.force_login(request.getfixturevalue(person))
    response = client.get(change_url(article))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_old_version_cannot_be_restored_from_the_admin_history(
    client: Any, make_article: Any, author: Any, editor: Any
) -> None:
    article = make_article(body="First words [@pmid:27999003].")
    edit_body(article, by=author, body="Second words [@pmid:27999003].")
    oldest = article.history.order_by("history_id").first()
    client.force_login(editor)
    url = reverse("admin:articles_article_simple_history", args=[article.pk, oldest.history_id])

    assert client.get(url).status_code == 200
    assert client.post(url, {"body": "First words.", "title": article.title}).status_code == 403
    article.refresh_from_db()
    assert article.body == "Second words [@pmid:27999003]."


def test_an_editor_cannot_make_anyone_a_superuser(client: Any, editor: Any, outsider: Any) -> None:
    client.force_login(editor)
    url = reverse("admin:auth_user_change", args=[outsider.pk])
    form = client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields


def test_an_editor_cannot_change_a_superusers_account(client: Any, editor: Any) -> None:
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-123456789")
    client.force_login(editor)
    response = client.post(
        reverse("admin:auth_user_change", args=[boss.pk]), {"username": "hijacked"}
    )
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.username == "boss"


def test_an_oversized_body_in_the_admin_is_refused_on_the_form_with_the_text_kept(
    client: Any, make_article: Any, editor: Any
) -> None:
    article = make_article()
    client.force_login(editor)
    data = change_form_data(client, change_url(article))
    data["body"] = "Long careful text. " * 30_000

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "The content was not saved." in page
    assert "Long careful text. Long careful text." in page
    assert "was changed successfully" not in page
    article.refresh_from_db()
    assert not article.body.startswith("Long careful text.")


def test_the_admin_add_form_creates_a_draft_through_the_workflow(client: Any, editor: Any) -> None:
    client.force_login(editor)
    url = reverse("admin:articles_article_add")
    data = change_form_data(client, url)
    data.update(
        title="Is cold water swimming safe?", slug="ignored", body="Body.", audience="patient"
    )
    data["authors"] = [editor.pk]

    response = client.post(url, data)

    assert response.status_code == 302
    article = Article.objects.get(title="Is cold water swimming safe?")
    assert article.state == State.DRAFT
    assert article.events.filter(transition="edit", actor=editor).exists()


def test_staff_without_a_writing_role_get_a_form_error_not_a_crash_when_adding(
    client: Any, staff_clerk: Any
) -> None:
    staff_clerk.user_permissions.add(Permission.objects.get(codename="add_article"))
    client.force_login(staff_clerk)
    url = reverse("admin:articles_article_add")
    data = change_form_data(client, url)
    data.update(
        title="A clerk's question?", slug="clerk", body="Typed by a clerk.", audience="patient"
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Only authors and editors can start a new article." in response.content.decode()
    assert not Article.objects.filter(title="A clerk's question?").exists()
