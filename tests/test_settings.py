"""Settings come from the environment; production refuses a development secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOAD_SETTINGS = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], settings.DEBUG)"


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="editorial.settings")
    return subprocess.run(
        [sys.executable, "-c", LOAD_SETTINGS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_with_nothing_set_it_runs_on_sqlite_in_debug() -> None:
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


@pytest.mark.parametrize(
    "secret", ["", "development-only-secret-key-do-not-use-in-production", "short"]
)
def test_production_refuses_a_missing_or_development_secret(secret: str) -> None:
    result = load_settings(DEBUG="false", SECRET_KEY=secret)
    assert result.returncode != 0
    assert "SECRET_KEY is missing or is the development key" in result.stderr


def test_production_starts_with_a_real_secret_on_postgres() -> None:
    result = load_settings(
        DEBUG="false",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://editor:pw@127.0.0.1:5432/editorial",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_a_malformed_boolean_is_a_clear_error() -> None:
    result = load_settings(DEBUG="yes please")
    assert result.returncode != 0
    assert "DEBUG='yes please': use true or false" in result.stderr
