"""The three roles of the site, as Django groups created by a data migration."""

from __future__ import annotations

from typing import Any

AUTHORS = "Authors"
BOARD = "Medical Advisory Board"
EDITORS = "Editors"
ALL_GROUPS = (AUTHORS, BOARD, EDITORS)


def group_names(user: Any) -> frozenset[str]:
    """The user's group names, fetched once per user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_editorial_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._editorial_group_names = cached
    return cached


def forget_groups(user: Any) -> None:
    """Drop the cached group names after the user's groups changed."""
    if hasattr(user, "_editorial_group_names"):
        del user._editorial_group_names


def is_author(user: Any) -> bool:
    return AUTHORS in group_names(user)


def is_board_member(user: Any) -> bool:
    return BOARD in group_names(user)


def is_editor(user: Any) -> bool:
    """Editors run the site: the Editors group, or a superuser."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or EDITORS in group_names(user)


# Membership of these is changed by site administrators (superusers) only, and logged:
# a board member approves, an editor publishes, and no one should grant themselves both.
SUPERUSER_ONLY_GROUPS = (BOARD, EDITORS)


def may_change_membership(actor: Any, group_name: str) -> bool:
    """Editors invite and manage authors; only a superuser changes Board or Editors."""
    if group_name in SUPERUSER_ONLY_GROUPS:
        return bool(getattr(actor, "is_superuser", False)) and actor.is_active
    return is_editor(actor)


def needs_second_factor(user: Any) -> bool:
    """Board members, editors and anyone who can open the admin sign in with two factors."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff or is_editor(user) or is_board_member(user)


def home_url(user: Any) -> str:
    """Where a person's work is: the publishing page, the queue or the desk."""
    from django.urls import reverse

    if is_editor(user):
        return reverse("articles:publishing")
    if is_board_member(user):
        return reverse("articles:queue")
    if is_author(user):
        return reverse("articles:desk")
    return reverse("public:home")
