"""Start-up refuses bad configuration with one line that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start(*command: str, **env) -> subprocess.CompletedProcess:
    """Run `manage.py check` (or python with these arguments) in a fresh process with only
    the given variables set."""
    ours = ("DJANGO_", "RATELIMIT_", "REVIEWSITE_", "MEDIA_S3_")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    clean["DJANGO_SETTINGS_MODULE"] = "reviewsite.settings"
    return subprocess.run(
        [sys.executable, *(command or ("manage.py", "check"))],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_development_defaults_start_with_nothing_set():
    result = start()
    assert result.returncode == 0, result.stderr


def test_production_without_secret_key_refuses_in_one_line_naming_it():
    result = start(DJANGO_DEBUG="0")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DJANGO_SECRET_KEY" in lines[0]
    assert "Traceback" not in result.stderr


def test_production_with_a_real_secret_key_starts():
    result = start(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 30 + "abcdefghijklmnopqrstuvwxyz")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "mysqlish://nowhere"),
        ("REDIS_URL", "localhost:6379"),
        ("RATELIMIT_VOTE_IP", "lots"),
        ("RATELIMIT_ENABLE", "sometimes"),
        ("DJANGO_TRUSTED_PROXIES", "not-an-address"),
        ("DJANGO_DEBUGG", "1"),  # a typo of a real name
        ("MEDIA_S3_BUCKET", "Not_A_Bucket!"),
        ("MEDIA_S3_BUKET", "media"),  # a typo of a real name
        ("MEDIA_S3_REGION", "eu-west-1"),  # without a bucket
        ("DJANGO_MEDIA_URL", "https://cdn.example.com/media"),  # no trailing slash
    ],
)
def test_malformed_or_unknown_variable_is_named_without_traceback(name, value):
    result = start(**{name: value})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], result.stderr
    assert "Traceback" not in result.stderr


S3 = {"MEDIA_S3_BUCKET": "newsroom-media"}


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        (S3 | {"MEDIA_S3_ENDPOINT_URL": "s3.example.com"}, "MEDIA_S3_ENDPOINT_URL"),
        (S3 | {"MEDIA_S3_ENDPOINT_URL": "http://minio:9000/bucket"}, "MEDIA_S3_ENDPOINT_URL"),
        (S3 | {"MEDIA_S3_ENDPOINT_URL": "http://minio:port"}, "MEDIA_S3_ENDPOINT_URL"),
        (S3 | {"MEDIA_S3_REGION": "Frankfurt"}, "MEDIA_S3_REGION"),
        (S3 | {"MEDIA_S3_ACCESS_KEY_ID": "AKIA123"}, "MEDIA_S3_SECRET_ACCESS_KEY"),
        (S3 | {"MEDIA_S3_SECRET_ACCESS_KEY": "secret"}, "MEDIA_S3_ACCESS_KEY_ID"),
        (S3 | {"DJANGO_MEDIA_URL": "/media/"}, "DJANGO_MEDIA_URL"),
    ],
)
def test_malformed_or_half_given_bucket_settings_are_named(variables, named):
    result = start(**variables)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], result.stderr


def test_bucket_settings_start_without_reaching_the_bucket():
    # Nothing listens on port 9: start-up must not talk to the storage at all.
    result = start(**S3, MEDIA_S3_ENDPOINT_URL="http://127.0.0.1:9", MEDIA_S3_REGION="eu-west-1")
    assert result.returncode == 0, result.stderr


def test_publication_name_and_tagline_come_from_the_environment():
    code = (
        "import django; django.setup();"
        "from reviewsite.context_processors import site; print(site(None))"
    )
    result = start(
        "-c",
        code,
        REVIEWSITE_SITE_NAME="The Screen Desk",
        REVIEWSITE_SITE_TAGLINE="Watch less, better",
    )
    assert result.returncode == 0, result.stderr
    assert "'SITE_NAME': 'The Screen Desk'" in result.stdout
    assert "'SITE_TAGLINE': 'Watch less, better'" in result.stdout


def test_a_production_site_may_leave_the_demo_out():
    assert "load_demo" in start("manage.py", "help").stdout
    without = start("manage.py", "help", REVIEWSITE_DEMO="0")
    assert without.returncode == 0, without.stderr
    assert "load_demo" not in without.stdout and "create_demo_accounts" not in without.stdout
    refused = start("manage.py", "load_demo", REVIEWSITE_DEMO="0")
    assert refused.returncode == 1 and "Unknown command: 'load_demo'" in refused.stderr
