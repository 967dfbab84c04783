"""The documented production settings pass Django's deployment checklist."""

import subprocess
import sys

from tests.conftest import ROOT

#: docs/operations.md's deployment settings, as a sysadmin would set them.
PRODUCTION = {
    "DJANGO_ALLOWED_HOSTS": "reviews.example.com",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
    "DJANGO_SECURE_COOKIES": "1",
    "REVIEWSITE_SITE_URL": "https://reviews.example.com",
}


def check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_passes_at_warning_level(production_env):
    result = check_deploy(production_env | PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_a_production_setup_without_https(production_env):
    result = check_deploy(production_env)
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr + result.stdout


def test_check_deploy_asks_for_the_address_links_in_e_mails_use(production_env):
    env = {k: v for k, v in (production_env | PRODUCTION).items() if k != "REVIEWSITE_SITE_URL"}
    result = check_deploy(env)
    assert result.returncode != 0
    output = result.stderr + result.stdout
    assert "REVIEWSITE_SITE_URL is http://127.0.0.1:" in output and "reviewsite.W001" in output
