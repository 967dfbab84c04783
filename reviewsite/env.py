"""Strict readers for environment variables.

Every setting the site takes from the environment goes through one of these, so a
typo or a malformed value stops start-up with one line naming the variable instead of
running with a silently different configuration.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable
from typing import NoReturn, TypeVar

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_DURATION = re.compile(r"^(\d+)\s*([smhd]?)$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

#: Every variable the project reads. Unknown names with our prefixes are refused.
KNOWN: set[str] = set()
#: Prefixes we own; anything set with them must be a name in KNOWN.
OWNED_PREFIXES = ("DJANGO_", "RATELIMIT_", "REVIEWSITE_", "MEDIA_S3_")
#: Variables with our prefixes that Django or tools read themselves.
FOREIGN = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_COLORS",
    "DJANGO_SUPERUSER_PASSWORD",
    "DJANGO_SUPERUSER_USERNAME",
    "DJANGO_SUPERUSER_EMAIL",
    "DJANGO_AUTO_COMPLETE",
    "DJANGO_WATCHMAN_TIMEOUT",
    "DJANGO_LIVE_TEST_SERVER_ADDRESS",
}


class ConfigError(SystemExit):
    """Raised for a bad variable; SystemExit prints just the message, no traceback."""


def fail(name: str, message: str) -> NoReturn:
    raise ConfigError(f"Configuration error: {name} {message}")


def _raw(name: str) -> str | None:
    KNOWN.add(name)
    value = os.environ.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def string(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    fail(name, f"must be 1 or 0 (true/false), not {value!r}.")


def integer(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        fail(name, f"must be a whole number, not {value!r}.")
    if number < minimum or (maximum is not None and number > maximum):
        upper = "" if maximum is None else f" and at most {maximum}"
        fail(name, f"must be at least {minimum}{upper}, not {number}.")
    return number


def duration(name: str, default: str) -> int:
    """Seconds from '90', '90s', '10m', '12h' or '30d'."""
    value = _raw(name) or default
    match = _DURATION.match(value.lower())
    if not match:
        fail(name, f"must be a duration such as 90s, 10m, 12h or 30d, not {value!r}.")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def rate(name: str, default: str) -> tuple[int, int]:
    """A rate limit written 'N/period', e.g. '5/10m': N requests per period."""
    value = _raw(name) or default
    count, _, period = value.partition("/")
    match = _DURATION.match(period.strip().lower())
    if not count.strip().isdigit() or not match or int(count) < 1:
        fail(name, f"must be a rate such as 5/10m (requests per period), not {value!r}.")
    seconds = int(match.group(1) or 1) * _UNIT_SECONDS[match.group(2)]
    if seconds < 1:
        fail(name, f"must have a period of at least one second, not {value!r}.")
    return int(count), seconds


def listing(name: str, default: str = "") -> list[str]:
    value = _raw(name)
    value = default if value is None else value
    return [item.strip() for item in value.split(",") if item.strip()]


def networks(name: str, default: str = "") -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    result = []
    for item in listing(name, default):
        try:
            result.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            fail(name, f"must list IP addresses or networks (CIDR), and {item!r} is neither.")
    return result


def url(name: str, default: str, schemes: tuple[str, ...]) -> str:
    value = string(name, default)
    if value:
        scheme, separator, _ = value.partition("://")
        if not separator or scheme.lower() not in schemes:
            fail(name, f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}.")
    return value


def choice(name: str, default: str, options: tuple[str, ...]) -> str:
    value = string(name, default)
    if value not in options:
        fail(name, f"must be one of {', '.join(options)}, not {value!r}.")
    return value


def parsed(name: str, default: str, parse: Callable[[str], T], hint: str) -> T:
    value = string(name, default)
    try:
        return parse(value)
    except (ValueError, TypeError, KeyError):
        fail(name, f"is malformed: {hint}")


def refuse_unknown() -> None:
    """Stop on a variable with one of our prefixes that nothing reads (a likely typo)."""
    for name in sorted(os.environ):
        if name.startswith(OWNED_PREFIXES) and name not in KNOWN and name not in FOREIGN:
            fail(name, "is not a setting reviewsite knows; see docs/configuration.md.")
