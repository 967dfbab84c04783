"""What a shared HTTP cache (Varnish, a CDN) may keep, and how a purge reaches it.

The rules for shared pages are here; what each write purges is said by name in
infra/freshness.py, which sends its keys through `send_purge`:

1. A view that shows public content marks its response with `shared(response, keys,
   until=...)`: the surrogate keys name everything the page shows (`review-<id>` for each
   review on it, with its comments and ratings; `poll-<id>`; `author-<id>`; `genre-<id>`,
   `platform-<id>`; `listing` for every page that lists reviews), and `until` is the moment
   the page changes by itself with no write (a scheduled review coming due, a poll opening
   or closing).
2. `HttpCacheMiddleware` sends such a response to a new reader (no session, no reader
   cookie, no flash message) as `public, s-maxage=...` with the keys as `xkey` (Varnish)
   and `Surrogate-Key` (Fastly-style CDNs), and without `Vary: Cookie`. Everyone else
   gets `private, no-store`: their page shows their vote, their rating, their session.
3. Every write that changes what a page shows says so with a freshness event; once the
   transaction commits, one `PURGE` with the keys goes to every cache in
   REVIEWSITE_HTTP_CACHES (one per request, whatever it wrote). A cache that cannot be
   reached is logged and never fails the write; s-maxage bounds how long such a miss
   can last.
Clock-driven changes need no writer: s-maxage never reaches past `until`.
4. What is a reader's own on a shared page (their vote, their comment form) may be left to
   the cache: when the request says the cache in front assembles ESI (`Surrogate-Capability`,
   set by the VCL), `esi_include(request, url)` returns the URL a template puts in an
   `<esi:include>`, and the response tells the cache to process it (`Surrogate-Control`).
   Elsewhere (`make run`, a CDN without ESI) it returns None and the part is rendered
   inline, so the page reads the same everywhere. The included views are small, private
   for readers with a cookie, shared for new readers.
"""

import functools
import http.client
import logging
import threading
import urllib.parse
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

LISTING = "listing"


def private_cookies() -> frozenset[str]:
    """Cookies that make a page the reader's own; the site ignores any other. The VCL
    (varnish/reviewsite.vcl) passes requests that carry one of these."""
    return frozenset(
        {
            settings.SESSION_COOKIE_NAME,
            settings.READER_COOKIE_NAME,
            settings.OWN_COOKIE_NAME,
            CookieStorage.cookie_name,
        }
    )


def shared(
    response: HttpResponse, keys: Iterable[str], *, until: datetime | None = None
) -> HttpResponse:
    """Mark a response as the same for every new reader, naming what it shows."""
    response.surrogate_keys = list(dict.fromkeys(keys))
    response.fresh_until = until
    return response


def started_at(request: HttpRequest) -> datetime:
    """When the request began (HttpCacheMiddleware notes it): a page's clock-driven bound
    is taken from then, so nothing that comes due while the page renders is missed."""
    return getattr(request, "started_at", None) or timezone.now()


