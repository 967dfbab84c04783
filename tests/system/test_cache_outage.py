"""With Redis unreachable the site keeps working, uncached, and loses nothing."""

import pytest
from django.test import Client

from comments.models import Comment
from polls.models import Vote
from tests.comments.posting import post
from tests.factories import make_review

pytestmark = pytest.mark.django_db

DEAD = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
    "OPTIONS": {
        "SOCKET_CONNECT_TIMEOUT": 0.2,
        "SOCKET_TIMEOUT": 0.2,
        "IGNORE_EXCEPTIONS": True,
    },
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": DEAD, "fragments": DEAD | {"KEY_PREFIX": "f"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_pages_votes_and_comments_work_while_redis_is_down(redis_down, caplog):
    review = make_review(headline="Served without a cache")
    reader = Client()
    assert "Served without a cache" in reader.get(review.get_absolute_url()).content.decode()
    voted = reader.post(
        f"{review.get_absolute_url()}poll/vote/", {"choice": review.poll.choices.first().pk}
    )
    assert voted.status_code == 302 and Vote.objects.count() == 1
    assert post(reader, review, body="Still posting.").status_code == 302
    assert Comment.objects.get().body == "Still posting."
    html = Client().get(review.get_absolute_url()).content.decode()
    assert "Still posting." in html
    assert 'name="choice"' in html  # a new reader still gets the form
    assert "Exception ignored" in caplog.text  # django-redis logs what it ignored
