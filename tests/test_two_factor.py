"""Board members and editors sign off clinical content with a second factor.

With MFA required (production's default), a board member or editor without a second factor
can only set one up: pages send them to the set-up page and every POST, in the browser, as a
crafted request or in the admin, is refused with their text shown back. With an authenticator
app set up, signing in asks for its code, and then they can act.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import types
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from django.urls import reverse

from articles.models import Review, State
from tests.conftest import make_user

PASSWORD = "test-password"  # tests/conftest.py make_user
NOW = 1_790_000_000.0  # a fixed moment, so a code never straddles two 30-second steps


def totp(secret: str, at: float = NOW) -> str:
    """RFC 6238 with the authenticator apps' defaults: SHA-1, 30 s, 6 digits."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


@pytest.fixture(autouse=True)
def mfa_required(settings: Any) -> None:
    settings.MFA_REQUIRED = True


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """allauth reads the time for TOTP from its module's `time`; pin it."""
    monkeypatch.setattr(totp_auth, "time", types.SimpleNamespace(time=lambda: NOW))


def review_url(article: Any, action: str = "") -> str:
    return f"/review/{article.pk}/" + (f"{action}/" if action else "")


def sign_in(client: Any, user: Any, password: str = PASSWORD) -> Any:
    return client.post(reverse("login"), {"login": user.username, "password": password})


def set_up_totp(client: Any) -> str:
    """Through the real set-up page: read the secret it shows, answer with its code."""
    # allauth asks for the password again before a second factor is added.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert secret in page.text  # shown for typing into an app by hand
    response = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert response.status_code == 302, response.context["form"].errors
    return secret


def test_a_board_member_without_a_second_factor_is_sent_to_set_one_up(
    client: Any, reviewer: Any, make_article: Any, policy: Any
) -> None:
    article = make_article("under_review")
    client.force_login(reviewer)

    for path in (review_url(article), "/review/", "/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("mfa_index")), path
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert "Set up two-factor authentication" in page.text


@pytest.mark.parametrize("action", ["approve", "request-changes"])
def test_a_board_member_without_a_second_factor_cannot_decide_and_keeps_the_text(
    client: Any, reviewer: Any, make_article: Any, policy: Any, action: str
) -> None:
    article = make_article("under_review")
    comment = "The dosing table needs a source. " * 60  # a long, realistic comment
    client.force_login(reviewer)

    response = client.post(
        review_url(article, action), {"conflict_of_interest": "none", "comment": comment}
    )

    assert response.status_code == 403
    assert "set up two-factor authentication first" in response.text
    assert comment.strip() in response.text
    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW
    assert not Review.objects.filter(reviewer=reviewer).exists()


def test_a_crafted_post_anywhere_is_refused_before_any_view_runs(
    client: Any, reviewer: Any, make_article: Any, policy: Any
) -> None:
    article = make_article("submitted")
    client.force_login(reviewer)
    response = client.post(review_url(article, "start"), HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.state == State.SUBMITTED


def test_a_staff_board_member_without_a_second_factor_cannot_approve_in_the_admin(
    client: Any, reviewer: Any, make_article: Any, policy: Any
) -> None:
    from django.contrib.auth.models import Permission

    article = make_article("under_review")
    reviewer.is_staff = True
    reviewer.save()
    reviewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_article"])
    )
    client.force_login(reviewer)

    response = client.post(
        reverse("admin:articles_article_transition", args=[article.pk, "approve"]),
        {"conflict_of_interest": "none", "comment": "Sound."},
    )

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.state == State.UNDER_REVIEW
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_editor_without_a_second_factor_cannot_publish_or_invite(
    client: Any, editor: Any, make_article: Any, policy: Any
) -> None:
    article = make_article("approved")
    client.force_login(editor)
    assert client.post(review_url(article, "publish")).status_code == 403
    assert client.post(reverse("invite"), {"email": "new@example.org"}).status_code == 403
    article.refresh_from_db()
    assert article.state == State.APPROVED


def test_authors_need_no_second_factor(client: Any, author: Any) -> None:
    client.force_login(author)
    assert client.get("/drafts/").status_code == 200


def test_without_mfa_required_the_demo_roles_work_on_a_password_alone(
    settings: Any, client: Any, reviewer: Any, make_article: Any, policy: Any
) -> None:
    settings.MFA_REQUIRED = False
    article = make_article("under_review")
    client.force_login(reviewer)
    assert client.get(review_url(article)).status_code == 200


def test_with_totp_set_up_sign_in_asks_for_the_code_and_then_they_can_approve(
    client: Any, reviewer: Any, make_article: Any, policy: Any, frozen_clock: None
) -> None:
    article = make_article("under_review")
    response = sign_in(client, reviewer)
    assert response.status_code == 302
    secret = set_up_totp(client)
    assert Authenticator.objects.filter(user=reviewer, type="totp").exists()
    assert Authenticator.objects.filter(user=reviewer, type="recovery_codes").exists()
    client.post(reverse("logout"))

    # The password alone is not enough: allauth asks for the code, nobody is signed in yet.
    response = sign_in(client, reviewer)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(review_url(article)).status_code == 302
    assert client.get(reverse("mfa_authenticate")).status_code == 200
    wrong = f"{(int(totp(secret)) + 1) % 1_000_000:06d}"
    assert client.post(reverse("mfa_authenticate"), {"code": wrong}).status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/review/"  # a board member lands on the queue

    response = client.post(review_url(article, "approve"), {"conflict_of_interest": "none"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == State.APPROVED


def test_a_recovery_code_signs_in_once(client: Any, reviewer: Any, frozen_clock: None) -> None:
    sign_in(client, reviewer)
    set_up_totp(client)
    codes = client.get(reverse("mfa_view_recovery_codes")).context["unused_codes"]
    assert len(codes) == 10
    client.post(reverse("logout"))

    sign_in(client, reviewer)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, reviewer)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200


def test_a_board_member_with_only_recovery_codes_still_needs_a_second_factor(
    client: Any, db: Any
) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from editorial import roles

    member = make_user("rhea", roles.BOARD)
    RecoveryCodes.activate(member)
    client.force_login(member)
    assert client.get("/review/").status_code == 302


def test_an_invited_board_member_with_an_unconfirmed_address_can_set_up_totp(
    client: Any, db: Any, frozen_clock: None
) -> None:
    from allauth.account.models import EmailAddress

    from editorial import roles

    member = make_user("nia", roles.BOARD)
    EmailAddress.objects.create(user=member, email=member.email, verified=False, primary=True)
    sign_in(client, member)
    set_up_totp(client)
    assert Authenticator.objects.filter(user=member, type="totp").exists()
