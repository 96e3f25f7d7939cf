"""The author's desk, /drafts/, and starting a new article."""

from __future__ import annotations

from django.urls import reverse

from articles.models import Article

DESK = "/drafts/"


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(DESK)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/drafts/")


def test_person_without_a_writing_role_is_refused(client, outsider):
    client.force_login(outsider)
    response = client.get(DESK)
    assert response.status_code == 403
    assert "You cannot open this page" in response.text


def test_reviewer_is_refused_the_desk(client, reviewer):
    client.force_login(reviewer)
    assert client.get(DESK).status_code == 403


def test_author_sees_own_articles_with_state_and_who_they_wait_on(
    client, author, other_author, make_article, policy
):
    mine = make_article("submitted", title="Does walking help knee pain?")
    draft = make_article(title="Is TENS useful for nerve pain?")
    theirs = make_article(by=other_author, title="Someone else's question?")
    client.force_login(author)
    response = client.get(DESK)
    assert response.status_code == 200
    page = response.text
    assert mine.title in page and draft.title in page
    assert theirs.title not in page
    assert "Submitted" in page and "Draft" in page
    assert "The board: a reviewer to start the review" in page
    assert "You: finish it and submit it for review" in page
    assert f'href="{reverse("articles:edit", args=[draft.pk])}"' in page


def test_desk_shows_approvals_so_far_for_an_article_in_review(client, author, make_article, policy):
    policy.required_approvals = 2
    policy.save()
    make_article("under_review")
    client.force_login(author)
    assert "The board: 0 of 2 approvals" in client.get(DESK).text


def test_desk_offers_new_article(client, author):
    client.force_login(author)
    page = client.get(DESK).text
    assert ">New article</a>" in page
    assert "You have no articles yet" in page


def test_navigation_shows_the_persons_name_and_their_pages(client, author, editor, reviewer):
    client.force_login(author)
    page = client.get(DESK).text
    assert "Alice Tester" in page and "My desk" in page and "Review queue" not in page
    client.force_login(reviewer)
    page = client.get("/review/").text
    assert "Rosa Lind" in page and "Review queue" in page and "My desk" not in page
    client.force_login(editor)
    page = client.get(DESK).text
    assert "Publishing" in page and "Review queue" in page


def test_new_article_page_has_the_three_labelled_fields(client, author):
    client.force_login(author)
    page = client.get("/drafts/new/").text
    for label in ("Title", "Summary", "Body"):
        assert f">{label}</label>" in page
    assert ">Save draft</button>" in page


def test_new_article_is_refused_to_a_person_without_a_writing_role(client, outsider):
    client.force_login(outsider)
    assert client.get("/drafts/new/").status_code == 403
    response = client.post("/drafts/new/", {"title": "Q?", "audience": "patient"})
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_new_article_is_saved_as_a_draft_by_its_author(client, author):
    client.force_login(author)
    response = client.post(
        "/drafts/new/",
        {
            "title": "Does yoga help back pain?",
            "summary": "",
            "body": "Text.",
            "audience": "patient",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == article.get_edit_url()
    assert article.state == "draft"
    assert list(article.authors.all()) == [author]


def test_new_article_without_a_title_keeps_the_text_and_says_why(client, author):
    client.force_login(author)
    response = client.post(
        "/drafts/new/", {"title": "", "body": "My careful paragraph.", "audience": "patient"}
    )
    assert response.status_code == 400
    assert "My careful paragraph." in response.text
    assert "This field is required." in response.text
    assert not Article.objects.exists()


def test_error_pages_use_the_site_layout(client, author):
    from django.template.loader import render_to_string

    client.force_login(author)
    missing = client.get("/drafts/999999/")
    assert missing.status_code == 404
    assert "Not found" in missing.text and "Alice Tester" in missing.text
    server_error = render_to_string("500.html")  # rendered with no context at all
    assert "Something went wrong on our side" in server_error
    assert 'class="site-header"' in server_error


def test_the_desk_costs_the_same_queries_for_many_articles(
    client, author, make_article, policy, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    states = ("draft", "submitted", "under_review", "approved", "published", "archived")
    for state in states:
        make_article(state)
    client.force_login(author)
    with CaptureQueriesContext(connection) as one:
        client.get(DESK)
    for state in states * 2:
        make_article(state)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(DESK).status_code == 200


def test_a_new_article_posted_after_signing_out_is_shown_back(client, db):
    assert client.get("/drafts/new/").status_code == 302
    response = client.post("/drafts/new/", {"title": "Q?", "body": "Long <b>draft</b> text."})
    assert response.status_code == 401
    assert "Long &lt;b&gt;draft&lt;/b&gt; text." in response.text
    assert not Article.objects.exists()
