"""What the shared cache trusts, attacked through the running stack: a real Varnish with the
repository's VCL in front of a real gunicorn (with gunicorn.conf.py), and readers on two
loopback addresses, 127.0.0.2 and 127.0.0.3, standing for two people on the network.

Nothing one reader sends decides what another gets: no header changes the next new
reader's copy, a redirect or an error is never stored, a purged page never comes back
from grace when the application fails, and one reader's rate limit or failed logins never
touch the other.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests
from django.db import connection
from requests.adapters import HTTPAdapter

from comments import services
from reviewsite.roles import WRITERS
from tests.conftest import require
from tests.factories import make_comment, make_review, make_user
from tests.forms import form_data
from tests.servers import (
    ROOT,
    _serve_script,
    app_server,
    free_port,
    running,
    shared_database_env,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)

ATTACKER, READER = "127.0.0.2", "127.0.0.3"
SAME_SITE = {"Sec-Fetch-Site": "same-origin"}
PASSWORD = "a long staff password 42"


class SourceAddress(HTTPAdapter):
    """Connect from a given local address, as a reader elsewhere on the network would."""

    def __init__(self, address: str, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def reader_at(address: str) -> requests.Session:
    session = requests.Session()
    adapter = SourceAddress(address)
    session.mount("http://", adapter)
    return session


@contextmanager
def varnish(backend_port: int, *, front_proxies: list[str] = ()):
    """Varnish as `make serve` runs it, or with front proxies (a deployment's TLS end)."""
    serve = _serve_script()
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="varnish-"))
    folder.chmod(0o755)  # varnishd's worker runs as its own user
    command = serve.varnish_command(port, backend_port, folder)
    (folder / "reviewsite.vcl").write_text(serve.vcl_text("127.0.0.1", backend_port, front_proxies))
    try:
        with running(
            command, url=f"http://127.0.0.1:{port}", ready_path=None, env=dict(os.environ)
        ) as server:
            server.folder = folder
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def stack(production_env, settings, tmp_path):
    """start(**env) → (Varnish's URL, the switch file that makes the application fail)."""
    require(bool(shutil.which("varnishd")), "Varnish (apt-get install varnish varnish-modules)")
    # A hasher the servers know (the test settings' fast one is not among theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    switch = tmp_path / "fail"
    caches = []
    with ExitStack() as stack:

        def start(*, front_proxies: list[str] = (), **env) -> tuple[str, Path]:
            app_port = free_port()
            cache = stack.enter_context(varnish(app_port, front_proxies=front_proxies))
            caches.append(cache)
            server_env = (
                production_env
                | shared_database_env()
                | {
                    "DJANGO_SETTINGS_MODULE": "tests.system.fail_settings",
                    "FAIL_ON_PURPOSE_FILE": str(switch),
                    "SLOW_ON_PURPOSE_FILE": str(switch.with_name("slow")),
                    "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
                    "RATELIMIT_ENABLE": "0",
                    "REVIEWSITE_HTTP_CACHES": cache.url,
                }
            )
            server_env.pop("REDIS_URL", None)  # limits in the one process's memory, fresh
            stack.enter_context(app_server(server_env | env, port=app_port))
            wait_until(lambda: requests.get(cache.url + "/healthz", timeout=2).ok, 10)
            settings.HTTP_CACHES = [cache.url]  # this process's writes purge it too
            return cache.url, switch

        start.caches = caches
        yield start


def canonical(html: str) -> str:
    return html.split('rel="canonical" href="', 1)[1].split('"', 1)[0]


