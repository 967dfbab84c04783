"""Whole review pages for readers with no state of their own, served from the cache.

A reader who is not logged in and has no reader cookie sees exactly what every other such
reader sees, except two values made per request: the CSRF token and the comment form's
signed timestamp. So the page is rendered once with unguessable markers in their place,
cached, and every request fills the markers in. Everyone else (a logged-in user, a
reader who voted or commented, a flash message, an unusual query string) gets a page
rendered for them, from cached fragments.

What keys a cached page, so that it is never stale:
- with a shared cache (Redis), a generation token per review, kept in the cache and
  replaced, once the transaction commits, by every write that changes the page (the
  page_changed signal: the review, its sections, photos, credits, poll, comments, its
  author's name). A hit then needs no database at all. The token is read before the
  database is, so a page rendered from data that changed meanwhile is stored under the
  old token, where nobody looks.
- with a cache local to each process, the review's versions read from the database
  (updated_at and comments_version), since another process cannot reach this one's cache.
Either way the key also holds the minute ("5 minutes ago" moves on), and an entry ends
when the poll opens or closes. With the shared cache, each page is also kept under its
generation alone: while the database is down nothing can change the page, so that copy
is served past the minute instead of a 503.
"""

import datetime
import functools
import hashlib
import hmac
import os
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils import timezone

from comments.forms import FormStamp
from reviews.models import FRAGMENT_TTL, Review
from reviewsite.readers import reader_id
from reviewsite.views import DATABASE_UNAVAILABLE

_PAGE = re.compile(r"[1-9][0-9]{0,4}")
_INDENT = re.compile(r"\n\s+")
GENERATION_TTL = 24 * 3600
#: Pages this process served lately. Keys name a generation or the data's versions, so
#: a copy is never stale; keeping a few here saves a round trip to the shared cache.
_LOCAL_PAGES = 32
_local: OrderedDict[str, tuple[str, float]] = OrderedDict()
_local_lock = threading.Lock()


def _cache():
    return caches["fragments"]


def _shared() -> bool:
    """Is the cache one all app processes see (Redis), rather than per process or off?"""
    return not isinstance(_cache(), LocMemCache | DummyCache)


def _marker(name: str) -> str:
    """A placeholder derived from the secret key: readers cannot type it into a comment."""
    return _derive_marker(name, settings.SECRET_KEY)


@functools.lru_cache(maxsize=8)
def _derive_marker(name: str, secret_key: str) -> str:
    digest = hmac.new(secret_key.encode(), f"page-cache:{name}".encode(), hashlib.sha256)
    return f"pagecache{digest.hexdigest()[:24]}"


def _digest(slug: str) -> str:
    """A fixed-length stand-in for a slug in cache keys (a URL may hold a long one)."""
    return hashlib.blake2b(slug.encode(), digest_size=12).hexdigest()


def _generation_key(slug: str) -> str:
    return f"review-gen:{_digest(slug)}"


def invalidate(sender=None, *, slugs: Iterable[str], **kwargs) -> None:
    """Give these reviews' pages a new generation now, and again once the transaction
    commits. (Receives reviews.signals.page_changed.)

    The second renewal is the one that matters: a page another process renders between
    the first and the commit, from the data as it was, is stored under the first new
    token and never found. The first lets the writing transaction itself, and tests
    that never commit, see their change at once.
    """
    slugs = set(slugs)
    if not slugs or not _shared():
        return

    def renew():
        _cache().set_many(
            {_generation_key(slug): secrets.token_hex(8) for slug in slugs}, GENERATION_TTL
        )

    renew()
    transaction.on_commit(renew)


def _generation(slug: str) -> str:
    key = _generation_key(slug)
    generation = _cache().get(key)
    if generation is None:
        _cache().add(key, secrets.token_hex(8), GENERATION_TTL)
        generation = _cache().get(key)
    return generation


def _versions(slug: str):
    """(pk, updated_at, comments_version) of the published review at slug, or None.

    Hand-written SQL: the ORM's query building costs more than the query itself on this,
    the hottest path of the site.
    """
    sql = (
        'SELECT "id", "updated_at", "comments_version" FROM "'  # noqa: S608
        + Review._meta.db_table
        + '" WHERE "slug" = %s AND "status" = %s AND "published_at" <= %s'
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, Review.Status.PUBLISHED, now])
        return cursor.fetchone()


def _get(key: str) -> str | None:
    """The page stored under key, if it has not reached its end (the poll's clock)."""
    with _local_lock:
        entry = _local.get(key)
        if entry is not None:
            _local.move_to_end(key)
    if entry is None:
        entry = _cache().get(key)
        if entry is not None:
            _remember(key, entry)
    if entry is None or entry[1] <= timezone.now().timestamp():
        return None
    return entry[0]


