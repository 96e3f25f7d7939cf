"""Headers every page carries: a Content-Security-Policy without 'unsafe-inline', a
Permissions-Policy, HSTS in production, and no caching of what a signed-in person sees.

The public pages keep their own caching (articles/views/public.py): shared caches may keep
what anonymous readers see, never a page with a CSRF token or a signed-in person's page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import make_user


def assert_strict_policy(response: Any) -> None:
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"].split() == ["'self'"]
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "publickey-credentials-get=(self)" in response["Permissions-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


@pytest.fixture
def live(make_article: Any, policy: Any) -> Any:
    return make_article("published")


def test_a_public_page_has_the_policy_and_keeps_its_public_caching(client: Any, live: Any) -> None:
    response = client.get(live.get_absolute_url())
    assert response.status_code == 200
    assert_strict_policy(response)
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    home = client.get("/")
    assert_strict_policy(home)
    assert "no-store" not in home["Cache-Control"]


@pytest.mark.parametrize("path", ["/drafts/", "/review/", "/publishing/", "/accounts/invite/"])
def test_signed_in_working_pages_have_the_policy_and_are_never_stored(
    client: Any, editor: Any, path: str
) -> None:
    client.force_login(editor)
    response = client.get(path)
    assert response.status_code == 200
    assert_strict_policy(response)
    assert response["Cache-Control"] == "private, no-store"


def test_a_signed_in_reader_of_a_public_page_is_not_cached_publicly(
    client: Any, author: Any, live: Any
) -> None:
    client.force_login(author)
    response = client.get(live.get_absolute_url())
    assert_strict_policy(response)
    assert "public" not in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_admin_pages_have_the_policy_and_are_never_stored(client: Any, editor: Any) -> None:
    client.force_login(editor)
    for path in ("/admin/", reverse("admin:auth_user_changelist")):
        response = client.get(path)
        assert response.status_code == 200
        assert_strict_policy(response)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_sign_in_page_with_its_csrf_token_is_never_stored(client: Any, db: Any) -> None:
    response = client.get(reverse("login"))
    assert_strict_policy(response)
    assert "csrfmiddlewaretoken" in response.text
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_htmx_is_told_not_to_inject_its_inline_indicator_style(client: Any, db: Any) -> None:
    client.force_login(make_user("alma"))
    page = client.get("/").text
    assert '"includeIndicatorStyles": false' in page
    assert "htmx.min.js" in page


def test_hsts_is_sent_over_https_when_configured(client: Any, settings: Any, live: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(live.get_absolute_url(), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_requiring_a_second_factor_costs_anonymous_readers_nothing(
    client: Any, settings: Any, live: Any, django_assert_max_num_queries: Any
) -> None:
    client.get(live.get_absolute_url())  # the page cache is warm
    settings.MFA_REQUIRED = True
    with django_assert_max_num_queries(1):  # the page cache's version check, nothing more
        response = client.get(live.get_absolute_url())
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
