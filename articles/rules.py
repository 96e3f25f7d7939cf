"""Who may do what to an article. The workflow, the views and the admin all ask here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from editorial import roles

if TYPE_CHECKING:
    from articles.models import Article


def is_article_author(article: Article, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return article.authors.filter(pk=user.pk).exists()


def is_contributor(article: Article, user: Any) -> bool:
    """An author of the article (now or at any earlier revision), or anyone who edited it.

    Nobody approves their own work: an editor who rewrote the body is as conflicted as
    the author who wrote it, and a co-author taken off the byline still wrote what is there.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if is_article_author(article, user):
        return True
    if article.events.filter(actor=user, transition="edit").exists():
        return True
    return (
        type(article).history.filter(id=article.pk, historicalarticle_authors__user=user).exists()
    )


def may_create(user: Any) -> bool:
    """Authors and editors start new articles."""
    return roles.is_author(user) or roles.is_editor(user)


def may_edit(article: Article, user: Any) -> bool:
    """Authors of the article (still in the Authors role) and editors may write its content."""
    return roles.is_editor(user) or (roles.is_author(user) and is_article_author(article, user))


def may_review(article: Article, user: Any) -> bool:
    """Board members who have not contributed to the article."""
    return roles.is_board_member(user) and not is_contributor(article, user)


def may_manage(article: Article, user: Any) -> bool:
    """Editors publish, schedule and archive."""
    return roles.is_editor(user)


def may_assign(article: Article, user: Any) -> bool:
    """Editors name the reviewers of a round, withdraw and reassign them."""
    return roles.is_editor(user)


def may_be_assigned(article: Article, user: Any) -> bool:
    """Who an editor may ask to review: active board members who may review it."""
    return getattr(user, "is_active", False) and may_review(article, user)


def is_assignee(assignment: Any, user: Any) -> bool:
    """The board member named on the assignment (who may always decline it)."""
    return getattr(user, "is_authenticated", False) and user.pk == assignment.reviewer_id


def may_respond(assignment: Any, user: Any) -> bool:
    """Only the named reviewer accepts, and only while they may review the article."""
    return is_assignee(assignment, user) and may_review(assignment.round.article, user)


def may_take_live(approvers: Iterable[Any], user: Any) -> bool:
    """Four eyes: the person who publishes is never the only approver of that revision."""
    approver_ids = {approver.pk for approver in approvers}
    return approver_ids != {getattr(user, "pk", None)}


def may_view(article: Article, user: Any) -> bool:
    """Who may see the working copy (not the public page).

    Its authors and editors always; the board once it has been submitted for review (a
    draft that was never submitted is the authors' own).
    """
    if roles.is_editor(user) or is_article_author(article, user):
        return True
    return roles.is_board_member(user) and article.rounds.exists()


def may_see_reports(user: Any) -> bool:
    """Readers' reports: editors triage them; board members read them and start re-reviews."""
    return roles.is_editor(user) or roles.is_board_member(user)


def may_triage_reports(user: Any) -> bool:
    return roles.is_editor(user)


def may_rereview_from_report(article: Article, user: Any) -> bool:
    """From a reader's report: a board member who may review it, or an editor (who opens the
    round for the board)."""
    return roles.is_editor(user) or may_review(article, user)


PERMISSION_MESSAGES = {
    "edit": "Only an author of this article or an editor can change its content.",
    "submit": "Only an author of this article or an editor can submit it for review.",
    "withdraw": "Only an author of this article or an editor can withdraw it.",
    "resubmit": "Only an author of this article or an editor can resubmit it.",
    "revise": "Only an author of this article or an editor can start a revision.",
    "start_review": (
        "Only a member of the Medical Advisory Board who has not written or edited this article "
        "can start its review."
    ),
    "approve": (
        "Only a member of the Medical Advisory Board who has not written or edited this article "
        "can approve it."
    ),
    "request_changes": (
        "Only a member of the Medical Advisory Board who has not written or edited this article "
        "can request changes to it."
    ),
    "start_rereview": (
        "Only a member of the Medical Advisory Board who has not written or edited this article "
        "can start its re-review."
    ),
    "dismiss_evidence_flag": (
        "Only a member of the Medical Advisory Board who has not written or edited this article "
        "can mark an evidence notice about it reviewed."
    ),
    "assign_reviewers": "Only an editor can assign reviewers.",
    "withdraw_assignment": "Only an editor can withdraw a reviewer's assignment.",
    "reassign": "Only an editor can reassign a review.",
    "accept_assignment": (
        "Only the board member asked to review, who has not written or edited this article, can "
        "accept the assignment."
    ),
    "decline_assignment": "Only the board member asked to review can decline the assignment.",
    "answer_points": "Only an author of this article or an editor can answer the reviewers' points.",
    "publish": "Only an editor can publish an article.",
    "change_authors": "Only an editor can change an article's authors.",
    "change_slug": "Only an editor can change an article's address.",
    "archive": "Only an editor can archive an article.",
    "triage_report": "Only an editor can mark a reader's report acted on or dismissed.",
}
