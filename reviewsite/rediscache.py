"""Django's Redis cache, keeping one client per connection pool.

Django's own backend builds a new redis.Redis object for every cache call, and redis-py
copies its table of ~200 response callbacks each time: about 0.2 ms a call, which is a
large share of a page served from the cache. A client is thread-safe and cheap to keep.
"""

import logging

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

logger = logging.getLogger(__name__)


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


class TolerantRedisCache(RedisCache):
    """The site keeps working, uncached, while Redis is unreachable.

    A cache is an accelerator: if Redis goes away, a read is a miss, a write is skipped
    and a counter (rate limits) starts from nothing, with a warning in the log, instead
    of every page failing. Pages are then built from the database, which is always
    right; what a write could not invalidate meanwhile lives at most a minute (page keys
    hold the minute).
    """

    def _tolerate(self, name, default, *args, **kwargs):
        try:
            return getattr(super(), name)(*args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
            logger.warning("cache unavailable (%s): %s", name, error)
            return default

    def get(self, key, default=None, version=None):
        return self._tolerate("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._tolerate("get_many", {}, keys, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate("set_many", list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate("add", False, key, value, timeout, version)

    def delete(self, key, version=None):
        return self._tolerate("delete", False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._tolerate("incr", delta, key, delta, version)

    def has_key(self, key, version=None):
        return self._tolerate("has_key", False, key, version)

    def clear(self):
        return self._tolerate("clear", False)
