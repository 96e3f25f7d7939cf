"""Named reviewers in the browser: the assign form (editors), accept and decline (the
reviewer), withdraw and reassign (editors), and what the queue and review page show of them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles import rules, workflow
from articles.exceptions import WorkflowError
from articles.forms import AcceptForm, AssignForm, DeclineForm, ReassignForm
from articles.models import Article, ReviewAssignment, ReviewRound
from articles.views import common
from articles.views.kept import keep_text_when_signed_out
from articles.workflow.assignments import ASSIGNABLE_STATES, default_due
from articles.workflow.rounds import open_round
from editorial import roles

ACCEPT_IDS, DECLINE_IDS = "accept-%s", "decline-%s"


def _stem(word: str) -> str:
    return word.lower()[:5]


def suggested_reviewers(article: Article) -> list[Any]:
    """Board members who may review the article and are not on its open round already:
    those whose specialty matches its text first, then fewest open assignments, then by
    name. Contributors are never offered.

    Each carries `specialty`, `matches` and `open_assignments` for the form's labels.
    Articles carry no specialty of their own, so a specialty "matches" when a word of it
    shares its stem with a word of the title or summary (Neurology ~ neuropathy).
    """
    now_open = Q(
        review_assignments__status__in=ReviewAssignment.ACTIVE,
        review_assignments__round__outcome=ReviewRound.Outcome.OPEN,
    )
    members = (
        get_user_model()
        .objects.filter(groups__name=roles.BOARD, is_active=True)
        .annotate(
            open_assignments=Count("review_assignments", filter=now_open, distinct=True),
            specialty=Coalesce("board_profile__specialty", Value("")),
            matches=Value(False),  # set below, from the specialty's word stems
        )
        .order_by("last_name", "first_name", "username")
    )
    text_stems = {_stem(w) for w in f"{article.title} {article.summary}".split() if len(w) > 4}
    review_round = open_round(article)
    taken = (
        set(
            review_round.assignments.filter(
                status__in=[*ReviewAssignment.ACTIVE, ReviewAssignment.Status.COMPLETED]
            ).values_list("reviewer_id", flat=True)
        )
        if review_round
        else set()
    )
    offered = []
    for member in members:
        if member.pk in taken or not rules.may_be_assigned(article, member):
            continue
        member.matches = any(
            _stem(w) in text_stems for w in member.specialty.replace(",", " ").split() if len(w) > 4
        )
        offered.append(member)
    return sorted(offered, key=lambda m: (not m.matches, m.open_assignments))


def _round_or_404(article: Article) -> ReviewRound:
    review_round = open_round(article)
    if review_round is None or article.state not in ASSIGNABLE_STATES:
        raise Http404("This article has no open review round.")
    return review_round


def _require_assigner(article: Article, user: Any) -> None:
    if not rules.may_assign(article, user):
        raise PermissionDenied(rules.PERMISSION_MESSAGES["assign_reviewers"])


def _assign_form(article: Article, data: Any = None) -> AssignForm:
    return AssignForm(
        data,
        candidates=suggested_reviewers(article),
        initial={"due_date": timezone.localdate(default_due())},
    )


@keep_text_when_signed_out
@login_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """The assign form: suggested board members, a due date; editors only."""
    article = common.article_for(request.user, pk)
    _require_assigner(article, request.user)
    review_round = _round_or_404(article)
    form = _assign_form(article, request.POST if request.method == "POST" else None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            created = workflow.assign_reviewers(
                article=article,
                by=request.user,
                reviewers=form.cleaned_data["reviewers"],
                due_at=form.cleaned_data["due_at"],
            )
        except WorkflowError as error:
            refused = error
        else:
            names = ", ".join(common_name(a.reviewer) for a in created)
            messages.success(request, f"Assigned: {names}. They have been asked by email.")
            return redirect(article.get_review_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "articles/assign.html",
        {
            "article": article,
            "round": review_round,
            "form": form,
            "refused": refused,
            "assignments": _with_reassign_forms(article, review_round.assignments.all()),
        },
        status=status,
    )


def common_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _with_reassign_forms(
    article: Article, assignments: QuerySet[ReviewAssignment]
) -> list[ReviewAssignment]:
    found = list(assignments.select_related("reviewer", "assigned_by"))
    candidates = None
    for assignment in found:
        if assignment.is_active or assignment.status == ReviewAssignment.Status.DECLINED:
            candidates = candidates if candidates is not None else suggested_reviewers(article)
            assignment.reassign_form = ReassignForm(
                candidates=candidates,
                auto_id=f"reassign-{assignment.pk}-%s",
            )
    return found


def _assignment_for(user: Any, assignment_id: int) -> ReviewAssignment:
    """The assignment, or 404 for anyone who may not see its article."""
    assignment = (
        ReviewAssignment.objects.select_related("round__article", "reviewer")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or not rules.may_view(assignment.round.article, user):
        raise Http404("No such assignment.")
    return assignment


def _respond(
    request: HttpRequest,
    assignment_id: int,
    *,
    form_class: type[Form],
    ids: str,
    form_name: str,
    act: Any,
) -> HttpResponse:
    """Accept or decline from the review page: validate, act, report; a refusal re-renders
    the review page with the reason and what was typed."""
    from articles.views.review import review_page

    assignment = _assignment_for(request.user, assignment_id)
    article = assignment.round.article
    form = form_class(request.POST, auto_id=ids)
    if not form.is_valid():
        return review_page(request, article, status=400, refused=None, **{form_name: form})
    try:
        done = act(assignment, form.cleaned_data)
    except WorkflowError as refused:
        return review_page(request, article, refused=refused, status=400, **{form_name: form})
    messages.success(request, done)
    return redirect(article.get_review_url())


@keep_text_when_signed_out
@require_POST
def accept(request: HttpRequest, assignment_id: int) -> HttpResponse:
    def act(assignment: ReviewAssignment, data: dict[str, Any]) -> str:
        workflow.accept_assignment(
            assignment=assignment,
            by=request.user,
            conflict_category=data["conflict_category"],
            conflict_statement=data["conflict_of_interest"],
        )
        due = timezone.localtime(assignment.due_at).strftime("%B %-d, %Y")
        return f"Accepted. Your review is due on {due}; the editors have been told."

    return _respond(
        request,
        assignment_id,
        form_class=AcceptForm,
        ids=ACCEPT_IDS,
        form_name="accept_form",
        act=act,
    )


@keep_text_when_signed_out
@require_POST
def decline(request: HttpRequest, assignment_id: int) -> HttpResponse:
    def act(assignment: ReviewAssignment, data: dict[str, Any]) -> str:
        workflow.decline_assignment(assignment=assignment, by=request.user, reason=data["reason"])
        return "Declined. The editors have been told, so they can ask someone else."

    return _respond(
        request,
        assignment_id,
        form_class=DeclineForm,
        ids=DECLINE_IDS,
        form_name="decline_form",
        act=act,
    )


def _as_editor(request: HttpRequest, assignment_id: int) -> tuple[ReviewAssignment, Article]:
    assignment = _assignment_for(request.user, assignment_id)
    article = assignment.round.article
    _require_assigner(article, request.user)
    return assignment, article


@login_required
@require_POST
def withdraw(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment, article = _as_editor(request, assignment_id)
    try:
        workflow.withdraw_assignment(assignment=assignment, by=request.user)
    except WorkflowError as refused:
        common.report(request, refused)
    else:
        messages.success(request, f"Withdrawn: {common_name(assignment.reviewer)} was told.")
    return redirect("articles:assign", pk=article.pk)


@login_required
@require_POST
def reassign(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment, article = _as_editor(request, assignment_id)
    form = ReassignForm(request.POST, candidates=suggested_reviewers(article))
    if not form.is_valid():
        common.report(request, WorkflowError("Choose the board member to ask instead."))
        return redirect("articles:assign", pk=article.pk)
    try:
        new = workflow.reassign(
            assignment=assignment, by=request.user, reviewer=form.cleaned_data["reviewer"]
        )
    except WorkflowError as refused:
        common.report(request, refused)
    else:
        messages.success(
            request,
            f"Reassigned to {common_name(new.reviewer)} (due "
            f"{timezone.localtime(new.due_at):%B %-d, %Y}).",
        )
    return redirect("articles:assign", pk=article.pk)


def review_page_context(
    request: HttpRequest, article: Article, current: ReviewRound | None, forms: dict[str, Form]
) -> dict[str, Any]:
    """What the review page shows of assignments and of the points being answered."""
    user = request.user
    assignments = (
        list(current.assignments.select_related("reviewer", "assigned_by")) if current else []
    )
    mine = next((a for a in assignments if a.reviewer_id == user.pk and a.is_active), None)
    round_open = current is not None and current.is_open
    answered = None
    if current is not None and round_open and current.number > 1:
        # The points of the request that sent the last round back, with the authors' answers.
        earlier = article.rounds.filter(number=current.number - 1).first()
        if earlier is not None and earlier.outcome == ReviewRound.Outcome.CHANGES_REQUESTED:
            answered = (
                earlier.reviews.filter(decision="request_changes")
                .select_related("reviewer")
                .prefetch_related("points__answered_by")
                .order_by("-created_at")
                .first()
            )
    return {
        "assignments": assignments,
        "my_assignment": mine,
        "accept_form": forms.get("accept_form") or AcceptForm(auto_id=ACCEPT_IDS),
        "decline_form": forms.get("decline_form") or DeclineForm(auto_id=DECLINE_IDS),
        "may_assign": round_open
        and article.state in ASSIGNABLE_STATES
        and rules.may_assign(article, user),
        "answered_request": answered,
    }


# The editors' overdue list is bounded; the queue's "Overdue" filter pages through everything.
OVERDUE_LIMIT = 50


def queue_context(user: Any, articles: Iterable[Article]) -> dict[str, Any]:
    """The queue's additions: the editors' overdue list, and each listed article's
    reviewers (as `article.assignments_now`) with this person's own assignment among them
    (as `article.my_assignment`), in two queries."""
    now = timezone.now()
    articles = list(articles)
    live = ReviewAssignment.objects.filter(round__outcome=ReviewRound.Outcome.OPEN).exclude(
        status=ReviewAssignment.Status.WITHDRAWN
    )
    by_article: dict[int, list[ReviewAssignment]] = defaultdict(list)
    # The rows' own articles are not read again (only their ids, on the round).
    rows = live.select_related("reviewer", "round").filter(
        round__article__in=[a.pk for a in articles]
    )
    for assignment in rows:
        by_article[assignment.round.article_id].append(assignment)
    for article in articles:
        article.assignments_now = by_article.get(article.pk, [])
        article.my_assignment = next(
            (a for a in article.assignments_now if a.reviewer_id == user.pk and a.is_active),
            None,
        )
    overdue = None
    if roles.is_editor(user):
        late = live.overdue(now)
        overdue = list(
            late.order_by("due_at").select_related("reviewer", "round__article", "assigned_by")[
                :OVERDUE_LIMIT
            ]
        )
        overdue_total = len(overdue) if len(overdue) < OVERDUE_LIMIT else late.count()
    else:
        overdue_total = 0
    return {
        "overdue": overdue,
        "overdue_total": overdue_total,
        "now": now,
    }
