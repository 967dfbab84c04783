"""Fixed-window rate limits kept in the cache, so every app process shares them.

With REDIS_URL set the counters live in Redis and hold across processes and machines;
INCR is atomic, so simultaneous requests cannot both slip under a limit.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def hit(scope: str, key: str) -> int | None:
    """Count one request against a limit; return seconds to wait if it is over, else None.

    scope names an entry of settings.RATELIMITS ("comment-ip", ...); key is whose
    requests are counted (an IP address, a reader id).
    """
    if not settings.RATELIMIT_ENABLE:
        return None
    limit, period = settings.RATELIMITS[scope]
    now = int(time.time())
    window = now // period
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period + 1)
        count = 1
    if count is None:  # the cache is unreachable (django-redis ignores it): let it through
        return None
    if count > limit:
        return max(1, (window + 1) * period - now)
    return None


def humane_duration(seconds: float) -> str:
    """How long a reader is asked to wait: 90 → "2 minutes", 3600 → "1 hour".

    Seconds and minutes round up, so a reader who waits that long is not refused again;
    hours round to the nearest. Under a second is "a moment".
    """
    seconds = int(seconds)
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size:
            count = round(seconds / size) if unit == "hour" else -(-seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "a moment"


def too_many_requests(
    request: HttpRequest, retry_after: int, *, action: str, back: str = "/"
) -> HttpResponse:
    """The readable 429 page: what was refused, how long to wait, and a way back."""
    response = render(
        request,
        "429.html",
        {"action": action, "wait": humane_duration(retry_after), "back": back},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