def shared_view(view, keys: Iterable[str], *, until=None):
    """A view whose every 200 is shared(); until() is asked per request, before the view
    reads what it shows (see started_at)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        moment = until() if until else None
        return shared(view(request, *args, **kwargs), keys, until=moment)

    return wrapped


ESI = "ESI/1.0"


def esi_include(request: HttpRequest | None, url: str) -> str | None:
    """The URL for an <esi:include> of this part of the page, or None: render it inline."""
    return url if assembles_esi(request) else None


def assembles_esi(request: HttpRequest | None) -> bool:
    """Whether the cache in front assembles <esi:include>s the page will hold (so the
    response tells it to), or the parts are rendered inline."""
    if request is None or ESI not in request.headers.get("Surrogate-Capability", ""):
        return False
    request.esi_included = True
    return True


def assembles_own_actions(request: HttpRequest | None) -> bool:
    """Whether the parts a reader with comments of their own has on the page are to be
    included too (each comment's actions, their held comments, their ratings): the cache
    says so (X-Own-Actions, for a reader whose "mine" cookie names comments there)."""
    return bool(request) and request.headers.get("X-Own-Actions") == "1" and assembles_esi(request)


def is_new_reader(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not (private_cookies() & request.COOKIES.keys())


def _max_age(until: datetime | None) -> tuple[int, int]:
    """(s-maxage, stale-while-revalidate) for a page that changes by itself at until."""
    seconds = settings.HTTP_CACHE_SECONDS
    if until is None:
        return seconds, settings.HTTP_CACHE_STALE_SECONDS
    left = int((until - timezone.now()).total_seconds())
    # Past the moment the page turns, a stale copy would be wrong: no revalidation grace.
    return max(0, min(seconds, left)), 0


class HttpCacheMiddleware:
    """Cache-Control, surrogate keys and no Vary: Cookie on pages new readers share.

    Sits above SessionMiddleware so it sees the final headers (the session's Vary, any
    Set-Cookie) and below ConditionalGetMiddleware, whose 304s then carry the same
    Cache-Control.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.started_at = timezone.now()
        response = self.get_response(request)
        if getattr(request, "esi_included", False):
            response["Surrogate-Control"] = f'content="{ESI}"'  # the VCL turns on do_esi
        keys = getattr(response, "surrogate_keys", None)
        if (
            keys is not None
            and response.status_code == 200
            and is_new_reader(request)
            and not response.cookies
        ):
            s_maxage, stale = _max_age(response.fresh_until)
            # The templates asked who the user is (so the session was "accessed"), but a
            # request with no cookie has nothing to vary on; the cache passes any that has.
            vary = [
                v
                for v in response.get("Vary", "").split(",")
                if v.strip().lower() not in ("cookie", "")
            ]
            if vary:
                response["Vary"] = ",".join(v.strip() for v in vary)
            elif response.has_header("Vary"):
                del response["Vary"]
            response["Cache-Control"] = (
                f"public, max-age=0, s-maxage={s_maxage}, "
                f"stale-while-revalidate={stale}, "
                f"stale-if-error={settings.HTTP_CACHE_STALE_IF_ERROR}"
            )
            response["xkey"] = response["Surrogate-Key"] = " ".join(keys)
        elif not response.has_header("Cache-Control") and not getattr(response, "streaming", False):
            patch_cache_control(response, private=True, no_store=True)
        return response


def send_purge(keys: list[str]) -> None:
    """One PURGE to each cache, with a short timeout; a failure is logged, never raised.

    Each process keeps its connection to each cache open between writes: a new TCP
    connection per PURGE was most of what a purge cost a vote (docs/performance.md)."""
    header = " ".join(keys)
    for base in settings.HTTP_CACHES:
        try:
            status = _purge(base, header)
        except (OSError, http.client.HTTPException) as error:
            _connections.__dict__.pop(base, None)
            logger.warning("could not purge %s from %s: %s", header, base, error)
        else:
            if status >= 400:
                logger.warning("could not purge %s from %s: HTTP %s", header, base, status)


#: Per thread (gunicorn's sync workers have one), base URL → its open connection.
_connections = threading.local()


def _purge(base: str, header: str) -> int:
    connection = _connections.__dict__.get(base)
    if connection is None:
        parts = urllib.parse.urlsplit(base)
        https = parts.scheme == "https"
        kind = http.client.HTTPSConnection if https else http.client.HTTPConnection
        timeout = settings.HTTP_CACHE_PURGE_TIMEOUT
        connection = _connections.__dict__[base] = kind(parts.hostname, parts.port, timeout=timeout)
    reused = connection.sock is not None
    try:
        connection.request("PURGE", "/", headers={"xkey": header})
        answer = connection.getresponse()
    except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
        if not reused:
            raise
        # The cache closed the idle connection first (its timeout_idle): once more, anew.
        connection.close()
        connection.request("PURGE", "/", headers={"xkey": header})
        answer = connection.getresponse()
    answer.read()
    return answer.status
