"""The editor: save, conflicts, submit, withdraw, resubmit, revise, preview, add reference."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from articles import workflow
from references.lookup import LookupResult, ReferenceLookupError
from references.models import Reference
from tests.conftest import edit_body


def edit_url(article) -> str:
    return f"/drafts/{article.pk}/"


def form_data(article, **changes) -> dict:
    data = {
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "audience": article.audience,
        "expected_revision": article.revision,
    }
    data.update(changes)
    return data


def test_anonymous_visitor_is_sent_to_sign_in(client, make_article):
    article = make_article()
    response = client.get(edit_url(article))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(edit_url(article), form_data(article, body="Typed, then signed out."))
    assert response.status_code == 401
    assert "Typed, then signed out." in response.text  # shown back, never lost
    article.refresh_from_db()
    assert article.body != "Typed, then signed out."


def test_another_author_cannot_see_or_save_the_article(client, other_author, make_article):
    article = make_article()
    client.force_login(other_author)
    assert client.get(edit_url(article)).status_code == 404
    response = client.post(edit_url(article), form_data(article, body="Mine now."))
    assert response.status_code == 404
    article.refresh_from_db()
    assert article.body != "Mine now."


def test_board_member_sees_a_reviewed_article_read_only_and_cannot_save(
    client, policy, reviewer, make_article
):
    article = make_article("changes_requested")
    client.force_login(reviewer)
    page = client.get(edit_url(article)).text
    assert 'id="editor-form"' not in page
    response = client.post(edit_url(article), form_data(article, body="Reviewer text."))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.body != "Reviewer text."


def test_a_draft_never_submitted_is_not_shown_to_the_board(client, reviewer, make_article):
    article = make_article()
    client.force_login(reviewer)
    assert client.get(edit_url(article)).status_code == 404
    assert client.get(f"/review/{article.pk}/").status_code == 404


def test_author_sees_the_editor_with_labelled_fields_and_a_preview(client, author, make_article):
    article = make_article()
    client.force_login(author)
    response = client.get(edit_url(article))
    assert response.status_code == 200
    page = response.text
    for label in ("Title", "Summary", "Body"):
        assert f">{label}</label>" in page
    assert ">Save draft</button>" in page and ">Submit for review</button>" in page
    assert 'hx-post="/drafts/preview/"' in page
    assert 'class="citation"' in page  # the renderer's citation number, in the preview


def test_save_draft_saves_a_new_revision(client, author, make_article):
    article = make_article()
    client.force_login(author)
    response = client.post(edit_url(article), form_data(article, body="New text [@pmid:27999003]."))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "New text [@pmid:27999003]."
    assert article.revision == 2
    assert "Draft saved (revision 2)." in client.get(edit_url(article)).text


def test_a_conflicting_save_keeps_the_authors_text_and_says_why(
    client, author, editor, make_article
):
    article = make_article()
    stale = form_data(article, body="My unsaved paragraph about balance training.")
    edit_body(article, by=editor, body="The editor's version.")
    client.force_login(author)
    response = client.post(edit_url(article), stale)
    assert response.status_code == 409
    page = response.text
    assert "My unsaved paragraph about balance training." in page
    assert "someone else saved first" in page
    assert "<ins>" in page  # what they typed, against what is saved now
    article.refresh_from_db()
    assert article.body == "The editor's version."
    # Saving again is a deliberate choice over the revision they have now seen.
    assert 'name="expected_revision" value="2"' in page


def test_a_refused_save_keeps_the_text_and_lists_the_problem(client, author, make_article):
    article = make_article()
    client.force_login(author)
    response = client.post(edit_url(article), form_data(article, title="", body="Kept body."))
    assert response.status_code == 400
    assert "Kept body." in response.text
    assert "This field is required." in response.text


def test_submit_for_review_lists_what_is_missing(client, author, make_article):
    article = make_article(body="No sources yet.")
    client.force_login(author)
    response = client.post(edit_url(article), form_data(article, action="submit"))
    assert response.status_code == 400
    assert "The article cannot be submitted yet." in response.text
    assert "must cite at least one reference" in response.text
    article.refresh_from_db()
    assert article.state == "draft"


def test_submit_for_review_saves_the_text_first_then_submits(client, author, make_article, policy):
    article = make_article()
    client.force_login(author)
    body = article.body + "\nOne more sentence."
    response = client.post(edit_url(article), form_data(article, body=body, action="submit"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "submitted"
    assert article.body == body
    assert article.rounds.get().revision == article.revision


def test_submitted_article_is_read_only_with_withdraw(client, author, make_article, policy):
    article = make_article("submitted")
    client.force_login(author)
    page = client.get(edit_url(article)).text
    assert 'id="editor-form"' not in page
    assert ">Withdraw</button>" in page
    response = client.post(f"/drafts/{article.pk}/withdraw/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "draft"


def test_withdraw_by_another_author_is_refused(client, other_author, make_article, policy):
    article = make_article("submitted")
    client.force_login(other_author)
    assert client.post(f"/drafts/{article.pk}/withdraw/").status_code == 404
    article.refresh_from_db()
    assert article.state == "submitted"


def test_withdraw_in_the_wrong_state_shows_the_reason(client, author, make_article):
    article = make_article()
    client.force_login(author)
    response = client.post(f"/drafts/{article.pk}/withdraw/", follow=True)
    assert "so you cannot withdraw it now" in response.text


def test_changes_requested_shows_the_reviewers_comment_and_resubmit(
    client, author, make_article, policy
):
    article = make_article("changes_requested")
    client.force_login(author)
    page = client.get(edit_url(article)).text
    assert "Add a source." in page
    assert "Requested changes" in page
    assert ">Resubmit</button>" in page
    response = client.post(
        edit_url(article),
        {
            **form_data(article, body=article.body + "\nMore.", action="resubmit"),
            "answer-1": "done",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "submitted"


def test_published_article_offers_revise(client, author, make_article, policy):
    article = make_article("published")
    client.force_login(author)
    page = client.get(edit_url(article)).text
    assert ">Revise</button>" in page
    client.post(f"/drafts/{article.pk}/revise/")
    article.refresh_from_db()
    assert article.state == "draft"
    assert article.current_publication is not None


def test_unresolved_markers_are_listed_beside_the_editor(client, author, make_article):
    article = make_article(body="Claim [@pmid:27999003] and another [@nosuchkey2020].")
    client.force_login(author)
    page = client.get(edit_url(article)).text
    assert "[@nosuchkey2020]" in page
    assert "not found in the references library" in page


def test_preview_renders_the_text_being_typed(client, author, reference):
    client.force_login(author)
    response = client.post("/drafts/preview/", {"body": "Walk daily [@pmid:27999003] [@ghost]."})
    assert response.status_code == 200
    assert 'class="citation"' in response.text
    assert "Diabetic Neuropathy" in response.text  # the References list
    assert "[@ghost]" in response.text and 'hx-swap-oob="true"' in response.text


def test_preview_escapes_html(client, author):
    client.force_login(author)
    response = client.post("/drafts/preview/", {"body": "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in response.text


def test_preview_is_for_writers_only(client, outsider, db):
    assert client.post("/drafts/preview/", {"body": "x"}).status_code == 302
    client.force_login(outsider)
    assert client.post("/drafts/preview/", {"body": "x"}).status_code == 403


def test_add_reference_by_pmid_shows_the_marker_to_paste(client, author, make_article):
    article = make_article()
    found = Reference.objects.create(title="Exercise for neuropathy", pmid="31234567", year=2019)
    client.force_login(author)
    result = LookupResult(found, created=True, source="pubmed")
    with mock.patch("articles.views.references.lookup_reference", return_value=result) as lookup:
        response = client.post(
            f"/drafts/{article.pk}/references/add/", {"lookup-identifier": "31234567"}
        )
    lookup.assert_called_once_with("31234567")
    assert response.status_code == 200
    assert 'value="[@pmid:31234567]"' in response.text
    assert "Added to the library from PubMed" in response.text


def test_a_failed_look_up_says_why(client, author, make_article):
    article = make_article()
    client.force_login(author)
    failure = ReferenceLookupError("PubMed has no record of PMID 999. Check it and try again.")
    with mock.patch("articles.views.references.lookup_reference", side_effect=failure):
        response = client.post(
            f"/drafts/{article.pk}/references/add/", {"lookup-identifier": "999"}
        )
    assert response.status_code == 400
    assert "PubMed has no record of PMID 999." in response.text


def test_add_reference_by_hand_shows_the_marker(client, author, make_article):
    article = make_article()
    client.force_login(author)
    page = client.get(f"/drafts/{article.pk}/references/add/").text
    assert "Enter a reference by hand" in page
    data = {"manual-title": "A guideline on foot care", "manual-kind": "guideline"}
    data.update({"manual-doi": "10.1000/foot.1", "manual-year": "2022"})
    data.update({"manual-retraction_status": "unchecked"})
    response = client.post(f"/drafts/{article.pk}/references/add/", data)
    assert response.status_code == 200, response.text
    assert 'value="[@doi:10.1000/foot.1]"' in response.text
    assert Reference.objects.filter(doi="10.1000/foot.1").exists()


@pytest.mark.parametrize("who", ["anonymous", "other_author"])
def test_add_reference_is_refused_to_people_who_cannot_edit(client, request, who, make_article):
    article = make_article()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.post(f"/drafts/{article.pk}/references/add/", {"lookup-identifier": "1"})
    assert response.status_code in (302, 404)
    assert Reference.objects.count() == 1


@pytest.mark.parametrize("action", ["submit", "withdraw", "resubmit", "revise"])
def test_author_actions_send_an_anonymous_visitor_to_sign_in(client, make_article, action):
    article = make_article()
    response = client.post(f"/drafts/{article.pk}/{action}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    article.refresh_from_db()
    assert article.state == "draft"


def test_a_save_after_the_article_was_submitted_elsewhere_keeps_the_text(
    client, author, make_article, policy
):
    article = make_article()
    typed = form_data(article, body="Typed in a second tab before noticing.")
    workflow.submit(article=article, by=author)
    client.force_login(author)
    response = client.post(edit_url(article), typed)
    assert response.status_code == 400
    assert "Typed in a second tab before noticing." in response.text
    assert "its content can be changed only while it is a draft" in response.text
    article.refresh_from_db()
    assert article.state == "submitted" and "second tab" not in article.body


def test_preview_after_the_session_ended_says_so_instead_of_showing_the_sign_in_page(client, db):
    response = client.post("/drafts/preview/", {"body": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "You have been signed out" in response.text
    assert "<form" not in response.text


def test_submit_after_a_reference_was_added_to_the_library_saves_the_citations_again(
    client, author, make_article, policy
):
    article = make_article(body="Helps [@pmid:27999003] and [@late2024].")
    Reference.objects.create(title="Late study", key="late2024", year=2024)
    client.force_login(author)
    response = client.post(edit_url(article), form_data(article, action="submit"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == "submitted"
    assert article.cited_references.count() == 2


def test_the_preview_refuses_a_body_over_the_limit_with_the_limit_named(
    client: Any, author: Any
) -> None:
    from articles import workflow

    client.force_login(author)
    body = "x" * (workflow.BODY_MAX_LENGTH + 1)
    response = client.post("/drafts/preview/", {"body": body}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "No preview: the body is 500,001 characters and the limit is 500,000" in page
    assert "x" * 1000 not in page  # nothing rendered


def test_the_preview_is_rate_limited_per_person(
    client: Any, author: Any, other_author: Any, monkeypatch: Any
) -> None:
    from django.core.cache import cache

    from articles.views import desk
    from editorial import ratelimit

    monkeypatch.setattr(desk, "PREVIEWS_PER_MINUTE", 3)
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_000.0)  # one fixed window
    cache.clear()
    client.force_login(author)
    for _ in range(3):
        assert "pauses" not in client.post("/drafts/preview/", {"body": "Hello"}).text
    assert "The preview pauses for a moment" in client.post("/drafts/preview/", {"body": "Hi"}).text
    client.force_login(other_author)
    assert "Hello" in client.post("/drafts/preview/", {"body": "Hello"}).text
    cache.clear()
