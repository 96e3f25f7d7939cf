from django.urls import path

from editorial import views

app_name = "editorial"

urlpatterns = [
    path("editorial-policy/", views.policy, name="policy"),
    path("editorial-policy/<int:version>/", views.policy, name="policy_version"),
    path("board/", views.board, name="board"),
]
