"""Role changes, checked and logged in one place.

Membership of "Medical Advisory Board" and "Editors", staff and superuser status are for
superusers only (editorial.roles.may_change_membership); every change, by whoever and
wherever, becomes an editorial.RoleChange row.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from editorial import roles
from editorial.models import RoleChange

STAFF = "staff status"
SUPERUSER = "superuser status"


def role_snapshot(user: Any) -> frozenset[str]:
    """The user's roles as stored in the database now: groups, staff, superuser."""
    held = set(Group.objects.filter(user=user).values_list("name", flat=True))
    fresh = get_user_model().objects.filter(pk=user.pk).values("is_staff", "is_superuser").first()
    if fresh and fresh["is_staff"]:
        held.add(STAFF)
    if fresh and fresh["is_superuser"]:
        held.add(SUPERUSER)
    return frozenset(held)


def _label(user: Any) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


def record_role_changes(
    *, user: Any, before: frozenset[str], after: frozenset[str], by: Any, via: str
) -> list[RoleChange]:
    rows = [
        RoleChange(
            user=user,
            user_name=_label(user),
            role=role,
            change=change,
            changed_by=by,
            changed_by_name=_label(by),
            via=via,
        )
        for change, roles_changed in (
            (RoleChange.Change.ADDED, after - before),
            (RoleChange.Change.REMOVED, before - after),
        )
        for role in sorted(roles_changed)
    ]
    roles.forget_groups(user)
    return RoleChange.objects.bulk_create(rows)


def is_protected_account(user: Any) -> bool:
    """Accounts only a superuser may change: they approve, publish or run the site."""
    # Straight from the database: an inactive board member is protected too.
    return (
        user.is_superuser
        or user.is_staff
        or user.groups.filter(name__in=roles.SUPERUSER_ONLY_GROUPS).exists()
    )
