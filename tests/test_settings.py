"""Settings come from the environment; production refuses a development secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOAD_SETTINGS = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], settings.DEBUG)"


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Python in a fresh process with only these settings from the environment."""
    ours = (
        "SECRET_KEY",
        "DEBUG",
        "DATABASE_URL",
        "MFA_REQUIRED",
        "SECURE_HSTS_SECONDS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests (tests/browser/conftest.py)
    )
    environment = {k: v for k, v in os.environ.items() if k not in ours}
    environment.update(env, DJANGO_SETTINGS_MODULE="editorial.settings")
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    return run_python("-c", LOAD_SETTINGS, **env)


def test_with_nothing_set_it_runs_on_sqlite_in_debug() -> None:
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


# A key generated the way the README says (secrets.token_urlsafe(50)); used only here.
REAL_SECRET = "pV3qZ8wR1nK6tY0sD4hB9mX2cL7fJ5gA-uE_oI3rT8yW6vN1zQ4kS0jH"


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "development-only-secret-key-do-not-use-in-production",
        "short",
        "x" * 64,  # long but made of one character (Django's security.W009)
        REAL_SECRET[:49],  # one character short of W009's 50
        "django-insecure-" + REAL_SECRET,  # what startproject generates for development
    ],
)
def test_production_refuses_a_secret_djangos_own_check_would_flag(secret: str) -> None:
    result = load_settings(DEBUG="false", SECRET_KEY=secret)
    assert result.returncode != 0
    assert "SECRET_KEY is missing, the development key, or weak" in result.stderr


def test_production_starts_with_a_real_secret_on_postgres() -> None:
    result = load_settings(
        DEBUG="false",
        SECRET_KEY=REAL_SECRET,
        DATABASE_URL="postgres://editor:pw@127.0.0.1:5432/editorial",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_a_malformed_boolean_is_a_clear_error() -> None:
    result = load_settings(DEBUG="yes please")
    assert result.returncode != 0
    assert "DEBUG='yes please': use true or false" in result.stderr


# The production environment the README shows, word for word.
README_PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": REAL_SECRET,
    "DATABASE_URL": "postgres://editorial:secret@db.internal:5432/editorial",
    "ALLOWED_HOSTS": "answers.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://answers.example.org",
    "SITE_URL": "https://answers.example.org",
    "SECURE_SSL_REDIRECT": "true",
}


def test_the_readme_lists_the_production_environment_this_test_checks() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, value in README_PRODUCTION_ENV.items():
        if name != "SECRET_KEY":
            assert f"{name}={value}" in readme


def test_check_deploy_reports_nothing_with_the_production_settings_of_the_readme() -> None:
    result = run_python(
        "manage.py", "check", "--deploy", "--fail-level", "DEBUG", **README_PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_turns_on_hsts_two_factor_and_address_lockout_and_development_does_not() -> None:
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECURE_HSTS_SECONDS, settings.MFA_REQUIRED, "
        "'ip_address' in settings.AXES_LOCKOUT_PARAMETERS)"
    )

    def run(**env: str) -> list[str]:
        done = run_python("-c", probe, **env)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert run(DEBUG="false", SECRET_KEY=REAL_SECRET) == ["31536000", "True", "True"]
    assert run(DEBUG="false", SECRET_KEY=REAL_SECRET, SECURE_HSTS_SECONDS="0")[0] == "0"
    assert run() == ["0", "False", "False"]
    assert run(MFA_REQUIRED="true") == ["0", "True", "False"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.postgres
@pytest.mark.django_db
def test_long_texts_are_kept_out_of_article_and_publication_rows() -> None:
    """Lists and counts read article rows: their bodies live in TOAST from 128 bytes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN "
            "('articles_article', 'articles_historicalarticle', 'articles_publication')"
        )
        options = dict(cursor.fetchall())
    assert options == {
        name: ["toast_tuple_target=128"]
        for name in ("articles_article", "articles_historicalarticle", "articles_publication")
    }
