"""PostgreSQL stopped, restarted and cut off under load, with `make serve`'s gunicorn
(threads, two processes sharing a Redis) behind Varnish: every answer comes fast, cached
pages are served, what was stored is exactly what readers were told was stored, a write
committed as the database went is reported saved, and the site recovers by itself.

Each test runs against a PostgreSQL cluster and a Redis of this session's own (initdb on a
free port; tests/servers.py), so the machine's shared servers are never stopped. They run on
PostgreSQL's leg of CI. Run with -s to see the figures (answers per status, slowest answer).
"""

import collections
import json
import multiprocessing
import shutil
import statistics
import threading
import time
from contextlib import ExitStack

import pytest
import requests
from django.db import connection

from tests import loadgen
from tests.conftest import require
from tests.forms import form_data
from tests.servers import (
    TcpRelay,
    _postgres_bin,
    _serve_script,
    app_server,
    free_port,
    postgres_cluster,
    redis_server,
    running,
    varnish_server,
    wait_until,
)

OUTAGE_ANSWERS = 20  # answers of each kind the readers get while the database is down (≈ 5 s)
WRITERS = 16
SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture(scope="module")
def cluster(production_env):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's leg of CI runs the database fault tests")
    require(_postgres_bin() is not None, "PostgreSQL's initdb (apt-get install postgresql)")
    require(bool(shutil.which("redis-server")), "redis-server")
    with postgres_cluster() as cluster:
        cluster.manage("migrate", "--noinput", "-v0", env=production_env)
        yield cluster


def make_review(cluster, env, headline: str) -> dict:
    """A published review with its poll, created in the cluster by the site's own code."""
    code = (
        "import json; from django.utils.text import slugify; "
        "from tests.factories import make_review; "
        f"r = make_review(headline={headline!r}, slug=slugify({headline!r})); "
        "print(json.dumps({'id': r.pk, 'slug': r.slug, 'url': r.get_absolute_url(), "
        "'poll': r.poll.pk, 'choice': r.poll.choices.first().pk}))"
    )
    return json.loads(cluster.manage("shell", "-c", code, env=env).strip().splitlines()[-1])


def votes(cluster, review: dict) -> int:
    return cluster.query("SELECT count(*) FROM polls_vote WHERE poll_id = %s", review["poll"])[0][0]


def comments(cluster, review: dict) -> int:
    sql = "SELECT count(*) FROM comments_comment WHERE review_id = %s"
    return cluster.query(sql, review["id"])[0][0]


@pytest.fixture
def site(cluster, production_env, tmp_path):
    """Varnish in front of `make serve`'s gunicorn; the database reached through a relay."""
    require(bool(shutil.which("varnishd")), "Varnish (apt-get install varnish varnish-modules)")
    relay = TcpRelay(cluster.port)
    app_port, cache_port = free_port(), free_port()
    with ExitStack() as stack:
        redis = stack.enter_context(redis_server())
        env = production_env | {
            "DATABASE_URL": cluster.url.replace(f":{cluster.port}/", f":{relay.port}/"),
            "REDIS_URL": redis.url + "/0",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "RATELIMIT_ENABLE": "0",
            "REVIEWSITE_HTTP_CACHES": f"http://127.0.0.1:{cache_port}",
            "REVIEWSITE_COMMENT_MIN_SECONDS": "0",  # a quick test is not a robot
        }
        cache = stack.enter_context(varnish_server(app_port, port=cache_port))
        app = stack.enter_context(
            running(
                _serve_script().gunicorn_command(app_port, env),
                url=f"http://127.0.0.1:{app_port}",
                ready_path="/healthz",
                env=env,
            )
        )
        yield cache.url, app.url, relay, env


