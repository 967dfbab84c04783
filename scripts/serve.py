"""make serve: gunicorn behind Varnish on PORT (or gunicorn alone where Varnish is
missing), and the task worker that sends e-mail.

Varnish (Debian's varnish + varnish-modules for xkey) listens on PORT with the VCL in
varnish/reviewsite.vcl; gunicorn listens on a free loopback port behind it, and the
application purges that Varnish (REVIEWSITE_HTTP_CACHES) and believes its
X-Forwarded-For (DJANGO_TRUSTED_PROXIES=127.0.0.1) unless told otherwise. All run in the
foreground as children of this process, which starts again any that ends (waiting 1 s,
then 2, 4… up to 30 s while it keeps ending at once) and stops them all only on Ctrl-C
or SIGTERM: a crash or a database outage never takes the site down for good.

`python scripts/serve.py vcl HOST:PORT [FRONT_PROXY...]` prints the VCL for a
deployment: the application at HOST:PORT, and the addresses of the proxies in front of
Varnish (a TLS terminator) whose X-Forwarded-Proto and X-Forwarded-For it may believe.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VCL = ROOT / "varnish" / "reviewsite.vcl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: Varnish closes a connection to gunicorn idle this long (seconds), well before gunicorn
#: would (keepalive in gunicorn.conf.py), so it never reuses one gunicorn has closed.
BACKEND_IDLE_TIMEOUT = 1


def vcl_text(backend_host: str, backend_port: int, front_proxies: list[str] = ()) -> str:
    """The repository's VCL with the application's address and the front proxies filled in."""
    acl = "".join(f'    "{address}";\n' for address in front_proxies)
    return (
        VCL.read_text()
        .replace("@BACKEND_HOST@", backend_host)
        .replace("@BACKEND_PORT@", str(backend_port))
        .replace("@FRONT_PROXIES@\n", acl)
    )


def render_vcl(backend_port: int, folder: Path) -> Path:
    """The VCL for make serve (readers reach Varnish directly: no front proxy) in folder."""
    path = folder / "reviewsite.vcl"
    path.write_text(vcl_text("127.0.0.1", backend_port))
    return path


def varnish_command(port: int, backend_port: int, folder: Path) -> list[str]:
    return [
        shutil.which("varnishd") or "varnishd",
        "-F",  # foreground
        "-a",
        f"127.0.0.1:{port}",
        "-f",
        str(render_vcl(backend_port, folder)),
        "-n",
        str(folder / "state"),
        "-s",
        f"malloc,{os.environ.get('VARNISH_STORAGE', '256m')}",
        "-p",
        f"backend_idle_timeout={BACKEND_IDLE_TIMEOUT}",
    ]


def gunicorn_command(port: int, env: dict[str, str] | None = None) -> list[str]:
    """gunicorn with threads, so one request stuck on the database cannot hold up the rest.

    Without REDIS_URL the rate limits live in the process's memory, so there is one
    process (its threads share them); with Redis, WEB_CONCURRENCY processes (default 2).
    """
    env = os.environ if env is None else env
    workers = env.get("WEB_CONCURRENCY", "2" if env.get("REDIS_URL") else "1")
    if workers != "1" and not env.get("REDIS_URL"):
        raise SystemExit(
            f"WEB_CONCURRENCY={workers} needs REDIS_URL: without a shared cache each process "
            "would keep rate limits of its own."
        )
    return [
        str(BIN / "gunicorn"),
        "reviewsite.wsgi",
        f"--config={ROOT / 'gunicorn.conf.py'}",  # what it believes of proxies; keep-alive
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={env.get('GUNICORN_THREADS', '4')}",
    ]


def worker_command() -> list[str]:
    """The task worker that sends e-mail outside readers' requests (django-tasks); ours
    waits out a database outage instead of exiting (reviewsite/management/commands)."""
    return [sys.executable, "manage.py", "task_worker", "--no-reload"]


#: Waits before starting a child again after it ended: doubled each time it ends within
#: STEADY_SECONDS of its start, up to the last; back to the first once it has run that long.
RESTART_DELAYS = (1, 2, 4, 8, 16, 30)
STEADY_SECONDS = 60


class Child:
    """One supervised process: started again whenever it ends, until we are told to stop."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]):
        self.name, self.command, self.env = name, command, env
        self.failures = 0
        self.restart_at: float | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env)
        self.started = time.monotonic()
        self.restart_at = None

    def check(self, now: float) -> None:
        """Start it again if it has ended and its wait is over."""
        if self.restart_at is None:
            code = self.process.poll()
            if code is None:
                return
            steady = now - self.started >= STEADY_SECONDS
            self.failures = 0 if steady else self.failures + 1
            delay = RESTART_DELAYS[min(self.failures, len(RESTART_DELAYS) - 1)]
            print(
                f"serve: {self.name} ended (exit {code}); starting it again in {delay} s",
                file=sys.stderr,
                flush=True,
            )
            self.restart_at = now + delay
        elif now >= self.restart_at:
            self.start()

    def terminate(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()

    def wait(self) -> None:
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def print_vcl(args: list[str]) -> int:
    if not args or ":" not in args[0]:
        print("usage: serve.py vcl HOST:PORT [FRONT_PROXY...]", file=sys.stderr)
        return 2
    host, _, port = args[0].rpartition(":")
    print(vcl_text(host, int(port), args[1:]), end="")
    return 0


def main() -> int:
    if sys.argv[1:2] == ["vcl"]:
        return print_vcl(sys.argv[2:])
    port = int(os.environ.get("PORT", "8000"))
    env = dict(os.environ)
    folder = None
    if shutil.which("varnishd"):
        folder = Path(tempfile.mkdtemp(prefix="reviewsite-varnish-"))
        os.chmod(folder, 0o755)  # noqa: S103 - varnishd's worker runs as its own user
        app_port = free_port()
        env.setdefault("REVIEWSITE_HTTP_CACHES", f"http://127.0.0.1:{port}")
        # Varnish (127.0.0.1) is gunicorn's only client; it sets X-Forwarded-For to the
        # reader's address, which the application reads through this proxy alone.
        env.setdefault("DJANGO_TRUSTED_PROXIES", "127.0.0.1")
        commands = {
            "gunicorn": gunicorn_command(app_port, env),
            "varnish": varnish_command(port, app_port, folder),
        }
        banner = (
            f"Serving on http://127.0.0.1:{port}/ (Varnish, in front of gunicorn on :{app_port})"
        )
    else:
        commands = {"gunicorn": gunicorn_command(port, env)}
        banner = (
            "Varnish is not installed (apt-get install varnish varnish-modules): "
            f"serving gunicorn alone on http://127.0.0.1:{port}/"
        )
    commands["task worker"] = worker_command()
    stopping = []

    def stop(*_args):
        stopping.append(True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    children = [Child(name, command, env) for name, command in commands.items()]
    print(banner, flush=True)
    try:
        while not stopping:
            now = time.monotonic()
            for child in children:
                child.check(now)
            time.sleep(0.2)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
