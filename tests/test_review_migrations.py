"""Existing policies and reviews migrate without loss: policies get the default checklist
and 14 review days; free-text declarations become structured, the text kept as the statement."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0004_review_round_approved_rendering"), ("editorial", "0002_groups")]
AFTER = [
    ("articles", "0006_structured_conflict_of_interest_from_free_text"),
    ("editorial", "0004_policy_review_checklist_and_review_days"),
]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest_afterwards(transactional_db: Any) -> Any:
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_existing_policies_and_reviews_migrate_without_loss(
    back_to_the_latest_afterwards: Any,
) -> None:
    old = migrate(BEFORE)
    User = old.get_model("auth", "User")  # noqa: N806
    Policy = old.get_model("editorial", "EditorialPolicy")  # noqa: N806
    Article = old.get_model("articles", "Article")  # noqa: N806
    Round = old.get_model("articles", "ReviewRound")  # noqa: N806
    Review = old.get_model("articles", "Review")  # noqa: N806
    policy = Policy.objects.create(
        version=1, effective_date=datetime.date(2024, 1, 1), body="Old policy."
    )
    rosa = User.objects.create(username="rosa")
    ravi = User.objects.create(username="ravi")
    article = Article.objects.create(title="Q?", slug="q", state="under_review")
    review_round = Round.objects.create(article=article, number=1, revision=1)
    stated = "Speaker fees from a device maker (2024), about 2,000 USD."
    Review.objects.create(
        round=review_round,
        reviewer=rosa,
        decision="approve",
        revision=1,
        conflict_of_interest="None",
    )
    Review.objects.create(
        round=review_round,
        reviewer=ravi,
        decision="approve",
        revision=1,
        conflict_of_interest=stated,
    )

    new = migrate(AFTER)
    policy = new.get_model("editorial", "EditorialPolicy").objects.get(pk=policy.pk)
    assert len(policy.review_checklist) == 5
    assert policy.review_checklist[0] == "Every clinical claim is supported by a cited source."
    assert policy.review_days == 14
    reviews = new.get_model("articles", "Review").objects.order_by("reviewer__username")
    assert [(r.conflict_category, r.conflict_of_interest) for r in reviews] == [
        ("other", stated),
        ("none", "None"),
    ]
    assert [r.checklist_answers for r in reviews] == [[], []]
