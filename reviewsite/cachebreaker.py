"""A Redis that hangs must not hang the site: after one timeout, leave it alone a while.

django-redis turns an unreachable Redis into a miss (IGNORE_EXCEPTIONS), but a Redis that
accepts connections and never answers (a stopped process, a network cut) costs a full
socket timeout per call, and redis-py retries each call three times by default: a page
making a dozen cache calls took 20–28 s. Here every call gets one short timeout and no
retry, and the first timeout or refused connection opens a breaker: for a few seconds
every call fails at once (a miss, a skipped write) without touching the network. Then
one call tries again. The redis-py hooks used are public: `connection_class` and `retry`
of a ConnectionPool, `Connection.connect`, `send_command` and `read_response`.
"""

import logging
import threading
import time

import redis
from redis.backoff import NoBackoff
from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.retry import Retry

logger = logging.getLogger(__name__)

#: How long Redis is left alone after a failure.
OPEN_SECONDS = 5.0
#: Seconds to connect to Redis and to wait for one answer.
TIMEOUT_SECONDS = 0.25

_lock = threading.Lock()
_open_until = 0.0


def is_open() -> bool:
    return time.monotonic() < _open_until


def trip(error: Exception) -> None:
    global _open_until
    with _lock:
        if not is_open():
            logger.warning("Redis failed (%s): not used for %.0f s", error, OPEN_SECONDS)
        _open_until = time.monotonic() + OPEN_SECONDS


def reset() -> None:
    """Close the breaker (tests, after the Redis they froze is thawed)."""
    global _open_until
    _open_until = 0.0


class _Breaker:
    FAILURES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

    def connect(self, *args, **kwargs):
        if is_open():
            raise redis.exceptions.ConnectionError("Redis is left alone after a failure")
        try:
            return super().connect(*args, **kwargs)
        except self.FAILURES as error:
            trip(error)
            raise

    def send_command(self, *args, **kwargs):
        if is_open():
            self.disconnect()
            raise redis.exceptions.ConnectionError("Redis is left alone after a failure")
        try:
            return super().send_command(*args, **kwargs)
        except self.FAILURES as error:
            trip(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except self.FAILURES as error:
            trip(error)
            raise


class BreakerConnection(_Breaker, Connection):
    pass


class BreakerSSLConnection(_Breaker, SSLConnection):
    pass


class BreakerUnixConnection(_Breaker, UnixDomainSocketConnection):
    pass


def cache_settings(url: str) -> dict:
    """A CACHES entry for django-redis at url, with short timeouts and the breaker."""
    connection_class = {
        "rediss": BreakerSSLConnection,
        "unix": BreakerUnixConnection,
    }.get(url.split(":", 1)[0], BreakerConnection)
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": TIMEOUT_SECONDS,
            "SOCKET_TIMEOUT": TIMEOUT_SECONDS,
            "IGNORE_EXCEPTIONS": True,
            "CONNECTION_POOL_KWARGS": {
                "connection_class": connection_class,
                "retry": Retry(NoBackoff(), 0),
            },
        },
    }
