"""The board's pages: the queue, and the review page where decisions are made."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from articles import checks, rendering, rules, workflow
from articles.exceptions import WorkflowError
from articles.forms import (
    ApproveForm,
    ArchiveForm,
    CommentForm,
    DismissEvidenceFlagForm,
    PublishForm,
    RequestChangesForm,
)
from articles.models import Article, Comment, Review, ReviewRound, State
from articles.views import assignments, common, evidence
from articles.views.diff import FieldDiff, cached_content_diff
from articles.views.kept import keep_text_when_signed_out, render_kept
from articles.views.labels import ACTION_LABELS
from references.models import Citation

# Several forms share a page: each gets its own element ids.
APPROVE_IDS, CHANGES_IDS = "approve-%s", "changes-%s"
PUBLISH_IDS, ARCHIVE_IDS = "publish-%s", "archive-%s"


def review_page(
    request: HttpRequest,
    article: Article,
    *,
    status: int = 200,
    refused: WorkflowError | None = None,
    **forms: Form,
) -> HttpResponse:
    """The review page; a refused decision re-renders it with the reason and the input kept."""
    user = request.user
    actions = set(workflow.available_transitions(article, user))
    rounds = list(
        ReviewRound.objects.filter(article=article)
        .select_related("started_by", "policy")
        .prefetch_related("reviews__reviewer")
    )
    current = rounds[0] if rounds else None
    reviews = list(current.reviews.all()) if current else []
    approvals = [
        r
        for r in reviews
        if current is not None
        and r.decision == Review.Decision.APPROVE
        and r.revision == current.revision
    ]
    already_approved = any(r.reviewer_id == user.pk for r in approvals)
    warnings = checks.approval_warnings(article) if "approve" in actions else []
    compare_label, diff = _comparison(article, rounds)
    flags = workflow.open_flags(article)
    evidence.attach_forms(flags, prefix="flag", bound=forms.get("flag_form"))
    context: dict[str, Any] = {
        "article": article,
        "rendered": rendering.render_article_cached(article),
        "actions": actions,
        "is_contributor": rules.is_contributor(article, user),
        "current_round": current,
        "earlier_rounds": rounds[1:],
        "reviews": reviews,
        "approvals": approvals,
        "required": _required_approvals(current),
        "already_approved": already_approved,
        "compare_label": compare_label,
        "diff": diff,
        "citations": _with_age(
            Citation.objects.filter(article=article).select_related("reference").order_by("number")
        ),
        "comments": Comment.objects.filter(article=article).select_related("author"),
        "comment_form": CommentForm(auto_id="comment-%s"),
        "approve_form": forms.get("approve_form")
        or ApproveForm(warnings=warnings, auto_id=APPROVE_IDS),
        "changes_form": forms.get("changes_form") or RequestChangesForm(auto_id=CHANGES_IDS),
        "publish_form": forms.get("publish_form") or PublishForm(auto_id=PUBLISH_IDS),
        "archive_form": forms.get("archive_form") or ArchiveForm(auto_id=ARCHIVE_IDS),
        "evidence_flags": flags,
        "answered_notices": evidence.answered_notices(article),
        "refused": refused,
        "may_edit": rules.may_edit(article, user),
        **assignments.review_page_context(request, article, current, forms),
    }
    return render(request, "articles/review.html", context, status=status)


def _with_age(citations: Any) -> list[Citation]:
    this_year = timezone.localdate().year
    found = list(citations)
    for citation in found:
        year = citation.reference.year
        citation.age = this_year - year if year else None
    return found


def _required_approvals(current: ReviewRound | None) -> int:
    """The quorum that applies: the one a decided round met, else today's policy's."""
    if current is not None and not current.is_open and current.policy is not None:
        return current.policy.required_approvals
    policy = common.current_policy()
    return policy.required_approvals if policy else 1


def _identity(article: Article) -> str:
    """The article's id and creation time: unique even where a database reuses ids."""
    return f"{article.pk}.{article.created_at.timestamp():.6f}"


