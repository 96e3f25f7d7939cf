"""Headless Chromium (Debian's /usr/bin/chromium) through Playwright, against the live server.

Without /usr/bin/chromium the browser tests skip locally and fail in CI (CI=true).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "test-password"  # tests/conftest.py make_user


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    mine = [item for item in items if Path(str(item.fspath)).is_relative_to(here)]
    for item in mine:
        item.add_marker(pytest.mark.browser)
    if CHROMIUM.exists() or not mine:
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(f"{CHROMIUM} is missing: CI must run the browser tests.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed")
    for item in mine:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def roles_exist(transactional_db: Any) -> None:
    """The groups come from a data migration; a transactional test's flush removes them."""
    from django.contrib.auth.models import Group

    from editorial import roles

    for name in roles.ALL_GROUPS:
        Group.objects.get_or_create(name=name)


@pytest.fixture
def signed_in(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """signed_in(user) -> a page in a fresh browser context, signed in as that person."""
    contexts = []

    def open_page(user: Any = None, *, width: int = 1280) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            page.goto("/accounts/login/")
            page.get_by_label("Username").fill(user.get_username())
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    yield open_page
    for context in contexts:
        context.close()
