from django.urls import path

from infra.httpcache import LISTING, shared_view
from reviews import feeds, views
from reviews.models import Review

_due = Review.objects.next_publication

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("search/", views.search, name="search"),
    path("tv/", views.kind_list, {"kind": "tv"}, name="tv"),
    path("films/", views.kind_list, {"kind": "films"}, name="films"),
    path("series/<slug:slug>/", views.series_detail, name="series"),
    path(
        "series/<slug:slug>/feed/",
        shared_view(feeds.SeriesFeed(), [LISTING], until=_due),
        name="series_feed",
    ),
    path("genres/<slug:slug>/", views.genre_detail, name="genre"),
    path("platforms/<slug:slug>/", views.platform_detail, name="platform"),
    path("authors/<str:slug>/", views.author_detail, name="author"),
    path("feed/", shared_view(feeds.LatestReviewsFeed(), [LISTING], until=_due), name="feed"),
    path(
        "feed/atom/", shared_view(feeds.LatestReviewsAtomFeed(), [LISTING], until=_due), name="atom"
    ),
    path("reviews/<slug:slug>/", views.review_detail, name="detail"),
    path("reviews/<slug:slug>/preview/", views.review_preview, name="preview"),
]
