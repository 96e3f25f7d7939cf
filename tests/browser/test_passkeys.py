"""A security key (WebAuthn) as the second factor, with Chromium's virtual authenticator.

Chromium's DevTools protocol stands in for the key: it answers navigator.credentials
create() and get() as a real passkey would, so the whole ceremony runs, under the site's
Content-Security-Policy, through allauth's own pages and scripts.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator

from tests.browser.conftest import PASSWORD


def plug_in_a_security_key(page: Any) -> None:
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_board_member_adds_a_security_key_then_signs_in_with_it(
    signed_in: Any, reviewer: Any, settings: Any
) -> None:
    settings.MFA_REQUIRED = True
    page = signed_in(reviewer)
    assert "/accounts/2fa/" in page.url  # sent to set up a second factor first
    plug_in_a_security_key(page)

    page.goto("/accounts/2fa/webauthn/add/")
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks for it again first
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert Authenticator.objects.filter(user=reviewer, type="webauthn").exists()
    page.goto("/review/")
    assert page.url.endswith("/review/")  # the queue opens now

    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(reviewer.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url("**/review/")
