from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("reviews/<slug:slug>/", views.review_detail, name="detail"),
    path("reviews/<slug:slug>/preview/", views.review_preview, name="preview"),
]
