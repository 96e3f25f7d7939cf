"""Writing an article: creating it, saving its content, its byline and its address, commenting.

Content (title, summary, body, audience) changes only while the article is a draft or has
changes requested, by its authors or an editor, over the revision the writer started from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

from articles import notifications, rules
from articles.exceptions import EditConflict, WorkflowError
from articles.models import EDITABLE_STATES, Article, Comment, ReviewRound, State
from articles.workflow.frame import acting, clean_text, log_event, record
from editorial.history import change_reason
from references.citations import sync_citations


def _max_length(name: str) -> int:
    field = Article._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


TITLE_MAX_LENGTH = _max_length("title")
SLUG_MAX_LENGTH = _max_length("slug")
BODY_MAX_LENGTH = 500_000
SUMMARY_MAX_LENGTH = 10_000  # two or three sentences for readers in a hurry; a bound, not a goal


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:80].strip("-") or "article"
    slug, n = base, 2
    taken = Article.objects.all()
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def validate_content(title: str, summary: str, body: str) -> None:
    """The bounds of the content, checked before any transaction, with a clear message."""
    problems = []
    if not title.strip():
        problems.append("Title cannot be empty.")
    if len(title) > TITLE_MAX_LENGTH:
        problems.append(
            f"Title is {len(title):,} characters; keep it to {TITLE_MAX_LENGTH} or fewer."
        )
    if len(summary) > SUMMARY_MAX_LENGTH:
        problems.append(
            f"Summary is {len(summary):,} characters; the limit is {SUMMARY_MAX_LENGTH:,}."
        )
    if len(body) > BODY_MAX_LENGTH:
        problems.append(f"Body is {len(body):,} characters; the limit is {BODY_MAX_LENGTH:,}.")
    if problems:
        raise WorkflowError("The content was not saved.", problems=problems)


def normalize_newlines(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF; the stored text uses LF, so a form
    posted back unchanged is not an edit."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def create_article(
    *,
    by: Any,
    title: str,
    summary: str = "",
    body: str = "",
    audience: str = "patient",
    subject: str = "",
    authors: Iterable[Any] = (),
    slug: str = "",
) -> Article:
    """A new draft, written by `by` (and any co-authors). Authors and editors only.

    Its address is `slug` when one is given (and free), else made from the title.
    """
    if not rules.may_create(by):
        raise WorkflowError("Only authors and editors can start a new article.")
    body = normalize_newlines(body)
    validate_content(title, summary, body)
    slug = slug or unique_slug(title)
    while True:
        try:
            with transaction.atomic():
                article = Article(
                    title=title.strip(),
                    summary=summary.strip(),
                    body=body,
                    audience=audience,
                    subject=subject.strip(),
                    slug=slug,
                )
                article._history_user = by
                article._change_reason = change_reason("create")
                article.save()
                article.authors.add(by, *authors)
                sync_citations(article)
                record(article, "edit", by=by, comment="created", transition=False)
            return article
        except IntegrityError:
            # The address was taken between unique_slug() and the insert (the one asked
            # for, or by someone creating the same title at once): try the next free one.
            # Each lost race means one address more is taken, so this ends; an address
            # offered again right after it clashed would not, so that is refused. Any
            # other integrity error is not ours to retry.
            clashed, slug = slug, unique_slug(title)
            if slug == clashed or not Article.objects.filter(slug=clashed).exists():
                raise


def require_editable(article: Article, name: str) -> None:
    """The state check of content edits: only a draft or an article with changes requested."""
    if article.state not in EDITABLE_STATES:
        raise WorkflowError(
            f"“{article.title}” is {article.get_state_display().lower()}; its content can be "
            "changed only while it is a draft or has changes requested."
            + (" Use “Revise” to start a new revision." if article.state == State.PUBLISHED else "")
        )


def require_revision(article: Article, expected_revision: int, submitted: dict[str, str]) -> None:
    if article.revision != expected_revision:
        raise EditConflict(
            f"Someone saved a newer version (revision {article.revision}) while you were "
            f"editing revision {expected_revision}. Your text is below; compare it with the "
            "current version before saving again.",
            current_revision=article.revision,
            submitted=submitted,
        )


def save_content(
    *,
    article: Article,
    by: Any,
    expected_revision: int,
    title: str,
    summary: str,
    body: str,
    audience: str | None = None,
    subject: str | None = None,
) -> Article:
    """Save title, summary and body over `expected_revision`, the one the editor started from.

    Refused unless the article is a draft or has changes requested, and `by` is one of its
    authors or an editor. A save over a newer revision raises EditConflict, which carries
    the submitted text so that nothing typed is lost. Content identical to the current
    revision, citing the same references, is not an edit: nothing is written, and a stale
    form sending the current text is no conflict.
    """
    submitted = {"title": title, "summary": summary, "body": body}
    body = normalize_newlines(body)
    validate_content(title, summary, body)
    with acting(article, "edit", by=by, may=rules.may_edit, state=require_editable) as locked:
        new = {
            "title": title.strip(),
            "summary": summary.strip(),
            "body": body,
            "audience": audience or locked.audience,
            "subject": locked.subject if subject is None else subject.strip(),
        }
        if all(getattr(locked, field) == value for field, value in new.items()):
            # The text sent is the text stored, whatever revision the form started from:
            # nothing can be lost, so no conflict. Re-deriving the citations still counts
            # when a reference the text names was added to the library since.
            cited_before = _cited(locked)
            sync_citations(locked)
            if _cited(locked) == cited_before:
                return locked
        else:
            require_revision(locked, expected_revision, submitted)
            for field, value in new.items():
                setattr(locked, field, value)
            sync_citations(locked)
        locked.revision += 1
        record(locked, "edit", by=by, transition=False)
    return locked


def _cited(article: Article) -> list[tuple[int, int]]:
    return list(article.citation_set.order_by("number").values_list("number", "reference_id"))


def change_authors(
    *, article: Article, by: Any, expected_revision: int, authors: Iterable[Any]
) -> Article:
    """Set the byline. Editors only; a stale form is a conflict; an article keeps an author."""
    authors = list(authors)
    names = ", ".join(sorted(str(getattr(a, "username", a)) for a in authors))
    with acting(article, "change_authors", by=by, may=rules.may_manage, state=_any_state) as locked:
        require_revision(locked, expected_revision, {"authors": names})
        if not authors:
            raise WorkflowError("An article needs at least one author.")
        if {a.pk for a in authors} == set(locked.authors.values_list("pk", flat=True)):
            return locked
        locked.authors.set(authors)
        record(locked, "change_authors", by=by, comment=names, transition=False)
    return locked


def change_slug(*, article: Article, by: Any, expected_revision: int, slug: str) -> Article:
    """Change the public address. Editors only, and only before the first publication."""
    slug = clean_text(slug, name="The address (slug)", required=True)
    if len(slug) > SLUG_MAX_LENGTH or slugify(slug) != slug:
        raise WorkflowError(
            f"An address uses lowercase letters, digits and hyphens, at most {SLUG_MAX_LENGTH} "
            "characters."
        )
    with acting(article, "change_slug", by=by, may=rules.may_manage, state=_any_state) as locked:
        require_revision(locked, expected_revision, {"slug": slug})
        if locked.current_publication_id:
            raise WorkflowError(
                "A published article keeps its address: readers and search engines link to it."
            )
        if slug == locked.slug:
            return locked
        if Article.objects.exclude(pk=locked.pk).filter(slug=slug).exists():
            raise WorkflowError(f"The address “{slug}” is taken by another article.")
        old, locked.slug = locked.slug, slug
        record(locked, "change_slug", by=by, comment=f"{old} → {slug}", transition=False)
    return locked


def _any_state(article: Article, name: str) -> None:
    """Byline and address changes are bookkeeping, allowed in every state but archived."""
    if article.state == State.ARCHIVED:
        raise WorkflowError(f"“{article.title}” is archived; it is no longer changed.")


def add_comment(*, article: Article, by: Any, body: str) -> Comment:
    """A message in the review thread, from anyone who may see the working copy.

    The comment and its event are written together; the article itself does not change,
    so no lock and no history row.
    """
    body = clean_text(body, name="A comment", required=True)
    if not rules.may_view(article, by):
        raise WorkflowError("Only the article's authors, the board and editors can comment.")
    with transaction.atomic():
        comment = Comment.objects.create(
            article=article,
            round=article.rounds.filter(outcome=ReviewRound.Outcome.OPEN).first(),
            author=by,
            revision=article.revision,
            body=body,
        )
        log_event(article, "comment", by=by, comment=body)
        latest = comment.round or article.rounds.order_by("-number").first()
        notifications.comment(comment, participants(article, latest))
    return comment


def participants(article: Article, review_round: ReviewRound | None) -> list[Any]:
    """Who takes part in the round's discussion: the authors, its reviewers (assigned or
    deciding) and whoever commented in it."""
    people = list(article.authors.all())
    if review_round is not None:
        people += [
            a.reviewer
            for a in review_round.assignments.select_related("reviewer")
            if a.status != a.Status.WITHDRAWN
        ]
        people += [r.reviewer for r in review_round.reviews.select_related("reviewer")]
        people += [c.author for c in review_round.comments.select_related("author")]
    return list({p.pk: p for p in people}.values())