#: Request headers a proxy might be believed for; each sent by the attacker on a page's
#: first request, while it is not cached.
POISONING = [
    {"SCRIPT_NAME": "{path}"},  # the rest of the path, "/", is the home page
    {"SCRIPT_NAME": "/prefix"},  # links in the page (and in its fragments) prefixed
    {"PATH_INFO": "/"},
    {"X-Forwarded-Proto": "https"},
    {"X-Forwarded-Ssl": "on"},
    {"X-Forwarded-Protocol": "ssl"},
    {"X-Forwarded-Scheme": "https"},
    {"Forwarded": "for=1.2.3.4;proto=https;host=evil.example"},
    {"X-Forwarded-Host": "evil.example"},
    {"X-Forwarded-Port": "8443"},
    {"X-Forwarded-Prefix": "/evil"},
    {"X-Original-URL": "/admin/"},
    {"X-Rewrite-URL": "/admin/"},
    {"X-Request-ID": "poisoned-request-id"},
    {"X-HTTP-Method-Override": "POST"},
]


def test_no_header_from_a_reader_changes_the_next_new_readers_copy(stack):
    cache, _switch = stack()
    attacker, reader = reader_at(ATTACKER), reader_at(READER)
    for number, headers in enumerate(POISONING):
        review = make_review(headline=f"Poisoning attempt {number}", slug=f"poison-{number}")
        page = cache + review.get_absolute_url()
        results = page + "poll/results.json"
        for url in (page, results, cache + "/"):
            path = url.removeprefix(cache).rstrip("/")
            sent = {name: value.replace("{path}", path) for name, value in headers.items()}
            attacker.get(url, headers=sent, timeout=10)
        got = reader.get(page, timeout=10)
        assert got.status_code == 200, headers
        assert 'name="choice"' in got.text and f"Poisoning attempt {number}" in got.text, headers
        assert canonical(got.text) == f"{cache}{review.get_absolute_url()}", headers
        assert "https://" not in got.text.replace("https://schema.org", ""), headers
        assert "evil" not in got.text and "/admin/" not in canonical(got.text), headers
        assert "/prefix/" not in got.text and f"{review.get_absolute_url()}reviews/" not in got.text
        assert got.headers.get("X-Request-ID") != "poisoned-request-id", headers
        answer = reader.get(results, timeout=10)
        assert answer.headers["Content-Type"] == "application/json", headers
        assert answer.json()["question"] == review.poll.question, headers
        home = reader.get(cache + "/", timeout=10)
        assert home.status_code == 200 and canonical(home.text) == f"{cache}/", headers
        assert "/prefix/" not in home.text, headers


def test_a_stylesheet_is_never_replaced_by_a_page(stack):
    cache, _switch = stack()
    home = reader_at(READER).get(cache + "/", timeout=10).text
    stylesheet = cache + home.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    reader_at(ATTACKER).get(stylesheet, headers={"SCRIPT_NAME": "/static"}, timeout=10)
    got = reader_at(READER).get(stylesheet, timeout=10)
    assert got.status_code == 200 and got.headers["Content-Type"].startswith("text/css")


def test_random_query_parameters_are_served_from_the_one_copy(stack):
    cache, _switch = stack()
    review = make_review()
    page = cache + review.get_absolute_url()
    reader_at(READER).get(page, timeout=10)
    attacker = reader_at(ATTACKER)
    for n in range(5):
        got = attacker.get(f"{page}?x{n}=1&utm_source=y&cachebuster={n}", timeout=10)
        assert got.headers["X-Cache"] == "HIT"
    # The parameters the site reads still make pages of their own, in any order.
    first = attacker.get(f"{page}?sort=best&comments=1", timeout=10)
    assert first.headers["X-Cache"] == "MISS"
    assert attacker.get(f"{page}?comments=1&sort=best", timeout=10).headers["X-Cache"] == "HIT"


def test_a_spoofed_forwarded_for_changes_no_readers_address(stack):
    """The application sees the connection's address: the rate limit of the attacker's
    address is reached whatever X-Forwarded-For says, and the other reader votes."""
    # A window of 100 days: the four votes never straddle two windows (they start at 0).
    cache, _switch = stack(RATELIMIT_ENABLE="1", RATELIMIT_VOTE_IP="3/100d")
    review = make_review()
    vote = cache + review.get_absolute_url() + "poll/vote/"
    choice = {"choice": review.poll.choices.first().pk}
    answers = []
    for n in range(4):
        attacker = reader_at(ATTACKER)  # a new cookie-less browser each time
        spoof = SAME_SITE | {"X-Forwarded-For": f"10.0.0.{n}, {READER}"}
        answers.append(attacker.post(vote, choice, headers=spoof, timeout=10).status_code)
    assert answers[:3] == [200, 200, 200] and answers[3] == 429
    other = reader_at(READER).post(vote, choice, headers=SAME_SITE, timeout=10)
    assert other.status_code == 200 and "Your vote" in other.text


