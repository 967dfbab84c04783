"""The rate limits hold however `make serve` runs: without Redis it runs one process
whose threads share the counters, and refuses to start several."""

import pytest
import requests

from polls.models import Vote
from tests.factories import make_review
from tests.servers import _serve_script, free_port, running, shared_database_env

pytestmark = pytest.mark.django_db(transaction=True)


def without_redis(env: dict) -> dict:
    return {k: v for k, v in env.items() if k not in ("REDIS_URL", "WEB_CONCURRENCY")}


def test_forty_votes_from_one_address_meet_the_limit_without_redis(production_env):
    review = make_review()
    # The default 30 votes, in a window of 100 days: forty votes never straddle two windows.
    env = without_redis(production_env | shared_database_env()) | {"RATELIMIT_VOTE_IP": "30/100d"}
    port = free_port()
    command = _serve_script().gunicorn_command(port, env)
    with running(command, url=f"http://127.0.0.1:{port}", ready_path="/healthz", env=env) as server:
        statuses = [
            requests.post(
                f"{server.url}{review.get_absolute_url()}poll/vote/",
                {"choice": review.poll.choices.first().pk},
                headers={"Sec-Fetch-Site": "same-origin"},
                allow_redirects=False,
                timeout=10,
            ).status_code
            for _ in range(40)
        ]
    assert statuses == [302] * 30 + [429] * 10
    assert Vote.objects.count() == 30


def test_several_processes_without_a_shared_cache_are_refused(production_env):
    env = without_redis(production_env) | {"WEB_CONCURRENCY": "2"}
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY=2 needs REDIS_URL"):
        _serve_script().gunicorn_command(free_port(), env)
    with_redis = env | {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert "--workers=2" in _serve_script().gunicorn_command(free_port(), with_redis)
