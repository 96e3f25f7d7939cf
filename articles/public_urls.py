"""What readers see."""

from django.urls import path

from articles.views import public, syndication

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("articles/<slug:slug>/", public.article, name="article"),
    path("feed/", syndication.feed, name="feed"),
    path("sitemap.xml", syndication.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", syndication.sitemap_section, name="sitemap_section"),
]
