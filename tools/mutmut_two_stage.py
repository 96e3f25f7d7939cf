"""`mutmut`, with each mutant's tests run in stages (tools/mutate.py runs it so).

mutmut hands each mutant's process every test that reached the mutated function, by node
id, and pytest collects them all before running the first: for a function every action
goes through (frame.record, say), collecting its ~200 tests costs more than the test that
kills the mutant. So the tests that killed other mutants of the same function (this run
and earlier ones; tools/mutation_db.py records them) run first: the five that killed most,
alone; then the function's other known killers; only if the mutant survives them all do
the remaining tests run, each stage a pytest session of the same process. A mutant is
killed or survives exactly as with one session: every test reaching it still runs until
one fails.

mutmut is pinned (requirements-dev.txt): this wraps PytestRunner.run_tests of 3.8.1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from mutmut.__main__ import cli
from mutmut.runners.harness import PytestRunner

from tools.mutation_db import known_killers

# The first stage: at most this many of the function's killers, the most frequent first.
# The second holds its other known killers; the third, every other test reaching it.
FIRST_STAGE = 5

_run_tests = PytestRunner.run_tests


def stages(tests: list[str], kills: Counter[str]) -> list[list[str]]:
    """The mutant's tests split into the stages above; empty stages left out."""
    known = sorted((t for t in tests if kills[t]), key=lambda t: -kills[t])
    rest = [t for t in tests if not kills[t]]
    return [stage for stage in (known[:FIRST_STAGE], known[FIRST_STAGE:], rest) if stage]


def run_tests_in_stages(
    self: PytestRunner, *, mutant_name: str | None, tests: Iterable[str]
) -> int:
    exit_code = 0
    for stage in stages(list(tests), known_killers(mutant_name or "")) or [[]]:
        exit_code = _run_tests(self, mutant_name=mutant_name, tests=stage)
        if exit_code != 0:
            break
    return exit_code


PytestRunner.run_tests = run_tests_in_stages  # type: ignore[method-assign]

if __name__ == "__main__":
    cli()
