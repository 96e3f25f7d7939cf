from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from editorial import roles


def site(request: HttpRequest) -> dict[str, object]:
    """The site's name and the person's roles, for the navigation of every page."""
    user = getattr(request, "user", None)
    is_author, is_board, is_editor = (
        roles.is_author(user),
        roles.is_board_member(user),
        roles.is_editor(user),
    )
    labels = [
        label
        for label, held in (("Editor", is_editor), ("Board", is_board), ("Author", is_author))
        if held
    ]
    return {
        "SITE_NAME": settings.SITE_NAME,
        "is_author": is_author,
        "is_board_member": is_board,
        "is_editor": is_editor,
        "role_label": " · ".join(labels),
        "work_url": roles.home_url(user) if user is not None else "/",
    }
