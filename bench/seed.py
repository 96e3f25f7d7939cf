"""Seed the benchmark database with published articles that look like real publications.

Each article gets ~1,000 words of Markdown in the demo's sections, 8 citation markers
resolved to a shared references library (some corrected or retracted), its citation rows,
an approved review round with an approval, and a Publication rendered by the project's one
renderer (articles.rendering.render_article). Rows are bulk-created for speed; history
rows and emails are skipped. Run by bench/run.py; idempotent (skips when already seeded).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ed_bench python bench/seed.py 10000

With --scale it then adds the working shape of issue 10 (seed_working_shape): 250 articles
submitted and 250 under review by several authors, 2,000 live articles due for re-review,
and one long article (10,000 words) revised in 500 places through the real workflow, live
at its first revision and under review at its last.
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from articles import checks, workflow  # noqa: E402
from articles.models import (  # noqa: E402
    Article,
    Comment,
    Publication,
    Review,
    ReviewRound,
    State,
)
from articles.rendering import render_article  # noqa: E402
from editorial import roles  # noqa: E402
from editorial.dates import add_months  # noqa: E402
from editorial.models import BoardProfile, EditorialPolicy  # noqa: E402
from references.models import Citation, Reference  # noqa: E402

CONDITIONS = """neuropathy osteoarthritis hypertension migraine asthma gout psoriasis eczema
insomnia anaemia sciatica tendinopathy bronchiectasis glaucoma cataract rosacea fibromyalgia
endometriosis sarcoidosis vertigo tinnitus dyspepsia constipation cystitis cellulitis
scoliosis bursitis plantar-fasciitis carpal-tunnel-syndrome lymphoedema""".split()  # noqa: SIM905
INTERVENTIONS = """exercise physiotherapy acupuncture massage diet counselling bracing
stretching hydrotherapy splinting education yoga walking cycling swimming""".split()  # noqa: SIM905
FILLER = """patients clinicians evidence trial trials randomised cohort outcome outcomes
function pain quality life improvement moderate modest benefit harms risk risks dose
weekly daily programme supervised home based progressive balance strength training
duration follow-up months weeks symptoms severity assessment referral guideline panel
recommendation recommends suggests considered first-line option options adults older
people community primary care specialist review systematic meta-analysis pooled effect
size confidence interval heterogeneity studies small large sample bias blinding
adherence dropout safety adverse events rare common mild transient monitoring response
baseline change score scale validated measure reported clinically meaningful difference
combination medicines medication non-drug approach individual goals preferences shared
decision making support education self-management plan review regular""".split()  # noqa: SIM905
KINDS = [Reference.Kind.GUIDELINE, Reference.Kind.SYSTEMATIC_REVIEW, Reference.Kind.RESEARCH]
REFERENCES = 400
CITED_PER_ARTICLE = 8
BATCH = 250


def sentence(rng: random.Random, condition: str, intervention: str, words: int) -> str:
    picked = rng.choices(FILLER, k=words)
    picked[rng.randrange(words)] = condition.replace("-", " ")
    picked[rng.randrange(words)] = intervention
    return " ".join(picked).capitalize() + "."


def body_for(rng: random.Random, condition: str, intervention: str, keys: list[str]) -> str:
    """About 1,000 words in the demo's sections, citing each key once or more."""
    cites = iter(keys + rng.sample(keys, 4))

    def paragraph(n: int) -> str:
        text = " ".join(
            sentence(rng, condition, intervention, rng.randint(16, 26)) for _ in range(n)
        )
        return f"{text[:-1]} [@{next(cites)}]."

    bullets = "\n".join(
        f"- {sentence(rng, condition, intervention, rng.randint(10, 16))}" for _ in range(8)
    )
    return "\n\n".join(
        [
            "## From the Guidelines",
            paragraph(8),
            paragraph(8),
            "### What a programme usually includes",
            bullets,
            "### Why these recommendations",
            paragraph(8),
            "## From the Research",
            paragraph(8),
            paragraph(7),
            "### Treatment approaches",
            "\n".join(
                f"- {sentence(rng, condition, intervention, rng.randint(12, 18))[:-1]} "
                f"[@{next(cites)}]."
                for _ in range(4)
            ),
        ]
    )


