"""The author's pages: the desk, the editor with its live preview, and the author's actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from articles import rendering, rules, selectors, workflow
from articles.exceptions import EditConflict, WorkflowError
from articles.forms import ArticleForm, CommentForm
from articles.models import Article, Audience, Comment, Review, ReviewRound, State
from articles.views import common, points
from articles.views.diff import content_diff
from articles.views.kept import keep_text_when_signed_out
from articles.views.listing import SectionSpec, build_sections, count_sections, read_listing
from editorial import ratelimit, roles
from references.forms import ReferenceLookupForm

AUTHOR_ACTIONS = ("submit", "withdraw", "resubmit", "revise")
SECTIONS = (
    ("needs_you", "Needs you", (State.DRAFT, State.CHANGES_REQUESTED), "Nothing needs you now."),
    (
        "with_board",
        "With the board",
        (State.SUBMITTED, State.UNDER_REVIEW),
        "Nothing is in review.",
    ),
    ("with_editors", "With the editors", (State.APPROVED,), "Nothing is waiting to be published."),
    ("published", "Published", (State.PUBLISHED,), "Nothing of yours is live yet."),
    ("archived", "Archived", (State.ARCHIVED,), "Nothing is archived."),
)


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """The author's articles: what needs them first, every section bounded or paged."""
    common.require_writer(request.user)
    listing = read_listing(
        request, {"q": (), "audience": tuple(Audience.values)}, tuple(s[0] for s in SECTIONS)
    )
    mine = selectors.matching(Article.objects.written_by(request.user), listing.filters)
    specs = [
        SectionSpec(key, title, Q(state__in=states), empty)
        for key, title, states, empty in SECTIONS
    ]
    rows = (
        mine.select_related("current_publication")
        .only(
            "pk",
            "title",
            "slug",
            "state",
            "revision",
            "audience",
            "publish_at",
            "updated_at",
            "current_publication__id",
        )
        .order_by("-updated_at", "-pk")
    )
    rows_for = {spec.key: rows.filter(spec.condition) for spec in specs}
    rows_for["with_board"] = rows_for["with_board"].annotate(
        open_approvals=selectors.open_approvals()
    )
    sections = build_sections(listing, specs, rows_for, count_sections(mine, specs))
    policy = common.current_policy()
    required = policy.required_approvals if policy else 1
    for section in sections:
        for article in section.rows:
            article.waiting_on = common.waiting_on(article, required)
    return render(
        request,
        "articles/desk.html",
        {
            "listing": listing,
            "sections": sections,
            "count": sum(s.count for s in sections),
            "audiences": Audience.choices,
        },
    )


@keep_text_when_signed_out
def new_article(request: HttpRequest) -> HttpResponse:
    common.require_writer(request.user)
    form = ArticleForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = workflow.create_article(
                by=request.user,
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                audience=data["audience"],
                subject=data["subject"],
            )
        except WorkflowError as refused:
            error = refused
        else:
            messages.success(request, "Draft saved. Keep writing, or submit it for review.")
            return redirect(article.get_edit_url())
    body = form["body"].value() or ""
    rendered = rendering.render_text(body)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "articles/editor.html",
        {
            "form": form,
            "error": error,
            "rendered": rendered,
            "unresolved": rendered.unresolved,
        },
        status=status,
    )


@keep_text_when_signed_out
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = common.article_for(request.user, pk)
    if request.method != "POST":
        form = ArticleForm(
            initial={
                "title": article.title,
                "summary": article.summary,
                "body": article.body,
                "audience": article.audience,
                "subject": article.subject,
                "expected_revision": article.revision,
            }
        )
        return _editor(request, article, form)
    return _save(request, article)


def _save(request: HttpRequest, article: Article) -> HttpResponse:
    form = ArticleForm(request.POST)
    action = request.POST.get("action", "save")
    if not rules.may_edit(article, request.user):
        raise PermissionDenied(rules.PERMISSION_MESSAGES["edit"])
    if not form.is_valid():
        return _editor(request, article, form, status=400)
    if action == "preview":
        return _editor(request, article, form)
    data = form.cleaned_data
    before = article.revision
    try:
        workflow.save_content(
            article=article,
            by=request.user,
            expected_revision=data["expected_revision"] or 0,
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            audience=data["audience"],
            subject=data["subject"],
        )
        changed = article.revision != before
    except EditConflict as conflict:
        kept = ArticleForm(
            initial={
                **conflict.submitted,
                "audience": data["audience"],
                "subject": data["subject"],
                "expected_revision": conflict.current_revision,
            }
        )
        article.refresh_from_db()
        return _editor(request, article, kept, conflict=conflict, status=409)
    except WorkflowError as refused:
        return _editor(request, article, form, error=refused, status=400)
    answers = points.answers_from(request.POST)
    if answers and article.state == State.CHANGES_REQUESTED:
        try:
            changed = (
                bool(workflow.answer_points(article=article, by=request.user, answers=answers))
                or changed
            )
        except WorkflowError as refused:
            return _editor(request, article, form, error=refused, status=400)
    if action in ("submit", "resubmit"):
        try:
            workflow.perform(action, article=article, by=request.user)
        except WorkflowError as refused:
            fresh = ArticleForm(initial={**data, "expected_revision": article.revision})
            if changed:
                messages.success(request, f"Draft saved (revision {article.revision}).")
            return _editor(request, article, fresh, error=refused, status=400)
        messages.success(
            request,
            f"Submitted for review (revision {article.revision}). The Medical Advisory Board "
            "has been told; you can withdraw it until a reviewer starts.",
        )
        return redirect(article.get_edit_url())
    if changed:
        messages.success(request, f"Draft saved (revision {article.revision}).")
    else:
        messages.info(request, "Nothing had changed since the last save.")
    return redirect(article.get_edit_url())


