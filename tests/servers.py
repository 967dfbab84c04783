"""Real server processes for tests: the site under gunicorn, and moto's S3 server.

``app_server(env)`` runs the site the way production does (gunicorn; give it the
production_env fixture) on a free loopback port, waits for /healthz and stops it
afterwards, so a test can put two app processes in front of one database and one bucket.
``shared_database_env()`` gives the variables that point a server at the test session's
own database, cache and media folder.
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
        stop(process)
        log_path.unlink(missing_ok=True)


def stop(process: subprocess.Popen) -> None:
    """Ask a process to end (SIGTERM), and kill it if it has not within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def app_server(env: dict[str, str], *, workers: int = 1, timeout: float = 30) -> Iterator[Server]:
    """The site under gunicorn, run with exactly the environment given.

    Build it from the production_env fixture (DEBUG off, collected static files) and
    shared_database_env(), plus whatever the test needs, e.g. a bucket's MEDIA_S3_*.
    """
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "reviewsite.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--access-logfile=-",
    ]
    with running(
        command, url=f"http://127.0.0.1:{port}", ready_path="/healthz", env=env, timeout=timeout
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
        env=dict(os.environ),
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
