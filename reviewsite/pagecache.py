"""Whole review pages for readers with no state of their own, served from the cache.

A reader who is not logged in and has no reader cookie sees exactly what every other such
reader sees, except two values made per request: the CSRF token and the comment form's
signed timestamp. So the page is rendered once with unguessable markers in their place,
cached under the review's versions (content, comments, the poll's state, the minute for
"5 minutes ago"), and every request fills the markers in. Everyone else (a logged-in
user, a reader who voted or commented, a flash message, an unusual query string) gets a
page rendered for them, from cached fragments.
"""

import datetime
import hashlib
import hmac
import re
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from comments.forms import FormStamp
from polls.models import Poll
from reviews.models import FRAGMENT_TTL, Review
from reviewsite.readers import reader_id

_PAGE = re.compile(r"[1-9][0-9]{0,4}")
#: Pages this process served lately. Keys name the data's versions, so a copy can never
#: be stale; keeping a few here saves a round trip to the shared cache on each hit.
_LOCAL_PAGES = 32
_local: OrderedDict[str, str] = OrderedDict()
_local_lock = threading.Lock()


def _versions(slug: str):
    """(pk, updated_at, comments_version, poll id, opens_at, closes_at) of the published
    review at slug, or None. Hand-written SQL: the ORM's query building costs more than
    the query itself on this, the hottest path of the site."""
    review, poll = Review._meta.db_table, Poll._meta.db_table
    # Table names come from the models; every value is a parameter.
    sql = (
        'SELECT r."id", r."updated_at", r."comments_version", p."id", p."opens_at", '  # noqa: S608
        'p."closes_at" FROM "' + review + '" r LEFT JOIN "' + poll + '" p '
        'ON p."review_id" = r."id" WHERE r."slug" = %s AND r."status" = %s '
        'AND r."published_at" <= %s'
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, Review.Status.PUBLISHED, now])
        row = cursor.fetchone()
    # SQLite hands back naive UTC datetimes where the ORM would have made them aware.
    return row and tuple(
        timezone.make_aware(v, datetime.UTC)
        if isinstance(v, datetime.datetime) and timezone.is_naive(v)
        else v
        for v in row
    )


def _get(key: str) -> str | None:
    with _local_lock:
        html = _local.get(key)
        if html is not None:
            _local.move_to_end(key)
            return html
    html = caches["fragments"].get(key)
    if html is not None:
        _remember(key, html)
    return html


def forget_local() -> None:
    """Drop this process's copies (tests, which measure a cold cache)."""
    with _local_lock:
        _local.clear()


def _remember(key: str, html: str) -> None:
    with _local_lock:
        _local[key] = html
        while len(_local) > _LOCAL_PAGES:
            _local.popitem(last=False)


def _marker(name: str) -> str:
    """A placeholder derived from the secret key: readers cannot type it into a comment."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"page-cache:{name}".encode(), hashlib.sha256)
    return f"pagecache{digest.hexdigest()[:24]}"


def _poll_state(poll_id, opens_at, closes_at) -> str:
    """Whether the poll takes votes, shows final results or has not opened: it changes with
    the clock, not with any row, so it is part of the key."""
    if poll_id is None:
        return "none"
    poll = Poll(opens_at=opens_at, closes_at=closes_at)
    return "open" if poll.is_open else ("closed" if poll.has_closed else "soon")


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

    A hit costs one small query (the review's versions, which also checks it is
    published) and no model instance; only a miss loads the review with load(slug).
    """
    row = _versions(slug)
    if row is None:
        raise Http404("No published review at this address.")
    pk, updated_at, comments_version, *poll = row
    csrf, stamp = _marker("csrf"), _marker("stamp")
    key = ":".join(
        str(part)
        for part in (
            "review-page",
            pk,
            updated_at.timestamp(),
            comments_version,
            _poll_state(*poll),
            request.GET.get("comments", "1"),
            timezone.now().strftime("%Y%m%d%H%M"),
            request.scheme,
            request.get_host(),
        )
    )
    html = _get(key)
    if html is None:
        response = render(request, load(slug), context={"csrf_token": csrf, "form_stamp": stamp})
        if response.status_code != 200:
            return response
        html = response.content.decode()
        caches["fragments"].set(key, html, FRAGMENT_TTL)
        if not isinstance(caches["fragments"], DummyCache):  # "cache off" means off
            _remember(key, html)
    html = html.replace(csrf, get_token(request)).replace(stamp, FormStamp().stamp())
    return HttpResponse(html)
