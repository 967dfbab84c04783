"""`manage.py task_worker`: django-tasks-db's `db_worker` that outlives the database.

`db_worker` ends on the first error that says the database cannot be reached (an outage,
a restart, a connection an administrator terminated), and with it the e-mail the queue
holds. This command runs the same worker, with the same options, and on such an error
closes its connections, waits (0.5 s, doubled up to 10 s) until the database answers
again and starts the worker anew: one warning when the outage starts and one line when
it ends, never a line per attempt. Ctrl-C and SIGTERM still stop it as they stop
`db_worker`. A task that was running when the database went is left as the library
leaves it.
"""

import contextlib
import logging
import time

from django.db import connection, connections
from django_tasks_db.management.commands import db_worker

from infra.database import DATABASE_UNAVAILABLE

logger = logging.getLogger("reviewsite.task_worker")

FIRST_WAIT = 0.5
LONGEST_WAIT = 10.0


def _close_connections() -> None:
    """Drop every connection, broken ones included, so the next query opens a new one."""
    for each in connections.all(initialized_only=True):
        with contextlib.suppress(DATABASE_UNAVAILABLE):
            each.close()


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DATABASE_UNAVAILABLE:
        _close_connections()
        return False


class Command(db_worker.Command):
    help = "Run the database task worker, waiting out database outages instead of exiting."

    def handle(self, *args, **options):
        # The autoreloader would run the worker in a child process we cannot supervise.
        options["reload"] = False
        while True:
            try:
                return super().handle(*args, **options)
            except DATABASE_UNAVAILABLE as error:
                self.wait_for_database(error)

    def wait_for_database(self, error: Exception) -> None:
        """Wait, backing off, until the database answers; log its going and its return."""
        started = time.monotonic()
        logger.warning("database unavailable, task worker waiting for it: %s", error)
        _close_connections()
        wait = FIRST_WAIT
        while True:
            time.sleep(wait)
            if _database_answers():
                logger.warning(
                    "database back after %.0f s, task worker resumed", time.monotonic() - started
                )
                return
            wait = min(wait * 2, LONGEST_WAIT)