def login_attempt(session: requests.Session, cache: str, username: str, password: str):
    url = f"{cache}/admin/login/"
    data = form_data(session.get(url, timeout=10).text, form_id="login-form")
    data |= {"username": username, "password": password}
    return session.post(url, data=data, headers={"Referer": url}, timeout=30)


def test_one_readers_failed_logins_do_not_lock_out_the_other(stack):
    cache, _switch = stack(DJANGO_LOGIN_FAILURE_LIMIT="3")
    make_user("deskeditor", is_staff=True, password=PASSWORD)
    for _ in range(4):
        attacker = reader_at(ATTACKER)
        login_attempt(attacker, cache, "deskeditor", "wrong password")
    locked = login_attempt(reader_at(ATTACKER), cache, "deskeditor", PASSWORD)
    assert locked.status_code == 429 and "sessionid" not in locked.cookies
    colleague = reader_at(READER)
    login_attempt(colleague, cache, "deskeditor", PASSWORD)
    assert "sessionid" in colleague.cookies


def test_a_writer_cannot_preview_another_writers_draft(stack):
    cache, _switch = stack()
    author = make_user("author", groups=[WRITERS], is_staff=True, password=PASSWORD)
    other = make_user("otherwriter", groups=[WRITERS], is_staff=True, password=PASSWORD)
    own = make_review(published=False, author=author, headline="Draft of my own")
    theirs = make_review(published=False, author=other, headline="Someone else's scoop")
    session = reader_at(READER)
    login_attempt(session, cache, "author", PASSWORD)
    assert "sessionid" in session.cookies
    assert "Draft of my own" in session.get(cache + own.get_preview_url(), timeout=10).text
    refused = session.get(cache + theirs.get_preview_url(), timeout=10)
    assert refused.status_code == 404 and "scoop" not in refused.text


class TestGraceNeverResurrects:
    def test_a_removed_comment_is_gone_after_its_purge_even_while_the_application_fails(
        self, stack, moderator
    ):
        cache, switch = stack()
        review = make_review()
        comment = make_comment(review, body="A comment a moderator will take down.")
        page = cache + review.get_absolute_url()
        reader = reader_at(READER)
        assert "will take down" in reader.get(page, timeout=10).text
        assert reader.get(page, timeout=10).headers["X-Cache"] == "HIT"
        services.comment_remove(comment=comment, by=moderator, reason="spam")
        switch.touch()
        for _ in range(5):
            got = reader.get(page, timeout=10)
            assert got.status_code == 500 and "will take down" not in got.text
        switch.unlink()
        assert wait_until(lambda: reader.get(page, timeout=10).status_code == 200, 5)
        assert "will take down" not in reader.get(page, timeout=10).text

    def test_an_unpublished_review_is_not_served_while_the_application_fails(self, stack):
        cache, switch = stack()
        review = make_review(headline="Pulled for legal reasons")
        page = cache + review.get_absolute_url()
        reader = reader_at(READER)
        assert "Pulled for legal reasons" in reader.get(page, timeout=10).text
        review.unpublish()
        switch.touch()
        got = reader.get(page, timeout=10)
        assert got.status_code == 500 and "Pulled for legal reasons" not in got.text
        home = reader.get(cache + "/", timeout=10)
        assert "Pulled for legal reasons" not in home.text

    def test_a_plain_error_is_passed_on_not_answered_from_an_expired_copy(self, stack):
        cache, switch = stack(REVIEWSITE_HTTP_CACHE_SECONDS="1")
        review = make_review(headline="Expired copy")
        page = cache + review.get_absolute_url()
        reader = reader_at(READER)
        assert "Expired copy" in reader.get(page, timeout=10).text
        switch.touch()
        time.sleep(1.2)  # past s-maxage: a healthy site renders it again
        got = reader.get(page, timeout=10)
        assert got.status_code == 500 and "Expired copy" not in got.text
        assert "no-store" in got.headers.get("Cache-Control", "") or got.status_code == 500

    def test_an_error_is_never_stored(self, stack):
        cache, switch = stack()
        review = make_review()
        page = cache + review.get_absolute_url()
        switch.touch()
        assert reader_at(ATTACKER).get(page, timeout=10).status_code == 500
        switch.unlink()
        got = reader_at(READER).get(page, timeout=10)
        assert got.status_code == 200 and got.headers["X-Cache"] == "MISS"


