"""Real server processes for tests: the site under gunicorn, and moto's S3 server.

``app_server(env)`` runs the site the way production does (gunicorn; give it the
production_env fixture) on a free loopback port, waits for /healthz and stops it
afterwards, so a test can put two app processes in front of one database and one bucket.
``shared_database_env()`` gives the variables that point a server at the test session's
own database, cache and media folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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


def wait_until(condition, seconds: float) -> bool:
    """Poll condition() until it is true (True) or seconds have passed (False)."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(
    command: list[str],
    *,
    url: str,
    ready_path: str | None,
    env: dict[str, str],
    timeout: float = 30,
) -> Iterator[Server]:
    """Start a command, wait until GET url+ready_path answers 200 (with no ready_path,
    until it accepts connections), stop it on exit."""
    with tempfile.NamedTemporaryFile("wb", prefix="server-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(url=url, process=process, log_path=log_path)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited at start:\n{server.log()[-3000:]}")
            if ready_path is None:  # ready once it accepts connections
                parts = urllib.parse.urlsplit(url)
                with contextlib.suppress(OSError):
                    socket.create_connection((parts.hostname, parts.port), timeout=1).close()
                    break
            else:
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
def app_server(
    env: dict[str, str], *, workers: int = 1, timeout: float = 30, port: int | None = None
) -> Iterator[Server]:
    """The site under gunicorn, run with exactly the environment given.

    Build it from the production_env fixture (DEBUG off, collected static files) and
    shared_database_env(), plus whatever the test needs, e.g. a bucket's MEDIA_S3_*.
    """
    port = port or free_port()
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


def _serve_script():
    """scripts/serve.py as a module: the tests start Varnish exactly as `make serve` does."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("reviewsite_serve", ROOT / "scripts/serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def varnish_server(backend_port: int, *, port: int | None = None, timeout: float = 30):
    """Varnish with the repository's VCL in front of 127.0.0.1:backend_port.

    Ready once it answers anything (a 503 until the backend is up counts): the caller
    starts the application behind it.
    """
    serve = _serve_script()
    port = port or free_port()
    folder = Path(tempfile.mkdtemp(prefix="varnish-"))
    os.chmod(folder, 0o755)  # noqa: S103 - varnishd's worker runs as its own user
    command = serve.varnish_command(port, backend_port, folder)
    try:
        with running(
            command,
            url=f"http://127.0.0.1:{port}",
            ready_path=None,
            env=dict(os.environ),
            timeout=timeout,
        ) as server:
            server.folder = folder  # its state: varnishadm -n folder/state
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def probe_says_sick(cache: Server) -> bool:
    """Whether this Varnish's probe of /healthz has marked the application sick (then
    pages are served from grace at once)."""
    listing = subprocess.run(
        ["varnishadm", "-n", str(cache.folder / "state"), "backend.list"],
        capture_output=True,
        text=True,
    ).stdout
    return any(".health " in line and "sick" in line.lower() for line in listing.splitlines())


class TcpRelay:
    """A loopback relay to a TCP server that a test can cut, as a network failure would:
    open connections drop and new ones are refused. Point a client at relay.port."""

    #: The server's answer to COMMIT (CommandComplete "COMMIT") in PostgreSQL's protocol.
    COMMITTED = b"C\x00\x00\x00\x0bCOMMIT\x00"

    def __init__(self, target_port: int):
        import threading

        self.target_port = target_port
        self.cut_after_commit = False
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.cut_off = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import threading

        while not self.cut_off:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.cut_off:  # cut while this one was being connected: it goes too
                    client.close()
                    upstream.close()
                    return
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
                if self.cut_after_commit and self.COMMITTED in data:
                    self.cut_after_commit = False
                    self.cut()  # the client learns of its commit, then loses the server
        except OSError:
            pass
        finally:
            for each in (source, sink):
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)

    def cut_after_next_commit(self) -> None:
        """Pass the server's next COMMIT answer to the client, then cut: the client's
        write is stored and the database is gone for whatever it does next."""
        self.cut_after_commit = True

    def restore(self) -> None:
        """Listen again on the same port: the server is reachable again."""
        import threading

        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.cut_off = False
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        with self.lock:  # no connection accepted from here on is kept (_accept)
            self.cut_off = True
        # shutdown() wakes the thread blocked in accept(); close() alone would leave the
        # port listening until that call returned.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for each in self.sockets:
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)
                each.close()


@contextmanager
def redis_server(timeout: float = 30) -> Iterator[Server]:
    """A Redis of the test's own on a free loopback port, that it may freeze or stop."""
    port = free_port()
    command = [
        shutil.which("redis-server") or "redis-server",
        *("--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
    ]
    with running(
        command,
        url=f"redis://127.0.0.1:{port}",
        ready_path=None,
        env=dict(os.environ),
        timeout=timeout,
    ) as server:
        yield server


def _postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Postgres:
    """A PostgreSQL cluster of the test's own (initdb in a temporary folder, a free port),
    which a test may stop, start and cut off without touching the machine's shared one."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.port = free_port()
        self.data = Path(tempfile.mkdtemp(prefix="reviewsite-pg-"))
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/reviewsite"
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            shutil.chown(self.data, "postgres", "postgres")
        self._as_owner(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        self.start()
        self._as_owner(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "reviewsite"
        )

    def _as_owner(self, program: str, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout, cwd="/")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(self.data / "server.log")
        self._as_owner("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """fast: open connections are ended, as a restart by an operator does."""
        self._as_owner("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def manage(self, *args: str, env: dict[str, str]) -> str:
        """Run manage.py against this cluster (e.g. migrate, load_demo)."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env | {"DATABASE_URL": self.url},
            check=False,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def query(self, sql: str, *params) -> list[tuple]:
        """Rows from this cluster, on a connection of the test's own (closed at once)."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.stop("immediate")
        shutil.rmtree(self.data, ignore_errors=True)


@contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """A started cluster with an empty database "reviewsite" (see Postgres)."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        raise RuntimeError("initdb is not installed (Debian: postgresql)")
    cluster = Postgres(bin_dir)
    try:
        yield cluster
    finally:
        cluster.remove()


@dataclass
class PurgeRecorder:
    """A stand-in HTTP cache that records each PURGE's xkey header, in order."""

    url: str
    purges: list[str]
    #: One entry per TCP connection the site opened to it.
    connections: list[tuple[str, int]] = field(default_factory=list)
    #: Set to close each connection after its next answer, as a cache's idle timeout would.
    hang_up: list[bool] = field(default_factory=list)

    def keys(self) -> list[set[str]]:
        return [set(header.split()) for header in self.purges]


@contextmanager
def purge_recorder() -> Iterator[PurgeRecorder]:
    """A loopback HTTP server answering PURGE as Varnish does, recording what it was sent:
    name it in REVIEWSITE_HTTP_CACHES beside (or instead of) a real cache to count purges."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    purges: list[str] = []
    connections: list[tuple[str, int]] = []
    hang_up: list[bool] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keeps the connection open, as Varnish does

        def setup(self):
            super().setup()
            connections.append(self.client_address)

        def do_PURGE(self):
            purges.append(self.headers.get("xkey", ""))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if hang_up:
                self.close_connection = True

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield PurgeRecorder(
            url=f"http://127.0.0.1:{server.server_address[1]}",
            purges=purges,
            connections=connections,
            hang_up=hang_up,
        )
    finally:
        server.shutdown()
        server.server_close()
