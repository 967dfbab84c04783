"""`make serve` as a whole (scripts/serve.py: Varnish, gunicorn and the task worker) through a
12-second PostgreSQL outage while readers and writers keep coming: cached pages are served,
writes are refused with a 503 within 2 s, the site works fully again within 5 s of the
database's return, and the task worker, still the same process, sends mail afterwards.

PostgreSQL is a cluster of the test's own (initdb on a free port), stopped with
`pg_ctl stop -m fast` as an operator's restart does. It runs on PostgreSQL's leg of CI.
"""

import collections
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests import loadgen
from tests.conftest import require
from tests.factories import make_review
from tests.mailserver import SMTPServer
from tests.servers import (
    _postgres_bin,
    free_port,
    postgres_cluster,
    running,
    shared_database_env,
    wait_until,
)

OUTAGE_SECONDS = 12
SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def cluster(production_env):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's leg of CI runs the database outage tests")
    require(_postgres_bin() is not None, "PostgreSQL's initdb (apt-get install postgresql)")
    require(bool(shutil.which("varnishd")), "Varnish (apt-get install varnish varnish-modules)")
    with postgres_cluster() as cluster:
        cluster.manage("migrate", "--noinput", "-v0", env=production_env)
        yield cluster


def test_make_serve_outlives_a_database_outage(cluster, production_env, tmp_path):
    smtp = SMTPServer()
    smtp.start()
    port = free_port()
    env = {k: v for k, v in production_env.items() if k != "REDIS_URL"} | {
        "PORT": str(port),
        "DATABASE_URL": cluster.url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "RATELIMIT_ENABLE": "0",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp.port),
        "DJANGO_EMAIL_TIMEOUT": "3",
        "REVIEWSITE_MAIL_RETRY_DELAY": "1s",
    }
    code = (
        "import json; from tests.factories import make_review; "
        "r = make_review(headline='Served through an outage', slug='through-an-outage'); "
        "print(json.dumps({'url': r.get_absolute_url(), 'choice': r.poll.choices.first().pk}))"
    )
    review = json.loads(cluster.manage("shell", "-c", code, env=env).strip().splitlines()[-1])
    enqueue = (
        "from comments.tasks import deliver; "
        "deliver.enqueue(to='after@example.com', subject='After the outage', text='t', "
        "html='<p>t</p>', headers={})"
    )
    base = f"http://127.0.0.1:{port}"
    page, vote = base + review["url"], base + review["url"] + "poll/vote/"
    command = [sys.executable, "scripts/serve.py"]
    try:
        with running(command, url=base, ready_path="/healthz", env=env, timeout=60) as site:
            assert "Served through an outage" in requests.get(page, timeout=10).text  # cached
            results: list = []  # (kind, status, started, ended)
            done = threading.Event()

            def timed(kind, call):
                loadgen.timed(results, kind, call)

            def reader():
                while not done.is_set():
                    timed("cached page", lambda: requests.get(page, timeout=10))

            def writer():
                while not done.is_set():
                    timed(
                        "vote",
                        lambda: requests.post(
                            vote, {"choice": review["choice"]}, headers=SAME_SITE, timeout=10
                        ),
                    )

            threads = [threading.Thread(target=f) for f in (reader, reader, writer, writer)]
            for thread in threads:
                thread.start()
            try:
                time.sleep(0.5)
                cluster.stop("fast")
                stopped = time.monotonic()
                time.sleep(OUTAGE_SECONDS)  # the outage itself, not a wait for anything
                restarting = time.monotonic()
                cluster.start()
                back = time.monotonic()

                def working() -> bool:
                    answer = requests.post(
                        vote, {"choice": review["choice"]}, headers=SAME_SITE, timeout=5
                    )
                    return answer.status_code == 200 and requests.get(base + "/healthz").ok

                assert wait_until(working, 5), "not fully working 5 s after PostgreSQL returned"
                recovered = time.monotonic() - back
            finally:
                done.set()
                for thread in threads:
                    thread.join()

            cluster.manage("shell", "-c", enqueue, env=env)
            assert wait_until(lambda: smtp.messages_to("after@example.com"), 15)
            log = site.log()
    finally:
        smtp.stop()

    during = collections.defaultdict(list)
    for kind, status, started, ended in results:
        if started >= stopped and ended <= restarting:
            during[kind].append((status, ended - started))
    print(
        {kind: collections.Counter(s for s, _ in answers) for kind, answers in during.items()},
        f"fully working {recovered:.1f} s after PostgreSQL returned",
    )
    pages = during["cached page"]
    assert pages and {status for status, _ in pages} == {200}
    writes = during["vote"]
    assert writes and {status for status, _ in writes} == {503}
    assert max(seconds for _, seconds in writes) <= 2.0
    assert "ended (exit" not in log, log[-3000:]  # no child had to be started again
    assert log.count("database unavailable, task worker waiting") <= 1


def children_of(pid: int) -> dict[int, str]:
    """pid → command line of each child process of pid (from /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                found[int(stat.parent.name)] = cmdline.decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
    return found


def supervised(cmd: str) -> bool:
    """gunicorn or the task worker: the children serve.py starts again when they end."""
    return "gunicorn" in cmd or "task_worker" in cmd


@pytest.mark.django_db(transaction=True)
def test_make_serve_starts_a_child_that_ends_again_and_stops_all_only_on_a_signal(
    production_env, tmp_path
):
    """gunicorn and the task worker killed: each is started again, the site answers
    again; SIGTERM to serve.py ends every child."""
    require(bool(shutil.which("varnishd")), "Varnish (apt-get install varnish varnish-modules)")
    port = free_port()
    env = production_env | shared_database_env() | {"PORT": str(port), "RATELIMIT_ENABLE": "0"}
    env.pop("REDIS_URL", None)
    base = f"http://127.0.0.1:{port}"
    review = make_review(headline="Kept while gunicorn restarts")
    page = base + review.get_absolute_url()
    command = [sys.executable, "scripts/serve.py"]
    with running(command, url=base, ready_path="/healthz", env=env, timeout=60) as site:
        assert requests.get(page, timeout=10).status_code == 200  # now cached
        serve = site.process.pid
        before = children_of(serve)
        killed = [pid for pid, cmd in before.items() if supervised(cmd)]
        assert len(killed) == 2, before
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        served = requests.get(page, timeout=10)  # Varnish holds it meanwhile
        assert served.status_code == 200 and "Kept while gunicorn restarts" in served.text

        def back() -> bool:
            """Both ended children noticed and started again as new processes, and the
            site answers. (A killed gunicorn's worker answers for a moment on its own,
            so an answer alone does not say the master was started again.)"""
            if site.log().count("ended (exit") < 2:
                return False
            now = children_of(serve).items()
            if len([pid for pid, cmd in now if supervised(cmd) and pid not in killed]) < 2:
                return False
            try:
                return requests.get(base + "/healthz", timeout=2).ok
            except requests.RequestException:
                return False

        assert wait_until(back, 30), site.log()[-3000:]
        assert site.log().count("ended (exit") == 2
        assert site.process.poll() is None
        children = list(children_of(serve))
    # running() sent SIGTERM and waited for serve.py: every child has ended with it.
    assert site.process.returncode == 0
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
