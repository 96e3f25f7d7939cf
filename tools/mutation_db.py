"""pytest plugin for the mutation run: each test process gets a migrated SQLite copy.

mutmut runs the tests once per mutant in a forked process; creating a test database there
(even a kept one: Django still runs `migrate` and the post-migrate handlers) would cost
more than most mutants' tests. tools/mutate.py migrates one template file first; each
process copies it (into MUTATION_SQLITE_COPIES, a folder in memory) and uses the copy as
the database itself, so pytest-django's `django_db_setup` has nothing left to do.

It also puts first the tests that killed other mutants of the same function in this run
(tools/mutate.py names a folder in MUTATION_KILLERS): mutmut stops at the first failing
test, and mutants of one function mostly fall to the same few tests, so a killed mutant
usually costs one test instead of every test before its killer in mutmut's order.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest


def killers_file(mutant: str) -> Path | None:
    """The tests that killed mutants of this mutant's function so far, one a line:
    `<MUTATION_KILLERS>/articles.rules.x_may_edit.txt` for `articles.rules.x_may_edit__mutmut_3`."""
    folder = os.environ.get("MUTATION_KILLERS")
    function, sep, number = mutant.rpartition("__mutmut_")
    if not (folder and sep and number.isdigit()):
        return None
    return Path(folder) / f"{function}.txt"


def known_killers(mutant: str) -> Counter[str]:
    """How many mutants of this mutant's function each test has killed so far."""
    killers = killers_file(mutant)
    if killers is None or not killers.exists():
        return Counter()
    return Counter(killers.read_text(encoding="utf-8").splitlines())


def _mutant_under_test() -> str:
    return os.environ.get("MUTANT_UNDER_TEST", "")


def _own_copy() -> Path:
    template = Path(os.environ["MUTATION_SQLITE_TEMPLATE"])
    folder = Path(os.environ.get("MUTATION_SQLITE_COPIES") or template.parent)
    return folder / f"test-{os.getpid()}.sqlite3"


class _MigratedCopy:
    @pytest.fixture(scope="session")
    def django_db_setup(self) -> None:
        """Replaces pytest-django's: the copy is migrated already, nothing to create."""


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings
    from django.db import connections

    copy = _own_copy()
    shutil.copyfile(os.environ["MUTATION_SQLITE_TEMPLATE"], copy)
    for settings_dict in (settings.DATABASES["default"], connections["default"].settings_dict):
        settings_dict["NAME"] = str(copy)
    # A connection left open by an earlier session in this process (mutmut runs several
    # in its main process, then forks) points at a copy that is gone.
    connections.close_all()
    # Registered after pytest-django, so this fixture is the one used.
    config.pluginmanager.register(_MigratedCopy(), "mutation-migrated-copy")


def pytest_unconfigure(config: pytest.Config) -> None:
    from django.db import connections

    connections.close_all()
    _own_copy().unlink(missing_ok=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    kills = known_killers(_mutant_under_test())
    # Most kills first; the rest keep mutmut's order (fastest first). sort() is stable.
    if kills:
        items.sort(key=lambda item: -kills[item.nodeid])


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    killers = killers_file(_mutant_under_test())
    if killers is not None and report.failed:
        killers.parent.mkdir(parents=True, exist_ok=True)
        with killers.open("a", encoding="utf-8") as file:
            file.write(report.nodeid + "\n")
