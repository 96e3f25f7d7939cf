"""Every working page fits a 375 px phone, and keyboard focus is visible."""

from __future__ import annotations

from playwright.sync_api import expect

from articles import workflow

BODY = "## From the Guidelines\n\nExercise helps [@pmid:27999003].\n"


def _fits(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"


def test_every_working_page_fits_a_phone(signed_in, author, reviewer, editor, policy, reference):
    article = workflow.create_article(by=author, title="Does walking help?", body=BODY)
    workflow.submit(article=article, by=author)
    writer = signed_in(author, width=375)
    for path in (
        "/drafts/",
        "/drafts/new/",
        article.get_edit_url(),
        f"/drafts/{article.pk}/history/",
        f"/drafts/{article.pk}/references/add/",
    ):
        _fits(writer, path)
    board = signed_in(reviewer, width=375)
    for path in ("/review/", article.get_review_url()):
        _fits(board, path)
    _fits(signed_in(editor, width=375), "/publishing/")
    _fits(signed_in(width=375), "/accounts/login/")


def test_keyboard_focus_is_visible_and_the_skip_link_comes_first(signed_in, author):
    page = signed_in(author)
    page.goto("/drafts/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
