"""What readers see."""

from django.urls import path

from articles.views import public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("articles/<slug:slug>/", public.article, name="article"),
]
