import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import include, path, re_path

from infra.httpcache import LISTING, shared_view
from reviews.models import Review
from reviews.sitemaps import SITEMAPS
from reviewsite import views

admin.site.site_header = f"{settings.SITE_NAME} newsroom"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Your desk"  # what needs you, by what your account may do

handler500 = "reviewsite.views.server_error"

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", shared_view(views.robots_txt, ["site"]), name="robots"),
    path(
        "sitemap.xml",
        shared_view(sitemap_view, [LISTING], until=Review.objects.next_publication),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    # Before reviews' own "": the edited front page answers "/" (reviews:list still names it).
    path("", include("frontpage.urls")),
    path("", include("reviews.urls")),
    path("", include("polls.urls")),
    path("", include("comments.urls")),
    path("", include("follows.urls")),
]

if settings.SERVE_MEDIA:
    # At MEDIA_URL's path even when MEDIA_URL names a CDN, so the CDN can pull from here.
    _media_path = re.escape(urlsplit(settings.MEDIA_URL).path.lstrip("/"))
    urlpatterns.append(re_path(rf"^{_media_path}(?P<path>.+)$", views.media, name="media"))
