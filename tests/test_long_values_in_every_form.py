"""Every text field of every form takes a realistic long value, and refuses an over-long one
with the text kept. Run on PostgreSQL in CI, where a varchar bound is enforced (SQLite
ignores it), so a value the form accepts but a column cannot hold shows up here as a 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from articles.forms import TEXT_MAX_LENGTH
from articles.models import Article, Review, State
from editorial import roles
from editorial.models import BoardProfile, EditorialPolicy
from tests.conftest import make_user

SENTENCE = "Gabapentin and pregabalin reduce neuropathic pain in some adults; doses differ. "


def long_text(length: int = 2000) -> str:
    return (SENTENCE * (length // len(SENTENCE) + 1))[:length].rstrip() + "."


@pytest.fixture
def browser() -> Client:
    return Client(raise_request_exception=False)


def test_a_new_article_with_the_longest_title_and_long_summary_and_body(
    browser: Client, author: Any, reference: Any
) -> None:
    title = ("What are the physical therapy treatments for peripheral neuropathy? " * 6)[:300]
    browser.force_login(author)
    response = browser.post(
        reverse("articles:new"),
        {
            "title": title,
            "summary": long_text(),
            "body": long_text() + " [@pmid:27999003]",
            "audience": "patient",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    article = Article.objects.get()
    assert (len(article.title), len(article.summary)) == (len(title.strip()), 2000)
    page = browser.get(article.get_edit_url()).content.decode()
    assert article.summary[:200] in page


def test_an_over_long_title_is_refused_with_everything_kept(browser: Client, author: Any) -> None:
    browser.force_login(author)
    summary = long_text()
    response = browser.post(
        reverse("articles:new"),
        {"title": "x" * 301, "summary": summary, "body": long_text(), "audience": "patient"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 300 characters" in page
    assert summary[:300] in page
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("comment", "body"),
        ("approve", "conflict_of_interest"),
        ("approve", "comment"),
        ("request-changes", "comment"),
    ],
)
def test_review_forms_take_2000_characters_in_every_text_field(
    browser: Client, policy: Any, make_article: Any, reviewer: Any, path: str, field: str
) -> None:
    article = make_article("under_review")
    browser.force_login(reviewer)
    data = {"conflict_of_interest": "none", "comment": "", "body": ""}
    if path == "request-changes":
        data["comment"] = "placeholder"
    data[field] = long_text()
    response = browser.post(f"/review/{article.pk}/{path}/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    page = browser.get(f"/review/{article.pk}/").content.decode()
    assert long_text()[:500] in page.replace("&#x27;", "'")
    if path != "comment":
        review = Review.objects.get(round__article=article)
        assert getattr(review, field) == long_text()


@pytest.mark.parametrize(
    ("path", "field"),
    [("comment", "body"), ("request-changes", "comment"), ("approve", "comment")],
)
def test_an_over_long_review_text_is_refused_and_shown_back(
    browser: Client, policy: Any, make_article: Any, reviewer: Any, path: str, field: str
) -> None:
    article = make_article("under_review")
    browser.force_login(reviewer)
    text = long_text(TEXT_MAX_LENGTH + 50)
    response = browser.post(
        f"/review/{article.pk}/{path}/", {field: text, "conflict_of_interest": "none"}
    )
    assert response.status_code == 400
    page = response.content.decode().replace("&#x27;", "'")
    assert f"at most {TEXT_MAX_LENGTH:,}" in page or f"at most {TEXT_MAX_LENGTH}" in page
    assert text[-300:] in page
    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW


def test_archive_takes_a_2000_character_reason(
    browser: Client, policy: Any, make_article: Any, editor: Any
) -> None:
    article = make_article("published")
    browser.force_login(editor)
    response = browser.post(f"/review/{article.pk}/archive/", {"reason": long_text()})
    assert response.status_code == 302, response.content.decode()[:500]
    article.refresh_from_db()
    assert (article.state, article.archived_reason) == (State.ARCHIVED, long_text())
    gone = browser.get(f"/articles/{article.slug}/")
    assert gone.status_code == 410
    assert long_text()[:300] in gone.content.decode().replace("&#x27;", "'")


def test_the_admin_article_form_takes_its_longest_values(
    browser: Client, policy: Any, editor: Any, reference: Any
) -> None:
    browser.force_login(editor)
    title = ("Which exercises help balance in peripheral neuropathy? " * 6)[:300]
    response = browser.post(
        reverse("admin:articles_article_add"),
        {
            "title": title,
            "slug": "",
            "summary": long_text(),
            "body": long_text() + " [@pmid:27999003]",
            "audience": "clinician",
            "authors": [editor.pk],
            "rounds-TOTAL_FORMS": "0",
            "rounds-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, getattr(response, "context", {}) and [
        str(f.errors) for f in [response.context["adminform"].form]
    ]
    article = Article.objects.get()
    assert len(article.title) == len(title.strip())
    assert len(article.slug) <= Article._meta.get_field("slug").max_length


def test_a_policy_with_a_long_body_is_saved_through_the_admin(browser: Client, db: Any) -> None:
    admin = make_user("site-admin", is_superuser=True, staff=True)
    browser.force_login(admin)
    response = browser.post(
        reverse("admin:editorial_editorialpolicy_add"),
        {
            "version": "7",
            "effective_date": "2026-01-01",
            "body": long_text(),
            "required_approvals": "2",
            "review_interval_months": "12",
            "review_days": "14",
        },
    )
    assert response.status_code == 302, getattr(response, "context", {}) and [
        str(f.errors) for f in [response.context["adminform"].form]
    ]
    assert EditorialPolicy.objects.get(version=7).body == long_text()


def test_a_board_profile_with_the_longest_values_is_saved_through_the_admin(
    browser: Client, db: Any
) -> None:
    admin = make_user("site-admin", is_superuser=True, staff=True)
    member = make_user(
        "long-name",
        roles.BOARD,
        first_name="Maximiliana-Evangelina " * 6,
        last_name="Hohenzollern-Sigmaringen " * 4,
    )
    browser.force_login(admin)
    response = browser.post(
        reverse("admin:editorial_boardprofile_add"),
        {
            "user": member.pk,
            "slug": "",
            "credentials": ("MD, PhD, FACP, FRCP, " * 12)[:200],
            "specialty": ("Neurology / Clinical neurophysiology / " * 6)[:200],
            "bio": long_text(),
            "conflict_of_interest_disclosure": long_text(),
        },
    )
    assert response.status_code == 302, getattr(response, "context", {}) and [
        str(f.errors) for f in [response.context["adminform"].form]
    ]
    profile = BoardProfile.objects.get(user=member)
    assert len(profile.credentials) == 200 and len(profile.bio) == 2000


def test_two_board_members_with_the_same_name_both_get_a_profile(db: Any) -> None:
    first = make_user("smith1", roles.BOARD, first_name="Jane", last_name="Smith")
    second = make_user("smith2", roles.BOARD, first_name="Jane", last_name="Smith")
    one = BoardProfile.objects.create(user=first, credentials="MD")
    two = BoardProfile.objects.create(user=second, credentials="MD")
    assert one.slug != two.slug


def test_declining_an_assignment_takes_a_2000_character_reason(
    browser: Client, policy: Any, make_article: Any, editor: Any, reviewer: Any
) -> None:
    from articles import workflow
    from articles.models import ReviewAssignment

    article = make_article("submitted")
    (assignment,) = workflow.assign_reviewers(article=article, by=editor, reviewers=[reviewer])
    browser.force_login(reviewer)
    response = browser.post(f"/assignments/{assignment.pk}/decline/", {"reason": long_text()})
    assert response.status_code == 302, response.content.decode()[:500]
    assignment = ReviewAssignment.objects.get(pk=assignment.pk)
    assert (assignment.status, assignment.decline_reason) == ("declined", long_text())


def test_the_editor_takes_the_longest_subject(browser: Client, author: Any, reference: Any) -> None:
    limit = Article._meta.get_field("subject").max_length
    browser.force_login(author)
    response = browser.post(
        reverse("articles:new"),
        {
            "title": "Which medicines help painful diabetic neuropathy?",
            "subject": ("Painful diabetic peripheral neuropathy " * 10)[:limit],
            "summary": long_text(),
            "body": long_text() + " [@pmid:27999003]",
            "audience": "clinician",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert len(Article.objects.get().subject) == len(
        ("Painful diabetic peripheral neuropathy " * 10)[:limit].strip()
    )


def test_publishing_a_revision_takes_the_longest_change_note_and_keeps_an_over_long_one(
    browser: Client, policy: Any, make_article: Any, editor: Any, author: Any, reviewer: Any
) -> None:
    from articles import workflow
    from articles.models import Publication
    from tests.conftest import edit_body

    limit = Publication._meta.get_field("change_note").max_length
    article = make_article("published")
    workflow.revise(article=article, by=author)
    edit_body(article, by=author, body=article.body + "\n\nDoses updated for 2026.")
    workflow.submit(article=article, by=author)
    workflow.start_review(article=article, by=reviewer)
    workflow.approve(article=article, by=reviewer, conflict_of_interest="none")
    browser.force_login(editor)
    url = reverse("articles:publish", args=[article.pk])
    over = browser.post(url, {"at": "", "change_note": "x" * (limit + 1)})
    assert over.status_code == 400
    assert "x" * (limit + 1) in over.content.decode()
    note = ("Dosage table updated to the 2026 guideline; " * 20)[:limit].strip()
    response = browser.post(url, {"at": "", "change_note": note})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Publication.objects.filter(article=article).latest("number").change_note == note
