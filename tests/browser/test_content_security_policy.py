"""Every kind of page works under the Content-Security-Policy, with nothing blocked.

The policy forbids inline script and style (no 'unsafe-inline'), on our pages, allauth's
and the Django admin's. Chromium enforces it and fires `securitypolicyviolation` for
anything it blocks; a listener installed before each page's own scripts records them.
"""

from __future__ import annotations

from typing import Any

from articles import workflow
from editorial import roles
from tests.conftest import BODY, drive, make_user

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def watch(page: Any) -> list[str]:
    """Record blocked content and script errors of every page this tab loads."""
    problems: list[str] = []
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return problems


def load_without_violations(page: Any, problems: list[str], path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
    page.wait_for_load_state("networkidle")
    blocked = page.evaluate("window.__violations")
    assert blocked == [] and problems == [], f"{path}: {blocked} {problems}"


def test_every_kind_of_page_loads_under_the_policy_with_nothing_blocked(
    signed_in: Any, author: Any, reviewer: Any, policy: Any, reference: Any, transactional_db: Any
) -> None:
    draft = workflow.create_article(by=author, title="Does walking help?", body=BODY)
    under_review = workflow.create_article(by=author, title="Does cycling help?", body=BODY)
    drive(under_review, "under_review", writer=author)
    live = workflow.create_article(by=author, title="Does swimming help?", body=BODY)
    drive(live, "published", writer=author)
    live.refresh_from_db()
    editor = make_user("edwin", roles.EDITORS, staff=True, is_superuser=True)

    visitor = signed_in()
    problems = watch(visitor)
    for path in ("/", live.get_absolute_url(), "/accounts/login/", "/accounts/password/reset/"):
        load_without_violations(visitor, problems, path)

    writer = signed_in(author)
    problems = watch(writer)
    for path in ("/drafts/", "/drafts/new/", draft.get_edit_url()):
        load_without_violations(writer, problems, path)
    # The live preview (htmx) runs under the policy too.
    writer.get_by_label("Body").fill(BODY + "\nMore words.")
    writer.wait_for_load_state("networkidle")
    assert writer.evaluate("window.__violations") == [] and problems == []

    board = signed_in(reviewer)
    problems = watch(board)
    for path in ("/review/", under_review.get_review_url(), "/accounts/2fa/"):
        load_without_violations(board, problems, path)

    desk = signed_in(editor)
    problems = watch(desk)
    for path in (
        "/publishing/",
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{live.pk}/change/",
        f"/admin/articles/article/{live.pk}/history/",
        f"/admin/auth/user/{author.pk}/change/",
        "/admin/auth/user/add/",
        "/accounts/invite/",
    ):
        load_without_violations(desk, problems, path)


def test_the_second_factor_set_up_page_works_under_the_policy(
    signed_in: Any, reviewer: Any, settings: Any
) -> None:
    settings.MFA_REQUIRED = True
    page = signed_in(reviewer)
    problems = watch(page)
    assert "/accounts/2fa/" in page.url  # sent to set one up
    load_without_violations(page, problems, "/accounts/2fa/totp/activate/")
    page.get_by_label("Password").fill("test-password")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert page.get_by_alt_text("QR code of the key below").is_visible()
    assert page.evaluate("window.__violations") == [] and problems == []