def wait_healthy(url: str, seconds: float = 15) -> None:
    """Until /healthz answers 200 four times running: each of `make serve`'s processes
    finds the database again on its own (its breaker retries every second), and one
    answer says only that one process has."""
    running = []

    def healthy() -> bool:
        try:
            ok = requests.get(url + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            ok = False
        running[:] = [*running, True] if ok else []
        return len(running) >= 4

    assert wait_until(healthy, seconds), f"{url} did not recover within {seconds} s"


def test_through_a_stop_and_restart_every_answer_is_fast_and_counts_match_the_answers(
    cluster, site
):
    cache, app, _relay, env = site
    review = make_review(cluster, env, "Written through an outage")
    written = cache + review["url"]
    form = form_data(requests.get(written, timeout=5).text, "comment-form")
    # Readers read a review the writers do not change: a page whose comments just changed
    # is purged for good (purges are hard: nothing taken down may come back from grace),
    # so it has no copy to serve until the database renders it again.
    read = make_review(cluster, env, "Read through an outage")
    page = cache + read["url"]
    assert "Read through an outage" in requests.get(page, timeout=5).text  # now cached
    vote = {"kind": "vote", "url": written + "poll/vote/", "data": {"choice": review["choice"]}}
    comment = {
        "kind": "comment",
        "url": cache + f"/reviews/{review['slug']}/comments/",
        "data": form | {"name": "Loaded", "body": "Sent under load."},
        "unique": "body",
    }
    spawn = multiprocessing.get_context("spawn")
    stop, queue = spawn.Event(), spawn.Queue()
    writers = [  # two processes of 8 threads: 16 clients hammering writes
        spawn.Process(target=loadgen.write, args=([vote, comment] * 4, stop, queue))
        for _ in range(WRITERS // 8)
    ]
    results: list = []  # (kind, status, started, ended)
    done = threading.Event()

    def timed(kind, call):
        loadgen.timed(results, kind, call)

    def reader():
        while not done.is_set():
            timed("cached page", lambda: requests.get(page, timeout=10))
            timed("healthz", lambda: requests.get(app + "/healthz", timeout=10))

    def stored() -> tuple[int, int]:
        return votes(cluster, review), comments(cluster, review)

    def landed_since(counts: tuple[int, int]) -> bool:
        return all(now > was for now, was in zip(stored(), counts, strict=True))

    def answered_since(moment: float) -> bool:
        kinds = collections.Counter(kind for kind, _, started, _ in results if started >= moment)
        return min(kinds["cached page"], kinds["healthz"]) >= OUTAGE_ANSWERS

    readers = [threading.Thread(target=reader) for _ in range(2)]
    for each in [*writers, *readers]:
        each.start()
    try:
        assert wait_until(lambda: landed_since((0, 0)), 30)  # votes and comments land
        cluster.stop("fast")
        stopped = time.monotonic()
        assert wait_until(lambda: answered_since(stopped), 30)
        restarting = time.monotonic()
        cluster.start()
        wait_healthy(app)
        recovered = time.monotonic()
        for _ in range(2):  # writes land again by themselves; those of the second round were
            then = stored()  # sent after the recovery (the first may be ones sent before it)
            assert wait_until(lambda: landed_since(then), 30)  # noqa: B023
    finally:
        done.set()
        stop.set()
        for thread in readers:
            thread.join()
        for _ in writers:
            results += queue.get(timeout=30)
        for process in writers:
            process.join(timeout=10)

    during = collections.defaultdict(list)
    for kind, status, started, ended in results:
        if started >= stopped and ended <= restarting:
            during[kind].append((status, ended - started))
    for kind, answers in sorted(during.items()):
        statuses = collections.Counter(status for status, _ in answers)
        times = sorted(seconds for _, seconds in answers)
        p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
        print(
            f"during the outage, {kind}: {len(answers)} answers {dict(statuses)}; "
            f"p95 {p95 * 1000:.0f} ms, slowest {times[-1] * 1000:.0f} ms"
        )
    statuses = collections.Counter((kind, status) for kind, status, _, _ in results)
    print(f"all answers: {dict(statuses)}")
    assert {status for _, status, _, _ in results} <= {200, 302, 503}, statuses

    writes = during["vote"] + during["comment"]
    assert writes and {status for status, _ in writes} == {503}
    assert max(seconds for _, seconds in writes) <= 2.0
    pages = [seconds for status, seconds in during["cached page"] if status == 200]
    assert pages and len(pages) == len(during["cached page"])
    assert statistics.quantiles(pages, n=20)[18] <= 0.2
    assert {status for status, _ in during["healthz"]} == {503}
    assert max(seconds for _, seconds in during["healthz"]) <= 1.0

    # What is stored is what readers were told was stored: no more, no less.
    told_saved = collections.Counter(kind for kind, status, _, _ in results if status == 302)
    assert told_saved["vote"] == votes(cluster, review)
    assert told_saved["comment"] == comments(cluster, review)
    after = collections.Counter(
        kind for kind, status, started, _ in results if status == 302 and started >= recovered
    )
    assert after["vote"] and after["comment"]  # recovered without a restart of the site


def test_a_comment_committed_as_the_database_goes_is_reported_saved_and_a_resend_is_it(
    cluster, site
):
    cache, app, relay, env = site
    review = make_review(cluster, env, "The last words before the cut")
    page = cache + review["url"]
    reader = requests.Session()
    form = form_data(reader.get(page, timeout=5).text, "comment-form")  # from the cache
    form |= {"name": "Last word", "body": "Stored, even though the database left just after."}
    wait_healthy(app)

    relay.cut_after_next_commit()
    sent = reader.post(
        cache + f"/reviews/{review['slug']}/comments/",
        form,
        headers=SAME_SITE,
        timeout=10,
        allow_redirects=False,
    )
    assert sent.status_code == 302, sent.text[:500]  # never "What you sent was not saved"
    assert comments(cluster, review) == 1

    relay.restore()
    wait_healthy(app)
    landed = []  # a process still within its second of retrying answers 503: read again

    def shown() -> bool:
        landed[:] = [reader.get(cache + sent.headers["Location"], timeout=10)]
        return landed[0].status_code == 200

    assert wait_until(shown, 5), landed[0].status_code
    assert "Stored, even though the database left just after." in landed[0].text
    # The reader, unsure, sends it again: it lands on the first, nothing is doubled.
    again = reader.post(
        cache + f"/reviews/{review['slug']}/comments/",
        form,
        headers=SAME_SITE,
        timeout=10,
        allow_redirects=False,
    )
    assert again.status_code == 302
    assert comments(cluster, review) == 1


def test_a_restart_under_live_requests_answers_quickly_and_loses_nothing(
    cluster, production_env, tmp_path
):
    """gunicorn alone (no HTTP cache): what needs the database is a readable 503 with
    Retry-After; the pool reconnects by itself; a comment refused during the outage is
    offered back and can be sent again."""
    env = production_env | {
        "DATABASE_URL": cluster.url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REVIEWSITE_COMMENT_MIN_SECONDS": "0",  # a quick test is not a robot
    }
    env.pop("REDIS_URL", None)  # one process, rate limits in its memory
    review = make_review(cluster, env, "Still here after the restart")
    unseen = make_review(cluster, env, "Never cached before the outage")
    with app_server(env, workers=1) as server:
        page = server.url + review["url"]
        assert requests.get(page, timeout=10).status_code == 200
        # A vote the reader saw counted, before the database goes away.
        voter = requests.Session()
        voter.get(page, timeout=10)
        voted = voter.post(
            f"{page}poll/vote/", {"choice": review["choice"]}, headers=SAME_SITE, timeout=10
        )
        assert "your vote is counted" in voted.text
        # A comment form, filled in and old enough to be sent.
        commenter = requests.Session()
        data = form_data(commenter.get(page, timeout=10).text, "comment-form")
        data |= {"name": "Patient reader", "body": "Written while the database was away."}

        cluster.stop("fast")
        try:
            for url in [
                server.url + unseen["url"],
                server.url + "/",
                server.url + "/search/?q=still",
                f"{page}poll/results.json",
                server.url + "/healthz",
            ]:
                started = time.monotonic()
                response = requests.get(url, timeout=10)
                assert time.monotonic() - started < 2.0, url
                assert response.status_code == 503, url
                if not url.endswith("/healthz"):
                    assert response.headers["Retry-After"] == "30"
                    assert "We’ll be right back" in response.text
                    assert "Traceback" not in response.text
            started = time.monotonic()
            failed = commenter.post(f"{page}comments/", data=data, headers=SAME_SITE, timeout=10)
            assert time.monotonic() - started < 2.0
            assert failed.status_code == 503
            assert "What you sent was not saved" in failed.text
            assert "Written while the database was away." in failed.text
            resend = form_data(failed.text)
        finally:
            cluster.start()

        wait_healthy(server.url)  # no restart of the site: its pool reconnects by itself
        recovered = requests.get(server.url + unseen["url"], timeout=10)
        assert recovered.status_code == 200
        assert "Never cached before the outage" in recovered.text
        # Nothing the reader was told was saved is lost; the refused comment was not
        # saved, and sending it again from the 503 page stores it once.
        assert votes(cluster, review) == 1
        assert comments(cluster, review) == 0
        again = commenter.post(f"{page}comments/", data=resend, headers=SAME_SITE, timeout=10)
        assert again.status_code == 200 and "Written while the database was away." in again.text
        assert comments(cluster, review) == 1
