"""/healthz tells monitors the truth when the database cannot be reached."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(response.status_code, response.headers.get("Retry-After"))
"""


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    # A real SQLite database whose folder does not exist cannot be opened.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/missing-folder/db.sqlite3"
    env["DJANGO_SETTINGS_MODULE"] = "reviewsite.settings"
    env["DJANGO_ALLOWED_HOSTS"] = "testserver"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["503", "30"], result.stderr