def _editor(
    request: HttpRequest,
    article: Article,
    form: ArticleForm,
    *,
    error: WorkflowError | None = None,
    conflict: EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    body = form["body"].value() or ""
    rendered = rendering.render_text(body)
    actions = [a for a in workflow.available_transitions(article, user) if a in AUTHOR_ACTIONS]
    conflict_diff = None
    if conflict is not None:
        saved = {"title": article.title, "summary": article.summary, "body": article.body}
        conflict_diff = content_diff(saved, conflict.submitted)
    rounds = list(ReviewRound.objects.filter(article=article).prefetch_related("reviews__reviewer"))
    requested = None
    if article.state == State.CHANGES_REQUESTED and rounds:
        requested = next(
            (r for r in rounds[0].reviews.all() if r.decision == Review.Decision.REQUEST_CHANGES),
            None,
        )
    context: dict[str, Any] = {
        "article": article,
        "requested": requested,
        "form": form,
        # A refused save keeps showing what was typed, even if the text is now read-only.
        "editable": article.is_editable_by(user) or request.method == "POST",
        "rendered": rendered,
        "unresolved": rendered.unresolved,
        "citations": article.citation_set.select_related("reference").order_by("number"),
        "actions": actions,
        "error": error,
        "conflict": conflict,
        "conflict_diff": conflict_diff,
        "rounds": rounds,
        "comments": Comment.objects.filter(article=article).select_related("author"),
        "comment_form": CommentForm(auto_id="comment-%s"),
        "lookup_form": ReferenceLookupForm(prefix="lookup", label_suffix=""),
        "may_review_page": rules.may_view(article, user) and _sees_review_page(user),
        "answer_points": points.points_for_editor(
            article, request.POST if request.method == "POST" else None
        ),
    }
    return render(request, "articles/editor.html", context, status=status)


def _sees_review_page(user: Any) -> bool:
    return roles.is_board_member(user) or roles.is_editor(user)


# Typing fires a preview 400 ms after the last keystroke: a person stays far below this;
# a script that posts previews in a loop cannot keep a worker busy rendering.
PREVIEWS_PER_MINUTE = 120


@require_POST
def preview(request: common.HtmxRequest) -> HttpResponse:
    """The renderer's output for the text being typed; htmx swaps it into the editor."""
    if not request.user.is_authenticated:
        if request.htmx:  # Never swap the sign-in page over someone's work.
            return render(request, "articles/includes/signed_out.html")
        return redirect_to_login(request.get_full_path())
    common.require_writer(request.user)
    body = request.POST.get("body", "")
    refusal = None
    if len(body) > workflow.BODY_MAX_LENGTH:
        refusal = (
            f"No preview: the body is {len(body):,} characters and the limit is "
            f"{workflow.BODY_MAX_LENGTH:,}; saving it would be refused too."
        )
    elif not ratelimit.allow("preview", request.user.pk, limit=PREVIEWS_PER_MINUTE):
        refusal = (
            "The preview pauses for a moment: it was asked for more than "
            f"{PREVIEWS_PER_MINUTE} times in a minute. Your text is safe; keep writing."
        )
    if refusal is not None:
        return render(request, "articles/includes/preview_refused.html", {"refusal": refusal})
    rendered = rendering.render_text(body)
    return render(
        request,
        "articles/includes/preview.html",
        {
            "rendered": rendered,
            "unresolved": rendered.unresolved,
            "title": request.POST.get("title", ""),
            "summary": request.POST.get("summary", ""),
            "oob": True,
        },
    )


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit, withdraw, resubmit or revise, from a button that needs no other input."""
    article = common.article_for(request.user, pk)
    try:
        workflow.perform(action, article=article, by=request.user)
    except WorkflowError as refused:
        common.report(request, refused)
        return redirect(article.get_edit_url())
    done = {
        "submit": "Submitted for review. The Medical Advisory Board has been told.",
        "resubmit": "Resubmitted for review. The Medical Advisory Board has been told.",
        "withdraw": "Withdrawn: it is a draft again, and yours to edit.",
        "revise": "A new revision is open as a draft; the published version stays live meanwhile.",
    }
    messages.success(request, done[action])
    return redirect(article.get_edit_url())