def people() -> tuple[list, object, object]:
    User = get_user_model()
    board = []
    for username, first, last, credentials, specialty in [
        ("bench-board-1", "Maya", "Okafor", "MD", "Neurology"),
        ("bench-board-2", "Daniel", "Reyes", "DPT", "Physical therapy"),
        ("bench-board-3", "Lena", "Fischer", "PharmD", "Clinical pharmacology"),
    ]:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        user.groups.add(Group.objects.get(name=roles.BOARD))
        BoardProfile.objects.get_or_create(
            user=user, defaults={"credentials": credentials, "specialty": specialty}
        )
        board.append(user)
    author, _ = User.objects.get_or_create(
        username="bench-author", defaults={"first_name": "Avery", "last_name": "Morgan"}
    )
    author.groups.add(Group.objects.get(name=roles.AUTHORS))
    editor, _ = User.objects.get_or_create(
        username="bench-editor",
        defaults={"is_staff": True, "first_name": "Eden", "last_name": "Hart"},
    )
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    return board, author, editor


def references(rng: random.Random) -> list[Reference]:
    if Reference.objects.filter(key__startswith="bench").count() >= REFERENCES:
        return list(Reference.objects.filter(key__startswith="bench").order_by("pk"))
    statuses = [Reference.RetractionStatus.OK] * 18 + [
        Reference.RetractionStatus.CORRECTED,
        Reference.RetractionStatus.RETRACTED,
    ]
    rows = [
        Reference(
            key=f"bench{n}",
            kind=rng.choice(KINDS),
            title=f"{sentence(rng, rng.choice(CONDITIONS), rng.choice(INTERVENTIONS), 9)[:-1]}",
            authors="Smith J, Okafor M, Reyes D, et al.",
            journal=rng.choice(
                ["Neurology", "The Lancet", "BMJ (Clinical research ed.)", "Diabetes care"]
            ),
            year=rng.randint(2005, 2025),
            volume=str(rng.randint(1, 400)),
            issue=str(rng.randint(1, 12)),
            pages=f"{rng.randint(1, 900)}-{rng.randint(901, 999)}",
            doi=f"10.5555/bench.{n}",
            pmid=str(90_000_000 + n),
            retraction_status=rng.choice(statuses),
        )
        for n in range(REFERENCES)
    ]
    return Reference.objects.bulk_create(rows)


