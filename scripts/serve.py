"""make serve: gunicorn behind Varnish on PORT (or gunicorn alone where Varnish is
missing), and the task worker that sends e-mail.

Varnish (Debian's varnish + varnish-modules for xkey) listens on PORT with the VCL in
varnish/reviewsite.vcl; gunicorn listens on a free loopback port behind it, and the
application purges that Varnish (REVIEWSITE_HTTP_CACHES) unless told otherwise. All run
in the foreground; Ctrl-C or any one of them ending stops them all.
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


def render_vcl(backend_port: int, folder: Path) -> Path:
    """The repository's VCL with the application's address filled in."""
    text = VCL.read_text().replace("@BACKEND_HOST@", "127.0.0.1")
    path = folder / "reviewsite.vcl"
    path.write_text(text.replace("@BACKEND_PORT@", str(backend_port)))
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
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={env.get('GUNICORN_THREADS', '4')}",
    ]


def worker_command() -> list[str]:
    """The task worker that sends e-mail outside readers' requests (django-tasks)."""
    return [sys.executable, "manage.py", "db_worker", "--no-reload"]


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    env = dict(os.environ)
    folder = None
    if shutil.which("varnishd"):
        folder = Path(tempfile.mkdtemp(prefix="reviewsite-varnish-"))
        os.chmod(folder, 0o755)  # noqa: S103 - varnishd's worker runs as its own user
        app_port = free_port()
        env.setdefault("REVIEWSITE_HTTP_CACHES", f"http://127.0.0.1:{port}")
        commands = [gunicorn_command(app_port, env), varnish_command(port, app_port, folder)]
        banner = (
            f"Serving on http://127.0.0.1:{port}/ (Varnish, in front of gunicorn on :{app_port})"
        )
    else:
        commands = [gunicorn_command(port, env)]
        banner = (
            "Varnish is not installed (apt-get install varnish varnish-modules): "
            f"serving gunicorn alone on http://127.0.0.1:{port}/"
        )
    commands.append(worker_command())
    processes = [subprocess.Popen(command, cwd=ROOT, env=env) for command in commands]
    print(banner, flush=True)

    def stop(*_args):
        for process in processes:
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    finally:
        stop()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    return max(process.returncode or 0 for process in processes)


if __name__ == "__main__":
    sys.exit(main())
