"""Who a reader is, for one-vote-per-reader and one-rating-per-reader rules.

Logged-in users are themselves. Anonymous readers get a random id in a signed,
HttpOnly, SameSite=Lax cookie the first time they vote or comment; the database only
ever stores a hash of it, so a leaked database cannot be turned back into cookies.
"""

import hashlib
import re
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SALT = "reviewsite.reader"


def _digest(raw: str) -> str:
    return "a:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def reader_id(request: HttpRequest) -> str | None:
    """The reader's id if they have one already; never creates one (safe on GET)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return f"u:{request.user.pk}"
    raw = request.get_signed_cookie(
        settings.READER_COOKIE_NAME, default=None, salt=SALT, max_age=settings.READER_COOKIE_AGE
    )
    return _digest(raw) if raw else None


def ensure_reader_id(request: HttpRequest) -> str:
    """The reader's id, creating one if needed; ReaderCookieMiddleware sends the cookie."""
    existing = reader_id(request)
    if existing:
        return existing
    raw = getattr(request, "_new_reader_cookie", None) or secrets.token_urlsafe(24)
    request._new_reader_cookie = raw
    return _digest(raw)


#: The "mine" cookie: the comments of one review that hold something of this reader's own,
#: as ".101.102." (the HTTP cache reads it, varnish/reviewsite.vcl), then HELD if one of
#: theirs waits for a moderator and RATED if the page shows stars of theirs. At most
#: OWN_KEPT comments are kept. A "p" (written before 2026-12) passes their whole page to
#: the application; it is dropped the next time the cookie is written.
OWN_KEPT = 40
HELD = "h"
RATED = "r"
WHOLE_PAGE = "p"


def remember_own_page(
    request: HttpRequest,
    response: HttpResponse,
    path: str,
    *comment_ids: int,
    held: bool = False,
    rated: bool = False,
) -> HttpResponse:
    """Mark comments on the page at path as holding something of this reader's own
    (theirs, reported or reacted to; for a held reply, the comment it answers too), in a
    cookie their browser sends only there (settings.OWN_COOKIE_NAME). The HTTP cache then
    serves them the page returning readers with comments of their own share, and asks
    the application for those comments' actions (with their held replies), and, once
    held or rated is said, for their held comments and their ratings section; the rest
    is the copy everyone shares. Only a hint: every action checks ownership, and a mark
    that has become untrue (a held comment published) only costs a request."""
    before = request.COOKIES.get(settings.OWN_COOKIE_NAME, "")
    valid = re.fullmatch(r"(\.([0-9]+|[hrp]))+\.", before)
    tokens = before.strip(".").split(".") if valid else []
    new = [str(pk) for pk in dict.fromkeys(comment_ids)]
    ids = [t for t in tokens if t.isdigit() and t not in new] + new
    marks = [m for m in (HELD, RATED) if m in tokens or {HELD: held, RATED: rated}[m]]
    value = "." + ".".join(ids[-OWN_KEPT:] + marks) + "."
    return _hint(response, settings.OWN_COOKIE_NAME, value, path)


def _cookie_options() -> dict:
    """What every cookie of a reader's carries: the reader cookie and the hints beside it."""
    return {
        "max_age": settings.READER_COOKIE_AGE,
        "httponly": True,
        "samesite": "Lax",
        "secure": settings.SESSION_COOKIE_SECURE,
    }


def _hint(response: HttpResponse, name: str, value: str, path: str = "/") -> HttpResponse:
    response.set_cookie(name, value, path=path, **_cookie_options())
    return response


def remember_vote(response: HttpResponse, path: str, choice_id: int) -> HttpResponse:
    """Tell the HTTP cache which answer this reader's vote counted on the page at path,
    so their poll is the copy every such voter shares. Only a hint: nothing is counted
    or refused from it, and a reader who changes it only changes what they see."""
    return _hint(response, settings.VOTED_COOKIE_NAME, str(choice_id), path)


def remember_name(response: HttpResponse) -> HttpResponse:
    """Tell the HTTP cache this reader has signed a comment: their comment form is
    greeted with that name, so it is asked of the application; every other returning
    reader's form is the blank one the cache keeps."""
    return _hint(response, settings.NAMED_COOKIE_NAME, "1")


class ReaderCookieMiddleware:
    """Set the reader cookie on the response when a view created a new reader id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        raw = getattr(request, "_new_reader_cookie", None)
        if raw:
            response.set_signed_cookie(
                settings.READER_COOKIE_NAME, raw, salt=SALT, **_cookie_options()
            )
        return response