def _remember(key: str, entry: tuple[str, float]) -> None:
    with _local_lock:
        _local[key] = entry
        while len(_local) > _LOCAL_PAGES:
            _local.popitem(last=False)


def forget_local() -> None:
    """Drop this process's copies (tests, which measure a cold cache)."""
    with _local_lock:
        _local.clear()


def _ends(review: Review) -> float:
    """When the page stops being right by itself: the poll opening or closing."""
    poll = getattr(review, "poll", None)
    now = timezone.now()
    moments = [m for m in (poll and poll.opens_at, poll and poll.closes_at) if m and m > now]
    return min(moments).timestamp() if moments else float("inf")


def cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    if reader_id(request) is not None:  # voted or commented: their page shows it
        return False
    if set(request.GET) - {"comments"}:
        return False
    if "comments" in request.GET and not _PAGE.fullmatch(request.GET["comments"]):
        return False
    return not len(get_messages(request))


def serve(
    request: HttpRequest,
    slug: str,
    load: Callable[[str], Review],
    render: Callable[..., HttpResponse],
) -> HttpResponse:
    """The review page from the cache, rendering and storing it first if need be.

    load(slug) returns the published review for its page (404 otherwise); render makes
    the response. A hit costs one cache read (shared) or one small query (local cache).
    """
    place = f"{request.GET.get('comments', '1')}:{request.scheme}:{_digest(request.get_host())}"
    minute = f"{timezone.now():%Y%m%d%H%M}"
    fallback = None
    if _shared():
        generation = _generation(slug)
        if generation is None:  # the shared cache is unreachable: build the page afresh
            return render(request, load(slug))
        # The same generation means the same data: only "5 minutes ago" has moved on.
        fallback = f"review-page:{_digest(slug)}:{generation}:{place}"
        key = f"{fallback}:{minute}"
    else:
        row = _versions(slug)
        if row is None:
            raise Http404("No published review at this address.")
        pk, updated_at, comments_version = row
        key = f"review-page:{pk}:{_stamp(updated_at)}:{comments_version}:{place}:{minute}"
    csrf, stamp = _marker("csrf"), _marker("stamp")
    html = _get(key)
    if html is None:
        try:
            review = load(slug)
            response = render(request, review, context={"csrf_token": csrf, "form_stamp": stamp})
        except Http404:
            if _shared():  # no token kept for addresses that are not a review's
                _cache().delete(_generation_key(slug))
            raise
        except DATABASE_UNAVAILABLE:
            # The database is down: nothing can change the page meanwhile, so the last
            # page of this generation is still right (stale only in its relative dates).
            html = _get(fallback) if fallback else None
            if html is None:
                raise
        else:
            if response.status_code != 200:
                return response
            # Template indentation is a fifth of the bytes; HTML needs none of it (the
            # page has no <pre>, and a cached page's only <textarea> is empty).
            html = _INDENT.sub("\n", response.content.decode())
            entry = (html, _ends(review))
            _cache().set_many({key: entry} | ({fallback: entry} if fallback else {}), FRAGMENT_TTL)
            if not isinstance(_cache(), DummyCache):  # "cache off" means off
                _remember(key, entry)
    html = html.replace(csrf, csrf_token(request)).replace(stamp, FormStamp().stamp())
    return HttpResponse(html)


_CHAR_INDEX = {char: n for n, char in enumerate(CSRF_ALLOWED_CHARS)}


def _random_chars(length: int) -> str:
    """Random characters from CSRF_ALLOWED_CHARS, from one system call.

    Django draws each character with its own call (64 per new reader's token, a tenth of
    what a cached page costs). Bytes at or above the largest multiple of the alphabet's
    size are dropped, so every character stays equally likely.
    """
    size = len(CSRF_ALLOWED_CHARS)
    limit = 256 - 256 % size
    chars: list[str] = []
    while len(chars) < length:
        chars.extend(CSRF_ALLOWED_CHARS[b % size] for b in os.urandom(2 * length) if b < limit)
    return "".join(chars[:length])


def csrf_token(request: HttpRequest) -> str:
    """django.middleware.csrf.get_token, faster: the same secret in the same cookie, masked
    the same way (tests/test_page_cache.py checks that Django's middleware accepts it)."""
    secret = request.META.get("CSRF_COOKIE") or _random_chars(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # CsrfViewMiddleware sets the cookie
    mask = _random_chars(CSRF_SECRET_LENGTH)
    size = len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_CHAR_INDEX[s] + _CHAR_INDEX[m]) % size]
        for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


def _stamp(value) -> str:
    """A datetime from a raw cursor as a key part (SQLite gives naive UTC, PostgreSQL aware)."""
    if isinstance(value, datetime.datetime):
        return str(value.replace(tzinfo=None).timestamp())
    return str(value)
