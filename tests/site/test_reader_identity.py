"""Readers are told apart by a signed cookie (anonymous) or their account; IPs are honest."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from readers.clientip import client_ip
from readers.identity import ReaderCookieMiddleware, ensure_reader_id, reader_id
from readers.ratelimit import hit, humane_duration, too_many_requests


def through_middleware(request, view):
    return ReaderCookieMiddleware(view)(request)


class TestReaderId:
    def test_anonymous_reader_without_cookie_has_no_id_until_one_is_needed(self, rf):
        request = rf.get("/")
        request.user = type("Anon", (), {"is_authenticated": False})()
        assert reader_id(request) is None
        response = through_middleware(request, lambda r: HttpResponse())
        assert "reader" not in response.cookies  # reading a page sets no cookie

    def test_new_id_is_sent_as_a_signed_httponly_lax_long_lived_cookie(self, rf):
        request = rf.post("/")
        request.user = type("Anon", (), {"is_authenticated": False})()
        ids = []
        response = through_middleware(
            request, lambda r: ids.append(ensure_reader_id(r)) or HttpResponse()
        )
        morsel = response.cookies["reader"]
        assert morsel["httponly"] and morsel["samesite"] == "Lax"
        assert int(morsel["max-age"]) >= 365 * 86400
        raw = morsel.value.split(":")[0]
        assert raw not in ids[0]  # only a hash of the cookie is ever used as the id

        again = rf.get("/", HTTP_COOKIE=f"reader={morsel.value}")
        again.user = request.user
        assert reader_id(again) == ids[0]

    def test_forged_cookie_is_not_an_id(self, rf):
        request = rf.get("/", HTTP_COOKIE="reader=made-up-value:forged-signature")
        request.user = type("Anon", (), {"is_authenticated": False})()
        assert reader_id(request) is None

    @pytest.mark.django_db
    def test_logged_in_user_is_themselves(self, rf, reader):
        request = rf.post("/")
        request.user = reader
        assert ensure_reader_id(request) == f"u:{reader.pk}"


class TestClientIp:
    def test_remote_addr_is_used_and_a_spoofed_forwarded_header_ignored(self, rf, settings):
        settings.TRUSTED_PROXIES = []
        request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert client_ip(request) == "203.0.113.9"

    def test_forwarded_for_is_believed_only_through_a_trusted_proxy(self, rf, settings):
        import ipaddress

        settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
        # The reader prepended a fake hop; the proxy appended the real address.
        request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
        assert client_ip(request) == "198.51.100.7"
        direct = rf.get("/", REMOTE_ADDR="198.51.100.99", HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert client_ip(direct) == "198.51.100.99"


class TestRateLimit:
    @pytest.mark.parametrize(
        ("seconds", "said"),
        [
            (0, "a moment"),
            (1, "1 second"),
            (45, "45 seconds"),
            (60, "1 minute"),
            (61, "2 minutes"),  # rounded up: a reader who waits that long is let through
            (599, "10 minutes"),
            (3600, "1 hour"),
            (7200, "2 hours"),
        ],
    )
    def test_waits_are_said_in_the_largest_whole_unit(self, seconds, said):
        assert humane_duration(seconds) == said

    def test_requests_over_the_limit_are_told_how_long_to_wait(self, settings):
        settings.RATELIMITS = {**settings.RATELIMITS, "vote-ip": (3, 10**7)}
        assert [hit("vote-ip", "198.51.100.1") for _ in range(3)] == [None, None, None]
        wait = hit("vote-ip", "198.51.100.1")
        assert wait is not None and 0 < wait <= 10**7
        assert hit("vote-ip", "198.51.100.2") is None  # someone else is not affected

    def test_switch_turns_every_limit_off(self, settings):
        settings.RATELIMITS = {**settings.RATELIMITS, "vote-ip": (1, 10**7)}
        settings.RATELIMIT_ENABLE = False
        assert all(hit("vote-ip", "198.51.100.3") is None for _ in range(10))

    @pytest.mark.django_db
    def test_the_429_page_is_readable_and_carries_retry_after(self, rf):
        request = RequestFactory().post("/")
        response = too_many_requests(request, 125, action="voted", back="/reviews/x/")
        assert response.status_code == 429
        assert response["Retry-After"] == "125"
        body = response.content.decode()
        assert "wait 3 minutes" in body and 'href="/reviews/x/"' in body
