"""Compression of what anonymous readers fetch, and of nothing that carries a secret.

Compressing a page that holds a secret (a CSRF token) next to text an attacker can influence
lets the attacker read the secret from the compressed sizes (BREACH). Public pages for
anonymous readers carry no token (articles.views.public.render_public blanks it), so they
are compressed; any response that minted or used a CSRF token (Django then sets its cookie
on the response), any response to a signed-in person, and anything but a GET or HEAD is
sent as it is.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/html", "application/atom+xml", "application/xml", "text/xml", "text/plain")


def carries_no_secret(request: HttpRequest, response: HttpResponseBase) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if settings.CSRF_COOKIE_NAME in response.cookies:
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return content_type in COMPRESSIBLE


class PublicPageCompressionMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not carries_no_secret(request, response):
            return response
        return super().process_response(request, response)
