"""Guessing passwords: after 10 failures for an account or from an address, stop checking.

django-axes counts the failures in the database (every worker and machine sees the same
count); the person locked out is told when to try again. Reset emails are rate-limited too.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from editorial import roles
from tests.conftest import make_user

PASSWORD = "test-password"  # tests/conftest.py make_user


@pytest.fixture
def password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the site compares against a stored hash, in order."""
    checked: list[str] = []
    original = AbstractBaseUser.check_password

    def counting(user: AbstractBaseUser, raw_password: str) -> bool:
        checked.append(raw_password)
        return original(user, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counting)
    return checked


@pytest.fixture(autouse=True)
def production_throttling(settings: Any) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # DEBUG off's default
    cache.clear()  # allauth keeps its reset-email counts in the cache


def sign_in(client: Any, login: str, password: str, address: str = "203.0.113.7") -> Any:
    return client.post(
        reverse("login"), {"login": login, "password": password}, REMOTE_ADDR=address
    )


def test_the_eleventh_wrong_password_is_refused_without_being_checked(
    client: Any, author: Any, password_checks: list[str]
) -> None:
    for attempt in range(9):
        response = sign_in(client, author.username, f"wrong-guess-{attempt}")
        assert response.status_code == 200
        assert "not correct" in response.text
    # The tenth is checked, fails, and locks the account.
    assert sign_in(client, author.username, "wrong-guess-9").status_code == 429
    assert len(password_checks) == 10

    response = sign_in(client, author.username, "wrong-guess-10")

    assert response.status_code == 429
    assert len(password_checks) == 10  # the eleventh was never compared
    assert "Too many attempts" in response.text
    assert "Try again in 15 minutes, after" in response.text
    assert response["Retry-After"] == "900"


def test_fifty_guesses_in_a_minute_check_only_ten_and_the_right_password_waits_too(
    client: Any, author: Any, password_checks: list[str]
) -> None:
    for attempt in range(50):
        sign_in(client, author.username, f"guess-{attempt}")
    assert len(password_checks) == 10

    response = sign_in(client, author.username, PASSWORD)
    assert response.status_code == 429
    assert len(password_checks) == 10
    assert "_auth_user_id" not in client.session


def test_the_account_is_locked_whatever_address_or_name_the_guesses_use(
    client: Any, author: Any, password_checks: list[str]
) -> None:
    for attempt in range(10):
        login = author.username if attempt % 2 else author.email.upper()
        sign_in(client, login, "wrong-password", address=f"198.51.100.{attempt}")
    checked = len(password_checks)  # allauth tries an email as a username too
    response = sign_in(client, author.username, "wrong-password", address="192.0.2.200")
    assert response.status_code == 429
    assert len(password_checks) == checked


def test_an_address_guessing_at_many_accounts_is_locked(
    client: Any, db: Any, password_checks: list[str]
) -> None:
    people = [make_user(f"person{n}", roles.AUTHORS) for n in range(11)]
    for person in people[:10]:
        sign_in(client, person.username, "wrong-password")
    response = sign_in(client, people[10].username, PASSWORD)
    assert response.status_code == 429
    assert len(password_checks) == 10
    # Someone else, elsewhere, is not affected.
    assert sign_in(client, people[10].username, PASSWORD, address="192.0.2.9").status_code == 302


def test_in_development_typos_from_one_address_lock_only_that_account(
    client: Any, settings: Any, author: Any, other_author: Any
) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]  # DEBUG on's default
    for attempt in range(10):
        sign_in(client, author.username, "wrong-password")
    assert sign_in(client, author.username, PASSWORD).status_code == 429
    assert sign_in(client, other_author.username, PASSWORD).status_code == 302


def test_after_the_pause_the_person_can_sign_in_again(client: Any, author: Any) -> None:
    for attempt in range(10):
        sign_in(client, author.username, "wrong-password")
    assert sign_in(client, author.username, PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )

    response = sign_in(client, author.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/drafts/"
    assert not AccessAttempt.objects.exists()  # a success clears the count


def test_a_few_mistakes_then_the_right_password_signs_in(client: Any, author: Any) -> None:
    for attempt in range(9):
        sign_in(client, author.username, "wrong-password")
    assert sign_in(client, author.username, PASSWORD).status_code == 302


def test_reset_emails_are_rate_limited_per_account(client: Any, author: Any) -> None:
    url = reverse("account_reset_password")
    for _ in range(3):
        response = client.post(url, {"email": author.email}, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302
    assert len(mail.outbox) == 3

    response = client.post(url, {"email": author.email}, REMOTE_ADDR="198.51.100.1")

    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_reset_requests_are_rate_limited_per_address(client: Any, db: Any) -> None:
    url = reverse("account_reset_password")
    for n in range(20):
        client.post(url, {"email": f"nobody{n}@example.org"}, REMOTE_ADDR="203.0.113.7")
    response = client.post(url, {"email": "nobody@example.org"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert mail.outbox == []  # no email to addresses without an account
