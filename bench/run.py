"""Benchmark the public pages against a constant baseline, on PostgreSQL behind gunicorn.

    make bench                      # or: .venv/bin/python bench/run.py
    BENCH_ROUNDS=5 BENCH_SECONDS=10 make bench

Creates (once) the PostgreSQL database `ed_bench`, migrates it and seeds 10,000 published
articles (bench/seed.py), collects static files, starts gunicorn (2 sync workers, DEBUG
off, SECRET_KEY from the environment or a random one for this run, persistent database
connections), then runs wrk on loopback against /healthz (the baseline), one article page,
/ and a search, interleaved round by round so that drift on the machine hits every target
alike. Prints requests/s, p50 and p99 (medians over the rounds) and each target's ratio to
the baseline. It does this twice: with the default configuration, then with the opt-in
micro-cache (PUBLIC_PAGE_CACHE_SECONDS); BENCH_PASSES=micro runs only the second. Needs PostgreSQL on 127.0.0.1:5432 (trust auth) and Debian's `wrk`.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WRK = shutil.which("wrk") or "/usr/bin/wrk"

DB_NAME = os.environ.get("BENCH_DB", "ed_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "10000"))
PORT = int(os.environ.get("BENCH_PORT", "8002"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
SEARCH = os.environ.get("BENCH_SEARCH", "neuropathy")
MICRO_CACHE = os.environ.get("BENCH_MICRO_CACHE_SECONDS", "5")

GOALS = {"article": 0.8, "home": 0.4, "search": 0.4}


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG}/{DB_NAME}",
        DATABASE_CONN_MAX_AGE="600",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    return env


def run(*args: str | Path, env: dict[str, str], quiet: bool = False) -> str:
    result = subprocess.run(  # noqa: S603 - our own venv's programs
        [str(a) for a in args], cwd=ROOT, env=env, check=True, capture_output=quiet, text=True
    )
    return result.stdout if quiet else ""


def prepare(env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    print(f"== Database {DB_NAME}: migrate and seed {ARTICLES:,} articles (once)", flush=True)
    run(PYTHON, "manage.py", "migrate", "--no-input", "-v", "0", env=env)
    run(PYTHON, "bench/seed.py", str(ARTICLES), env=env)
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0", env=env)


def pick_article(env: dict[str, str]) -> str:
    """A typical article: the median-sized live page among the seeded ones."""
    out = run(
        PYTHON,
        "manage.py",
        "shell",
        "-c",
        "from articles.models import Article;"
        "a = Article.objects.live().filter(slug__startswith='bench-').order_by('pk')"
        f"[{ARTICLES // 2}:{ARTICLES // 2 + 1}].get(); print('SLUG=' + a.slug)",
        env=env,
        quiet=True,
    )
    return re.search(r"SLUG=(\S+)", out).group(1)


def start_server(env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        [
            str(GUNICORN),
            "editorial.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def check(url: str) -> None:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        body = response.read()
        if response.status != 200 or len(body) < 3:
            raise SystemExit(f"{url} answered {response.status} with {len(body)} bytes")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int) -> dict[str, float]:
    out = subprocess.run(  # noqa: S603
        [WRK, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw errors on {url}:\n{out}")

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * UNITS[unit]

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
    }


# Each pass serves the same code: first as configured by default (the page cache, one
# small query per request), then with the opt-in micro-cache (no query on a hit).
PASSES = {
    "default (page cache validated by one query per request)": "0",
    f"with PUBLIC_PAGE_CACHE_SECONDS={MICRO_CACHE}": MICRO_CACHE,
}


def main() -> None:
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    env = environment()
    prepare(env)
    slug = pick_article(env)
    base = f"http://127.0.0.1:{PORT}"
    targets = {
        "baseline": f"{base}/healthz",
        "article": f"{base}/articles/{slug}/",
        "home": f"{base}/",
        "search": f"{base}/?q={SEARCH}",
    }
    failed = False
    chosen = os.environ.get("BENCH_PASSES", "default,micro").split(",")
    passes = dict(zip(("default", "micro"), PASSES.items(), strict=True))
    for title, seconds in (passes[name.strip()] for name in chosen):
        print(f"\n== Pass: {title}", flush=True)
        results = measure(targets, {**env, "PUBLIC_PAGE_CACHE_SECONDS": seconds})
        failed |= report(title, targets, results)
    sys.exit(1 if failed else 0)


def measure(targets: dict[str, str], env: dict[str, str]) -> dict[str, list[dict[str, float]]]:
    server = start_server(env)
    try:
        for url in targets.values():
            check(url)
        print(f"== Warm-up, then {ROUNDS} interleaved rounds of {SECONDS}s per target", flush=True)
        for url in targets.values():
            wrk(url, 2)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
        for round_number in range(1, ROUNDS + 1):
            for name, url in targets.items():
                results[name].append(wrk(url, SECONDS))
                print(
                    f"  round {round_number} {name:8} {results[name][-1]['rps']:8.0f} req/s",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def report(title: str, targets: dict[str, str], results: dict[str, list[dict[str, float]]]) -> bool:
    """Medians over the rounds; each ratio is the median of the per-round ratios.

    A target's ratio is taken against the baseline of its own round, so that load from
    elsewhere on the machine, which moves between rounds, cancels out.
    """
    summary = {
        name: {key: statistics.median(r[key] for r in runs) for key in ("rps", "p50", "p99")}
        for name, runs in results.items()
    }
    baselines = [r["rps"] for r in results["baseline"]]
    print()
    print(title)
    print(
        f"wrk -t{THREADS} -c{CONNECTIONS}, {ROUNDS} x {SECONDS}s per target, medians; "
        f"gunicorn 2 sync workers; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'target':9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}  goal      "
        "per-round ratios  url"
    )
    failed = False
    for name, row in summary.items():
        ratios = [r["rps"] / b for r, b in zip(results[name], baselines, strict=True)]
        ratio = statistics.median(ratios)
        goal = GOALS.get(name)
        verdict = "" if goal is None else ("ok" if ratio >= goal else "MISS")
        failed |= verdict == "MISS"
        goal_text = f"{goal:.1f}x {verdict}" if goal else "-"
        path = targets[name].split(str(PORT), 1)[1]
        rounds = " ".join(f"{r:.2f}" for r in ratios)
        print(
            f"{name:9} {row['rps']:8.0f} {row['p50']:8.2f} {row['p99']:8.2f} "
            f"{ratio:5.2f}x  {goal_text:8}  {rounds:16}  {path}"
        )
    return failed


if __name__ == "__main__":
    main()
