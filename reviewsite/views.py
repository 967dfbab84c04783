"""Site-wide views: health check, media files and error pages."""

import posixpath
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, JsonResponse
from django.utils._os import safe_join
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

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
            {"status": "unavailable", "database": "down"}, status=503, headers={"Retry-After": "30"}
        )
    return JsonResponse({"status": "ok", "database": "up"})


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
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except ValueError:  # ../ escapes MEDIA_ROOT
        raise Http404("No such file.") from None
    if not full.is_file():
        raise Http404("No such file.")
    response = FileResponse(full.open("rb"), content_type=MEDIA_TYPES[suffix])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Disposition"] = "inline"
    return response
