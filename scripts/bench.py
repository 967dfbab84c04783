"""make bench: reader pages under load, through Varnish and direct, against two ceilings.

Seeds a review with 500 rated comments and a poll with 10,000 votes on PostgreSQL,
serves the site with gunicorn as `make serve` does (2 processes of 4 threads, DEBUG off)
using Redis, behind Varnish with the repository's VCL, and drives it with wrk from a
separate process at 64 connections. Prints per scenario requests/s, p50 and p99 latency
and errors, as a ratio of two ceilings on this machine: nginx serving the review page's
bytes as a static file, and a minimal Django view returning 30 KB on the same gunicorn.
Also prints queries per page, HTML bytes and static asset sizes.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/reviewsite_bench,
dropped and recreated), BENCH_REDIS_URL (default redis://127.0.0.1:6379/9, flushed),
BENCH_SECONDS per scenario (default 10), BENCH_CONNECTIONS (default 64), BENCH_BREAKER=0
(Django's own PostgreSQL backend, without the breaker, to measure what it costs),
BENCH_ONLY (a comma-separated subset of the scenarios' names to run, e.g. "review,
returning reader"; the two ceilings always run).

Follow mail (one review to 10,000 followers, messages per second) has its own script,
scripts/bench_follow.py (`make bench-follow`).
"""

import gzip
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
import urllib.error
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
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
REVIEW = "/reviews/ballard-season-1-review/"
NGINX = "nginx: the review's bytes as a file"
CEILING = "ceiling: minimal Django view, 30 KB"
NEW_READER = "review, new reader, via Varnish"
RETURNING = "review, returning reader"
COMMENTER = "review, returning commenter"
COLD = "review, 500 comments, caches off"
VOTES = "votes, distinct readers"
POSTS = "comment posts"
#: scenario → (the ceiling it is measured against, the minimum ratio): the targets of the
#: freshness and ESI work, printed with their figures at the end of every run.
TARGETS = {
    RETURNING: (CEILING, 0.3),
    NEW_READER: (NGINX, 0.85),
    VOTES: (CEILING, 0.3),
    POSTS: (CEILING, 0.1),
    COLD: (CEILING, 0.05),
}
#: Targets checked elsewhere than under load, named so the list is whole.
CHECKED_ELSEWHERE = {
    "an admin save of the demo review: one PURGE per cache": "tests/system/test_purges.py",
}
SIZE_LIMITS = {"review HTML, 20 comments": 60_000, "CSS": 27_000, "largest script": 10_000}


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


def recreate_database(url: str = DATABASE_URL) -> None:
    """Drop and create the benchmark's database (make bench-follow's too)."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
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
        "REVIEWSITE_COMMENT_PREMODERATE": "0",  # comment posts are published, as before
    }


class Server:
    def __init__(self, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        # As `make serve` runs it: 2 processes (with Redis) of 4 threads, its config.
        command = [*serve_script().gunicorn_command(self.port, env), "--backlog=2048"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            # The site's settings, with /_bench/ceiling added (scripts/bench_urls.py).
            env=env | {"DJANGO_SETTINGS_MODULE": "scripts.bench_settings"},
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


def wrk(tool: str, url: str, script: str | None = None, headers: dict | None = None) -> dict:
    command = [tool, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", script]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
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


#: Replaced in each posted body by a number of its own (post_script's numbered), so every
#: comment is a new one and not the duplicate of the first (comments.services refuses those).
NUMBER = "NUMBER"


def post_script(path: str, fields: dict, *, numbered: bool = False) -> str:
    """A wrk Lua script POSTing the same form from our own page (as a browser says with
    Sec-Fetch-Site); with no reader cookie, each is a new reader. numbered: NUMBER in the
    body becomes a number no other request of the run has."""
    body = urllib.parse.urlencode(fields)
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    handle.write(
        f'wrk.method = "POST"\nwrk.path = {json.dumps(path)}\nwrk.body = {json.dumps(body)}\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        'wrk.headers["Sec-Fetch-Site"] = "same-origin"\n'
    )
    if numbered:
        # Each wrk thread is a Lua state of its own: a table's address tells them apart.
        handle.write(
            'local thread = string.match(tostring({}), "0x(%x+)") or tostring(math.random(1e9))\n'
            "local n = 0\n"
            "request = function()\n"
            "  n = n + 1\n"
            f'  local body = string.gsub(wrk.body, "{NUMBER}", thread .. "-" .. n)\n'
            "  return wrk.format(nil, nil, nil, body)\n"
            "end\n"
        )
    handle.close()
    return handle.name


def comment_form(base: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.forms import form_data

    with urllib.request.urlopen(base + REVIEW, timeout=10) as response:  # noqa: S310
        fields = form_data(response.read().decode(), "comment-form")
    fields |= {"name": "Load tester", "body": "A comment from the benchmark."}
    fields.pop("rating", None)
    return fields


def reader_cookie(base: str, choice_id: int) -> str:
    """A returning reader's cookies: the ones a vote sets."""
    return cookies_set(f"{base}{REVIEW}poll/vote/", {"choice": choice_id}, ("reader", "voted"))


