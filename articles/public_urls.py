"""What readers see."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from articles.feeds import PublicationFeed
from articles.sitemaps import SITEMAPS
from articles.views import public, reports

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("articles/<slug:slug>/", public.article, name="article"),
    path("articles/<slug:slug>/report/", reports.report, name="report"),
    path("robots.txt", public.robots_txt, name="robots"),
    path("favicon.ico", public.favicon, name="favicon"),
    path("feed/", PublicationFeed(), name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
