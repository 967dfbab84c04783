"""Two app processes (gunicorn, on two loopback ports) share one PostgreSQL and one Redis:
counts, comments, removals, rate limits and sessions agree whichever one a reader hits."""

import os
import re

import pytest
import requests
from django.db import connection

from comments.models import Comment
from polls.models import Vote
from tests.conftest import require
from tests.factories import make_review, make_user
from tests.forms import form_data
from tests.servers import app_server, log_in, shared_database_env

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 24


@pytest.fixture
def two_servers(production_env, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the several-process deployment is PostgreSQL and Redis")
    require(bool(os.environ.get("REDIS_URL")), "Redis (REDIS_URL)")
    env = (
        production_env
        | shared_database_env()
        | {
            # Windows of 100 days: a test never straddles two.
            "RATELIMIT_VOTE_IP": "1000/100d",
            "RATELIMIT_COMMENT_IP": "4/100d",
            "RATELIMIT_COMMENT_VOTER": "100/100d",
            "REVIEWSITE_COMMENT_MIN_SECONDS": "0",  # a quick test is not a robot
        }
    )
    with app_server(env) as first, app_server(env) as second:
        yield first, second


def fresh_form(base: str, path: str, form_id: str) -> tuple[requests.Session, dict]:
    session = requests.Session()
    html = session.get(base + path, timeout=10).text
    return session, form_data(html, form_id)


def test_two_servers_agree_on_votes_comments_removals_limits_and_sessions(two_servers, settings):
    first, second = two_servers
    review = make_review(headline="Shared by two servers")
    path = review.get_absolute_url()
    choices = list(review.poll.choices.all())

    # Votes from distinct readers through both servers count exactly.
    for n in range(VOTERS):
        server = (first, second)[n % 2]
        session = requests.Session()
        session.get(server.url + path, timeout=10)
        response = session.post(
            f"{server.url}{path}poll/vote/",
            data={"choice": choices[n % 3].pk},
            headers={"Sec-Fetch-Site": "same-origin"},
            timeout=10,
        )
        assert response.status_code == 200  # redirected back to the results
    # One reader voting again through the other server is still one vote.
    response = session.post(
        f"{first.url}{path}poll/vote/",
        data={"choice": choices[0].pk},
        headers={"Sec-Fetch-Site": "same-origin"},
        timeout=10,
    )
    assert "You have already voted" in response.text
    totals = [
        requests.get(f"{s.url}{path}poll/results.json", timeout=10).json() for s in two_servers
    ]
    assert totals[0] == totals[1]
    assert totals[0]["total"] == VOTERS == Vote.objects.count()
    assert [c["votes"] for c in totals[0]["choices"]] == [VOTERS // 3] * 3

    # A comment posted through one is on the other's page at once.
    assert "No comments yet" in requests.get(second.url + path, timeout=10).text
    commenter, data = fresh_form(first.url, path, "comment-form")
    data |= {"name": "Two-server reader", "body": "Posted through the first server."}
    response = commenter.post(f"{first.url}{path}comments/", data=data, timeout=10)
    assert response.status_code == 200 and "Posted through the first server." in response.text
    assert "Posted through the first server." in requests.get(second.url + path, timeout=10).text

    # A removal through the first is honoured by the second's cached fragments.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_user("mod2", password="a long moderator password", groups=["Moderators"], is_staff=True)
    moderator = log_in(first.url, "mod2", "a long moderator password")
    comment = Comment.objects.get()
    html = moderator.get(first.url + path, timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = moderator.post(
        f"{first.url}/comments/{comment.pk}/remove/",
        data={"reason": "spam", "csrfmiddlewaretoken": token},
        headers={"Referer": first.url + path},
        timeout=10,
    )
    assert response.status_code == 200
    assert (
        "Posted through the first server." not in requests.get(second.url + path, timeout=10).text
    )

    # The moderator's session, made on the first server, works on the second.
    assert moderator.get(f"{second.url}/admin/comments/comment/", timeout=10).status_code == 200

    # The comment rate limit (4 in 10 minutes from one address) holds across servers.
    statuses = []
    for n in range(4):
        server = (first, second)[n % 2]
        data |= {"body": f"Another comment, number {n}."}
        statuses.append(
            commenter.post(f"{server.url}{path}comments/", data=data, timeout=10).status_code
        )
    assert statuses == [200, 200, 200, 429]
    assert Comment.objects.count() == 4
