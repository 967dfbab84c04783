"""Site-wide views: health check, media files and error pages."""

import logging
import posixpath
import sys
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from infra.database import DATABASE_UNAVAILABLE
from infra.media import CACHE_CONTROL

#: Sent with every "the database is down" 503 (and no other answer): the HTTP cache
#: serves a stale copy only for an answer that says so, never for any other error
#: (varnish/reviewsite.vcl, vcl_backend_response).
UNAVAILABLE_HEADER = ("X-Unavailable", "database")

#: Only these types are served from MEDIA_ROOT; anything else is a 404.
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers a query, 503 when it does not (for monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse(
            {"status": "unavailable", "database": "down"},
            status=503,
            headers={"Retry-After": "30", UNAVAILABLE_HEADER[0]: UNAVAILABLE_HEADER[1]},
        )
    return JsonResponse({"status": "ok", "database": "up"})


@require_safe
def robots_txt(request):
    """Crawlers may read everything public; the admin, previews, search and the comment
    report and moderation pages are off limits."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        "Disallow: /reviews/*/preview/",
        "Disallow: /search/",
        "Disallow: /comments/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def media(request, path):
    """Serve an uploaded photo from MEDIA_ROOT (make serve; a proxy may do this instead).

    Names carry a content hash, so a file never changes under its URL and may be
    cached for a year.
    """
    suffix = posixpath.splitext(path)[1].lower()
    if suffix not in MEDIA_TYPES:
        raise Http404("No such file.")
    try:
        full = Path(FileSystemStorage(location=settings.MEDIA_ROOT).path(path))
    except ValueError:  # ../ escapes MEDIA_ROOT
        raise Http404("No such file.") from None
    if not full.is_file():
        raise Http404("No such file.")
    response = FileResponse(full.open("rb"), content_type=MEDIA_TYPES[suffix])
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Disposition"] = "inline"
    return response


RETRY_AFTER_SECONDS = 30
#: A failed POST is offered back to the reader only if it is this small (no uploads).
RESUBMIT_MAX_FIELDS = 12
RESUBMIT_MAX_CHARS = 20_000

logger = logging.getLogger(__name__)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A readable 403 when a form's CSRF token is missing or wrong."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a readable page with the request id, or a 503 when the database is down.

    Rendered without context processors or the database, because either may be what
    failed.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    html = loader.get_template("500.html").render({"request_id": getattr(request, "id", "")})
    return HttpResponse(html, status=500)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After; a refused POST is offered back so nothing typed is lost."""
    logger.warning("database unavailable while serving %s %s", request.method, request.path)
    context = {"request_id": getattr(request, "id", ""), "retry_after": RETRY_AFTER_SECONDS}
    if request.method == "POST" and not request.path.startswith(f"/{settings.ADMIN_PATH}"):
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name != "csrfmiddlewaretoken" and "password" not in name
            for value in values
        ]
        if (
            len(fields) <= RESUBMIT_MAX_FIELDS
            and sum(len(v) for _n, v in fields) <= RESUBMIT_MAX_CHARS
        ):
            context |= {
                "resubmit_fields": fields,
                "resubmit_text": next((v for n, v in fields if n == "body"), ""),
                "resubmit_url": request.get_full_path(),
                "csrf_token": get_token(request),
            }
    html = loader.get_template("503.html").render(context)
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response[UNAVAILABLE_HEADER[0]] = UNAVAILABLE_HEADER[1]
    return response
