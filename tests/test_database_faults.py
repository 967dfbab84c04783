"""PostgreSQL unreachable under load, with `make serve`'s gunicorn (threads) behind
Varnish: every answer comes fast, cached pages are served, nothing is stored or doubled,
and the site recovers by itself. The application's database connections go through a
relay that the test cuts, so the shared PostgreSQL is never stopped.

Run with -s to see the figures (answers per status, slowest answer).
"""

import collections
import shutil
import statistics
import threading
import time
from contextlib import ExitStack

import pytest
import requests
from django.db import connection

from comments.models import Comment
from polls.models import Vote
from tests.conftest import require
from tests.factories import make_review
from tests.forms import form_data
from tests.servers import (
    TcpRelay,
    _serve_script,
    free_port,
    running,
    shared_database_env,
    varnish_server,
)

pytestmark = pytest.mark.django_db(transaction=True)

SECONDS = 6
WRITERS = 16


@pytest.fixture
def site(production_env):
    if connection.vendor != "postgresql":
        pytest.skip("the database connections are cut on PostgreSQL's leg of CI")
    require(bool(shutil.which("varnishd")), "Varnish (apt-get install varnish varnish-modules)")
    db = connection.settings_dict
    port = int(db["PORT"] or 5432)
    relay = TcpRelay(port)
    env = production_env | shared_database_env() | {"RATELIMIT_ENABLE": "0"}
    env["DATABASE_URL"] = env["DATABASE_URL"].replace(f":{port}/", f":{relay.port}/")
    app_port, cache_port = free_port(), free_port()
    env["REVIEWSITE_HTTP_CACHES"] = f"http://127.0.0.1:{cache_port}"
    with ExitStack() as stack:
        cache = stack.enter_context(varnish_server(app_port, port=cache_port))
        app = stack.enter_context(
            running(
                _serve_script().gunicorn_command(app_port, env),
                url=f"http://127.0.0.1:{app_port}",
                ready_path="/healthz",
                env=env,
            )
        )
        yield cache.url, app.url, relay


def timed(kind, results, call):
    started = time.monotonic()
    try:
        status = call().status_code
    except requests.RequestException as error:
        status = type(error).__name__
    results.append((kind, status, time.monotonic() - started))


def test_while_postgres_is_unreachable_every_answer_is_fast_and_nothing_is_stored(site):
    cache, app, relay = site
    review = make_review(headline="Read through an outage")
    page = cache + review.get_absolute_url()
    assert "Read through an outage" in requests.get(page, timeout=5).text  # now cached
    form = form_data(requests.get(page, timeout=5).text, "comment-form")
    choice = review.poll.choices.first().pk
    time.sleep(3.1)  # the comment form's minimum age
    relay.cut()
    results: list = []
    stop = time.monotonic() + SECONDS

    def writer(n):
        while time.monotonic() < stop:
            if n % 2:
                timed(
                    "vote",
                    results,
                    lambda: requests.post(
                        page + "poll/vote/",
                        {"choice": choice},
                        headers={"Sec-Fetch-Site": "same-origin"},
                        timeout=10,
                        allow_redirects=False,
                    ),
                )
            else:
                timed(
                    "comment",
                    results,
                    lambda: requests.post(
                        cache + f"/reviews/{review.slug}/comments/",
                        form | {"name": "Outage", "body": f"Sent during the outage {n}."},
                        headers={"Sec-Fetch-Site": "same-origin"},
                        timeout=10,
                        allow_redirects=False,
                    ),
                )

    def reader():
        while time.monotonic() < stop:
            timed("cached page", results, lambda: requests.get(page, timeout=10))
            timed("healthz", results, lambda: requests.get(app + "/healthz", timeout=10))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    by_kind = collections.defaultdict(list)
    for kind, status, seconds in results:
        by_kind[kind].append((status, seconds))
    for kind, answers in sorted(by_kind.items()):
        statuses = collections.Counter(status for status, _ in answers)
        times = sorted(seconds for _, seconds in answers)
        p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
        print(
            f"{kind}: {len(answers)} answers {dict(statuses)}; "
            f"p95 {p95 * 1000:.0f} ms, slowest {times[-1] * 1000:.0f} ms"
        )
    writes = by_kind["vote"] + by_kind["comment"]
    assert writes and {status for status, _ in writes} == {503}
    assert max(seconds for _, seconds in writes) <= 2.0
    pages = [seconds for status, seconds in by_kind["cached page"] if status == 200]
    assert len(pages) == len(by_kind["cached page"])
    assert statistics.quantiles(pages, n=20)[18] <= 0.2
    assert {status for status, _ in by_kind["healthz"]} == {503}
    assert max(seconds for _, seconds in by_kind["healthz"]) <= 1.0
    assert Vote.objects.count() == 0 and Comment.objects.count() == 0
    # The application's own 503 (not the cache's) offers the unsaved comment back.
    refused = requests.post(
        cache + f"/reviews/{review.slug}/comments/",
        form | {"name": "Outage", "body": "Words that must not be lost."},
        headers={"Sec-Fetch-Site": "same-origin"},
        timeout=10,
    )
    assert refused.status_code == 503 and "Words that must not be lost." in refused.text

    relay.restore()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if requests.get(cache + "/healthz", timeout=5).status_code == 200:
            break
        time.sleep(0.2)
    voted = requests.post(
        page + "poll/vote/",
        {"choice": choice},
        headers={"Sec-Fetch-Site": "same-origin"},
        timeout=10,
        allow_redirects=False,
    )
    assert voted.status_code == 302 and Vote.objects.count() == 1
