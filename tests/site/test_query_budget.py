"""Pages run a fixed number of SQL queries, however much content and conversation they hold.

Each page is measured with an empty (cold) cache and again warm, at 0, 50 and 500
comments: the count must stay within budget and must not grow with the size.
"""

import itertools

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from tests.factories import make_credit, make_figure, make_review, make_votes

pytestmark = pytest.mark.django_db

#: 10 for the review itself, plus what the publication around it costs on a cold cache:
#: the masthead's platforms and genres (one UNION), the related reviews (their cards and
#: their photos) and a season's neighbours. All four are cached until a review changes.
REVIEW_PAGE_BUDGET = 14
_readers = itertools.count()


def add_comments(review, count: int) -> None:
    """count comments: every fifth a reply, the rest rated 1–5, as readers would leave."""
    top = Comment.objects.bulk_create(
        Comment(
            review=review,
            name=f"Reader {n}",
            body=f"Comment number {n}.",
            rating=n % 5 + 1,
            reader=f"a:q{next(_readers)}",
        )
        for n in range(count - count // 5)
    )
    Comment.objects.bulk_create(
        Comment(
            review=review,
            name=f"Replier {n}",
            body="I agree.",
            parent=top[n],
            reader=f"a:q{next(_readers)}",
        )
        for n in range(count // 5)
    )


@pytest.fixture
def big_review():
    review = make_review(sections=6)
    for position in (0, 2, 4):
        make_figure(review, position=position)
    for n in range(8):
        make_credit(review, person=f"Actor {n}", role=f"Character {n}")
    make_votes(review.poll, {"Yes": 600, "No": 250, "Maybe": 150})
    return review


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def cold_and_warm(client, url: str) -> tuple[int, int]:
    """The queries of a first request on empty caches and of the same request again.

    Both within one minute: the comment list's cached copy is keyed by the minute (it says
    "5 minutes ago"), so a pair that straddles one is measured again.
    """
    while True:
        minute = timezone.now().replace(second=0, microsecond=0)
        for cache in caches.all():
            cache.clear()
        counts = queries_for(client, url), queries_for(client, url)
        if timezone.now().replace(second=0, microsecond=0) == minute:
            return counts


@pytest.mark.parametrize("comments", [0, 50, 500])
def test_review_page_stays_within_budget_for_an_anonymous_reader(client, big_review, comments):
    add_comments(big_review, comments)
    cold, warm = cold_and_warm(client, big_review.get_absolute_url())
    assert cold <= REVIEW_PAGE_BUDGET, cold
    assert warm <= cold
    assert warm <= 4, warm


def test_review_page_costs_the_same_at_0_50_and_500_comments(client, big_review):
    counts = []
    for total in (0, 50, 500):
        add_comments(big_review, total - Comment.objects.count())
        counts.append(cold_and_warm(client, big_review.get_absolute_url()))
    # With no comments at all the empty list needs no query; beyond that, none is added.
    assert counts[0] <= counts[1] == counts[2], counts


def test_a_returning_reader_who_voted_and_rated_stays_within_budget(client, big_review):
    add_comments(big_review, 50)
    client.post(
        f"{big_review.get_absolute_url()}poll/vote/", {"choice": big_review.poll.choices.first().pk}
    )
    cold, warm = cold_and_warm(client, big_review.get_absolute_url())
    assert cold <= REVIEW_PAGE_BUDGET and warm <= cold, (cold, warm)


def test_second_comment_page_stays_within_budget(client, big_review):
    add_comments(big_review, 500)
    cold, _warm = cold_and_warm(client, big_review.get_absolute_url() + "?comments=2")
    assert cold <= REVIEW_PAGE_BUDGET


def test_home_page_costs_the_same_with_3_or_30_reviews(client):
    for _ in range(3):
        review = make_review(sections=1)
        make_figure(review, position=0)
        add_comments(review, 10)
    few = queries_for(client, "/")
    for _ in range(27):
        review = make_review(sections=1)
        make_figure(review, position=0)
    # count, page, lead photos, the next scheduled publication (s-maxage), the masthead's
    # lists (cached for the next request), the editors' lead and picks (one query, none
    # chosen here), "Most discussed this week"
    assert queries_for(client, "/") == few <= 7


@pytest.mark.parametrize("comments", [5, 200])
def test_comments_admin_list_costs_the_same_with_few_or_many(client, superuser, comments):
    review = make_review(sections=0)
    add_comments(review, comments)
    client.force_login(superuser)
    assert queries_for(client, "/admin/comments/comment/") <= 12
