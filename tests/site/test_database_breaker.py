"""The database breaker (reviewsite/postgresql/base.py) refuses connections for a second
after the database failed, and only then: a site whose pool is merely busy keeps serving."""

import time

import pytest
from django.db import OperationalError, connection

from reviewsite.postgresql.base import OPEN_SECONDS, DatabaseWrapper, breaker
from tests.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrappers():
    """wrappers(alias, port, **pool) → a function making connections that share one new pool."""
    if connection.vendor != "postgresql":
        pytest.skip("the breaker is PostgreSQL's backend")
    made = []

    def pool(alias: str, port: int | None = None, **options):
        settings = connection.settings_dict | {"OPTIONS": dict(connection.settings_dict["OPTIONS"])}
        settings["OPTIONS"]["pool"] = {"min_size": 0, "max_size": 2, "timeout": 0.3} | options
        if port:
            settings["PORT"] = str(port)

        def make() -> DatabaseWrapper:
            wrapper = DatabaseWrapper(settings, alias=alias)
            made.append(wrapper)
            return wrapper

        return make

    breaker.reset()
    yield pool
    for wrapper in made:
        wrapper.close()
    if made:
        made[0].close_pool()  # one pool per test, shared by its wrappers
    breaker.reset()


def test_a_pool_with_every_connection_in_use_refuses_one_request_not_the_next(wrappers):
    make = wrappers("busy", max_size=1)
    holder, waiter = make(), make()
    holder.ensure_connection()
    with pytest.raises(OperationalError):
        waiter.ensure_connection()  # the only connection is in use for longer than the pool waits
    holder.close()
    started = time.monotonic()
    waiter.ensure_connection()  # the next request is served: the database never failed
    assert waiter.is_usable()
    assert time.monotonic() - started < 0.3


def test_a_database_that_refuses_connections_is_not_asked_again_for_a_second(wrappers):
    make = wrappers("down", port=free_port())
    first, second = make(), make()
    with pytest.raises(OperationalError):
        first.ensure_connection()
    started = time.monotonic()
    with pytest.raises(OperationalError, match="failed a moment ago"):
        second.ensure_connection()
    assert time.monotonic() - started < 0.1  # refused at once, not after the pool's wait
    time.sleep(OPEN_SECONDS)
    with pytest.raises(OperationalError) as error:
        second.ensure_connection()  # a second later one request tries the database again
    assert "failed a moment ago" not in str(error.value)
