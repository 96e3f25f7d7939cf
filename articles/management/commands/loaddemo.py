"""Load demo users, a policy, a references library and articles in every state. Idempotent."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import checks, workflow
from articles.demo import DEMO_ARTICLES, DEMO_EVIDENCE_NOTICES, POLICY_BODY
from articles.models import Article
from editorial import roles
from editorial.models import BoardProfile, EditorialPolicy
from references.demo import load_demo_references
from references.models import Reference

DEMO_PASSWORD = "demo-password"

DEMO_USERS = {
    "author": ("Alex", "Morgan", [roles.AUTHORS], None),
    "author2": ("Sam", "Patel", [roles.AUTHORS], None),
    "reviewer": ("Maya", "Okafor", [roles.BOARD], ("MD", "Neurology")),
    "reviewer2": ("Daniel", "Reyes", [roles.BOARD], ("DPT", "Physical therapy and rehabilitation")),
    "editor": ("Jordan", "Lee", [roles.EDITORS], None),
}

# The steps that take a new draft to each demo state, as (action, actor, extra arguments).
COI = {"conflict_of_interest": "none"}
PATHS: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "draft": [],
    "submitted": [("submit", "author", {})],
    "under_review": [("submit", "author", {}), ("start_review", "reviewer", {})],
    "changes_requested": [
        ("submit", "author", {}),
        ("start_review", "reviewer", {}),
        (
            "request_changes",
            "reviewer",
            {"comment": "Please say what counts as a 'new wound' and add a second source."},
        ),
    ],
    "approved": [
        ("submit", "author", {}),
        ("start_review", "reviewer", {}),
        ("approve", "reviewer", COI),
    ],
    "published": [
        ("submit", "author", {}),
        ("start_review", "reviewer", {}),
        ("approve", "reviewer", COI),
        ("publish", "editor", {}),
    ],
    "archived": [
        ("submit", "author", {}),
        ("start_review", "reviewer2", {}),
        ("approve", "reviewer2", COI),
        ("publish", "editor", {}),
        ("archive", "editor", {"reason": "Merged into the broader article on neuropathy causes."}),
    ],
}


class Command(BaseCommand):
    help = f"Load demo users (password: {DEMO_PASSWORD}), a policy, references and articles in every state."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "loaddemo creates users with a published development password; it runs only "
                "with DEBUG on."
            )
        # The workflow's emails would flood the console; the demo people have no inboxes.
        started = timezone.now()
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            users = self._users()
            EditorialPolicy.objects.get_or_create(
                version=1,
                defaults={
                    "effective_date": datetime.date(2025, 1, 1),
                    "body": POLICY_BODY,
                    "required_approvals": 1,
                    "review_interval_months": 12,
                },
            )
            library = load_demo_references()
            created = []
            for data in DEMO_ARTICLES:
                if Article.objects.filter(title=data["title"]).exists():
                    continue
                self._article(data, users)
                created.append(data["title"])
            for notice in DEMO_EVIDENCE_NOTICES:
                if notice["article"] in created:  # once, after the page went live
                    self._evidence_found(library[notice["reference"]], notice["status"])
            # The emails the demo's actions queued (the worker would print them all).
            DBTaskResult.objects.filter(
                task_path="articles.tasks.deliver", status="READY", enqueued_at__gte=started
            ).delete()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({len(created)} new articles). Sign in as author, author2, reviewer, "
                f"reviewer2 or editor with the password “{DEMO_PASSWORD}”."
            )
        )

    def _users(self) -> dict[str, Any]:
        User = get_user_model()
        users = {}
        for username, (first, last, groups, board) in DEMO_USERS.items():
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@example.org"
            user.is_staff = roles.EDITORS in groups
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set(Group.objects.filter(name__in=groups))
            if board:
                BoardProfile.objects.update_or_create(
                    user=user,
                    defaults={
                        "credentials": board[0],
                        "specialty": board[1],
                        "conflict_of_interest_disclosure": "",
                    },
                )
            users[username] = user
        return users

    def _evidence_found(self, reference: Reference, status: str) -> None:
        """What check_references records when it finds a notice, and whom it tells."""
        before = reference.retraction_status
        reference.retraction_status, reference.checked_at = status, timezone.now()
        reference._change_reason = "check_references"
        reference.save()
        workflow.evidence_found(reference=reference, before=before, after=status)

    def _article(self, data: dict[str, Any], users: dict[str, Any]) -> Article:
        author = users[data["author"]]
        article = workflow.create_article(
            by=author,
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            audience=data["audience"],
            subject=data.get("subject", ""),
        )
        for action, actor, kwargs in PATHS[data["state"]]:
            person = author if actor == "author" else users[actor]
            if action == "approve":
                # The demo reviewer reads and acknowledges each evidence warning, as a person must.
                warnings = checks.approval_warnings(article)
                policy = EditorialPolicy.objects.current()
                assert policy is not None  # created above
                kwargs = {
                    **kwargs,
                    "acknowledged_warnings": [w.code for w in warnings],
                    "checklist": ["yes"] * len(policy.review_checklist),
                }
            workflow.perform(action, article=article, by=person, **kwargs)
        return article
