"""Django's PostgreSQL backend with a breaker: while the database is down, answer at once.

Without it every request that needs the database waits out the pool's timeout before its
503, and a handful of such requests hold every worker thread: cached pages and /healthz
queued behind them for 6–12 s. After a failed connection the breaker refuses new ones
for OPEN_SECONDS (a 503 in milliseconds); then one request tries again. It overrides
get_new_connection, the documented hook a custom backend implements.

A wait for the pool that times out means the database is down only if the pool failed to
connect since the breaker last looked (its public stats count each failure): on a busy
site every connection is simply in use, and that request's 503 is the whole of it, not a
second of refusals for everyone.

The pool it keeps (psycopg_pool) waits 1 s after a failed connection, then 2, 4, 8… before
trying again, so a site could take minutes to notice its database came back. Loading this
backend makes it retry every second instead: a refused connection costs the database
nothing. The pool has no option for it (docs/architecture.md; tests/site/test_private_apis.py).
"""

import logging
import threading
import time

from django.db import OperationalError
from django.db.backends.postgresql import base
from psycopg_pool import PoolTimeout
from psycopg_pool.base import AttemptWithBackoff

AttemptWithBackoff.DELAY_BACKOFF = 1.0

logger = logging.getLogger(__name__)

#: How long new connections are refused after one failed.
OPEN_SECONDS = 1.0


class Breaker:
    """Closed: connect as usual. Open (for OPEN_SECONDS after a failure): refuse at once.
    Half-open (after that): one request tries; the others are refused until it is done,
    so a dead database holds one worker thread at a time, not all of them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.open_until = 0.0
        self.failing = False
        self.trying = False
        self.pool_errors = 0  # the pool's failed connections the breaker has accounted for

    def enter(self) -> bool:
        """May this request connect? Raises if not; True if it is the half-open trial."""
        with self.lock:
            if time.monotonic() < self.open_until or (self.failing and self.trying):
                raise OperationalError("the database failed a moment ago; not asking again yet")
            if self.failing:
                self.trying = True
                return True
            return False

    def leave(self, trial: bool, error: Exception | None) -> None:
        with self.lock:
            if trial:
                self.trying = False
            if error is None:
                self.failing = False
                return
            if not self.failing:
                logger.warning(
                    "database unavailable (%s): refusing for %.0f s", error, OPEN_SECONDS
                )
            self.failing = True
            self.open_until = time.monotonic() + OPEN_SECONDS

    def pool_failed(self, errors: int) -> bool:
        """Has the pool failed to connect since the breaker last looked? `errors` is the
        pool's count of failed connections; after a success, pass it to forget the old ones."""
        with self.lock:
            new, self.pool_errors = errors > self.pool_errors, errors
            return new

    def reset(self) -> None:
        with self.lock:
            self.open_until, self.failing, self.trying = 0.0, False, False
            self.pool_errors = 0


breaker = Breaker()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        trial = breaker.enter()
        try:
            new = super().get_new_connection(conn_params)
        except PoolTimeout as error:
            breaker.leave(trial, error if breaker.pool_failed(self.pool_errors()) else None)
            raise
        except self.Database.OperationalError as error:  # psycopg's: no pool, or a query
            breaker.leave(trial, error)
            raise
        except BaseException:
            if trial:
                breaker.leave(trial, None)
            raise
        if trial:
            breaker.pool_failed(self.pool_errors())  # the database is back: old failures are old
        breaker.leave(trial, None)
        return new

    def pool_errors(self) -> int:
        return self.pool.get_stats().get("connections_errors", 0) if self.pool else 0
