"""`mutmut`, with each mutant's tests run in two stages (tools/mutate.py runs it so).

mutmut hands each mutant's process every test that reached the mutated function, by node
id, and pytest collects them all before running the first: for a function every action
goes through (frame.record, say), collecting its ~200 tests costs more than the test that
kills the mutant. So the tests that killed other mutants of the same function in this run
(tools/mutation_db.py records them) run first, alone; only if the mutant survives them do
the other tests run, in a second pytest session of the same process. A mutant is killed
or survives exactly as with one session: every test reaching it still runs until one fails.

mutmut is pinned (requirements-dev.txt): this wraps PytestRunner.run_tests of 3.8.1.
"""

from __future__ import annotations

from collections.abc import Iterable

from mutmut.__main__ import cli
from mutmut.runners.harness import PytestRunner

from tools.mutation_db import known_killers

# The first stage: at most this many of the function's killers, the most frequent first.
FIRST_STAGE = 5

_run_tests = PytestRunner.run_tests


def run_tests_in_two_stages(
    self: PytestRunner, *, mutant_name: str | None, tests: Iterable[str]
) -> int:
    tests = list(tests)
    kills = known_killers(mutant_name or "")
    first = sorted((t for t in tests if kills[t]), key=lambda t: -kills[t])[:FIRST_STAGE]
    if not first or len(first) == len(tests):
        return _run_tests(self, mutant_name=mutant_name, tests=tests)
    exit_code = _run_tests(self, mutant_name=mutant_name, tests=first)
    if exit_code != 0:
        return exit_code
    chosen = set(first)
    return _run_tests(self, mutant_name=mutant_name, tests=[t for t in tests if t not in chosen])


PytestRunner.run_tests = run_tests_in_two_stages  # type: ignore[method-assign]

if __name__ == "__main__":
    cli()
