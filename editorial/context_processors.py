from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from editorial import roles


def site(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "SITE_NAME": settings.SITE_NAME,
        "is_author": roles.is_author(user),
        "is_board_member": roles.is_board_member(user),
        "is_editor": roles.is_editor(user),
    }
