"""make bench: the review page under load, measured against the framework's ceiling.

Seeds a review with 500 rated comments and a poll with 10,000 votes on PostgreSQL,
serves the site with gunicorn (2 workers, DEBUG off) using Redis, drives it with wrk from
a separate process at 32 connections, and prints per scenario requests/s, p50 and p99
latency and errors, as a ratio of a minimal Django view returning 30 KB on the same
server. Also prints queries per page, HTML bytes and static asset sizes.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/reviewsite_bench,
dropped and recreated), BENCH_REDIS_URL (default redis://127.0.0.1:6379/9, flushed),
BENCH_SECONDS per scenario (default 10), BENCH_CONNECTIONS (default 32).
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reviewsite_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
REVIEW = "/reviews/ballard-season-1-review/"
TARGETS = {  # scenario → minimum ratio of the ceiling's requests/s (issue 6)
    "review page, warm cache": 0.6,
    "review page, cache off": 0.1,
    "votes, distinct readers": 0.3,
}
SIZE_LIMITS = {"review HTML, 20 comments": 60_000, "CSS": 20_000, "largest script": 10_000}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("Installing wrk from Debian's packages…")
        subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=os.environ | {"DEBIAN_FRONTEND": "noninteractive"},
        )
        return shutil.which("wrk")
    raise SystemExit("make bench needs wrk (Debian: apt-get install wrk).")


def recreate_database() -> None:
    import psycopg

    parts = urllib.parse.urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def base_env(static_root: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "RATELIMIT_", "REVIEWSITE_"))
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "reviewsite.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_STATIC_ROOT": static_root,
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "MEDIA_ROOT": str(ROOT / "media"),
        "RATELIMIT_ENABLE": "0",
        "REVIEWSITE_BENCH_CEILING": "1",
    }


class Server:
    def __init__(self, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "reviewsite.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                "--workers=2",
                "--backlog=2048",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def wrk(tool: str, url: str, script: str | None = None) -> dict:
    command = [tool, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout

    def millis(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": millis("50"),
        "p99_ms": millis("99"),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def post_script(path: str, fields: dict, cookie: str) -> str:
    """A wrk Lua script POSTing the same form: with no reader cookie, each is a new reader."""
    body = urllib.parse.urlencode(fields)
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    handle.write(
        f'wrk.method = "POST"\nwrk.path = {json.dumps(path)}\nwrk.body = {json.dumps(body)}\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = {json.dumps(cookie)}\n'
    )
    handle.close()
    return handle.name


def comment_form(server: Server) -> tuple[dict, str]:
    sys.path.insert(0, str(ROOT))
    from tests.forms import form_data

    token = secrets.token_hex(16)  # a CSRF secret of our own: 32 characters
    request = urllib.request.Request(  # noqa: S310
        server.url + REVIEW, headers={"Cookie": f"csrftoken={token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        fields = form_data(response.read().decode(), "comment-form")
    fields |= {
        "name": "Load tester",
        "body": "A comment from the benchmark.",
        "csrfmiddlewaretoken": token,
    }
    fields.pop("rating", None)
    return fields, f"csrftoken={token}"


def static_sizes() -> dict:
    css = (ROOT / "static" / "css" / "site.css").stat().st_size
    scripts = [p.stat().st_size for p in (ROOT / "static").rglob("*.js")]
    return {"CSS": css, "largest script": max(scripts, default=0)}


def main() -> int:
    tool = ensure_wrk()
    say(f"Preparing {DATABASE_URL} and {REDIS_URL}…")
    recreate_database()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = base_env(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    seeded = json.loads(
        subprocess.run(
            [sys.executable, "scripts/bench_seed.py"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    say(f"Seeded {seeded['comments']} comments and {seeded['votes']} votes.")

    results = {}
    server = Server(env)
    try:
        choice_id = json.loads(
            urllib.request.urlopen(  # noqa: S310
                f"{server.url}{REVIEW}poll/results.json", timeout=10
            ).read()
        )["choices"][0]["id"]
        fields, cookie = comment_form(server)
        time.sleep(3.5)  # the comment form's minimum age, once for the whole run
        token = cookie.split("=")[1]
        scenarios = [
            ("ceiling: minimal view, 30 KB", server.url + "/_bench/ceiling", None),
            ("review page, warm cache", server.url + REVIEW, None),
            ("review, comments page 2", server.url + REVIEW + "?comments=2", None),
            ("home page", server.url + "/", None),
            (
                "votes, distinct readers",
                server.url,
                post_script(
                    f"{REVIEW}poll/vote/",
                    {"choice": choice_id, "csrfmiddlewaretoken": token},
                    cookie,
                ),
            ),
            ("comment posts", server.url, post_script(f"{REVIEW}comments/", fields, cookie)),
        ]
        for name, url, script in scenarios:
            say(f"  {name}…")
            urllib.request.urlopen(url if not script else server.url + REVIEW, timeout=10)  # noqa: S310
            results[name] = wrk(tool, url, script)
    finally:
        server.stop()
    cold = Server(env | {"REVIEWSITE_FRAGMENT_CACHE": "0"})
    try:
        say("  review page, cache off…")
        results["review page, cache off"] = wrk(tool, cold.url + REVIEW)
    finally:
        cold.stop()
    return report(results, seeded)


def report(results: dict, seeded: dict) -> int:
    ceiling = results["ceiling: minimal view, 30 KB"]["rps"]
    order = [
        "ceiling: minimal view, 30 KB",
        "review page, warm cache",
        "review page, cache off",
        "review, comments page 2",
        "home page",
        "votes, distinct readers",
        "comment posts",
    ]
    failed = []
    print(
        f"\nmake bench, {date.today()}: gunicorn 2 workers, PostgreSQL, Redis; wrk {CONNECTIONS} "
        f"connections, {SECONDS}s each; {seeded['comments']} comments, {seeded['votes']} votes\n"
    )
    print(f"{'scenario':<32} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name in order:
        row = results[name]
        ratio = row["rps"] / ceiling
        flag = ""
        if name in TARGETS and ratio < TARGETS[name]:
            flag = f"  below {TARGETS[name]}"
            failed.append(name)
        if row["errors"]:
            flag += "  ERRORS"
            failed.append(name)
        print(
            f"{name:<32} {row['rps']:>8.0f} {ratio:>6.2f} {row['p50_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f} {row['errors']:>7}{flag}"
        )
    print(f"\n{'page':<32} {'queries cold':>13} {'queries warm':>13} {'HTML bytes':>11}")
    for name, page in seeded["pages"].items():
        print(
            f"{name:<32} {page['queries_cold']:>13} {page['queries_warm']:>13} {page['bytes']:>11,}"
        )
    sizes = static_sizes() | {
        "review HTML, 20 comments": seeded["pages"]["review with 20 comments"]["bytes"]
    }
    print()
    for name, limit in SIZE_LIMITS.items():
        ok = sizes[name] <= limit
        failed += [] if ok else [name]
        print(f"{name:<32} {sizes[name]:>8,} bytes  (limit {limit:,}){'' if ok else '  OVER'}")
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / f"{date.today()}.json").write_text(
        json.dumps({"results": results, "seeded": seeded, "sizes": sizes}, indent=2)
    )
    print(f"\n{'All targets met.' if not failed else 'Missed: ' + ', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
