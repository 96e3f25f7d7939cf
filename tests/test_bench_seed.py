"""The benchmark's seed runs through the real workflow, so a new workflow rule (a checklist,
a required note) must not leave `make bench` and `make bench-scale` broken. The shape is
small here; the benchmark runs the same code at the size of a real site."""

import importlib
import sys
from pathlib import Path

import pytest
from django.core import mail

from articles.models import Article, Publication, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_seed():
    root = str(Path(__file__).resolve().parent.parent / "bench")
    sys.path.insert(0, root)
    try:
        yield importlib.import_module("seed")
    finally:
        sys.path.remove(root)


def test_the_benchmark_seed_builds_the_public_and_the_working_shape(bench_seed):
    bench_seed.seed(6)
    bench_seed.seed_working_shape(
        submitted=3, under_review=3, due=2, long_words=400, long_changes=5
    )

    assert Publication.objects.filter(article__slug__startswith="bench-").count() >= 6
    assert Article.objects.filter(state=State.SUBMITTED).count() >= 3
    long = Article.objects.get(slug=bench_seed.LONG_SLUG)
    assert long.state == State.UNDER_REVIEW
    assert long.current_publication.revision == 1
    assert long.revision == 1 + 5
    assert long.history.count() > 5
    mail.outbox.clear()


def test_the_seed_is_idempotent(bench_seed):
    bench_seed.seed(3)
    bench_seed.seed(3)
    assert Article.objects.filter(slug__startswith="bench-").count() == 3
