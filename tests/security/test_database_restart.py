"""PostgreSQL stops under live traffic and comes back: readers get a quick 503, then the
site recovers by itself, and nothing a reader was told was saved is lost.

This stops the machine's PostgreSQL cluster, so it runs in CI (CI=true) and locally only
with TEST_PG_RESTART=1.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.db import OperationalError, connection, connections

from comments.models import Comment
from polls.models import Vote
from tests.conftest import IN_CI, require
from tests.factories import make_review
from tests.forms import form_data
from tests.servers import app_server, shared_database_env

pytestmark = pytest.mark.django_db(transaction=True)

DEADLINE_SECONDS = 5


def cluster(action: str) -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, "-m", "fast"]
        if action == "stop"
        else ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
        check=True,
        capture_output=True,
        timeout=60,
    )


def postgres_is_up() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0


@pytest.fixture
def restartable_postgres():
    if connection.vendor != "postgresql":
        # The SQLite leg has no server to stop; the PostgreSQL leg of CI runs this.
        pytest.skip("restarting the database server is PostgreSQL's (DATABASE_URL=postgres://…)")
    if not IN_CI and os.environ.get("TEST_PG_RESTART") != "1":
        pytest.skip("stops the shared PostgreSQL cluster; set TEST_PG_RESTART=1")
    require(bool(shutil.which("pg_ctlcluster")), "pg_ctlcluster (Debian's postgresql-common)")
    yield
    if not postgres_is_up():
        cluster("start")
    for _ in range(60):
        if postgres_is_up():
            break
        time.sleep(0.5)
    connections.close_all()  # connections from before the restart are dead


def get(url: str) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.get(url, timeout=DEADLINE_SECONDS * 3)
    return response, time.monotonic() - started


def test_postgres_restart_under_live_requests(production_env, restartable_postgres, settings):
    review = make_review(headline="Still here after the restart")
    unseen = make_review(headline="Never cached before the outage")
    env = (
        production_env
        | shared_database_env()
        | {
            "DATABASE_POOL_TIMEOUT": "3",
            "DATABASE_CONNECT_TIMEOUT": "2",
        }
    )
    with app_server(env, workers=2) as server:
        page = f"{server.url}{review.get_absolute_url()}"
        assert get(page)[0].status_code == 200

        # A vote the reader saw counted, before the database goes away.
        voter = requests.Session()
        voter.get(page, timeout=10)
        voted = voter.post(
            f"{page}poll/vote/",
            data={"choice": review.poll.choices.first().pk},
            headers={"Sec-Fetch-Site": "same-origin"},
            timeout=10,
        )
        assert "your vote is counted" in voted.text
        # A comment form, filled in and old enough to be sent.
        commenter = requests.Session()
        data = form_data(commenter.get(page, timeout=10).text, "comment-form")
        data |= {"name": "Patient reader", "body": "Written while the database was away."}
        time.sleep(settings.COMMENT_MIN_SECONDS + 0.2)

        cluster("stop")
        try:
            # Anything that needs the database: a readable 503 with Retry-After, quickly.
            for url in [
                f"{server.url}{unseen.get_absolute_url()}",
                f"{server.url}/",
                f"{server.url}/search/?q=still",
                f"{page}poll/results.json",
            ]:
                response, elapsed = get(url)
                assert response.status_code == 503, url
                assert elapsed < DEADLINE_SECONDS, (url, elapsed)
                assert response.headers["Retry-After"] == "30"
                assert "We’ll be right back" in response.text
                assert "Traceback" not in response.text
            health, elapsed = get(f"{server.url}/healthz")
            assert health.status_code == 503 and elapsed < DEADLINE_SECONDS
            # Pages new readers already had are served by the HTTP cache in front, not by
            # the application (tests/test_varnish.py and test_database_faults.py show it).
            # The comment fails, says so, and offers the text back ready to send again.
            started = time.monotonic()
            failed = commenter.post(f"{page}comments/", data=data, timeout=15)
            assert time.monotonic() - started < DEADLINE_SECONDS
            assert failed.status_code == 503
            assert "What you sent was not saved" in failed.text
            assert "Written while the database was away." in failed.text
            resend = form_data(failed.text)
        finally:
            cluster("start")

        recovered = None
        for _ in range(60):  # no restart of the app: the pool reconnects by itself
            response, _elapsed = get(f"{server.url}{unseen.get_absolute_url()}")
            if response.status_code == 200:
                recovered = response
                break
            time.sleep(0.5)
        assert recovered is not None, server.log()[-2000:]
        assert "Never cached before the outage" in recovered.text
        assert get(f"{server.url}/healthz")[0].status_code == 200

        # Nothing the reader was told was saved is lost; the refused comment was not
        # saved, and sending it again from the 503 page works now.
        connections.close_all()  # this test's own connection died with the server
        for _ in range(40):  # and its own pool reconnects by itself too
            try:
                votes = Vote.objects.filter(poll=review.poll).count()
                break
            except OperationalError:
                time.sleep(0.25)
        assert votes == 1
        assert not Comment.objects.exists()
        again = commenter.post(f"{page}comments/", data=resend, timeout=10)
        assert again.status_code == 200 and "Written while the database was away." in again.text
        assert Comment.objects.get().name == "Patient reader"
