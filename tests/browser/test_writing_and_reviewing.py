"""Whole journeys in a real browser: write, review, revise, approve, publish, read."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article, Review
from editorial.models import DEFAULT_REVIEW_CHECKLIST
from references.models import Reference

BODY = (
    "## From the Guidelines\n\n"
    "Supervised exercise improves walking in people with neuropathy [@pmid:27999003].\n\n"
    "## From the Research\n\n"
    "Balance training reduces falls [@doi:10.1016/j.lpm.2024.104232].\n"
)


@pytest.fixture
def second_reference(transactional_db):
    return Reference.objects.create(
        kind=Reference.Kind.REVIEW,
        title="Neuropathic pain: Evidence based recommendations",
        journal="Presse medicale",
        year=2024,
        doi="10.1016/j.lpm.2024.104232",
        retraction_status=Reference.RetractionStatus.UNCHECKED,
    )


def test_an_article_goes_from_draft_to_the_public_page(
    signed_in, author, reviewer, second_reviewer, editor, policy, reference, second_reference
):
    reference.checked_at = timezone.now()
    reference.save()
    policy.required_approvals = 2
    policy.review_checklist = list(DEFAULT_REVIEW_CHECKLIST)
    policy.save()

    # The author writes an article citing two references and watches the preview.
    writer = signed_in(author)
    writer.goto("/drafts/")
    writer.get_by_role("link", name="New article").click()
    writer.get_by_label("Title", exact=True).fill("Does exercise help peripheral neuropathy?")
    writer.get_by_label("Summary", exact=True).fill("Yes: supervised exercise and balance work.")
    writer.get_by_label("Body", exact=True).fill(BODY)
    preview = writer.locator("#preview")
    expect(preview.locator("sup.citation").first).to_be_visible()
    expect(preview).to_contain_text("Balance training reduces falls")
    writer.get_by_role("button", name="Save draft").click()
    expect(writer.get_by_role("status")).to_contain_text("Draft saved")
    article = Article.objects.get()
    assert article.cited_references.count() == 2
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.get_by_role("status")).to_contain_text("Submitted for review")
    article.refresh_from_db()
    assert article.state == "submitted"

    # An editor assigns two named reviewers, due in the policy's default time.
    publisher = signed_in(editor)
    publisher.goto(article.get_review_url())
    publisher.get_by_role("link", name="Assign reviewers").click()
    publisher.get_by_label(re.compile("Rosa Lind")).check()
    publisher.get_by_label(re.compile("Ravi Shah")).check()
    publisher.get_by_role("button", name="Assign reviewers").click()
    expect(publisher.get_by_role("status")).to_contain_text("Assigned: Rosa Lind, Ravi Shah")

    # The first reviewer finds it assigned to them, accepts, and asks for changes.
    first = signed_in(reviewer)
    first.goto("/review/")
    needs_you = first.locator("#mine")
    expect(needs_you).to_contain_text(article.title)
    expect(needs_you).to_contain_text("Invited: accept or decline")
    needs_you.get_by_role("link", name=article.title).click()
    accept = first.locator("#accept-form")
    accept.get_by_label("Conflict of interest").fill("none")
    accept.get_by_role("button", name="Accept").click()
    expect(first.get_by_role("status")).to_contain_text("Accepted")
    first.get_by_role("button", name="Start review").click()
    first.get_by_label("What needs to change").fill("Say how often to exercise.")
    first.get_by_role("button", name="Request changes").click()
    expect(first.get_by_role("status")).to_contain_text("Changes requested")

    # The author reads the point, revises, answers it and resubmits.
    writer.goto(article.get_edit_url())
    expect(writer.get_by_text("Say how often to exercise.").first).to_be_visible()
    body = writer.get_by_label("Body", exact=True)
    body.fill(BODY + "\nAim for three sessions a week [@pmid:27999003].\n")
    writer.get_by_role("radio", name="Done", exact=True).check()
    writer.get_by_role("button", name="Resubmit").click()
    expect(writer.get_by_role("status")).to_contain_text("Submitted for review")

    # Both reviewers approve through the checklist; the unchecked reference is acknowledged.
    def approve_through_the_checklist(page: Any) -> None:
        form = page.locator("#approve-form")
        for answer in form.get_by_role("radio", name="Yes", exact=True).all():
            answer.check()
        form.get_by_label("Conflict of interest").fill("none")
        form.get_by_role("checkbox").check()
        form.get_by_role("button", name="Approve").click()

    first.goto(article.get_review_url())
    expect(first.get_by_text("the revision reviewed in round 1")).to_be_visible()
    expect(first.locator("#points")).to_contain_text("Say how often to exercise.")
    expect(first.locator("#points")).to_contain_text("Done")
    first.get_by_role("button", name="Start review").click()
    approve_through_the_checklist(first)
    expect(first.get_by_role("status")).to_contain_text("Your approval is recorded")
    expect(first.get_by_text("1 of 2 approvals")).to_be_visible()

    second = signed_in(second_reviewer)
    second.goto("/review/")
    second.locator("#mine").get_by_role("link", name=article.title).click()
    accept = second.locator("#accept-form")
    accept.get_by_label("Conflict of interest").fill("none")
    accept.get_by_role("button", name="Accept").click()
    approve_through_the_checklist(second)
    expect(second.get_by_role("status")).to_contain_text("The quorum is met")
    article.refresh_from_db()
    assert article.state == "approved"

    # The editor is told it is ready to publish, and publishes it now.
    ready = [m for m in mail.outbox if m.subject.startswith("[Clinical Answers] Ready to publish")]
    assert [editor.email in m.to for m in ready] == [True]
    publisher.goto("/publishing/")
    publisher.get_by_role("button", name="Publish").click()
    expect(publisher.get_by_role("status")).to_contain_text("Published")

    # Readers see it, with numbered citations.
    reader = signed_in()
    reader.goto(f"/articles/{article.slug}/")
    expect(reader.get_by_role("heading", level=1)).to_contain_text(article.title)
    expect(reader.locator("sup").first).to_contain_text("1")


def test_an_author_finds_no_way_to_approve_their_own_article(
    signed_in, reviewer_author, reviewer, policy, reference, second_reference
):
    article = workflow.create_article(by=reviewer_author, title="My own question?", body=BODY)
    workflow.submit(article=article, by=reviewer_author)
    workflow.start_review(article=article, by=reviewer)
    page = signed_in(reviewer_author)
    for path in ("/drafts/", article.get_edit_url(), "/review/", article.get_review_url()):
        page.goto(path)
        expect(page.get_by_role("button", name="Approve")).to_have_count(0)
        expect(page.get_by_role("button", name="Start review")).to_have_count(0)
    expect(page.get_by_text("you cannot review it")).to_be_visible()

    # A crafted form, posted from the page with its own CSRF token, is refused.
    with page.expect_navigation():
        page.evaluate(
            """(action) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            const token = document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode();
            const coi = Object.assign(document.createElement("input"),
                {name: "conflict_of_interest", value: "none"});
            form.append(token, coi);
            document.body.append(form);
            form.submit();
        }""",
            f"/review/{article.pk}/approve/",
        )
    expect(page.get_by_role("alert")).to_contain_text("who has not written or edited this article")
    article.refresh_from_db()
    assert article.state == "under_review"
    assert not Review.objects.exists()


def test_a_conflicting_save_keeps_the_authors_text(signed_in, author, reference, second_reference):
    article = workflow.create_article(by=author, title="Two tabs?", body=BODY)
    first = signed_in(author)
    first.goto(article.get_edit_url())
    second = first.context.new_page()
    second.goto(article.get_edit_url())

    first.get_by_label("Body", exact=True).fill(BODY + "\nSaved first.\n")
    first.get_by_role("button", name="Save draft").click()
    expect(first.get_by_role("status")).to_contain_text("Draft saved")

    mine = BODY + "\nMy careful paragraph that must not be lost.\n"
    second.get_by_label("Body", exact=True).fill(mine)
    second.get_by_role("button", name="Save draft").click()
    expect(second.get_by_role("alert").first).to_contain_text("someone else saved first")
    expect(second.get_by_label("Body", exact=True)).to_have_value(re.compile("careful paragraph"))
    article.refresh_from_db()
    assert "Saved first." in article.body
    assert "careful paragraph" not in article.body

    # Saving again, having seen the conflict, keeps their text as the next revision.
    second.get_by_role("button", name="Save draft").click()
    expect(second.get_by_role("status")).to_contain_text("Draft saved")
    article.refresh_from_db()
    assert "careful paragraph" in article.body


def test_add_reference_gives_a_marker_that_goes_into_the_body(signed_in, author, reference):
    article = workflow.create_article(by=author, title="Foot care?", body="Check feet daily.")
    page = signed_in(author)
    page.goto(article.get_edit_url())
    body = page.get_by_label("Body", exact=True)
    body.click()
    page.keyboard.press("End")
    page.get_by_label("DOI or PMID").fill("27999003")
    page.get_by_role("button", name="Add reference").click()
    marker = page.get_by_label("Marker to paste into the body")
    expect(marker).to_have_value("[@pmid:27999003]")
    page.get_by_role("button", name="Insert into the body at the cursor").click()
    expect(body).to_have_value("Check feet daily. [@pmid:27999003]")
    expect(page.locator("#preview sup.citation")).to_have_count(1)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved")
    article.refresh_from_db()
    assert list(article.cited_references.all()) == [reference]


def test_signing_in_again_in_another_tab_lets_the_old_tab_save_its_text(
    signed_in, author, reference
):
    article = workflow.create_article(by=author, title="Session ends?", body=BODY)
    page = signed_in(author)
    page.goto(article.get_edit_url())
    page.context.clear_cookies()  # the session ends while the author is writing

    mine = BODY + "\nWritten while signed out, saved after signing in elsewhere.\n"
    page.get_by_label("Body", exact=True).fill(mine)
    other = page.context.new_page()  # "Sign in in a new tab"
    other.goto("/accounts/login/")
    other.get_by_label("Username").fill(author.get_username())
    other.get_by_label("Password").fill("test-password")
    other.get_by_role("button", name="Sign in").click()
    other.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.bring_to_front()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved")
    article.refresh_from_db()
    assert "saved after signing in elsewhere" in article.body