def commenter_cookie(base: str, fields: dict) -> str:
    """The cookies of a returning reader who commented on the review (without a rating)."""
    fields = fields | {"body": "My own comment, from the benchmark."}
    return cookies_set(f"{base}{REVIEW}comments/", fields, ("reader", "named", "mine"))


def cookies_set(url: str, fields: dict, names: tuple[str, ...]) -> str:
    """POST a reader form as a browser would and return the named cookies it set."""
    request = urllib.request.Request(  # noqa: S310
        url,
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Sec-Fetch-Site": "same-origin"},
        method="POST",
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request, timeout=10)
    except urllib.error.HTTPError as answer:  # the 302 back to the page
        cookies = answer.headers.get_all("Set-Cookie") or []
        return "; ".join(c.split(";")[0] for c in cookies if c.split("=")[0] in names)
    raise SystemExit(f"{url} did not redirect")


def serve_script():
    """scripts/serve.py, which `make serve` runs: the servers are started as it starts them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("serve", ROOT / "scripts" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    return serve


class Varnish:
    """Varnish with the repository's VCL, started the way `make serve` starts it."""

    def __init__(self, backend_port: int, port: int):
        serve = serve_script()
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = Path(tempfile.mkdtemp(prefix="bench-varnish-"))
        self.folder.chmod(0o755)
        command = serve.varnish_command(self.port, backend_port, self.folder)
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        wait_for(self.url + "/healthz")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


class Nginx:
    """nginx serving one file: what a cache engine could be at best on this machine."""

    def __init__(self, body: bytes):
        self.folder = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        self.folder.chmod(0o755)
        # The bytes Varnish sends a browser (gzip), as a file nginx sends as it is.
        for name, data in (("review.html", body), ("review.html.gz", gzip.compress(body, 6))):
            (self.folder / name).write_bytes(data)
            (self.folder / name).chmod(0o644)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/review.html"
        conf = self.folder / "nginx.conf"
        conf.write_text(
            f"worker_processes 2;\npid {self.folder}/nginx.pid;\nerror_log stderr error;\n"
            "events { worker_connections 1024; }\n"
            "http { access_log off; sendfile on; keepalive_requests 100000;\n"
            f"  server {{ listen 127.0.0.1:{self.port}; root {self.folder}; gzip_static on; }} }}\n"
        )
        self.process = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_for(self.url)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def ensure_engines() -> None:
    missing = [name for name in ("varnishd", "nginx") if not shutil.which(name)]
    packages = {"varnishd": ["varnish", "varnish-modules"], "nginx": ["nginx-light"]}
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"Installing {', '.join(missing)} from Debian's packages…")
        subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", *(p for m in missing for p in packages[m])],
            check=True,
            stdout=subprocess.DEVNULL,
            env=os.environ | {"DEBIAN_FRONTEND": "noninteractive"},
        )
    for name in ("varnishd", "nginx"):
        if not shutil.which(name) and not Path(f"/usr/sbin/{name}").exists():
            raise SystemExit(f"make bench needs {name} (Debian: apt-get install {packages[name]}).")


def static_sizes() -> dict:
    css = (ROOT / "static" / "css" / "site.css").stat().st_size
    scripts = [p.stat().st_size for p in (ROOT / "static").rglob("*.js")]
    return {"CSS": css, "largest script": max(scripts, default=0)}


