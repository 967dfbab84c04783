"""The library internals the site still reaches into (docs/architecture.md, "Private APIs
we reach into"), each checked so an upgrade that changes it fails here, by name, rather
than somewhere downstream."""

import io
import wsgiref.util
from importlib.metadata import version
from unittest import mock

import django
from django.core.files.base import ContentFile
from django.core.handlers.wsgi import WSGIRequest
from psycopg_pool.base import AttemptWithBackoff

from reviews.models import Figure
from reviewsite.wsgi import Utf8Request

DJANGO = f"Django {django.get_version()}"
PSYCOPG_POOL = f"psycopg_pool {version('psycopg_pool')}"


def test_django_sets_a_requests_charset_in_set_content_type_params():
    assert "_set_content_type_params" in WSGIRequest.__init__.__code__.co_names, (
        f"{DJANGO}: WSGIRequest no longer calls _set_content_type_params; see reviewsite/wsgi.py"
    )
    environ = {
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": "q=%C3%A9t%C3%A9",
        "CONTENT_TYPE": "text/plain; charset=utf-16",
        "wsgi.input": io.BytesIO(),
    }
    wsgiref.util.setup_testing_defaults(environ)
    request = Utf8Request(environ)
    assert request.content_type == "text/plain", DJANGO
    assert request.GET["q"] == "été", (
        f"{DJANGO}: Utf8Request._set_content_type_params no longer keeps the charset out"
    )


def test_psycopg_pool_reads_its_backoff_factor_from_the_class():
    assert hasattr(AttemptWithBackoff, "DELAY_BACKOFF"), (
        f"{PSYCOPG_POOL}: AttemptWithBackoff.DELAY_BACKOFF is gone; see reviewsite/postgresql/"
    )
    import reviewsite.postgresql.base  # noqa: F401 - the backend that owns the pool sets it

    assert AttemptWithBackoff.DELAY_BACKOFF == 1.0
    with mock.patch.object(AttemptWithBackoff, "DELAY_BACKOFF", 1.0):
        attempt = AttemptWithBackoff(timeout=60)
        attempt.update_delay(now=0.0)
        first = attempt.delay
        attempt.update_delay(now=0.0)
    assert attempt.delay == first, (
        f"{PSYCOPG_POOL}: AttemptWithBackoff.update_delay no longer reads DELAY_BACKOFF, "
        "so the pool backs off again while the database is down"
    )


def test_django_marks_a_new_upload_uncommitted_and_a_stored_name_committed():
    figure = Figure()
    figure.image = ContentFile(b"photo", name="photo.jpg")
    assert figure.image._committed is False, (
        f"{DJANGO}: FieldFile._committed no longer marks a new upload; see Figure.save"
    )
    figure.image = "uploads/stored.jpg"
    assert figure.image._committed is True, DJANGO


def test_django_tasks_db_worker_command_is_subclassed_with_the_options_it_takes():
    """reviewsite/management/commands/task_worker.py subclasses db_worker's Command and
    calls its handle() again after a database error, with reload forced off."""
    import inspect

    from django_tasks_db.management.commands import db_worker

    tasks_db = f"django-tasks-db {version('django-tasks-db')}"
    params = inspect.signature(db_worker.Command.handle).parameters
    assert {"reload", "batch", "interval", "worker_id"} <= set(params), (
        f"{tasks_db}: db_worker's Command.handle options changed; see task_worker.py"
    )
    assert "OperationalError" in inspect.getsource(db_worker.Worker.run), (
        f"{tasks_db}: Worker.run no longer handles OperationalError as task_worker expects"
    )
