"""Who a reader is, for one-vote-per-reader and one-rating-per-reader rules.

Logged-in users are themselves. Anonymous readers get a random id in a signed,
HttpOnly, SameSite=Lax cookie the first time they vote or comment; the database only
ever stores a hash of it, so a leaked database cannot be turned back into cookies.
"""

import hashlib
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
        settings.VOTER_COOKIE_NAME, default=None, salt=SALT, max_age=settings.VOTER_COOKIE_AGE
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


class ReaderCookieMiddleware:
    """Set the reader cookie on the response when a view created a new reader id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        raw = getattr(request, "_new_reader_cookie", None)
        if raw:
            response.set_signed_cookie(
                settings.VOTER_COOKIE_NAME,
                raw,
                salt=SALT,
                max_age=settings.VOTER_COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
