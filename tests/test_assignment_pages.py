"""The assign form, Accept / Decline on the review page, withdraw and reassign, the queue
showing who has what, and the notification settings page."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import NotificationOptOut, ReviewAssignment
from editorial import roles
from editorial.models import BoardProfile
from tests.conftest import make_user

Status = ReviewAssignment.Status


@pytest.fixture
def submitted(policy: Any, make_article: Any) -> Any:
    return make_article("submitted", title="Which exercises help peripheral neuropathy?")


def assign_url(article: Any) -> str:
    return f"/review/{article.pk}/assign/"


def test_the_assign_form_is_for_editors_only(
    client: Any, submitted: Any, reviewer: Any, author: Any, outsider: Any, editor: Any
) -> None:
    response = client.get(assign_url(submitted))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for person, status in ((reviewer, 403), (author, 403), (outsider, 404)):
        client.force_login(person)
        assert client.get(assign_url(submitted)).status_code == status
        assert (
            client.post(assign_url(submitted), {"reviewers": [reviewer.pk]}).status_code == status
        )
    assert not ReviewAssignment.objects.exists()
    client.force_login(editor)
    page = client.get(assign_url(submitted)).text
    assert ">Assign reviewers</button>" in page


def test_the_form_suggests_matching_specialties_first_then_fewest_open_reviews_and_no_contributors(
    client: Any,
    submitted: Any,
    editor: Any,
    reviewer: Any,
    second_reviewer: Any,
    reviewer_author: Any,
    make_article: Any,
) -> None:
    submitted.authors.add(reviewer_author)
    busy = make_user("bree", roles.BOARD, first_name="Bree", last_name="Busy")
    BoardProfile.objects.create(user=busy, credentials="MD", specialty="Pharmacology")
    other = make_article("submitted", title="Is metformin safe in pregnancy?")
    workflow.assign_reviewers(article=other, by=editor, reviewers=[second_reviewer])
    client.force_login(editor)
    page = client.get(assign_url(submitted)).text
    # Rosa's Neurology matches "neuropathy"; Bree has no open review, Ravi has one.
    rosa, bree, ravi = (page.index(n) for n in ("Rosa Lind", "Bree Busy", "Ravi Shah"))
    assert rosa < bree < ravi
    assert "Neurology; 0 open reviews) · matches the article" in page
    assert "Pharmacology; 1 open review)" in page
    assert "Bea" not in page  # a contributor is never offered


def test_an_editor_assigns_two_reviewers_with_a_due_date(
    client: Any, submitted: Any, editor: Any, reviewer: Any, second_reviewer: Any
) -> None:
    client.force_login(editor)
    due = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(
        assign_url(submitted),
        {"reviewers": [reviewer.pk, second_reviewer.pk], "due_date": due.isoformat()},
    )
    assert response.status_code == 302
    assignments = ReviewAssignment.objects.order_by("reviewer__username")
    assert [a.reviewer for a in assignments] == [second_reviewer, reviewer]
    assert {timezone.localdate(a.due_at) for a in assignments} == {due}


def test_a_contributor_posted_by_hand_is_refused(
    client: Any, submitted: Any, editor: Any, reviewer_author: Any
) -> None:
    submitted.authors.add(reviewer_author)
    client.force_login(editor)
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client.post(
        assign_url(submitted), {"reviewers": [reviewer_author.pk], "due_date": due}
    )
    assert response.status_code == 400
    assert not ReviewAssignment.objects.exists()


def test_a_past_due_date_is_refused_with_the_choice_kept(
    client: Any, submitted: Any, editor: Any, reviewer: Any
) -> None:
    client.force_login(editor)
    response = client.post(
        assign_url(submitted), {"reviewers": [reviewer.pk], "due_date": "2020-01-01"}
    )
    assert response.status_code == 400
    assert "The due date has passed" in response.text
    assert re.search(rf'value="{reviewer.pk}"[^>]*checked', response.text)


@pytest.fixture
def invited(submitted: Any, editor: Any, reviewer: Any) -> ReviewAssignment:
    (assignment,) = workflow.assign_reviewers(article=submitted, by=editor, reviewers=[reviewer])
    return assignment


def test_the_named_reviewer_sees_accept_and_decline(
    client: Any, invited: Any, reviewer: Any, second_reviewer: Any
) -> None:
    client.force_login(reviewer)
    page = client.get(invited.round.article.get_review_url()).text
    assert "You are asked to review this" in page
    assert ">Accept</button>" in page and ">Decline</button>" in page
    client.force_login(second_reviewer)
    page = client.get(invited.round.article.get_review_url()).text
    assert ">Accept</button>" not in page
    assert "Rosa Lind" in page and "invited" in page  # who has it, so nobody doubles up


def test_accepting_from_the_review_page_declares_the_interest(
    client: Any, invited: Any, reviewer: Any, second_reviewer: Any
) -> None:
    url = f"/assignments/{invited.pk}/accept/"
    data = {
        "conflict_of_interest": "Consulting for a clinic chain",
        "conflict_category": "financial",
    }
    assert client.post(url, data).status_code == 401  # anonymous: sign in, text kept
    client.force_login(second_reviewer)
    assert client.post(url, data).status_code == 400  # not theirs: refused with the reason
    client.force_login(reviewer)
    response = client.post(url, data)
    assert response.status_code == 302
    invited.refresh_from_db()
    assert (invited.status, invited.conflict_category) == (Status.ACCEPTED, "financial")


def test_declining_needs_a_reason_and_keeps_it(client: Any, invited: Any, reviewer: Any) -> None:
    client.force_login(reviewer)
    url = f"/assignments/{invited.pk}/decline/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"reason": "Away until May."})
    assert response.status_code == 302
    invited.refresh_from_db()
    assert (invited.status, invited.decline_reason) == (Status.DECLINED, "Away until May.")


def test_editors_withdraw_and_reassign_from_the_assign_page(
    client: Any, invited: Any, editor: Any, reviewer: Any, second_reviewer: Any
) -> None:
    client.force_login(reviewer)
    assert client.post(f"/assignments/{invited.pk}/withdraw/").status_code == 403
    client.force_login(editor)
    response = client.post(f"/assignments/{invited.pk}/reassign/", {"reviewer": second_reviewer.pk})
    assert response.status_code == 302
    statuses = dict(ReviewAssignment.objects.values_list("reviewer__username", "status"))
    assert statuses == {"rosa": Status.WITHDRAWN, "ravi": Status.INVITED}
    new = ReviewAssignment.objects.get(reviewer=second_reviewer)
    client.post(f"/assignments/{new.pk}/withdraw/")
    new.refresh_from_db()
    assert new.status == Status.WITHDRAWN


def test_the_queue_shows_my_assignments_first_and_each_rounds_reviewers(
    client: Any, invited: Any, reviewer: Any, second_reviewer: Any
) -> None:
    title = invited.round.article.title
    client.force_login(reviewer)
    page = client.get("/review/").text
    needs_you = section_of(page, "mine")
    assert title in needs_you and "Invited: accept or decline" in needs_you
    assert page.index('id="mine"') < page.index('id="waiting"')
    assert title not in section_of(page, "waiting")  # each article once
    assert "Overdue reviews" not in page  # the editors' list
    client.force_login(second_reviewer)
    page = client.get("/review/").text
    assert "Nobody has asked you to review anything" in section_of(page, "mine")
    waiting = section_of(page, "waiting")
    assert title in waiting and "Rosa Lind" in waiting and "invited" in waiting


def test_an_accepted_review_is_listed_once_with_its_due_date(
    client: Any, invited: Any, reviewer: Any
) -> None:
    article = invited.round.article
    workflow.accept_assignment(assignment=invited, by=reviewer, conflict_category="none")
    client.force_login(reviewer)
    page = client.get("/review/").text
    needs_you = section_of(page, "mine")
    assert "Accepted" in needs_you and invited.due_at.strftime("%b") in needs_you
    assert page.count(f'<a href="{article.get_review_url()}">{article.title}</a>') == 1
    workflow.start_review(article=article, by=reviewer)
    page = client.get("/review/").text
    assert "Accepted" in section_of(page, "mine")
    assert "0 of 1 approval" in section_of(page, "mine")
    assert page.count(f'<a href="{article.get_review_url()}">{article.title}</a>') == 1


def section_of(page: str, key: str) -> str:
    start = page.index(f'<section id="{key}"')
    return page[start : page.index("</section>", start)]


def test_an_overdue_assignment_is_marked_and_listed_for_editors(
    client: Any, invited: Any, reviewer: Any, editor: Any
) -> None:
    ReviewAssignment.objects.filter(pk=invited.pk).update(
        due_at=timezone.now() - datetime.timedelta(days=2)
    )
    client.force_login(reviewer)
    page = client.get("/review/").text
    assert "overdue-note" in page
    client.force_login(editor)
    page = client.get("/review/").text
    overdue = page[page.index('id="overdue"') : page.index('id="waiting"')]
    assert "Rosa Lind" in overdue and "Reassign" in overdue


def test_the_queue_stays_within_its_query_budget_with_many_assignments(
    client: Any,
    policy: Any,
    make_article: Any,
    editor: Any,
    reviewer: Any,
    second_reviewer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(12):
        article = make_article("submitted", title=f"Question number {n}?")
        workflow.assign_reviewers(article=article, by=editor, reviewers=[reviewer, second_reviewer])
    client.force_login(editor)
    with django_assert_max_num_queries(40):
        page = client.get("/review/").text
    assert page.count("Rosa Lind") >= 10  # the first ten of the section; "Show all 12" pages on


def test_notification_settings_turn_optional_kinds_off_but_not_required_ones(
    client: Any, reviewer: Any
) -> None:
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(reviewer)
    page = client.get("/notifications/").text
    assert 'value="submitted" checked' in page
    assert "You are asked to review an article" in page  # listed as always sent
    # Keep only "comment"; try to turn off a required kind by forging it (ignored).
    response = client.post("/notifications/", {"kinds": ["comment"]})
    assert response.status_code == 302
    off = set(NotificationOptOut.objects.filter(user=reviewer).values_list("kind", flat=True))
    assert "submitted" in off and "comment" not in off
    assert "assigned" not in off and "changes_requested" not in off
    page = client.get("/notifications/").text
    assert 'value="submitted" checked' not in page and 'value="comment" checked' in page
    client.post("/notifications/", {"kinds": ["submitted", "comment"]})
    assert not NotificationOptOut.objects.filter(user=reviewer, kind="submitted").exists()


def test_the_admin_lists_assignments_but_never_changes_them(
    client: Any, invited: Any, editor: Any
) -> None:
    admin = make_user("root", is_superuser=True, staff=True)
    client.force_login(admin)
    page = client.get("/admin/articles/reviewassignment/").text
    assert "Rosa" in page or "rosa" in page
    assert client.get("/admin/articles/reviewassignment/add/").status_code == 403
    url = f"/admin/articles/reviewassignment/{invited.pk}/change/"
    client.post(url, {"status": "completed"})
    invited.refresh_from_db()
    assert invited.status == Status.INVITED
    assert client.post(f"/admin/articles/reviewassignment/{invited.pk}/delete/").status_code == 403
