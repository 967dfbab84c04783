from django.urls import path

from polls import views

app_name = "polls"

urlpatterns = [
    path("reviews/<slug:slug>/poll/", views.fragment, name="fragment"),
    path(
        "reviews/<slug:slug>/poll/voted/<int:choice>/",
        views.voted_fragment,
        name="voted_fragment",
    ),
    path("reviews/<slug:slug>/poll/vote/", views.vote, name="vote"),
    path("reviews/<slug:slug>/poll/results.json", views.results_json, name="results_json"),
]
