#!/usr/bin/env python3
"""Mutation testing of the rule core: `make mutate` (see docs/mutation-testing.md).

Runs mutmut (configured under [tool.mutmut] in pyproject.toml: which files are mutated,
which tests run) on SQLite, then reads every mutant's result and holds the survivors
against tools/mutation-equivalents.txt, the mutants that cannot be killed because they
change nothing a person or the database could see, each with its reason.

Fails (exit 1) when a survivor is not on that list, when a listed mutant no longer
exists or no longer reads as listed (the list went stale), or when fewer than 95 % of
the non-equivalent mutants are killed.

    python3 tools/mutate.py            # a fresh run: mutants/ is rebuilt
    python3 tools/mutate.py --resume   # keep mutants/ and re-test only what changed
    python3 tools/mutate.py --retest-unlisted   # after adding tests: unlisted survivors again
    python3 tools/mutate.py --report   # read the last run's results again
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "tools" / "mutation-equivalents.txt"
TEMPLATE = MUTANTS / "sqlite" / "template.sqlite3"
# Which tests killed each function's mutants, this run and earlier ones (kept across fresh
# runs, ignored by git); tools/mutmut_two_stage.py runs them first. Only the order of a
# mutant's tests comes from here, never whether it is killed.
KILLERS = ROOT / ".mutation-killers"
GOAL = 0.95
# An allow-list reason starting so marks a mutant only a row lock on PostgreSQL can tell apart.
POSTGRES_ONLY = "PostgreSQL only:"


@dataclass(frozen=True)
class Equivalent:
    mutant: str
    line: str
    reason: str


def read_equivalents(path: Path = EQUIVALENTS) -> list[Equivalent]:
    """`<mutant id> | <the mutated line, as `mutmut show` prints it> | <reason>` per line."""
    equivalents = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        # The mutated line may itself hold " | " (a type union); the id and reason never do.
        mutant, _, rest = raw.partition(" | ")
        line, _, reason = rest.rpartition(" | ")
        parts = [mutant.strip(), line.strip(), reason.strip()]
        if not all(parts):
            sys.exit(f"{path.name}:{number}: expected `mutant id | mutated line | reason`")
        equivalents.append(Equivalent(*parts))
    return equivalents


def environment() -> dict[str, str]:
    env = dict(os.environ)
    # SQLite, always: the run must not touch a PostgreSQL named in the caller's shell, and
    # CI=true would make the suite insist on PostgreSQL.
    for name in ("DATABASE_URL", "CI"):
        env.pop(name, None)
    env["MUTATION_SQLITE_TEMPLATE"] = str(TEMPLATE)
    env["MUTATION_KILLERS"] = str(KILLERS)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def copies_folder() -> Path:
    """Where the test processes put their database copies: a private folder in memory
    (/dev/shm) where the system has one, so the copies and their commits never wait on a disk."""
    memory = Path("/dev/shm")  # noqa: S108 - mkdtemp makes a private folder (mode 700) in it
    parent = memory if os.access(memory, os.W_OK) else TEMPLATE.parent
    return Path(tempfile.mkdtemp(prefix="mutation-", dir=parent))


def run(*args: str | Path, env: dict[str, str], capture: bool = False) -> str:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run(
        [str(a) for a in args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def migrated_template(env: dict[str, str]) -> None:
    """One migrated SQLite database that every test process copies (tools/mutation_db.py)."""
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.unlink(missing_ok=True)
    migrate_env = dict(env, DATABASE_URL=f"sqlite:///{TEMPLATE}")
    run(VENV_BIN / "python", "manage.py", "migrate", "--no-input", "-v", "0", env=migrate_env)


def results(env: dict[str, str]) -> dict[str, str]:
    output = run(VENV_BIN / "mutmut", "results", "--all", "true", env=env, capture=True)
    statuses = {}
    for line in output.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            statuses[name] = status
    return statuses


def mutated_line(mutant: str, env: dict[str, str]) -> str:
    """The line the mutant changes, as `mutmut show` prints it after its `+`."""
    diff = run(VENV_BIN / "mutmut", "show", mutant, env=env, capture=True)
    added = [
        line[1:].strip()
        for line in diff.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]
    return " / ".join(added) or "(line removed)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resume", action="store_true", help="keep mutants/ from the last run")
    parser.add_argument(
        "--report", action="store_true", help="only read the last run's results again"
    )
    parser.add_argument(
        "--retest-unlisted",
        action="store_true",
        help="keep mutants/ and test again the last run's survivors not on the allow-list",
    )
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    options = parser.parse_args()

    env = environment()
    equivalents = read_equivalents()
    started = time.monotonic()
    mutants: list[str] = []
    if options.retest_unlisted:
        # mutmut lets an earlier result stand unless the mutant is named.
        on_list = {e.mutant for e in equivalents}
        mutants = sorted(
            name
            for name, status in results(env).items()
            if status != "killed" and name not in on_list
        )
    if not options.report:
        if not (options.resume or options.retest_unlisted) and MUTANTS.exists():
            shutil.rmtree(MUTANTS)
        migrated_template(env)
        children = str(options.max_children)
        copies = copies_folder()
        try:
            run_env = dict(env, MUTATION_SQLITE_COPIES=str(copies))
            mutmut = (VENV_BIN / "python", "-m", "tools.mutmut_two_stage")
            run(*mutmut, "run", "--max-children", children, *mutants, env=run_env)
        finally:
            shutil.rmtree(copies, ignore_errors=True)
    elapsed = time.monotonic() - started

    statuses = results(env)
    listed = {e.mutant: e for e in equivalents}
    survivors = sorted(name for name, status in statuses.items() if status != "killed")
    problems = []
    for entry in equivalents:
        if entry.mutant not in statuses:
            problems.append(f"listed as equivalent but no longer a mutant: {entry.mutant}")
        elif statuses[entry.mutant] == "killed":
            problems.append(f"listed as equivalent but killed (remove it): {entry.mutant}")
        elif (now := mutated_line(entry.mutant, env)) != entry.line:
            problems.append(
                f"listed as equivalent but it now reads differently: {entry.mutant}\n"
                f"      listed: {entry.line}\n      now:    {now}"
            )
    unexplained = [name for name in survivors if name not in listed]
    for name in unexplained:
        problems.append(
            f"survived ({statuses[name]}): {name}\n      + {mutated_line(name, env)}\n"
            f"      see it with: .venv/bin/mutmut show {name}"
        )

    listed_survivors = [e for e in equivalents if statuses.get(e.mutant, "killed") != "killed"]
    postgres_only = sum(1 for e in listed_survivors if e.reason.startswith(POSTGRES_ONLY))
    equivalent = len(listed_survivors) - postgres_only
    killed = sum(1 for status in statuses.values() if status == "killed")
    scored = len(statuses) - len(listed_survivors)
    score = killed / scored if scored else 1.0
    print()
    for problem in problems:
        print("  " + problem)
    print(
        f"\nmutants: {len(statuses)}, killed: {killed}, equivalent (listed): {equivalent}, "
        f"PostgreSQL only (listed): {postgres_only}, other survivors: {len(unexplained)}; "
        f"score {score:.1%} of the others (goal {GOAL:.0%}); {elapsed / 60:.1f} min"
    )
    return 1 if problems or score < GOAL else 0


if __name__ == "__main__":
    sys.exit(main())
