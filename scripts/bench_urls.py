"""make bench's URLs: the site's, plus /_bench/ceiling, the least a Django view can do for
a 30 KB page (the framework's ceiling every page is compared with). Only the servers
scripts/bench.py starts load it (DJANGO_SETTINGS_MODULE=scripts.bench_settings)."""

from django.http import HttpResponse
from django.urls import path

from reviewsite import urls as site

PAGE = (
    "<!doctype html><html lang=en><title>ceiling</title><main>"
    + "<p>"
    + "The framework's ceiling, thirty kilobytes of text. " * 590
    + "</p></main></html>"
)


def ceiling(request):
    return HttpResponse(PAGE)


handler500 = site.handler500
urlpatterns = [*site.urlpatterns, path("_bench/ceiling", ceiling)]