def main() -> int:
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    try:
        return run(static_root)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def run(static_root: str) -> int:
    tool = ensure_wrk()
    ensure_engines()
    say(f"Preparing {DATABASE_URL} and {REDIS_URL}…")
    recreate_database()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
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

    seeded["load"] = " ".join(f"{n:.2f}" for n in os.getloadavg())
    results = {}
    # The application purges its Varnish after each write, as under `make serve`.
    cache_port = free_port()
    server = Server(env | {"REVIEWSITE_HTTP_CACHES": f"http://127.0.0.1:{cache_port}"})
    varnish = Varnish(server.port, cache_port)
    nginx = None
    try:
        cache = varnish.url
        choice_id = json.loads(
            urllib.request.urlopen(f"{cache}{REVIEW}poll/results.json", timeout=10).read()  # noqa: S310
        )["choices"][0]["id"]
        with urllib.request.urlopen(cache + REVIEW, timeout=10) as response:  # noqa: S310
            nginx = Nginx(response.read())
        fields = comment_form(cache)
        cookie = reader_cookie(cache, choice_id)
        time.sleep(3.5)  # the comment form's minimum age, once for the whole run
        commenter = commenter_cookie(cache, fields)
        posted = fields | {"body": f"A comment from the benchmark, number {NUMBER}."}
        gzipped = {"Accept-Encoding": "gzip"}  # as every browser asks
        scenarios = [
            (NGINX, nginx.url, None, gzipped),
            (CEILING, server.url + "/_bench/ceiling", None, None),
            (NEW_READER, cache + REVIEW, None, gzipped),
            ("home page, new reader, via Varnish", cache + "/", None, gzipped),
            (RETURNING, cache + REVIEW, None, {"Cookie": cookie}),
            (COMMENTER, cache + REVIEW, None, {"Cookie": commenter}),
            ("review, new reader, no Varnish", server.url + REVIEW, None, None),
            (VOTES, cache, post_script(f"{REVIEW}poll/vote/", {"choice": choice_id}), None),
            (POSTS, cache, post_script(f"{REVIEW}comments/", posted, numbered=True), None),
        ]
        for name, url, script, headers in scenarios:
            if not wanted(name):
                continue
            say(f"  {name}…")
            results[name] = wrk(tool, url, script, headers)
    finally:
        if nginx:
            nginx.stop()
        varnish.stop()
        server.stop()
    if not wanted(COLD):
        return report(results, seeded)
    cold = Server(env | {"REVIEWSITE_FRAGMENT_CACHE": "0"})
    try:
        say(f"  {COLD}…")
        results[COLD] = wrk(tool, cold.url + REVIEW)
    finally:
        cold.stop()
    return report(results, seeded)


def wanted(name: str) -> bool:
    only = [n.strip() for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()]
    return not only or name in (NGINX, CEILING) or any(n in name for n in only)


def ceiling_name(against: str) -> str:
    return "nginx" if against == NGINX else "bare Django"


def report(results: dict, seeded: dict) -> int:
    failed = []
    print(
        f"\nmake bench, {date.today()}: gunicorn 2 workers × 4 threads, PostgreSQL, Redis, "
        f"Varnish; wrk "
        f"{CONNECTIONS} connections, {SECONDS}s each; {seeded['comments']} comments, "
        f"{seeded['votes']} votes; load average before the run {seeded.get('load', '?')}\n"
    )
    print(
        f"{'scenario':<36} {'req/s':>8} {'/nginx':>7} {'/django':>7} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'errors':>7}"
    )
    for name, row in results.items():
        print(
            f"{name:<36} {row['rps']:>8.0f} {row['rps'] / results[NGINX]['rps']:>7.3f} "
            f"{row['rps'] / results[CEILING]['rps']:>7.3f} {row['p50_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f} {row['errors']:>7}"
        )
    # The targets, each with its figure from this run: a ratio of two rows above.
    print(f"\n{'target':<62} {'figure':>7} {'needed':>7}  verdict")
    for name, (against, minimum) in TARGETS.items():
        label = f"{name} / {ceiling_name(against)}"
        if name not in results:
            print(f"{label:<62} {'-':>7} {minimum:>7}  not run (BENCH_ONLY)")
            continue
        ratio = results[name]["rps"] / results[against]["rps"]
        met = ratio >= minimum
        failed += [] if met else [name]
        print(f"{label:<62} {ratio:>7.3f} {minimum:>7}  {'met' if met else 'missed'}")
    errors = sum(row["errors"] for row in results.values())
    if errors:
        failed.append("errors")
    label = f"errors at {CONNECTIONS} connections, every scenario"
    print(f"{label:<62} {errors:>7} {0:>7}  {'missed' if errors else 'met'}")
    for label, where in CHECKED_ELSEWHERE.items():
        print(f"{label:<62} {'':>7} {'':>7}  not measured here: {where}")
    print(f"\nload average after the run: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
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
