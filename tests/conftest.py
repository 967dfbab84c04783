"""Personas, test data and the browser harness shared by every test."""

import inspect
import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches

from reviewsite import mediastorage
from reviewsite.roles import EDITORS, MODERATORS, WRITERS
from tests import servers
from tests.factories import make_user

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls in
# the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Test sessions (and the servers they start) do not wait for PostgreSQL to flush each
# commit to disk: a crash of the machine could lose the last test rows, nothing else. It
# halves the cost of the flushes between transactional tests and of creating the test
# database. A crash-safe commit is the server's setting, which tests do not test.
os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


#: Fixtures that start a server or a second process beside the test: their tests are `system`.
SYSTEM_FIXTURES = {"production_env", "smtp", "smtp_server", "moto", "s3_bucket"}


def pytest_collection_modifyitems(items):
    """Mark `system` what runs real servers beside the test process (everything under
    tests/system/, and any test using SYSTEM_FIXTURES) and `browser` what drives Chromium,
    so `make test-fast` can leave both out."""
    system = ROOT / "tests" / "system"
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if item.path.is_relative_to(system) or names & SYSTEM_FIXTURES:
            item.add_marker(pytest.mark.system)
        if "browser" in names:
            item.add_marker(pytest.mark.browser)


def require(condition: bool, what: str) -> None:
    """Skip locally when a service is missing; in CI a missing service is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available.", pytrace=False)
    pytest.skip(f"{what} is not available here (in CI this fails instead)")


@pytest.fixture(scope="session")
def production_env(tmp_path_factory) -> dict:
    """Environment for a separate process running with production settings (DEBUG off).

    Static files are collected once into a temporary folder, as `make serve` does.
    """
    static_root = tmp_path_factory.mktemp("static")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RATELIMIT_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "reviewsite.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only-" + "k" * 30 + "abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(static_root),
        "REVIEWSITE_COMMENT_PREMODERATE": "0",  # as in _isolated below
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    return env


@pytest.fixture(scope="session", autouse=True)
def _quick_flush():
    """Between transactional tests (browser, servers) Django empties every table and sends
    post_migrate. Two costs of that are cut here, on both databases:

    - PostgreSQL's one TRUNCATE recreates the files of some 50 tables and their indexes
      and waits for a lock no other session may hold: 0.3 to 0.7 s idle, seconds while a
      server the test started still holds a connection. A DELETE of each table (foreign
      keys checked at the commit: Django declares them deferrable) empties the few rows a
      test leaves in milliseconds. SQLite's flush is DELETEs already.
    - The content types and permissions, which migrate made and no test changes, are
      kept, so the post_migrate after a flush finds them instead of writing them again
      (reviewsite.roles still sets each group's permissions afresh).
    """
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

    Postgres, SQLite = PostgresWrapper.ops_class, SQLiteWrapper.ops_class

    kept = {"django_content_type", "auth_permission"}
    originals = {Postgres: Postgres.sql_flush, SQLite: SQLite.sql_flush}
    for original in originals.values():
        # Django's own signature: if it changes, this fails here instead of flushing wrongly.
        assert list(inspect.signature(original).parameters) == [
            "self",
            "style",
            "tables",
            "reset_sequences",
            "allow_cascade",
        ]

    def sqlite_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        tables = [table for table in tables if table not in kept]
        return originals[SQLite](
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )

    def postgres_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        tables = [table for table in tables if table not in kept]
        if reset_sequences or allow_cascade or not tables:
            return originals[Postgres](
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        quoted = (self.quote_name(table) for table in tables)  # names from Django's models
        return ["SET CONSTRAINTS ALL DEFERRED;", *(f"DELETE FROM {name};" for name in quoted)]  # noqa: S608

    Postgres.sql_flush, SQLite.sql_flush = postgres_flush, sqlite_flush
    yield
    for backend, original in originals.items():
        backend.sql_flush = original


@pytest.fixture(scope="session", autouse=True)
def _redis_per_worker():
    """With REDIS_URL and pytest-xdist, each worker process uses a Redis of its own.

    Every test empties the cache (django-redis: FLUSHDB), which would empty it under a
    test running in another worker too. So a worker starts redis-server on a free
    loopback port and points the site, and the servers it starts, at that one.
    """
    given = os.environ.get("REDIS_URL")
    if not given or not os.environ.get("PYTEST_XDIST_WORKER"):
        yield
        return
    if not shutil.which("redis-server"):
        pytest.fail("REDIS_URL with several workers needs redis-server (or run with -n0).")
    from django.conf import settings
    from django.test import override_settings

    with servers.redis_server() as server:
        own = server.url + "/0"
        os.environ["REDIS_URL"] = own
        moved = {
            alias: entry | {"LOCATION": own} if entry.get("LOCATION") == given else entry
            for alias, entry in settings.CACHES.items()
        }
        try:
            with override_settings(REDIS_URL=own, CACHES=moved):
                yield
        finally:
            os.environ["REDIS_URL"] = given


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets its own media folder, an empty cache and fast password hashing."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Most tests post as a stranger and expect to see the comment; pre-moderation of
    # newcomers has its own tests (tests/comments/test_premoderation.py).
    settings.COMMENT_PREMODERATE = 0
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(scope="session")
def _demo_media(tmp_path_factory) -> Path:
    """Where this process keeps the files of the demo's photos after its first load."""
    return tmp_path_factory.mktemp("demo") / "media"


@pytest.fixture
def load_demo(settings, _demo_media):
    """load_demo() loads the demo content into this test's database, as `make run` does.

    The demo's photos are the same bytes each time and their files are named by their
    content, so the files the first load in this process wrote are copied into this
    test's media folder first: the site finds each rendition there (identical content
    shares its files, reviews/images.py) instead of encoding it again, which is four
    fifths of a load. tests/demo and the media tests load into an empty folder.
    """
    from django.core.management import call_command

    def load() -> None:
        media = Path(settings.MEDIA_ROOT)
        first = not _demo_media.is_dir()
        if not first:
            shutil.copytree(_demo_media, media, dirs_exist_ok=True)
        media.mkdir(parents=True, exist_ok=True)
        before = set(media.rglob("*"))
        call_command("load_demo", stdout=None)
        for path in set(media.rglob("*")) - before if first else ():
            if path.is_file():
                kept = _demo_media / path.relative_to(media)
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, kept)

    return load


