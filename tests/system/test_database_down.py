"""When the database does not answer, readers get a readable 503 and keep what they typed.

Each case runs in a fresh process pointed at a real SQLite database that cannot be
opened (its folder does not exist), with production settings (DEBUG off).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
method, path, data = json.loads(sys.argv[1])
response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
print(json.dumps({"status": response.status_code, "retry": response.get("Retry-After"),
                  "body": response.content.decode()}))
"""


@pytest.fixture
def down(production_env, tmp_path):
    """request(method, path, data) against a site whose database cannot be opened."""
    env = {k: v for k, v in production_env.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/missing-folder/db.sqlite3"
    return lambda method, path, data=None: request_in_process(env, method, path, data)


def request_in_process(env, method, path, data=None) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps([method, path, data])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_is_503_when_the_database_is_unreachable(down):
    response = down("get", "/healthz")
    assert response["status"] == 503 and response["retry"] == "30"


def test_pages_answer_a_readable_503_with_retry_after(down):
    for path in ["/", "/reviews/ballard-season-1-review/"]:
        response = down("get", path)
        assert response["status"] == 503, path
        assert response["retry"] == "30"
        assert "We’ll be right back" in response["body"]
        assert "Traceback" not in response["body"]


def test_a_failed_comment_tells_the_reader_and_offers_their_text_back(down):
    text = "My long comment about <b>Ballard</b> that I do not want to type again."
    response = down(
        "post",
        "/reviews/ballard-season-1-review/comments/",
        {"name": "Ann", "body": text, "rating": "4"},
    )
    assert response["status"] == 503
    body = response["body"]
    assert "What you sent was not saved" in body
    assert "My long comment about &lt;b&gt;Ballard&lt;/b&gt;" in body  # shown, escaped
    assert 'name="body" value="My long comment' in body  # and ready to send again
    assert 'name="rating" value="4"' in body
    assert 'action="/reviews/ballard-season-1-review/comments/"' in body
