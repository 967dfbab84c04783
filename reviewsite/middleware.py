"""Site-wide middleware: request ids and request logs, and security headers."""

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

#: The current request's id, for log records written while it is served.
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
access_log = logging.getLogger("reviewsite.requests")


class RequestIdFilter(logging.Filter):
    """Adds request_id to every log record (used by the log format in settings)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class RequestIdMiddleware:
    """Give each request an id, send it back as X-Request-ID, and log one line per request.

    The log line holds method, path, status, duration and id: no IP address, user agent,
    query string or cookie, so request logs carry no personal data. A reader who sees
    an error page can quote the id and we can find the traceback.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex[:16]
        token = current_request_id.set(request.id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            if request.path == "/healthz" and response.status_code == 200:
                return response  # the HTTP cache's probe asks every second: say only failures
            access_log.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
            return response
        finally:
            current_request_id.reset(token)


class HealthCheckMiddleware:
    """/healthz answered before anything reads the Host header.

    Varnish's probe and a load balancer's ask for it by the application's address
    (Host: 127.0.0.1), which a production ALLOWED_HOSTS rightly refuses: the check would
    fail with a 400 and Varnish would take a healthy site for a dead one. The answer names
    no host and builds no link, so the Host check protects nothing here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            from reviewsite.views import healthz  # the view, imported once the apps are ready

            return healthz(request)
        return self.get_response(request)


class RefuseNulMiddleware:
    """A readable 400 for a URL with a NUL character in its path or query.

    No address of this site has a use for one, and PostgreSQL cannot compare text with
    it: a view or admin filter that looked such a value up would fail with a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            raise BadRequest("A NUL character in the URL.")
        return self.get_response(request)


class ReaderBodySizeMiddleware:
    """Refuse, before reading it, a request body larger than any reader form needs.

    Readers send votes, comments (5,000 characters at most) and reports; only the admin
    takes photo uploads. Django caps form fields but not files, so without this a large
    upload to a comment URL would be read to disk and thrown away.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin = f"/{settings.ADMIN_PATH}"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.READER_MAX_BODY_BYTES and not request.path.startswith(self.admin):
            html = loader.get_template("400.html").render({"too_large": True})
            return HttpResponse(html, status=413)
        return self.get_response(request)


class ReadableMethodNotAllowedMiddleware:
    """Give Django's empty 405 responses a page that says what happened."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            page = render(request, "405.html", {"method": request.method}, status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


class SecurityHeadersMiddleware:
    """Permissions-Policy and X-Frame-Options on every response, admin included.

    Django's SecurityMiddleware already sends nosniff, Referrer-Policy and
    Cross-Origin-Opener-Policy, XFrameOptionsMiddleware sends X-Frame-Options, and
    django-csp's middleware the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # Static files are answered by whitenoise before XFrameOptionsMiddleware runs.
        response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response
