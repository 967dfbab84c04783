"""Real server processes for tests: the site under gunicorn, and moto's S3 server.

``app_server(env)`` runs the site the way production does (gunicorn, DJANGO_DEBUG=0) on a
free loopback port, waits for /healthz and stops it afterwards, so a test can put two
app processes in front of one database and one bucket. ``shared_database_env()`` gives
the variables that point a server at the test session's own database and cache.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEST_SECRET_KEY = "test-only-" + "k3y" * 20

#: Settings from the test process's environment that must not leak into a server.
_OURS = ("DJANGO_", "RATELIMIT_", "REVIEWSITE_", "MEDIA_S3_")
_ALSO_OURS = {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "PORT"}

_static_collected = False


@dataclass
class Server:
    """A running server process: its base URL and its captured output."""

    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(
    command: list[str], *, url: str, ready_path: str, env: dict[str, str], timeout: float = 30
) -> Iterator[Server]:
    """Start a command, wait until GET url+ready_path answers 200, stop it on exit."""
    with tempfile.NamedTemporaryFile("wb", prefix="server-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(url=url, process=process, log_path=log_path)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited at start:\n{server.log()[-3000:]}")
            try:
                with urllib.request.urlopen(url + ready_path, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} not ready in {timeout}s:\n{server.log()[-3000:]}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_path.unlink(missing_ok=True)


def clean_environment(**env: str) -> dict[str, str]:
    """This process's environment without any site setting, plus the given ones."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS) and k not in _ALSO_OURS}
    return base | env


def collect_static() -> None:
    """Production settings serve static files from a manifest: build it once a session."""
    global _static_collected
    if not _static_collected:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=clean_environment(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=TEST_SECRET_KEY),
            check=True,
            timeout=120,
        )
        _static_collected = True


@contextmanager
def app_server(env: dict[str, str], *, workers: int = 1, timeout: float = 30) -> Iterator[Server]:
    """The site under gunicorn with DJANGO_DEBUG=0 and the given variables.

    Pass DATABASE_URL (see shared_database_env) and whatever else the test needs, e.g. the
    MEDIA_S3_* variables; allowed host is 127.0.0.1 and the secret key a test one.
    """
    collect_static()
    port = free_port()
    settings = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": TEST_SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    command = [
        str(BIN / "gunicorn"),
        "reviewsite.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--access-logfile=-",
    ]
    with running(
        command,
        url=f"http://127.0.0.1:{port}",
        ready_path="/healthz",
        env=clean_environment(**(settings | env)),
        timeout=timeout,
    ) as server:
        yield server


@contextmanager
def moto_server(timeout: float = 30) -> Iterator[Server]:
    """moto's standalone server (S3 and more) on a free loopback port."""
    port = free_port()
    with running(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        url=f"http://127.0.0.1:{port}",
        ready_path="/moto-api/",
        env=clean_environment(),
        timeout=timeout,
    ) as server:
        yield server


def shared_database_env() -> dict[str, str]:
    """DATABASE_URL (and REDIS_URL, MEDIA_ROOT) naming this test session's own stores.

    Rows a test commits (django_db(transaction=True)) are then visible to the servers.
    """
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        url = f"postgres://{credentials}@{host}/{db['NAME']}"
    env = {"DATABASE_URL": url, "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    return env


def log_in(base_url: str, username: str, password: str):
    """A requests session logged in to a server's admin through its real login form.

    The user's password must be hashed with a hasher the server knows (the test
    settings' fast MD5 one is not): set PASSWORD_HASHERS before creating the user.
    """
    import requests

    from tests.forms import form_data

    session = requests.Session()
    url = f"{base_url}/admin/login/"
    data = form_data(session.get(url, timeout=10).text, form_id="login-form")
    data |= {"username": username, "password": password}
    response = session.post(url, data=data, headers={"Referer": url}, timeout=30)
    if "sessionid" not in session.cookies:
        raise AssertionError(f"Could not log in as {username}: {response.status_code}")
    return session
