"""Time the word diff of the history and review pages on long bodies with scattered changes.

    .venv/bin/python bench/diff.py        # or: make bench-diff

Bodies are built from the benchmark's article generator (bench/seed.py): 10,000 words with
500 scattered changes (goal < 150 ms) and 50,000 words with 2,500 (goal < 500 ms). Each
change replaces, inserts or deletes a word, or changes a punctuation mark. Prints the
median and the worst of several runs and exits 1 when a goal is missed. No database.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")

import django  # noqa: E402

django.setup()

from articles.views.diff import word_diff  # noqa: E402
from bench.seed import FILLER, long_body  # noqa: E402

RUNS = int(os.environ.get("BENCH_DIFF_RUNS", "7"))
CASES = [(10_000, 500, 150.0), (50_000, 2_500, 500.0)]


def scatter(rng: random.Random, body: str, changes: int) -> str:
    """`changes` edits at distinct places spread over the whole body."""
    words = body.split(" ")
    places = sorted(rng.sample(range(len(words)), changes))
    for place in reversed(places):
        kind = rng.randrange(4)
        if kind == 0:
            words[place] = rng.choice(FILLER)
        elif kind == 1:
            words.insert(place, rng.choice(FILLER))
        elif kind == 2:
            del words[place]
        else:
            words[place] = words[place].rstrip(".,") + rng.choice([",", ";", ":"])
    return " ".join(words)


def main() -> None:
    rng = random.Random(500)
    failed = False
    print(f"{'words':>7} {'changes':>7} {'median ms':>10} {'worst ms':>9} {'goal':>7}  result")
    for words, changes, goal in CASES:
        old = long_body(rng, words, [f"ref{n}" for n in range(8)])
        new = scatter(rng, old, changes)
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            html = word_diff(old, new)
            timings.append((time.perf_counter() - started) * 1000)
        median = statistics.median(timings)
        verdict = "ok" if median < goal else "MISS"
        failed |= verdict == "MISS"
        marked = html.count("<del>") + html.count("<ins>")
        print(
            f"{len(old.split()):7,} {changes:7,} {median:10.1f} {max(timings):9.1f} "
            f"{goal:6.0f}  {verdict} ({marked:,} marked runs, {len(html):,} bytes of HTML)"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
