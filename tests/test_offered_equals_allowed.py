"""What the pages offer a person is exactly what the workflow allows them.

For every person and every state, the actions offered on the review page, the editor and
(for staff) the admin's workflow buttons are compared with what the workflow itself accepts:
each action is tried for real inside a savepoint that is rolled back, and counts as allowed
unless the workflow refuses it for who is acting or for the state (a refusal for a missing
condition, such as an unanswered point, still means the button belongs on the page).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction

from articles import rules, workflow
from articles.exceptions import WorkflowError
from articles.models import Article, State
from editorial import roles
from references.models import Reference
from tests.conftest import make_user
from tests.test_workflow_matrix import ARGUMENTS, PEOPLE

# URL actions on the working pages, as the forms post them.
FORM_ACTIONS = {
    "start": ("start_review", "start_rereview"),
    "approve": ("approve",),
    "request-changes": ("request_changes",),
    "publish": ("publish",),
    "archive": ("archive",),
    "submit": ("submit",),
    "withdraw": ("withdraw",),
    "resubmit": ("resubmit",),
    "revise": ("revise",),
    "evidence-reviewed": ("dismiss_evidence_flag",),
}
PERMISSION_REFUSALS = set(rules.PERMISSION_MESSAGES.values())


class RolledBack(Exception):
    pass


def allowed_by_the_workflow(article: Article, user: Any) -> set[str]:
    allowed = set()
    for name in workflow.TRANSITIONS:
        try:
            with transaction.atomic():
                fresh = Article.objects.get(pk=article.pk)
                workflow.perform(name, article=fresh, by=user, **ARGUMENTS.get(name, {}))
                raise RolledBack
        except RolledBack:
            allowed.add(name)
        except WorkflowError as refusal:
            who_or_when = refusal.message in PERMISSION_REFUSALS or "so you cannot" in (
                refusal.message
            )
            if not who_or_when:
                allowed.add(name)
    return allowed


def offered_on_pages(client: Any, article: Article) -> set[str]:
    offered = set()
    for url in (f"/review/{article.pk}/", f"/drafts/{article.pk}/"):
        response = client.get(url)
        if response.status_code != 200:
            continue
        page = response.content.decode()
        for path in re.findall(rf'action="/(?:review|drafts)/{article.pk}/([a-z-]+)/"', page):
            for name in FORM_ACTIONS.get(path, ()):
                offered.add(name)
        offered.update(re.findall(r'name="action" value="(submit|resubmit)"', page))
    # The review page's one "Start review" form serves both kinds of start.
    if article.state == State.PUBLISHED:
        offered.discard("start_review")
    else:
        offered.discard("start_rereview")
    return offered


def offered_in_the_admin(client: Any, article: Article) -> set[str]:
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    if response.status_code != 200:
        return set()
    page = response.content.decode()
    return set(re.findall(r'name="_fsm_transition_to"\s+value="([a-z_]+)"', page)) | set(
        re.findall(r'value="([a-z_]+)"\s+name="_fsm_transition_to"', page)
    )


def mismatches_on_pages(request: pytest.FixtureRequest, client: Any, article: Article) -> dict:
    mismatches = {}
    for person in PEOPLE:
        user = request.getfixturevalue(person)
        if person == "reviewer_author":
            article.authors.add(user)
        client.force_login(user)
        allowed = allowed_by_the_workflow(article, user)
        offered = offered_on_pages(client, article)
        if offered != allowed:
            mismatches[person] = {"offered": sorted(offered), "allowed": sorted(allowed)}
    return mismatches


@pytest.mark.parametrize("state", [s.value for s in State])
def test_the_pages_offer_each_person_exactly_what_the_workflow_allows(
    request: pytest.FixtureRequest, client: Any, policy: Any, make_article: Any, state: str
) -> None:
    article = make_article(state)
    assert mismatches_on_pages(request, client, article) == {}


def flag(reference: Reference) -> None:
    """An expression of concern found now, after the article went live."""
    found = Reference.objects.get(pk=reference.pk)
    found.retraction_status = Reference.RetractionStatus.CONCERN
    found.save()


def live_article_in(state: str, make_article: Any, author: Any, editor: Any) -> Article:
    """A published article, then its working copy taken to `state` (the page stays live)."""
    article = make_article("published")
    if state in ("draft", "submitted"):
        workflow.revise(article=article, by=author)
    if state == "submitted":
        workflow.submit(article=article, by=author)
    if state == "archived":
        workflow.archive(article=article, by=editor, reason="Superseded.")
    article.refresh_from_db()
    return article


@pytest.mark.parametrize("state", ["published", "draft", "submitted", "archived"])
def test_with_evidence_flagged_the_pages_and_admin_offer_exactly_what_the_workflow_allows(
    request: pytest.FixtureRequest,
    client: Any,
    policy: Any,
    make_article: Any,
    reference: Reference,
    author: Any,
    editor: Any,
    state: str,
) -> None:
    article = live_article_in(state, make_article, author, editor)
    flag(reference)
    assert article.has_evidence_flag() == (state != "archived")
    assert mismatches_on_pages(request, client, article) == {}
    staff_board_member = make_user("staff-board", roles.BOARD, staff=True, is_superuser=True)
    for user in (editor, staff_board_member):
        client.force_login(user)
        assert offered_in_the_admin(client, article) == allowed_by_the_workflow(article, user)
    allowed = allowed_by_the_workflow(article, staff_board_member)
    assert ("dismiss_evidence_flag" in allowed) == (state != "archived")


def test_the_queue_offers_the_answers_to_a_flag_exactly_to_those_the_workflow_allows(
    request: pytest.FixtureRequest,
    client: Any,
    policy: Any,
    make_article: Any,
    reference: Reference,
) -> None:
    article = make_article("published")
    article.authors.add(request.getfixturevalue("reviewer_author"))
    flag(reference)
    for person in PEOPLE:
        user = request.getfixturevalue(person)
        client.force_login(user)
        response = client.get("/review/")
        allowed = allowed_by_the_workflow(article, user)
        if response.status_code != 200:
            assert not {"dismiss_evidence_flag", "start_rereview"} & allowed, person
            continue
        page = response.content.decode()
        row = page[page.index('<section id="flagged"') :]
        row = row[row.index(article.title) :]
        row = row[: row.index("</tr>")]
        offered = set()
        if f'action="/review/{article.pk}/evidence-reviewed/"' in row:
            offered.add("dismiss_evidence_flag")
        if f'action="/review/{article.pk}/start/"' in row:
            offered.add("start_rereview")
        assert offered == allowed & {"dismiss_evidence_flag", "start_rereview"}, person


@pytest.mark.parametrize("state", [s.value for s in State])
def test_the_admin_offers_staff_exactly_what_the_workflow_allows(
    client: Any, policy: Any, make_article: Any, editor: Any, state: str
) -> None:
    article = make_article(state)
    staff_board_member = make_user("staff-board", roles.BOARD, staff=True, is_superuser=True)
    mismatches = {}
    for user in (editor, staff_board_member):
        client.force_login(user)
        allowed = allowed_by_the_workflow(article, user)
        offered = offered_in_the_admin(client, article)
        if offered != allowed:
            mismatches[user.username] = {"offered": sorted(offered), "allowed": sorted(allowed)}
    assert mismatches == {}


def test_the_queue_offers_start_review_exactly_to_those_the_workflow_allows(
    request: pytest.FixtureRequest, client: Any, policy: Any, make_article: Any
) -> None:
    article = make_article("submitted")
    former_co_author = make_user("former", roles.BOARD, roles.AUTHORS)
    article.authors.add(former_co_author)
    article.authors.remove(former_co_author)  # off the byline, still a contributor
    people = [request.getfixturevalue(p) for p in PEOPLE] + [former_co_author]
    article.authors.add(request.getfixturevalue("reviewer_author"))
    for user in people:
        client.force_login(user)
        response = client.get("/review/")
        if response.status_code != 200:
            assert "start_review" not in allowed_by_the_workflow(article, user)
            continue
        page = response.content.decode()
        row = page[page.index(article.title) :]
        row = row[: row.index("</tr>")]
        offered = "Read and start review" in row
        assert offered == ("start_review" in allowed_by_the_workflow(article, user)), user
