"""A new article: its address, its text as stored, its byline, and when it will go live."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from articles import workflow
from articles.exceptions import WorkflowError
from articles.models import Article, ReviewRound, WorkflowEvent
from editorial import roles
from editorial.dates import add_months
from editorial.models import EditorialPolicy
from references.models import Reference
from tests.conftest import BODY, make_user
from tests.test_workflow_rules import save

pytestmark = pytest.mark.usefixtures("policy")


def new(author: Any, title: str, **content: Any) -> Article:
    return Article.objects.get(pk=workflow.create_article(by=author, title=title, **content).pk)


# Addresses made from the title.


def test_the_same_title_again_gets_the_next_free_address(author: Any) -> None:
    slugs = [new(author, "Foot care in diabetes").slug for _ in range(3)]
    assert slugs == ["foot-care-in-diabetes", "foot-care-in-diabetes-2", "foot-care-in-diabetes-3"]


def test_a_title_without_letters_or_digits_gets_a_plain_address(author: Any) -> None:
    assert new(author, "¿¡ — !?").slug == "article"


def test_an_address_made_from_a_long_title_stops_at_80_characters_without_a_trailing_hyphen(
    author: Any,
) -> None:
    assert new(author, "a" * 120).slug == "a" * 80
    assert new(author, "b" * 79 + " and more words").slug == "b" * 79


def test_an_address_chosen_at_creation_is_kept(author: Any) -> None:
    assert new(author, "Foot care", slug="feet").slug == "feet"


def test_an_address_chosen_at_creation_but_taken_falls_back_to_one_from_the_title(
    author: Any,
) -> None:
    new(author, "Feet", slug="feet")
    assert new(author, "Foot care", slug="feet").slug == "foot-care"
    assert Article.objects.count() == 2


def test_an_address_is_made_again_leaving_out_the_article_itself(author: Any) -> None:
    new(author, "Foot care")
    second = new(author, "Foot care")
    assert workflow.unique_slug("Foot care", exclude_pk=second.pk) == "foot-care-2"
    assert workflow.unique_slug("Foot care") == "foot-care-3"


def test_a_taken_address_is_never_offered_again(db: Any) -> None:
    """Asked directly, without creating an article through the workflow (whose retry on a
    clash would wait forever on an address finder that offered a taken one)."""
    Article.objects.create(title="Foot care", slug="foot-care")
    Article.objects.create(title="Foot care", slug="foot-care-2")
    assert workflow.unique_slug("Foot care") == "foot-care-3"


# The stored text.


def test_a_new_article_without_a_subject_has_none(author: Any) -> None:
    assert new(author, "Foot care").subject == ""


def test_a_new_article_stores_trimmed_title_and_summary_and_unix_line_breaks(
    author: Any, other_author: Any, reference: Any
) -> None:
    article = new(
        author,
        "  Foot care  ",
        summary="  Check your feet daily.  ",
        body="Line one\r\nLine two\rLine three [@pmid:27999003]\n",
        audience="clinician",
        authors=[other_author],
    )
    assert (article.title, article.summary, article.body, article.audience) == (
        "Foot care",
        "Check your feet daily.",
        "Line one\nLine two\nLine three [@pmid:27999003]\n",
        "clinician",
    )
    assert set(article.authors.all()) == {author, other_author}
    assert [c.reference for c in article.citation_set.all()] == [reference]
    event = WorkflowEvent.objects.get(article=article)
    assert (event.transition, event.actor, event.comment) == ("edit", author, "created")
    records = article.history.order_by("history_id")
    assert {r.history_user for r in records} == {author}
    assert [r.history_change_reason for r in records][0] == "create"
    assert records.last().history_change_reason == "edit: created"


def test_saving_the_same_text_with_browser_line_breaks_is_not_an_edit(
    make_article: Any, author: Any
) -> None:
    article = make_article(body="One\nTwo [@pmid:27999003]\n")
    workflow.save_content(
        article=article,
        by=author,
        expected_revision=1,
        title=f" {article.title} ",
        summary=article.summary,
        body="One\r\nTwo [@pmid:27999003]\r\n",
    )
    assert Article.objects.get(pk=article.pk).revision == 1


def test_changing_only_the_audience_is_an_edit(make_article: Any, author: Any) -> None:
    save(make_article(), author, audience="clinician")
    saved = Article.objects.get()
    assert (saved.audience, saved.revision) == ("clinician", 2)


def test_a_save_without_an_audience_keeps_the_one_chosen(make_article: Any, author: Any) -> None:
    article = save(make_article(), author, audience="clinician")
    save(article, author, summary="A new summary.")
    saved = Article.objects.get(pk=article.pk)
    assert (saved.audience, saved.summary, saved.revision) == ("clinician", "A new summary.", 3)


def test_the_same_text_citing_a_reference_added_since_is_a_new_revision(
    make_article: Any, author: Any
) -> None:
    article = make_article(body=BODY + "\nAlso [@smith2020].\n")
    Reference.objects.create(kind="article", title="Smith on feet", year=2020, key="smith2020")
    save(article, author)
    saved = Article.objects.get(pk=article.pk)
    assert saved.revision == 2
    assert [c.number for c in saved.citation_set.order_by("number")] == [1, 2]


# When "Publish at" means now.


@pytest.fixture
def now() -> datetime.datetime:
    return timezone.now().replace(microsecond=0)


@pytest.mark.parametrize("ago", [datetime.timedelta(0), datetime.timedelta(minutes=2)])
def test_a_publish_time_just_passed_means_now(now: datetime.datetime, ago: Any) -> None:
    assert workflow.when_to_publish(now - ago, now) is None
    assert workflow.when_to_publish(None, now) is None


def test_a_publish_time_in_the_future_is_kept(now: datetime.datetime) -> None:
    later = now + datetime.timedelta(seconds=1)
    assert workflow.when_to_publish(later, now) == later


def test_a_publish_time_further_back_is_refused_naming_it(now: datetime.datetime) -> None:
    at = datetime.datetime(2026, 3, 5, 14, 30, tzinfo=datetime.UTC)
    with pytest.raises(WorkflowError) as caught:
        workflow.when_to_publish(at, at + datetime.timedelta(minutes=2, seconds=1))
    assert caught.value.message == (
        "“Publish at” 05 Mar 2026 14:30 UTC has passed. Leave it empty to publish now, or "
        "choose a time in the future."
    )


def test_scheduling_records_when_it_will_go_live(make_article: Any, editor: Any) -> None:
    article = make_article("approved")
    at = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=1)
    workflow.publish(article=article, by=editor, at=at, comment="  After the embargo. ")
    saved = Article.objects.get(pk=article.pk)
    assert (saved.state, saved.publish_at, saved.publish_scheduled_by) == ("approved", at, editor)
    event = WorkflowEvent.objects.filter(article=article).latest("pk")
    when = at.strftime("%Y-%m-%d %H:%M UTC")
    assert (event.transition, event.actor, event.comment) == (
        "schedule_publication",
        editor,
        f"to go live at {when}. After the embargo.",
    )
    assert saved.history.latest().history_user == editor


def test_a_publication_keeps_the_policy_its_round_was_approved_under(
    make_article: Any, editor: Any, policy: Any
) -> None:
    article = make_article("approved")
    newer = EditorialPolicy.objects.create(
        version=2,
        effective_date=timezone.localdate(),
        body="## How we review\n\nTwo board members approve every article.",
        required_approvals=2,
        review_interval_months=6,
    )
    assert EditorialPolicy.objects.current() == newer
    workflow.publish(article=article, by=editor)
    publication = Article.objects.get(pk=article.pk).current_publication
    assert publication.policy == policy
    approved_on = timezone.localdate(publication.approved_at)
    assert publication.next_review_due == add_months(approved_on, 12)


def test_the_same_text_whose_key_now_names_another_reference_is_a_new_revision(
    make_article: Any, author: Any
) -> None:
    first = Reference.objects.create(kind="article", title="Smith 2020a", key="smith2020")
    article = make_article(body="Walking helps [@smith2020].\n")
    assert [c.reference for c in article.citation_set.all()] == [first]
    first.key = "smith2020a"
    first.save()
    second = Reference.objects.create(kind="article", title="Smith 2020b", key="smith2020")
    save(article, author)
    saved = Article.objects.get(pk=article.pk)
    assert saved.revision == 2
    assert [c.reference for c in saved.citation_set.all()] == [second]


# Publishing: what is refused, in the words the editor reads.


def test_a_reference_retracted_since_the_approval_stops_publishing_by_name(
    make_article: Any, editor: Any, reference: Any
) -> None:
    article = make_article("approved")
    reference.retraction_status = "retracted"
    reference.save()
    with pytest.raises(WorkflowError) as caught:
        workflow.publish(article=article, by=editor)
    assert (caught.value.message, caught.value.problems) == (
        "The article cannot be published yet.",
        [
            "Cited reference 1, “Diabetic Neuropathy: A Position Statement by the American "
            "Diabetes Association” (2017), has been retracted: remove or replace it."
        ],
    )


def test_the_lone_approver_is_told_another_editor_must_publish(make_article: Any) -> None:
    both = make_user("dr-both", roles.EDITORS, roles.BOARD, staff=True)
    article = make_article("under_review")
    workflow.approve(article=article, by=both, conflict_of_interest="none")
    with pytest.raises(WorkflowError) as caught:
        workflow.publish(article=article, by=both)
    assert caught.value.message == (
        "You are the only board member who approved this revision, so another editor "
        "must publish it: no one takes an article live alone."
    )


@pytest.mark.parametrize("damage", ["round removed", "round of another revision"])
def test_an_approved_article_without_its_approved_round_is_not_published(
    make_article: Any, editor: Any, damage: str
) -> None:
    article = make_article("approved")
    rounds = ReviewRound.objects.filter(article=article)
    if damage == "round removed":
        rounds.delete()
    else:
        rounds.update(revision=article.revision + 1)
    with pytest.raises(WorkflowError) as caught:
        workflow.publish(article=article, by=editor)
    assert caught.value.message == (
        "The approved revision is missing; the article must be reviewed again."
    )
    assert Article.objects.get(pk=article.pk).current_publication is None


def test_publishing_now_without_a_comment_records_none(make_article: Any, editor: Any) -> None:
    article = make_article("approved")
    workflow.publish(article=article, by=editor)
    event = WorkflowEvent.objects.filter(article=article).latest("pk")
    assert (event.transition, event.actor, event.comment) == ("publish", editor, "")
    assert article.history.latest().history_change_reason == "publish"


def test_an_editor_may_start_an_article_with_a_title_alone(editor: Any) -> None:
    article = new(editor, "Foot care")
    assert (article.title, article.summary, article.body, article.audience) == (
        "Foot care",
        "",
        "",
        "patient",
    )
    assert list(article.authors.all()) == [editor]