@pytest.fixture
def reader(db):
    """A logged-in reader account with no staff rights."""
    return make_user("reader")


@pytest.fixture
def editor(db):
    return make_user("editor", groups=[EDITORS], is_staff=True)


@pytest.fixture
def writer(db):
    return make_user("writer", groups=[WRITERS], is_staff=True)


@pytest.fixture
def moderator(db):
    return make_user("moderator", groups=[MODERATORS], is_staff=True)


@pytest.fixture
def superuser(db):
    return make_user("boss", is_staff=True, is_superuser=True)


@pytest.fixture
def groups(db):
    return {group.name: group for group in Group.objects.all()}


# --- S3-compatible storage (moto) ---------------------------------------------------------


@pytest.fixture(scope="session")
def moto():
    """moto's standalone S3 server, started once per session on a free loopback port.

    Started here rather than in .ci/run so `make test` works the same locally and in CI.
    """
    require((servers.BIN / "moto_server").exists(), "moto_server (make install-dev)")
    with servers.moto_server() as server:
        yield server


@dataclass
class Bucket:
    """A bucket in moto, and the variables that point the site at it."""

    name: str
    endpoint_url: str
    client: object

    #: moto accepts any credentials; these are what the site is given.
    ACCESS = {"access_key": "testing", "secret_key": "testing", "region": "us-east-1"}

    def storage(self, **overrides) -> dict:
        return mediastorage.s3_storage(
            bucket=self.name, endpoint_url=self.endpoint_url, **(self.ACCESS | overrides)
        )

    def env(self) -> dict[str, str]:
        return {
            "MEDIA_S3_BUCKET": self.name,
            "MEDIA_S3_ENDPOINT_URL": self.endpoint_url,
            "MEDIA_S3_REGION": self.ACCESS["region"],
            "MEDIA_S3_ACCESS_KEY_ID": self.ACCESS["access_key"],
            "MEDIA_S3_SECRET_ACCESS_KEY": self.ACCESS["secret_key"],
        }

    def public_read_policy(self) -> str:
        """The bucket policy docs/operations.md's Media storage section gives: readers' browsers (or
        a CDN) may fetch the photos; nobody can list the bucket or write to it."""
        statement = {
            "Sid": "PublicReadMedia",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{self.name}/*",
        }
        return json.dumps({"Version": "2012-10-17", "Statement": [statement]})

    def names(self) -> set[str]:
        """Every key in the bucket, read straight from S3."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}


@pytest.fixture
def s3_bucket(moto, settings):
    """A new, empty, publicly readable bucket in moto: the default storage for this test."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=moto.url,
        region_name=Bucket.ACCESS["region"],
        aws_access_key_id=Bucket.ACCESS["access_key"],
        aws_secret_access_key=Bucket.ACCESS["secret_key"],
    )
    bucket = Bucket(name=f"media-{uuid.uuid4().hex[:12]}", endpoint_url=moto.url, client=client)
    client.create_bucket(Bucket=bucket.name)
    client.put_bucket_policy(Bucket=bucket.name, Policy=bucket.public_read_policy())
    settings.STORAGES = settings.STORAGES | {"default": bucket.storage()}
    yield bucket
    for key in bucket.names():
        client.delete_object(Bucket=bucket.name, Key=key)
    client.delete_bucket(Bucket=bucket.name)


# --- Browser harness ----------------------------------------------------------------------

# Debian's chromium-headless-shell is the build Playwright itself runs headless: the same
# Blink without the full browser's windowing layers (the browser tests take 28 % less time
# on two cores). The full browser stands in where the shell is not installed.
CHROMIUM = (
    os.environ.get("CHROMIUM_PATH")
    or shutil.which("chromium-headless-shell")
    or "/usr/bin/chromium"
)
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def browser():
    require(
        bool(shutil.which(CHROMIUM)),
        f"Chromium at {CHROMIUM} (apt-get install chromium-headless-shell, or set CHROMIUM_PATH)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def page(browser, viewport):
    """A fresh browser context (no cookies) at a phone or desktop width."""
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot(request, viewport):
    """screenshot(page, "name") saves a full-page PNG under test-artifacts/screenshots/."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(tab, name: str) -> Path:
        path = folder / f"{name}-{viewport}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return take


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core, from the copy the axe-playwright-python package bundles (never a CDN)."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@pytest.fixture
def axe(axe_script):
    """axe(page) → the WCAG 2.2 AA and best-practice violations on the page, as text."""

    def run(tab) -> list[str]:
        from playwright.sync_api import Error

        for attempt in (1, 2):
            tab.wait_for_load_state()
            try:
                tab.evaluate(axe_script)  # through the DevTools protocol, not the page's CSP
                # Only the violations, in full: axe's passes and inapplicable rules run to
                # megabytes of JSON that Playwright would carry and check for nothing.
                violations = tab.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                    " resultTypes: ['violations']}).then(result => result.violations)",
                    AXE_TAGS,
                )
                break
            except Error:
                # A navigation the test started (a click on a link or a button) replaced
                # the page while axe ran: once more, on the page it led to.
                if attempt == 2:
                    raise
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in violations
        ]

    return run


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) for the whole session; see tests/mailserver.py."""
    from tests.mailserver import SMTPServer

    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server, transactional_db):
    """The SMTP server with an empty inbox; rows are committed so the worker sees them."""
    smtp_server.clear()
    yield smtp_server
    smtp_server.clear()