def test_only_the_application_may_purge_not_a_reader_nor_one_through_the_front_proxy(stack):
    cache, _switch = stack(front_proxies=["127.0.0.1"])
    review = make_review()
    page = cache + review.get_absolute_url()
    reader = reader_at(READER)
    reader.get(page, timeout=10)
    key = {"xkey": f"review-{review.pk}"}
    refused = [
        reader_at(ATTACKER).request("PURGE", cache + "/", headers=key, timeout=10),
        # the front proxy (127.0.0.1) passing a reader's PURGE on, as nginx would
        requests.request(
            "PURGE", cache + "/", headers=key | {"X-Forwarded-For": ATTACKER}, timeout=10
        ),
    ]
    assert [answer.status_code for answer in refused] == [403, 403]
    assert reader.get(page, timeout=10).headers["X-Cache"] == "HIT"
    assert requests.request("PURGE", cache + "/", headers=key, timeout=10).status_code == 200
    assert reader.get(page, timeout=10).headers["X-Cache"] == "MISS"


def test_a_busy_site_is_not_taken_for_a_site_that_is_down(stack):
    """Every request takes 1.5 s and four readers keep the one (sync) gunicorn worker
    busy, so the probe of /healthz waits in line some 6 s: slow, not failing. The health
    backend stays healthy and new readers keep getting pages rendered now, not grace."""
    cache, switch = stack()
    slow = switch.with_name("slow")
    state = str(stack.caches[-1].folder / "state")

    def health() -> str:
        listing = subprocess.run(
            ["varnishadm", "-n", state, "backend.list"], capture_output=True, text=True
        ).stdout
        return next(line for line in listing.splitlines() if ".health " in line)

    assert "healthy" in health()
    page = cache + make_review().get_absolute_url()
    done = threading.Event()

    def busy():
        while not done.is_set():
            requests.get(page, cookies={"sessionid": "someone"}, timeout=30)  # passed

    slow.touch()
    flood = [threading.Thread(target=busy) for _ in range(4)]
    for thread in flood:
        thread.start()
    seen = []
    try:
        deadline = time.monotonic() + 16
        while time.monotonic() < deadline:
            seen.append(health())
            time.sleep(0.5)
    finally:
        done.set()
        slow.unlink()
        for thread in flood:
            thread.join()
    assert all("healthy" in line for line in seen), seen


