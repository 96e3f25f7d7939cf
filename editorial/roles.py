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
