"""The working pages with many articles and revisions: queries that do not grow, sections
that put what needs the person first, pages and filters that combine, every article once."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import Article, Publication, ReviewRound
from articles.views.listing import PAGE_ROWS, PREVIEW_ROWS
from editorial.models import EditorialPolicy
from references.models import Reference
from tests.conftest import edit_body

ROW = re.compile(r'<th scope="row" data-label="Article"><a href="[^"]+">([^<]+)</a>')


def titles(page: str) -> list[str]:
    return [t.replace("&#x27;", "'") for t in ROW.findall(page)]


def fill(make_article: Any, per_state: int, *, by: Any = None, audience: str = "") -> None:
    states = ("draft", "submitted", "under_review", "changes_requested", "approved", "published")
    for n in range(per_state):
        for state in states:
            article = make_article(state, by=by, title=f"{state} question {n}?")
            if audience:
                Article.objects.filter(pk=article.pk).update(audience=audience)


def queries_for(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


# --- query budgets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "path", "budget"),
    [
        ("reviewer", "/review/", 16),
        ("reviewer", "/review/?section=waiting&page=2&audience=patient&q=question", 12),
        ("author", "/drafts/", 14),
        ("author", "/drafts/?section=published", 10),
        ("editor", "/publishing/", 12),
    ],
)
def test_list_pages_cost_a_fixed_number_of_queries_however_many_articles(
    request, client, make_article, policy, author, reviewer, editor, who, path, budget
):
    fill(make_article, 1)
    client.force_login(request.getfixturevalue(who))
    few = queries_for(client, path)
    fill(make_article, PREVIEW_ROWS + 2)
    many = queries_for(client, path)
    assert many <= few <= budget


@pytest.mark.parametrize(
    ("path", "budget"), [("/review/", 16), ("/review/?section=flagged&page=2", 12)]
)
def test_the_queue_costs_the_same_with_many_articles_flagged_for_the_board(
    client, make_article, reference, reviewer, policy, path, budget
):
    """Every published article cites `reference`: a correction found now flags them all."""

    def correction_found() -> None:
        found = Reference.objects.get(pk=reference.pk)
        found.retraction_status = "corrected"
        found.save()

    def clean_again() -> None:  # so the stand-in reviewers approve without a warning
        Reference.objects.filter(pk=reference.pk).update(retraction_status="ok")

    fill(make_article, 1)
    correction_found()
    client.force_login(reviewer)
    few = queries_for(client, path)
    clean_again()
    fill(make_article, PAGE_ROWS + 2)
    correction_found()  # after the new ones went live
    many = queries_for(client, path)
    assert many <= few <= budget
    page = client.get("/review/?section=flagged").text
    assert f'Evidence flagged <span class="count">{PAGE_ROWS + 3}</span>' in page
    assert len(titles(page)) == PAGE_ROWS


def _long_article_with_many_revisions(make_article: Any, author: Any, revisions: int) -> Any:
    words = " ".join(f"word{n}" for n in range(2_000))
    article = make_article(body=f"{words} [@pmid:27999003].")
    for n in range(revisions):
        edit_body(article, by=author, body=f"{words} change {n} [@pmid:27999003].")
        article.refresh_from_db()
    return article


def test_history_page_costs_the_same_with_ten_or_a_hundred_revisions(
    client, make_article, author, policy
):
    article = _long_article_with_many_revisions(make_article, author, 10)
    client.force_login(author)
    path = f"/drafts/{article.pk}/history/"
    few = queries_for(client, path)
    for n in range(90):
        edit_body(article, by=author, body=f"More text {n} [@pmid:27999003].")
        article.refresh_from_db()
    many = queries_for(client, path)
    assert many <= few <= 12
    page = client.get(path).text
    assert page.count('name="from"') <= 50 + 1  # one page of rows (and the kept choice)
    assert "page 1 of 3" in page


def test_history_page_does_not_load_every_revisions_text(client, make_article, author, policy):
    article = _long_article_with_many_revisions(make_article, author, 5)
    client.force_login(author)
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/drafts/{article.pk}/history/")
    text_queries = [
        q["sql"]
        for q in captured.captured_queries
        if '"articles_historicalarticle"."body"' in q["sql"]
    ]
    assert len(text_queries) == 1  # the two compared records, nothing else
    assert "IN" in text_queries[0]


def test_history_page_links_to_older_changes_and_keeps_the_comparison(
    client, make_article, author, policy
):
    article = _long_article_with_many_revisions(make_article, author, 55)
    client.force_login(author)
    first = client.get(f"/drafts/{article.pk}/history/").text
    older = re.search(r'href="(\?[^"]*page=2)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(f"/drafts/{article.pk}/history/{older}")
    assert second.status_code == 200
    assert "page 2 of 2" in second.text
    assert "<ins>54</ins>" in second.text or "change <del>53</del><ins>54</ins>" in second.text


def test_review_page_costs_the_same_with_many_revisions_and_rounds(
    client, make_article, author, reviewer, policy
):
    article = make_article("published")
    workflow.revise(article=article, by=author)
    article.refresh_from_db()
    edit_body(article, by=author, body="Walking daily helps [@pmid:27999003].")
    workflow.submit(article=article, by=author)
    client.force_login(reviewer)
    path = f"/review/{article.pk}/"
    few = queries_for(client, path)
    for n in range(3):
        workflow.withdraw(article=article, by=author)
        article.refresh_from_db()
        edit_body(article, by=author, body=f"Walking helps, take {n} [@pmid:27999003].")
        workflow.submit(article=article, by=author)
        workflow.add_comment(article=article, by=reviewer, body=f"Comment {n}")
    many = queries_for(client, path)
    assert many <= few + 1 <= 30


def test_review_page_diff_is_computed_once_per_revision_pair(
    client, make_article, author, reviewer, policy, monkeypatch
):
    article = make_article("published")
    workflow.revise(article=article, by=author)
    article.refresh_from_db()
    edit_body(article, by=author, body="Walking <b>daily</b> helps [@pmid:27999003].")
    workflow.submit(article=article, by=author)
    from articles.views import diff

    calls = []
    real = diff.content_diff
    monkeypatch.setattr(diff, "content_diff", lambda *a, **k: calls.append(1) or real(*a, **k))
    client.force_login(reviewer)
    for _ in range(3):
        page = client.get(f"/review/{article.pk}/").text
        assert "<ins>Walking &lt;b&gt;daily&lt;/b&gt;</ins> helps" in page
    assert len(calls) == 1


# --- sections, pages and filters ------------------------------------------------------------


def test_desk_puts_needs_you_first_even_with_many_live_articles(
    client, make_article, author, policy
):
    fill(make_article, PREVIEW_ROWS + 3)
    client.force_login(author)
    page = client.get("/drafts/").text
    assert page.index("Needs you") < page.index("With the board") < page.index("Published")
    shown = titles(page)
    assert shown[0].startswith(("draft", "changes_requested"))
    needs_you = 2 * (PREVIEW_ROWS + 3)
    assert f'Needs you <span class="count">{needs_you}</span>' in page
    assert len(shown) <= 5 * PREVIEW_ROWS  # bounded: every section shows a few
    assert "Show all 26 in “Needs you”" in page
    assert len(page.encode()) < 200_000


def test_page_links_walk_through_a_section(client, make_article, author, policy):
    fill(make_article, 14)  # 28 articles need the author: two pages of 25
    client.force_login(author)
    first = client.get("/drafts/?section=needs_you").text
    assert "page 1 of 2" in first and 'rel="next"' in first
    assert len(titles(first)) == PAGE_ROWS
    second = client.get("/drafts/?section=needs_you&page=2").text
    assert "page 2 of 2" in second and 'rel="prev"' in second
    assert len(titles(second)) == 28 - PAGE_ROWS
    assert not set(titles(first)) & set(titles(second))
    beyond = client.get("/drafts/?section=needs_you&page=999").text
    assert "page 2 of 2" in beyond
    nonsense = client.get("/drafts/?section=nope&page=abc")
    assert nonsense.status_code == 200


def test_queue_filters_combine(client, make_article, author, other_author, reviewer, policy):
    fill(make_article, 2, audience="clinician")
    make_article("submitted", by=other_author, title="Knee pain for patients?")
    knee = make_article("submitted", by=other_author, title="Knee pain for clinicians?")
    Article.objects.filter(pk=knee.pk).update(audience="clinician")
    client.force_login(reviewer)
    page = client.get("/review/?q=knee&audience=clinician&show=unassigned").text
    assert titles(page) == ["Knee pain for clinicians?"]
    assert 'Waiting for a reviewer <span class="count">1</span>' in page
    assert 'In review by others <span class="count">0</span>' in page
    none = client.get("/review/?q=knee&audience=clinician&show=mine").text
    assert titles(none) == [] and "Nothing here matches the filters." in none


def test_queue_overdue_filter_finds_old_submissions_and_due_rereviews(
    client, make_article, reviewer, policy
):
    fresh = make_article("submitted", title="Fresh question?")
    stale = make_article("submitted", title="Stale question?")
    ReviewRound.objects.filter(article=stale).update(
        opened_at=timezone.now() - datetime.timedelta(days=30)
    )
    due = make_article("published", title="Due question?")
    Publication.objects.filter(article=due).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(reviewer)
    shown = titles(client.get("/review/?show=overdue").text)
    assert "Stale question?" in shown and "Due question?" in shown
    assert fresh.title not in shown


def test_queue_lists_each_article_once_and_never_an_archived_one_as_approved(
    client, make_article, reviewer, editor, policy
):
    approved = make_article("approved", title="Approved question?")
    archived = make_article("published", title="Archived question?")
    workflow.archive(article=archived, by=editor, reason="Superseded.")
    returned = make_article("changes_requested", title="Returned question?")
    resubmitted = make_article("changes_requested", title="Resubmitted question?")
    workflow.resubmit(article=resubmitted, by=resubmitted.authors.get(), answers={1: ("done", "")})
    due = make_article("published", title="Due question?")
    Publication.objects.filter(article=due).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(reviewer)
    page = client.get("/review/").text
    shown = titles(page)
    assert len(shown) == len(set(shown))
    assert {approved.title, archived.title, returned.title, resubmitted.title, due.title} <= set(
        shown
    )
    archived_row = page[page.index("Archived question?") :].split("</tr>")[0]
    assert ">Approved<" not in archived_row
    assert "Archived" in archived_row


def test_review_page_of_an_article_approved_under_an_older_policy_shows_the_quorum_it_met(
    client, make_article, reviewer, policy
):
    article = make_article("approved")
    EditorialPolicy.objects.create(
        version=2,
        effective_date=timezone.localdate() - datetime.timedelta(days=1),
        body="Two approvals now.",
        required_approvals=2,
    )
    client.force_login(reviewer)
    page = client.get(f"/review/{article.pk}/").text
    assert "1 of 1 approval" in page
    assert "under editorial policy version 1" in page
    assert "1 of 2 approvals" not in page


@pytest.mark.parametrize("path", ["/review/", "/drafts/", "/publishing/"])
def test_list_pages_refuse_the_wrong_person_and_send_anonymous_to_sign_in(
    client, outsider, path, db
):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(outsider)
    assert client.get(path).status_code == 403


def test_filters_are_escaped_back_into_the_page(client, author, policy):
    client.force_login(author)
    page = client.get('/drafts/?q="><script>alert(1)</script>&section=published').text
    assert "<script>alert(1)" not in page
    assert "&quot;&gt;&lt;script&gt;" in page


def test_the_review_page_loads_only_its_own_article(client, make_article, reviewer, policy):
    """A queryset tested for truth fetches every row: the page once loaded the whole site."""
    article = make_article("submitted")
    for n in range(3):
        make_article("published", title=f"Another question {n}?")
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/review/{article.pk}/").status_code == 200
    whole_table = [
        q["sql"]
        for q in captured.captured_queries
        if re.search(r'FROM "articles_article"(?! U)', q["sql"]) and " WHERE " not in q["sql"]
    ]
    assert whole_table == []


# --- "Re-review due": pages read from the index, counts kept -------------------------------


def _due_on(article: Any, days: int) -> None:
    Publication.objects.filter(pk=article.current_publication_id).update(
        next_review_due=timezone.localdate() + datetime.timedelta(days=days)
    )


def test_due_pages_list_past_dates_oldest_first_then_retracted_citations_each_once(
    client, make_article, reviewer, policy, monkeypatch
):
    """Every article past its date comes before those due only for citing a retracted
    reference (their dates are still to come); the two are read one after the other, so a
    page may hold the end of the first and the start of the second."""
    retracted = Reference.objects.create(
        title="A retracted trial", year=2019, pmid="31000001", retraction_status="ok"
    )
    for title, days in (("Third past?", -1), ("First past?", -30), ("Second past?", -5)):
        _due_on(make_article("published", title=title), days)
    for title, days in (("Later retracted?", 200), ("Sooner retracted?", 20)):
        cites = make_article("published", title=title, body="Exercise helps [@pmid:31000001].\n")
        _due_on(cites, days)
    both = make_article(
        "published", title="Past and retracted?", body="Walking helps [@pmid:31000001].\n"
    )
    _due_on(both, -10)
    _due_on(make_article("published", title="Not yet due?"), 30)
    retracted.retraction_status = Reference.RetractionStatus.RETRACTED
    retracted.save()  # after publication, as the evidence check finds it
    assert retracted.citation_set.count() == 3
    monkeypatch.setattr("articles.views.listing.PAGE_ROWS", 2)
    client.force_login(reviewer)
    pages = [client.get(f"/review/?section=due&page={n}").text for n in (1, 2, 3)]
    assert [titles(page) for page in pages] == [
        ["First past?", "Past and retracted?"],
        ["Second past?", "Third past?"],
        ["Sooner retracted?", "Later retracted?"],
    ]
    assert 'Re-review due <span class="count">6</span>' in pages[0]
    both_row = pages[0][pages[0].index("Past and retracted?") :].split("</tr>")[0]
    assert "Cites a retracted reference" in both_row
    # A page starting inside the second list, and one past both.
    monkeypatch.setattr("articles.views.listing.PAGE_ROWS", 5)
    assert titles(client.get("/review/?section=due&page=2").text) == ["Later retracted?"]


def test_kept_counts_follow_every_workflow_event_and_reference_status_at_once(
    client, make_article, reviewer, author, policy
):
    client.force_login(reviewer)
    live = make_article("published", title="Live question?")
    assert 'Waiting for a reviewer <span class="count">0</span>' in client.get("/review/").text
    new = make_article("submitted", title="New question?")
    page = client.get("/review/").text
    assert 'Waiting for a reviewer <span class="count">1</span>' in page
    assert 'Re-review due <span class="count">0</span>' in page
    # The person's own action moves it to "Needs you" at once.
    workflow.start_review(article=new, by=reviewer)
    page = client.get("/review/").text
    assert 'Needs you <span class="count">1</span>' in page
    assert 'Waiting for a reviewer <span class="count">0</span>' in page
    needs_you = page[page.index('id="mine"') : page.index('id="waiting"')]
    assert "New question?" in needs_you
    # A retraction found by the evidence check is nobody's workflow action.
    reference = live.citation_set.get().reference
    reference.retraction_status = Reference.RetractionStatus.RETRACTED
    reference.save()
    page = client.get("/review/").text
    assert 'Re-review due <span class="count">1</span>' in page
    assert "Live question?" in titles(page)


def test_a_repeat_of_the_queue_does_not_count_again(client, make_article, reviewer, policy):
    make_article("submitted")
    client.force_login(reviewer)

    def counted() -> bool:
        with CaptureQueriesContext(connection) as captured:
            client.get("/review/")
        return any("FILTER (WHERE" in q["sql"] or "CASE WHEN" in q["sql"]
                   for q in captured.captured_queries if "COUNT(" in q["sql"])  # fmt: skip

    assert counted()
    assert not counted()
