"""pytest plugin for the mutation run: each test process gets a migrated SQLite copy.

mutmut runs the tests once per mutant in a forked process; migrating a fresh test
database there would cost seconds per mutant. tools/mutate.py migrates one template
file first; each process copies it (milliseconds) and pytest-django reuses the copy.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def _own_copy() -> Path:
    template = Path(os.environ["MUTATION_SQLITE_TEMPLATE"])
    return template.with_name(f"test-{os.getpid()}.sqlite3")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings
    from django.db import connections

    copy = _own_copy()
    shutil.copyfile(os.environ["MUTATION_SQLITE_TEMPLATE"], copy)
    for settings_dict in (settings.DATABASES["default"], connections["default"].settings_dict):
        settings_dict.setdefault("TEST", {})["NAME"] = str(copy)


def pytest_unconfigure(config: pytest.Config) -> None:
    _own_copy().unlink(missing_ok=True)
