"""Benchmark the pages the team works in, at the size of a real site (issue 10).

    make bench-scale                # or: .venv/bin/python bench/scale.py
    BENCH_SCALE_REQUESTS=50 make bench-scale

Creates (once) the PostgreSQL database `ed_bench_scale`, migrates it and seeds it with
bench/seed.py --scale: 10,000 published articles, 250 submitted, 250 under review, 2,000 due
for re-review, and one 10,000-word article revised in 500 places (live at its first
revision, under review at its last). Then, in one process with DEBUG off, it signs in as a
board member, the author of every article and an editor (and as nobody, for the sitemap
and the feed) and requests each page: a warm-up, one request with its queries counted,
then BENCH_SCALE_REQUESTS timed requests. Times are server-side (Django's whole request
handling, middleware included, through the test client; no network, no gunicorn).
Prints p50 and p99 in ms, queries per request and the bytes of each page; exits 1 when a
page misses its goal (p99 <= 150 ms; queue and desk within 3x of /publishing/).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DB", "ed_bench_scale")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")

from bench import run  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_SCALE_REQUESTS", "30"))
GOAL_P99_MS = 150.0
GOAL_RATIO_TO_PUBLISHING = 3.0


def prepare(env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(f"{run.PG}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [run.DB_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{run.DB_NAME}"')
    print(f"== Database {run.DB_NAME}: migrate and seed the working shape (once)", flush=True)
    run.run(run.PYTHON, "manage.py", "migrate", "--no-input", "-v", "0", env=env)
    # The seed drives one article through the real workflow; in development mode, so that
    # nothing that production asks of a person at the keyboard stands in its way.
    run.run(run.PYTHON, "bench/seed.py", str(run.ARTICLES), "--scale", env={**env, "DEBUG": "true"})
    run.run(run.PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0", env=env)


def pages() -> list[tuple[str, str, str]]:
    """(who, label, path) for every page measured; ids looked up in the seeded data."""
    from articles.models import Article
    from bench.seed import LONG_SLUG

    long = Article.objects.get(slug=LONG_SLUG).pk
    waiting = Article.objects.filter(slug="bench-wip-0").get().pk
    return [
        ("board", "queue", "/review/"),
        ("board", "queue, waiting p.5", "/review/?section=waiting&page=5"),
        ("board", "queue, due p.40", "/review/?section=due&page=40"),
        ("board", "queue, overdue", "/review/?show=overdue"),
        ("board", "queue, search", "/review/?q=exercise&audience=clinician"),
        ("board", "review page (long)", f"/review/{long}/"),
        ("board", "review page (new)", f"/review/{waiting}/"),
        ("author", "desk", "/drafts/"),
        ("author", "desk, published p.200", "/drafts/?section=published&page=200"),
        ("author", "history (long)", f"/drafts/{long}/history/"),
        ("author", "history p.5", f"/drafts/{long}/history/?page=5"),
        ("editor", "publishing", "/publishing/"),
        ("editor", "publishing, live p.100", "/publishing/?section=published&page=100"),
        ("editor", "admin articles", "/admin/articles/article/"),
        ("editor", "admin publications", "/admin/articles/publication/"),
        ("editor", "admin references", "/admin/references/reference/"),
        ("editor", "admin history (long)", f"/admin/articles/article/{long}/history/"),
        ("anonymous", "sitemap index", "/sitemap.xml"),
        ("anonymous", "sitemap articles", "/sitemap-articles.xml"),
        ("anonymous", "feed", "/feed/"),
    ]


def measure() -> bool:
    import django

    django.setup()
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    assert not settings.DEBUG, "measure with DEBUG off"
    User = get_user_model()
    people = {
        "board": User.objects.get(username="bench-board-1"),
        "author": User.objects.get(username="bench-author"),
        "editor": User.objects.get(username="bench-editor"),
    }
    clients = {"anonymous": Client()}
    for who, user in people.items():
        # As in production, where the board, editors and staff must have a second factor
        # (settings.MFA_REQUIRED; its middleware asks for it on every request).
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
        )
        clients[who] = Client()
        clients[who].force_login(user)
    results = []
    for who, label, path in pages():
        client = clients[who]
        for _ in range(2):
            response = client.get(path, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{path} as {who} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(path, secure=True)
        # Read now: every request (request_started) empties the connection's query log.
        queries = len(captured.captured_queries)
        timings = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(path, secure=True)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
        results.append(
            {
                "who": who,
                "label": label,
                "path": path,
                "p50": statistics.median(timings),
                "p99": p99,
                "queries": queries,
                "bytes": len(response.content),
            }
        )
        print(f"  {label:24} {results[-1]['p50']:8.1f} ms", flush=True)
    return report(results)


def report(results: list[dict]) -> bool:
    publishing = next(r for r in results if r["label"] == "publishing")["p50"]
    print()
    print(
        f"{REQUESTS} requests per page after a warm-up; server-side ms; {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'page':24} {'as':9} {'p50 ms':>8} {'p99 ms':>8} {'queries':>7} {'bytes':>9}  goal  path"
    )
    failed = False
    for r in results:
        ok = r["p99"] <= GOAL_P99_MS
        if r["label"] in ("queue", "desk"):
            ok = ok and r["p50"] <= GOAL_RATIO_TO_PUBLISHING * publishing
        failed |= not ok
        print(
            f"{r['label']:24} {r['who']:9} {r['p50']:8.1f} {r['p99']:8.1f} {r['queries']:7} "
            f"{r['bytes']:9,}  {'ok' if ok else 'MISS':4}  {r['path']}"
        )
    return failed


def main() -> None:
    env = run.environment()
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    prepare(env)
    result = run.subprocess.run(  # noqa: S603 - our own venv's python
        [str(run.PYTHON), str(Path(__file__)), "--measure"], cwd=ROOT, env=env, check=False
    )
    sys.exit(result.returncode)


if __name__ == "__main__":
    if "--measure" in sys.argv:
        sys.exit(1 if measure() else 0)
    main()