class TestRedirects:
    def test_the_https_redirect_is_never_cached_and_https_readers_get_the_page(self, stack):
        """Behind a TLS terminator (a front proxy at 127.0.0.1): the attacker's plain-HTTP
        request is redirected, never stored; HTTPS readers get the page, keyed apart."""
        cache, _switch = stack(
            front_proxies=["127.0.0.1"],
            DJANGO_SECURE_SSL_REDIRECT="1",
            DJANGO_SECURE_PROXY_SSL_HEADER="1",
        )
        review = make_review(headline="Behind TLS")
        page = cache + review.get_absolute_url()
        https = {"X-Forwarded-Proto": "https"}
        for headers in ({}, {"X-Forwarded-Proto": "http"}, https):  # https: not believed
            redirected = reader_at(ATTACKER).get(
                page, headers=headers, allow_redirects=False, timeout=10
            )
            assert redirected.status_code == 301, headers
            assert redirected.headers["X-Cache"] == "MISS", headers
        tls = requests.Session()  # the front proxy, from 127.0.0.1, for an HTTPS reader
        first = tls.get(page, headers=https, allow_redirects=False, timeout=10)
        second = tls.get(page, headers=https, allow_redirects=False, timeout=10)
        assert first.status_code == second.status_code == 200
        assert second.headers["X-Cache"] == "HIT" and "Behind TLS" in second.text
        assert canonical(second.text).startswith("https://")
        plain = tls.get(page, headers={"X-Forwarded-Proto": "http"}, allow_redirects=False)
        assert plain.status_code == 301 and plain.headers["X-Cache"] == "MISS"

    def test_a_middlewares_redirect_is_not_stored(self, stack):
        """CommonMiddleware's slash redirect carries no Cache-Control: never stored."""
        cache, _switch = stack()
        review = make_review()
        url = cache + review.get_absolute_url().rstrip("/")
        for address in (ATTACKER, READER):
            got = reader_at(address).get(url, allow_redirects=False, timeout=10)
            assert got.status_code == 301 and got.headers["X-Cache"] == "MISS"


def test_a_terminated_database_connection_leaves_the_site_and_the_worker_running(
    stack, production_env
):
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    from tests.mailserver import SMTPServer, worker_env

    cache, _switch = stack()
    smtp = SMTPServer()
    smtp.start()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "task_worker", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=worker_env(smtp),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        from comments.tasks import deliver

        def others() -> int:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid()"
                )
                return cursor.fetchone()[0]

        review = make_review()
        page = cache + review.get_absolute_url()
        assert requests.get(page, timeout=10).status_code == 200
        assert wait_until(lambda: others() >= 2, 10)  # gunicorn's and the worker's
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        time.sleep(0.5)
        assert worker.poll() is None
        assert wait_until(lambda: requests.get(cache + "/healthz", timeout=5).ok, 5)
        assert requests.get(page + "?comments=1", timeout=10).status_code == 200
        deliver.enqueue(
            to="after@example.com", subject="After the cut", text="t", html="<p>t</p>", headers={}
        )
        assert wait_until(lambda: smtp.messages_to("after@example.com"), 15)
        assert worker.poll() is None
    finally:
        worker.terminate()
        output = worker.communicate(timeout=10)[0]
        smtp.stop()
    assert output.count("database unavailable") <= 1, output


def test_the_cache_closes_an_idle_connection_before_gunicorn_does():
    """Varnish's backend_idle_timeout (make serve and the systemd unit) is shorter than
    gunicorn's keepalive, so the cache never sends a POST on a connection just closed."""
    import runpy

    keepalive = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["keepalive"]
    serve = _serve_script()
    assert keepalive > serve.BACKEND_IDLE_TIMEOUT
    assert f"backend_idle_timeout={serve.BACKEND_IDLE_TIMEOUT}" in serve.varnish_command(
        1, 2, Path(tempfile.mkdtemp())
    )
    unit = (ROOT / "deploy/systemd/reviewsite-varnish.service").read_text()
    idle = int(unit.split("backend_idle_timeout=", 1)[1].split()[0])
    assert idle < keepalive


def test_a_script_prefix_from_the_request_never_reaches_a_link(settings):
    """Even if a SCRIPT_NAME reached the application, links (pages, cached fragments,
    e-mail) take their prefix from settings only."""
    import wsgiref.util

    from django.core.handlers.wsgi import WSGIHandler

    from comments import mail

    review = make_review()
    environ = {"PATH_INFO": review.get_absolute_url(), "SCRIPT_NAME": "/prefix"}
    wsgiref.util.setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "127.0.0.1"
    statuses = []
    body = b"".join(WSGIHandler()(environ, lambda status, headers: statuses.append(status)))
    assert statuses[0].startswith("200") and review.headline.encode() in body
    assert b"/prefix/" not in body
    # The prefix of the request just served is still the thread's: mail links ignore it.
    link = mail.confirm_url("reader@example.com")
    assert link.startswith(settings.SITE_URL + "/") and "/prefix/" not in link
