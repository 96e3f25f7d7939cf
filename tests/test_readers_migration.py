"""The migration of issue 13 gives existing publications their kind, page history, audience,
authors and cited references, and existing references the date their status was recorded."""

from __future__ import annotations

import datetime

import pytest

from tests.test_reference_migration import migrate

BEFORE = [("articles", "0007_publication_review_due_index"), ("references", "0003_structured_authors_kinds_and_study_design")]  # fmt: skip
AFTER = [("articles", "0009_publication_history_and_cited_references_backfill")]
DAY = datetime.datetime(2025, 3, 19, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db(transaction=True)
def test_existing_publications_get_kind_history_and_cited_references():
    old = migrate(BEFORE)
    User = old.get_model("auth", "User")
    Policy = old.get_model("editorial", "EditorialPolicy")
    Article = old.get_model("articles", "Article")
    ReviewRound = old.get_model("articles", "ReviewRound")
    Publication = old.get_model("articles", "Publication")
    Reference = old.get_model("references", "Reference")
    writer = User.objects.create(username="writer", first_name="Ada", last_name="Byron")
    policy = Policy.objects.create(version=1, effective_date=DAY.date(), body="Policy")
    registry = Reference.objects.create(
        title="A registry", doi="10.1016/s0140-6736(20)31180-6", retraction_status="retracted",
        checked_at=DAY,
    )  # fmt: skip
    article = Article.objects.create(
        title="Q?", slug="q", body="b", audience="clinician", state="published", revision=2
    )
    article.authors.add(writer)
    for number, revision in ((1, 1), (2, 1), (3, 2)):
        review_round = ReviewRound.objects.create(
            article=article, number=number, revision=revision, outcome="approved"
        )
        Publication.objects.create(
            article=article, number=number, title="Q?", body_html="<p>b</p>", revision=revision,
            review_round=review_round, approved_at=DAY, content_approved_at=DAY, policy=policy,
            next_review_due=DAY.date(), published_at=DAY + datetime.timedelta(days=number),
            citations=[{"number": 1, "doi": registry.doi, "title": "A registry"}],
        )  # fmt: skip
    try:
        new = migrate(AFTER)
        Publication = new.get_model("articles", "Publication")
        first, rereview, update = Publication.objects.order_by("number")
        assert [first.kind, rereview.kind, update.kind] == ["first", "rereview", "update"]
        assert [entry["kind"] for entry in update.page_history] == ["update", "rereview", "first"]
        assert update.audience == "clinician"
        assert update.author_names == ["Ada Byron"]
        assert list(update.cited.values_list("number", "reference_id")) == [(1, registry.pk)]
        Reference = new.get_model("references", "Reference")
        assert Reference.objects.get(pk=registry.pk).status_changed_at == DAY
    finally:
        migrate([("articles", "0009_publication_history_and_cited_references_backfill"), ("references", "0004_reference_status_changed_at")])  # fmt: skip