# The review page shows each change with a paragraph either side and stops after this many
# characters of diff; the whole comparison has its own page (`changes`).
DIFF_CONTEXT_PARAGRAPHS = 1
DIFF_SHOWN_CHARACTERS = 40_000


def _comparison(
    article: Article, rounds: list[ReviewRound], *, whole: bool = False
) -> tuple[str, list[FieldDiff] | None]:
    """The working copy against the live publication, else against the last round's revision.

    Both sides are immutable (a revision's text never changes once saved), so the diff is
    computed once per pair and kept in the cache; the older text is only loaded on a miss.
    """
    shown: dict[str, Any] = (
        {} if whole else {"context": DIFF_CONTEXT_PARAGRAPHS, "limit": DIFF_SHOWN_CHARACTERS}
    )
    working = {"title": article.title, "summary": article.summary, "body": article.body}
    publication = article.current_publication
    if publication is not None:
        when = timezone.localtime(publication.published_at).strftime("%B %-d, %Y")
        label = f"the live publication (revision {publication.revision}, published {when})"

        def live() -> tuple[dict[str, str], dict[str, str]]:
            record = common.historical_at(article, publication.revision)
            if record is not None:
                return common.content_of(record), working
            snapshot = {"title": publication.title, "summary": publication.summary, "body": ""}
            return snapshot, working

        key = f"review:{_identity(article)}:publication-{publication.pk}:{article.revision}"
        return label, cached_content_diff(key, live, **shown)
    earlier = next((r for r in rounds if r.revision != article.revision), None)
    if earlier is None:
        return "", None

    def reviewed() -> tuple[dict[str, str], dict[str, str]]:
        return common.content_of(common.historical_at(article, earlier.revision)), working

    key = f"review:{_identity(article)}:revision-{earlier.revision}:{article.revision}"
    return (
        f"the revision reviewed in round {earlier.number} (revision {earlier.revision})",
        cached_content_diff(key, reviewed, **shown),
    )


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    article = common.article_for(
        request.user, pk, Article.objects.select_related("current_publication")
    )
    return review_page(request, article)


