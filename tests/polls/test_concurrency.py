"""Exact counts under load: votes sent at the same instant from many threads.

Each thread is its own reader with its own database connection (closed when it ends),
so the database, not Python, decides what happens when requests race. The suite runs on
PostgreSQL and on SQLite (make test with and without DATABASE_URL), and this file proves
both: PostgreSQL through the connection pool, SQLite with WAL + IMMEDIATE transactions
and no "database is locked".
"""

import threading

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.http import HttpResponse
from django.test import Client

from polls.models import Vote
from readers import identity as readers
from tests.factories import make_review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def roomy_pool():
    """On PostgreSQL, let 200 threads queue for pooled connections without timing out.

    The pool's max_size is per app process (8 by default); 200 threads share 16 here and
    wait their turn, as requests would. Only the wait is lengthened for this busy test.
    """
    options = connection.settings_dict["OPTIONS"]
    saved = options.get("pool")
    if connection.vendor != "postgresql" or not saved:
        yield
        return
    connection.close()
    connection.close_pool()
    options["pool"] = {**saved, "max_size": 16, "timeout": 60}
    yield
    connection.close()
    connection.close_pool()
    options["pool"] = saved


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.RATELIMIT_ENABLE = False  # every thread comes from 127.0.0.1


def post_at_once(clients: list[Client], url: str, data: dict) -> tuple[list[int], list]:
    """POST from every client in its own thread, all released by one barrier."""
    barrier = threading.Barrier(len(clients))
    statuses, errors = [], []

    def run(client):
        try:
            barrier.wait(timeout=60)
            statuses.append(client.post(url, data).status_code)
        except Exception as error:  # collected, and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a vote never finished"
    return statuses, errors


def test_200_readers_voting_at_the_same_moment_are_all_counted(roomy_pool):
    review = make_review()
    yes = review.poll.choices.get(text="Yes")
    statuses, errors = post_at_once(
        [Client() for _ in range(200)], f"/reviews/{review.slug}/poll/vote/", {"choice": yes.pk}
    )
    assert errors == []  # no "database is locked", no pool timeout, no 500
    assert statuses == [302] * 200
    assert Vote.objects.filter(poll=review.poll).count() == 200
    assert Vote.objects.values("voter").distinct().count() == 200
    assert review.poll.results().choices[0].votes == 200
    # The stored counters moved exactly with the vote rows.
    recounted = review.poll.choices.annotate(counted_votes=Count("votes")).order_by("order", "pk")
    assert [(c.vote_count, c.counted_votes) for c in recounted] == [
        (200, 200),
        (0, 0),
        (0, 0),
    ]


def test_50_simultaneous_votes_from_one_reader_count_once(roomy_pool):
    review = make_review()
    yes = review.poll.choices.get(text="Yes")
    cookie = HttpResponse()
    cookie.set_signed_cookie("reader", "the-same-browser-in-fifty-tabs", salt=readers.SALT)
    clients = []
    for _ in range(50):
        client = Client()
        client.cookies["reader"] = cookie.cookies["reader"].value
        clients.append(client)
    statuses, errors = post_at_once(
        clients, f"/reviews/{review.slug}/poll/vote/", {"choice": yes.pk}
    )
    assert errors == []
    assert statuses == [302] * 50
    assert Vote.objects.filter(poll=review.poll).count() == 1
    assert review.poll.results().total == 1
    assert sum(c.vote_count for c in review.poll.choices.all()) == 1
