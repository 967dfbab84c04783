"""The reader's IP address, as rate limits and comment records see it."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, unless it is a trusted proxy: then the nearest untrusted forwarded hop.

    X-Forwarded-For is read right to left and only through proxies named in
    DJANGO_TRUSTED_PROXIES, so a reader who sends the header themselves changes nothing.
    """
    remote = _parse(request.META.get("REMOTE_ADDR", "")) or ipaddress.ip_address("0.0.0.0")  # noqa: S104
    if not settings.TRUSTED_PROXIES or not _trusted(remote):
        return str(remote)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # a garbled header: stop believing it
        if not _trusted(address):
            return str(address)
    return str(remote)
