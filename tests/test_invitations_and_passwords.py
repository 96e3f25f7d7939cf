"""People are invited by email and choose their own password; passwords are reset by email.

Editors invite authors; only a superuser invites a board member or an editor. Passwords
are at least 12 characters and not common. Signing in lands each person on their work.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from editorial import roles
from editorial.models import RoleChange
from tests.conftest import make_user

User = get_user_model()
GOOD_PASSWORD = "lantern orbit mossy viaduct"


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def superuser(db: Any) -> Any:
    return User.objects.create_superuser("sasha", "sasha@example.org", "test-password")


@pytest.fixture
def invite(client: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Post the invitation form; the email goes out once the transaction commits."""

    def post(role: str, email: str = "nadia.osei@example.org") -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("invite"),
                {"email": email, "first_name": "Nadia", "last_name": "Osei", "role": role},
            )

    return post


def link_in(message: Any) -> str:
    return re.search(r"http://\S+/accounts/password/reset/key/\S+/", message.body).group(0)


def choose_password(client: Any, link: str, password: str) -> Any:
    """Open the emailed link as a browser would, then post the new password."""
    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return client.post(form_url, {"password1": password, "password2": password})


def test_anonymous_visitors_and_authors_cannot_invite(
    client: Any, invite: Any, author: Any
) -> None:
    response = client.get(reverse("invite"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(author)
    assert invite(roles.AUTHORS).status_code == 403
    assert not User.objects.filter(email="nadia.osei@example.org").exists()
    assert mail.outbox == []


def test_an_editor_invites_an_author_who_chooses_a_password_and_lands_on_the_desk(
    client: Any, invite: Any, editor: Any
) -> None:
    client.force_login(editor)
    page = client.get(reverse("invite")).text
    assert "Author: writes articles" in page and "Board: reviews" not in page

    response = invite(roles.AUTHORS)

    assert response.status_code == 302
    person = User.objects.get(email="nadia.osei@example.org")
    assert not person.has_usable_password()
    assert set(person.groups.values_list("name", flat=True)) == {roles.AUTHORS}
    assert not person.is_staff
    row = RoleChange.objects.get()
    assert (row.user, row.role, row.changed_by, row.via) == (
        person,
        roles.AUTHORS,
        editor,
        "invitation",
    )
    [message] = mail.outbox
    assert message.to == ["nadia.osei@example.org"]
    assert "invited you" in message.subject
    html = message.alternatives[0][0]
    assert "Choose your password" in html and "If the button does not work" in html
    assert "second factor" not in message.body

    client.logout()
    link = link_in(message)
    assert choose_password(client, link, GOOD_PASSWORD).status_code == 302
    person.refresh_from_db()
    assert person.check_password(GOOD_PASSWORD)
    response = client.post(
        reverse("login"), {"login": "nadia.osei@example.org", "password": GOOD_PASSWORD}
    )
    assert response["Location"] == "/drafts/"

    # The link works once.
    client.logout()
    page = client.get(link, follow=True)
    assert "This link no longer works" in page.text


@pytest.mark.parametrize("role", [roles.BOARD, roles.EDITORS])
def test_an_editor_cannot_invite_a_board_member_or_editor_even_by_crafted_post(
    client: Any, invite: Any, editor: Any, role: str
) -> None:
    client.force_login(editor)
    response = invite(role)
    assert response.status_code == 200
    assert "is not one of the available choices" in response.text
    assert not User.objects.filter(email="nadia.osei@example.org").exists()
    assert mail.outbox == [] and not RoleChange.objects.exists()


def test_a_superuser_invites_a_board_member_told_about_the_second_factor(
    client: Any, invite: Any, superuser: Any
) -> None:
    client.force_login(superuser)
    assert invite(roles.BOARD).status_code == 302
    person = User.objects.get(email="nadia.osei@example.org")
    assert roles.is_board_member(person) and not person.is_staff
    assert "second factor" in mail.outbox[0].body
    assert invite(roles.EDITORS, email="eve@example.org").status_code == 302
    assert User.objects.get(email="eve@example.org").is_staff


def test_an_address_that_already_has_an_account_is_not_invited_again(
    client: Any, invite: Any, editor: Any, author: Any
) -> None:
    client.force_login(editor)
    response = invite(roles.AUTHORS, email=author.email.upper())
    assert response.status_code == 200
    assert "already has an account" in response.text
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-pw-1!", "at least 12 characters"),
        ("1qaz2wsx3edc", "too common"),
        ("nadiaosei2025", "too similar"),
        ("738204619573", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused_when_chosen(
    client: Any, invite: Any, editor: Any, password: str, reason: str
) -> None:
    client.force_login(editor)
    invite(roles.AUTHORS, email="nadiaosei2025@example.org")
    client.logout()
    response = choose_password(client, link_in(mail.outbox[0]), password)
    assert response.status_code == 200
    assert reason in response.text
    assert not User.objects.get(email="nadiaosei2025@example.org").has_usable_password()


def test_the_validators_need_twelve_characters_and_refuse_common_ones(db: Any) -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Xq7!mK2#pL9")
    with pytest.raises(ValidationError, match="too common"):
        validate_password("qwerty123456")
    validate_password(GOOD_PASSWORD)


def test_password_reset_by_email_in_the_sites_email_style(client: Any, author: Any) -> None:
    page = client.get(reverse("login")).text
    assert reverse("account_reset_password") in page
    response = client.post(reverse("account_reset_password"), {"email": author.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [author.email]
    assert "Choose a new password" in message.subject
    assert "Choose a new password" in message.alternatives[0][0]

    assert choose_password(client, link_in(message), GOOD_PASSWORD).status_code == 302
    author.refresh_from_db()
    assert author.check_password(GOOD_PASSWORD)


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client: Any, db: Any
) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "who@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("fixture", "lands_on"),
    [
        ("author", "/drafts/"),
        ("reviewer", "/review/"),
        ("reviewer_author", "/review/"),
        ("editor", "/publishing/"),
        ("outsider", "/"),
    ],
)
def test_signing_in_lands_each_person_where_their_work_is(
    request: pytest.FixtureRequest, client: Any, fixture: str, lands_on: str
) -> None:
    person = request.getfixturevalue(fixture)
    response = client.post(
        reverse("login"), {"login": person.username, "password": "test-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_signing_in_honours_a_next_page_on_this_site_only(client: Any, author: Any) -> None:
    form = {"login": author.username, "password": "test-password"}
    response = client.post(reverse("login"), {**form, "next": "/drafts/new/"})
    assert response["Location"] == "/drafts/new/"
    client.logout()
    for outside in ("https://evil.example/", "//evil.example/drafts/", "javascript:alert(1)"):
        response = client.post(reverse("login"), {**form, "next": outside})
        assert response["Location"] == "/drafts/", outside
        client.logout()


def test_the_sign_in_page_keeps_next_and_tells_a_signed_in_person_why_they_are_here(
    client: Any, author: Any
) -> None:
    page = client.get(reverse("login") + "?next=/review/").text
    assert 'name="next" value="/review/"' in page and "Sign in to continue." in page
    client.force_login(author)
    page = client.get(reverse("login") + "?next=/publishing/").text
    assert "Your account cannot open that page" in page


def test_nobody_signs_up_on_their_own(client: Any, db: Any) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "username": "mallory",
            "email": "mallory@example.org",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="mallory").exists()
    assert make_user("placeholder").pk  # the database still works after the refusal
