"""What readers see."""

from django.urls import path

from articles.views import public, reports, syndication

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("articles/<slug:slug>/", public.article, name="article"),
    path("articles/<slug:slug>/report/", reports.report, name="report"),
    path("robots.txt", public.robots_txt, name="robots"),
    path("favicon.ico", public.favicon, name="favicon"),
    path("feed/", syndication.feed, name="feed"),
    path("sitemap.xml", syndication.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", syndication.sitemap_section, name="sitemap_section"),
]