def seed(total: int) -> None:
    rng = random.Random(20250319)  # the same data on every run
    already = Article.objects.filter(slug__startswith="bench-").count()
    if already >= total:
        print(f"ed_bench already holds {already:,} published articles.")
        return
    policy, _ = EditorialPolicy.objects.get_or_create(
        version=1,
        defaults={
            "effective_date": datetime.date(2022, 1, 1),
            "body": "## How we review\n\nEvery article is approved by the board before it is published.",
        },
    )
    board, author, editor = people()
    library = references(rng)
    started = time.monotonic()
    start_day = datetime.datetime(2023, 1, 1, 9, tzinfo=datetime.UTC)
    for first in range(already, total, BATCH):
        numbers = range(first, min(first + BATCH, total))
        with transaction.atomic():
            _seed_batch(numbers, rng, policy, board, author, editor, library, start_day)
        done = numbers[-1] + 1
        rate = (done - already) / (time.monotonic() - started)
        print(f"  {done:,} / {total:,} articles ({rate:,.0f}/s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _seed_batch(numbers, rng, policy, board, author, editor, library, start_day) -> None:  # noqa: ANN001
    articles, plans = [], []
    for n in numbers:
        condition, intervention = rng.choice(CONDITIONS), rng.choice(INTERVENTIONS)
        cited = rng.sample(library, CITED_PER_ARTICLE)
        title = (
            f"Does {intervention} help {condition.replace('-', ' ')} "
            f"({rng.choice(['adults', 'older adults', 'athletes', 'children'])}, question {n})?"
        )
        articles.append(
            Article(
                title=title,
                slug=f"bench-{slugify(title)}"[:100],
                summary=sentence(rng, condition, intervention, 35),
                body=body_for(rng, condition, intervention, [r.key for r in cited]),
                audience=rng.choice(["patient", "clinician"]),
                state=State.PUBLISHED,
                revision=1,
            )
        )
        approved_at = start_day + datetime.timedelta(hours=2.5 * n, minutes=rng.randint(0, 90))
        plans.append((cited, approved_at, rng.choice(board)))
    articles = Article.objects.bulk_create(articles)
    Article.authors.through.objects.bulk_create(
        [Article.authors.through(article_id=a.pk, user_id=author.pk) for a in articles]
    )
    Citation.objects.bulk_create(
        [
            Citation(article=a, reference=r, number=i + 1, marker=r.key)
            for a, (cited, _, _) in zip(articles, plans, strict=True)
            for i, r in enumerate(cited)
        ]
    )
    rounds = ReviewRound.objects.bulk_create(
        [
            ReviewRound(
                article=a,
                number=1,
                revision=1,
                opened_by=author,
                started_by=approver,
                started_at=when - datetime.timedelta(days=2),
                outcome=ReviewRound.Outcome.APPROVED,
                closed_at=when,
                policy=policy,
            )
            for a, (_, when, approver) in zip(articles, plans, strict=True)
        ]
    )
    Review.objects.bulk_create(
        [
            Review(
                round=rnd,
                reviewer=approver,
                decision=Review.Decision.APPROVE,
                revision=1,
                conflict_of_interest="none",
            )
            for rnd, (_, _, approver) in zip(rounds, plans, strict=True)
        ]
    )
    publications = []
    for a, rnd, (_, when, _) in zip(articles, rounds, plans, strict=True):
        rendered = render_article(a)
        publications.append(
            Publication(
                article=a,
                number=1,
                title=a.title,
                summary=a.summary,
                body_html=rendered.body_html,
                references_html=rendered.references_html,
                citations=rendered.citations,
                revision=1,
                review_round=rnd,
                approved_at=when,
                content_approved_at=when,
                policy=policy,
                next_review_due=add_months(when.date(), policy.review_interval_months),
                published_at=when + datetime.timedelta(hours=1),
                published_by=editor,
            )
        )
    publications = Publication.objects.bulk_create(publications)
    Publication.approvers.through.objects.bulk_create(
        [
            Publication.approvers.through(publication_id=p.pk, user_id=approver.pk)
            for p, (_, _, approver) in zip(publications, plans, strict=True)
        ]
    )
    for a, p in zip(articles, publications, strict=True):
        a.current_publication = p
    Article.objects.bulk_update(articles, ["current_publication"])


LONG_SLUG = "bench-long-article"
WORKING_AUTHORS = 12


def long_body(rng: random.Random, words: int, keys: list[str]) -> str:
    """Articles' bodies from body_for, one after another, up to `words` words."""
    parts, count = [], 0
    while count < words:
        part = body_for(rng, rng.choice(CONDITIONS), rng.choice(INTERVENTIONS), keys)
        parts.append(part)
        count += len(part.split())
    return "\n\n".join(parts)


def scattered_edits(rng: random.Random, body: str, changes: int) -> list[str]:
    """Successive bodies, each with one more word changed at a distinct, scattered place."""
    words = body.split(" ")
    candidates = [i for i, w in enumerate(words) if w.isalpha()]
    bodies = []
    for place in rng.sample(candidates, changes):
        words[place] = rng.choice([w for w in FILLER if w != words[place]])
        bodies.append(" ".join(words))
    return bodies


def seed_working_shape(
    *,
    submitted: int = 250,
    under_review: int = 250,
    due: int = 2_000,
    long_words: int = 10_000,
    long_changes: int = 500,
) -> None:
    """The pages the team works in, at the size of a real site (issue 10)."""
    rng = random.Random(20251126)
    if Article.objects.filter(slug=LONG_SLUG).exists():
        print("The working shape is already seeded.")
        return
    started = time.monotonic()
    policy = EditorialPolicy.objects.get(version=1)
    board, author, editor = people()
    library = references(rng)
    # One retracted reference (cited by ~200 articles) keeps that path in the queue without
    # putting a third of the site up for re-review.
    retracted = [r for r in library if r.retraction_status == Reference.RetractionStatus.RETRACTED]
    Reference.objects.filter(pk__in=[r.pk for r in retracted[1:]]).update(
        retraction_status=Reference.RetractionStatus.CORRECTED
    )
    library = references(rng)
    writers = [author, *working_authors()]
    with transaction.atomic():  # all of it or nothing: the long article marks it as done
        _seed_in_progress(rng, submitted, under_review, writers, board, library)
        set_review_dates(due)
        _seed_long_article(
            rng, policy, board, author, editor, library, words=long_words, changes=long_changes
        )
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:  # as autovacuum would, after the updates above
            cursor.execute("VACUUM (ANALYZE)")
    print(f"  working shape seeded in {time.monotonic() - started:.0f} s", flush=True)


def set_review_dates(due: int) -> None:
    """`due` live articles past their re-review date, the others due within the year.

    The seed's publications are dated from 2023, which by now would put them all past
    their date; the shape asked for is a site where some are.
    """
    today = datetime.date.today()
    live = Publication.objects.filter(article__slug__startswith="bench-", number=1)
    live.update(next_review_due=today + datetime.timedelta(days=180))
    Publication.objects.filter(pk__in=live.order_by("pk").values("pk")[:due]).update(
        next_review_due=today - datetime.timedelta(days=30)
    )


def working_authors() -> list:
    User = get_user_model()
    names = [("Ana", "Silva"), ("Ben", "Cole"), ("Chloe", "Martin"), ("Dev", "Patel")]
    found = []
    for n in range(WORKING_AUTHORS):
        first, last = names[n % len(names)]
        user, _ = User.objects.get_or_create(
            username=f"bench-writer-{n}", defaults={"first_name": first, "last_name": f"{last}-{n}"}
        )
        user.groups.add(Group.objects.get(name=roles.AUTHORS))
        found.append(user)
    return found


def _seed_in_progress(rng, submitted, under_review, writers, board, library) -> None:  # noqa: ANN001
    now = datetime.datetime.now(datetime.UTC)
    articles, plans = [], []
    for n in range(submitted + under_review):
        condition, intervention = rng.choice(CONDITIONS), rng.choice(INTERVENTIONS)
        cited = rng.sample(library, CITED_PER_ARTICLE)
        state = State.SUBMITTED if n < submitted else State.UNDER_REVIEW
        title = (
            f"Is {intervention} worth trying for {condition.replace('-', ' ')} (submission {n})?"
        )
        articles.append(
            Article(
                title=title,
                slug=f"bench-wip-{n}",
                summary=sentence(rng, condition, intervention, 35),
                body=body_for(rng, condition, intervention, [r.key for r in cited]),
                audience=rng.choice(["patient", "clinician"]),
                state=state,
                revision=1,
            )
        )
        opened = now - datetime.timedelta(hours=rng.randint(1, 24 * 40))
        plans.append((cited, state, opened, rng.sample(writers, rng.choice([1, 1, 2]))))
    articles = Article.objects.bulk_create(articles)
    Article.authors.through.objects.bulk_create(
        [
            Article.authors.through(article_id=a.pk, user_id=w.pk)
            for a, (_, _, _, who) in zip(articles, plans, strict=True)
            for w in who
        ]
    )
    Citation.objects.bulk_create(
        [
            Citation(article=a, reference=r, number=i + 1, marker=r.key)
            for a, (cited, _, _, _) in zip(articles, plans, strict=True)
            for i, r in enumerate(cited)
        ]
    )
    rounds = ReviewRound.objects.bulk_create(
        [
            ReviewRound(
                article=a,
                number=1,
                revision=1,
                opened_by=who[0],
                started_by=rng.choice(board) if state == State.UNDER_REVIEW else None,
                started_at=opened + datetime.timedelta(hours=6)
                if state == State.UNDER_REVIEW
                else None,
            )
            for a, (_, state, opened, who) in zip(articles, plans, strict=True)
        ]
    )
    for rnd, (_, _, opened, _) in zip(rounds, plans, strict=True):
        rnd.opened_at = opened
    ReviewRound.objects.bulk_update(rounds, ["opened_at"])
    Comment.objects.bulk_create(
        [
            Comment(
                article_id=rnd.article_id,
                round=rnd,
                author=rng.choice(board),
                revision=1,
                body="Is the guideline cited in the second section still the current edition?",
            )
            for rnd in rounds
            if rnd.started_by_id and rng.random() < 0.3
        ]
    )


def _seed_long_article(rng, policy, board, author, editor, library, *, words, changes) -> None:  # noqa: ANN001
    """10,000 words, live at revision 1, then revised in 500 places, one save each."""
    keys = [r.key for r in rng.sample(library, CITED_PER_ARTICLE)]
    first = long_body(rng, words, keys)
    article = workflow.create_article(
        by=author,
        title="What does the evidence say about exercise for chronic conditions (long review)?",
        summary="A long review, revised in 500 places: the benchmark's history and diff.",
        body=first,
    )
    Article.objects.filter(pk=article.pk).update(slug=LONG_SLUG)
    article.refresh_from_db()
    workflow.submit(article=article, by=author)
    workflow.start_review(article=article, by=board[1])
    workflow.approve(
        article=article,
        by=board[1],
        conflict_of_interest="none",
        checklist=["yes"] * len(policy.review_checklist or []),
        acknowledged_warnings=[w.code for w in checks.approval_warnings(article)],
    )
    workflow.publish(article=article, by=editor)
    workflow.revise(article=article, by=author)
    article.refresh_from_db()
    for n, body in enumerate(scattered_edits(rng, first, changes), start=1):
        workflow.save_content(
            article=article,
            by=author,
            expected_revision=article.revision,
            title=article.title,
            summary=article.summary,
            body=body,
        )
        if n % 100 == 0:
            print(f"  long article: {n} of {changes} revisions", flush=True)
    workflow.submit(article=article, by=author)
    workflow.start_review(article=article, by=board[0])


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seed(int(args[0]) if args else 10_000)
    if "--scale" in sys.argv:
        seed_working_shape()
