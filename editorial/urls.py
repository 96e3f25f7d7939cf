from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def healthz(request: HttpRequest) -> HttpResponse:
    """A constant answer: for load balancers, and the baseline of the benchmark."""
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("articles.urls")),
    path("", include("articles.public_urls")),
    path("", include("editorial.policy_urls")),
]

handler400 = "articles.views.kept.bad_request"
handler500 = "articles.views.kept.server_error"
