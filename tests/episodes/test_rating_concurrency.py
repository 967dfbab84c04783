"""A rating alone stays one row per reader when the same browser sends it many times at
once, and every distinct reader is counted (on PostgreSQL and SQLite alike)."""

import pytest
from django.http import HttpResponse
from django.test import Client

from comments.models import Comment
from readers import identity as readers
from reviews.models import Review
from tests.factories import make_review
from tests.polls.test_concurrency import post_at_once, roomy_pool  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.RATELIMIT_ENABLE = False  # every thread comes from 127.0.0.1


def same_browser(count: int) -> list[Client]:
    cookie = HttpResponse()
    cookie.set_signed_cookie("reader", "one-reader-in-many-tabs", salt=readers.SALT)
    clients = []
    for _ in range(count):
        client = Client()
        client.cookies["reader"] = cookie.cookies["reader"].value
        clients.append(client)
    return clients


def test_30_simultaneous_ratings_from_one_reader_are_one_rating(roomy_pool):  # noqa: F811
    review = make_review()
    statuses, errors = post_at_once(
        same_browser(30), f"/reviews/{review.slug}/rating/", {"rating": "4"}
    )
    assert errors == []
    assert statuses == [302] * 30
    assert Comment.objects.filter(review=review).count() == 1
    assert Review.objects.get(pk=review.pk).reader_rating.count == 1


def test_40_readers_rating_at_once_are_all_counted(roomy_pool):  # noqa: F811
    review = make_review()
    statuses, errors = post_at_once(
        [Client() for _ in range(40)], f"/reviews/{review.slug}/rating/", {"rating": "5"}
    )
    assert errors == []
    assert statuses == [302] * 40
    summary = Review.objects.get(pk=review.pk).reader_rating
    assert (summary.count, summary.average) == (40, 5)
