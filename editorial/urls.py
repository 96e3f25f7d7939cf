from __future__ import annotations

from allauth.account import views as account_views
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from editorial.accounts import invitations


def healthz(request: HttpRequest) -> HttpResponse:
    """A constant answer: for load balancers, and the baseline of the benchmark."""
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    # allauth's sign-in and sign-out, also under Django's usual names ("login", "logout").
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path("accounts/invite/", invitations.invite, name="invite"),
    path("accounts/", include("allauth.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("articles.urls")),
    path("", include("articles.public_urls")),
    path("", include("editorial.policy_urls")),
]

handler400 = "articles.views.kept.bad_request"
handler500 = "articles.views.kept.server_error"
