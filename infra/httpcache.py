"""What a shared HTTP cache (Varnish, a CDN) may keep, and telling it when that changed.

Every rule about keeping reader pages fresh is in this module:

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
3. Every write that changes what a page shows calls `purge(keys)`; once the transaction
   commits, one `PURGE` with those keys goes to every cache in REVIEWSITE_HTTP_CACHES.
   A cache that cannot be reached is logged and never fails the write; s-maxage bounds
   how long such a miss can last.
Clock-driven changes need no writer: s-maxage never reaches past `until`.
"""

import functools
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

LISTING = "listing"


def private_cookies() -> frozenset[str]:
    """Cookies that make a page the reader's own; the site ignores any other. The VCL
    (varnish/reviewsite.vcl) passes requests that carry one of these."""
    return frozenset(
        {settings.SESSION_COOKIE_NAME, settings.VOTER_COOKIE_NAME, CookieStorage.cookie_name}
    )


def shared(
    response: HttpResponse, keys: Iterable[str], *, until: datetime | None = None
) -> HttpResponse:
    """Mark a response as the same for every new reader, naming what it shows."""
    response.surrogate_keys = list(dict.fromkeys(keys))
    response.fresh_until = until
    return response


def shared_view(view, keys: Iterable[str], *, until=None):
    """A view whose every 200 is shared(); until() is asked per request."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return shared(view(request, *args, **kwargs), keys, until=until() if until else None)

    return wrapped


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
        response = self.get_response(request)
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


def purge(keys: Iterable[str]) -> None:
    """Purge these keys from every HTTP cache once the current transaction commits
    (at once outside a transaction; never, if it rolls back)."""
    keys = sorted(set(keys))
    if keys and settings.HTTP_CACHES:
        transaction.on_commit(lambda: send_purge(keys))


def send_purge(keys: list[str]) -> None:
    """One PURGE to each cache, with a short timeout; a failure is logged, never raised."""
    header = " ".join(keys)
    for base in settings.HTTP_CACHES:
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked in settings
            base.rstrip("/") + "/", method="PURGE", headers={"xkey": header}
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 - http(s) only, checked in settings
                request, timeout=settings.HTTP_CACHE_PURGE_TIMEOUT
            ) as answer:
                answer.read()
        except (urllib.error.URLError, OSError, ValueError) as error:
            logger.warning("could not purge %s from %s: %s", header, base, error)
