"""The working pages: the author's desk and the board's queue."""

from django.urls import path

from articles.views import desk, review

app_name = "articles"

urlpatterns = [
    path("drafts/", desk.desk, name="desk"),
    path("drafts/new/", desk.new_article, name="new"),
    path("drafts/<int:pk>/", desk.edit, name="edit"),
    path("review/", review.queue, name="queue"),
    path("review/<int:pk>/", review.review, name="review"),
]