@login_required
def changes(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page's comparison in full: every paragraph, every change."""
    article = common.article_for(
        request.user, pk, Article.objects.select_related("current_publication")
    )
    rounds = list(ReviewRound.objects.filter(article=article))
    compare_label, diff = _comparison(article, rounds, whole=True)
    return render(
        request,
        "articles/changes.html",
        {"article": article, "compare_label": compare_label, "diff": diff},
    )


def not_offered(article: Article, user: Any, action: str) -> WorkflowError | None:
    """Why an action is not offered to this person now, before reading the form.

    A crafted POST for an action the page does not offer gets the same message the workflow
    would give, instead of complaints about a form the person never saw.
    """
    if action in workflow.available_transitions(article, user):
        return None
    if action in workflow.state_transitions(article):
        return WorkflowError(rules.PERMISSION_MESSAGES[action])
    return WorkflowError(
        f"“{article.title}” is {article.get_state_display().lower()}, so "
        f"“{ACTION_LABELS[action]}” is not possible now."
    )


def _done(request: HttpRequest, article: Article, message: str, back: str = "") -> HttpResponse:
    messages.success(request, message)
    return redirect(back or article.get_review_url())


def _back(request: HttpRequest, article: Article) -> str:
    """Where the form came from (its `next`), if it is on this site; else the review page."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = article.get_review_url()
    return back


@keep_text_when_signed_out
@require_POST
def start_review(request: HttpRequest, pk: int) -> HttpResponse:
    article = common.article_for(request.user, pk)
    name = "start_rereview" if article.state == State.PUBLISHED else "start_review"
    try:
        workflow.perform(name, article=article, by=request.user)
    except WorkflowError as refused:
        common.report(request, refused)
        return redirect(article.get_review_url())
    return _done(request, article, "Review started. Read it, then approve or request changes.")


def decide(
    request: HttpRequest,
    pk: int,
    *,
    action: str,
    form_name: str,
    make_form: Callable[[Article], Form],
    act: Callable[[Article, dict[str, Any]], str],
    back_to_next: bool = False,
) -> HttpResponse:
    """One decision from the review page: check it is offered, validate, act, report.

    Anything refused re-renders the review page with the reason and the form as typed.
    """
    article = common.article_for(
        request.user, pk, Article.objects.select_related("current_publication")
    )
    refused = not_offered(article, request.user, action)
    if refused is not None:
        return review_page(request, article, refused=refused, status=400)
    form = make_form(article)
    if not form.is_valid():
        return review_page(request, article, status=400, refused=None, **{form_name: form})
    try:
        done = act(article, form.cleaned_data)
    except WorkflowError as refused:
        return review_page(request, article, refused=refused, status=400, **{form_name: form})
    return _done(request, article, done, _back(request, article) if back_to_next else "")


@keep_text_when_signed_out
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    def act(article: Article, data: dict[str, Any]) -> str:
        workflow.approve(
            article=article,
            by=request.user,
            conflict_of_interest=data["conflict_of_interest"],
            conflict_category=data["conflict_category"],
            checklist=data["checklist"],
            comment=data["comment"],
            acknowledged_warnings=data.get("acknowledged_warnings", []),
        )
        if article.state == State.APPROVED:
            return "Approved. The quorum is met; an editor can publish it."
        return "Your approval is recorded. It needs more approvals."

    return decide(
        request,
        pk,
        action="approve",
        form_name="approve_form",
        make_form=lambda article: ApproveForm(
            request.POST, warnings=checks.approval_warnings(article), auto_id=APPROVE_IDS
        ),
        act=act,
    )


@keep_text_when_signed_out
@require_POST
def request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    def act(article: Article, data: dict[str, Any]) -> str:
        workflow.request_changes(
            article=article,
            by=request.user,
            comment=data["comment"],
            points=data["points"],
            checklist=data["checklist"],
        )
        return "Changes requested. The authors have been told."

    return decide(
        request,
        pk,
        action="request_changes",
        form_name="changes_form",
        make_form=lambda article: RequestChangesForm(request.POST, auto_id=CHANGES_IDS),
        act=act,
    )


@keep_text_when_signed_out
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    article = common.article_for(
        request.user, pk, Article.objects.select_related("current_publication")
    )
    form = CommentForm(request.POST)
    back = _back(request, article)
    if form.is_valid():
        try:
            workflow.add_comment(article=article, by=request.user, body=form.cleaned_data["body"])
        except WorkflowError as refused:
            common.report(request, refused)
        else:
            messages.success(request, "Comment added.")
            return redirect(f"{back}#thread")
    elif request.POST.get("body", "").strip():
        # Too long, say: show the real reason and the text, never drop it on a redirect.
        return render_kept(
            request,
            heading="Comment not added",
            reason=" ".join(str(error) for error in form.errors.get("body", [])),
            status=400,
        )
    else:
        messages.error(request, "Write something before adding a comment.")
    return redirect(f"{back}#comment-form")


@keep_text_when_signed_out
@require_POST
def dismiss_evidence_flag(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Reviewed: no change needed" for one notice, from the review page or the queue's row
    (which it returns to)."""

    def act(article: Article, data: dict[str, Any]) -> str:
        workflow.dismiss_evidence_flag(
            article=article,
            by=request.user,
            reason=data["reason"],
            reference=data["reference"],
            found_at=data["found"],
        )
        return "Marked reviewed: no change needed. The reason is kept in the article's history."

    return decide(
        request,
        pk,
        action="dismiss_evidence_flag",
        form_name="flag_form",
        make_form=lambda article: DismissEvidenceFlagForm(request.POST, auto_id="flag-%s"),
        act=act,
        back_to_next=True,
    )
