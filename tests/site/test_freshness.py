"""Freshness events (infra/freshness.py): one PURGE per request whatever it wrote, nothing
for a write rolled back, and the caching doc's table is the table the code reads."""

import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from infra import freshness
from tests.comments.moderating import CHANGELIST, bulk
from tests.factories import make_comment, make_review
from tests.servers import purge_recorder

pytestmark = pytest.mark.django_db(transaction=True)  # purges go out on commit


@pytest.fixture
def cache(settings):
    """A recording stand-in for the HTTP cache, the only one the site purges."""
    with purge_recorder() as recorder:
        settings.HTTP_CACHES = [recorder.url]
        yield recorder


class TestOnePurgePerRequest:
    def test_a_bulk_removal_over_two_reviews_is_one_purge(self, cache, client, moderator):
        """Three comments on two reviews: three services, three transactions, one PURGE."""
        first, second = make_review(), make_review()
        comments = [make_comment(first), make_comment(first), make_comment(second)]
        client.force_login(moderator)
        cache.purges.clear()
        response = client.post(
            CHANGELIST, bulk("remove_selected", *comments, confirm="yes", reason="spam")
        )
        assert response.status_code == 302
        assert cache.keys() == [{f"review-{first.pk}", f"review-{second.pk}"}]

    def test_a_vote_is_one_purge_of_its_poll(self, cache, client):
        review = make_review()
        cache.purges.clear()
        client.post(
            review.get_absolute_url() + "poll/vote/",
            {"choice": review.poll.choices.first().pk},
            headers={"Sec-Fetch-Site": "same-origin"},
        )
        assert cache.keys() == [{f"poll-{review.poll.pk}"}]

    def test_a_process_sends_its_purges_over_one_connection(self, cache, client):
        review = make_review()
        for text in ("Yes", "No", "Maybe"):
            client.cookies.clear()  # three readers
            client.post(
                review.get_absolute_url() + "poll/vote/",
                {"choice": review.poll.choices.get(text=text).pk},
                headers={"Sec-Fetch-Site": "same-origin"},
            )
        assert cache.keys()[-3:] == [{f"poll-{review.poll.pk}"}] * 3
        assert len(cache.connections) == 1

    def test_a_cache_that_closed_the_idle_connection_still_gets_the_next_purge(self, cache):
        review = make_review()
        cache.hang_up.append(True)  # it closes each connection after answering
        for _ in range(3):
            with transaction.atomic():
                freshness.review_changed(review)
        assert cache.keys()[-3:] == [{f"review-{review.pk}", "listing"}] * 3
        assert len(cache.connections) >= 3

    def test_a_batch_of_events_in_several_transactions_is_one_purge(self, cache):
        review = make_review()
        cache.purges.clear()
        with freshness.batch():
            with transaction.atomic():
                freshness.review_changed(review)
            with transaction.atomic():
                freshness.comments_changed(review)
                freshness.poll_results_changed(review.poll)
            assert cache.purges == []  # nothing before the batch ends
        assert cache.keys() == [{f"review-{review.pk}", "listing", f"poll-{review.poll.pk}"}]


class TestRolledBack:
    def test_nothing_is_sent_for_a_transaction_rolled_back(self, cache):
        review = make_review()
        cache.purges.clear()
        with pytest.raises(RuntimeError), transaction.atomic():
            freshness.review_changed(review)
            raise RuntimeError("the write failed")
        assert cache.purges == []

    def test_a_savepoint_rolled_back_drops_its_keys(self, cache):
        kept, dropped = make_review(), make_review()
        cache.purges.clear()
        with freshness.batch(), transaction.atomic():
            freshness.review_changed(kept)
            with pytest.raises(RuntimeError), transaction.atomic():
                freshness.comments_changed(dropped)
                raise RuntimeError("the inner write failed")
        assert cache.keys() == [{f"review-{kept.pk}", "listing"}]


def documented_events() -> dict[str, freshness.Event]:
    """docs/caching.md's table of events, read as the code's EVENTS is written."""
    text = (settings.BASE_DIR / "docs" / "caching.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \| (.+?) \| (.+?) \|$", text, flags=re.MULTILINE)
    return {
        name: freshness.Event(tuple(re.findall(r"`([^`]+)`", keys)), renews)
        for name, keys, renews in rows
    }


@pytest.mark.django_db(transaction=False)
def test_the_caching_doc_lists_every_event_as_the_code_has_it():
    assert documented_events() == freshness.EVENTS


@pytest.mark.django_db(transaction=False)
def test_a_page_rendered_for_one_host_serves_its_fragments_to_every_other(client, settings):
    """Fragment keys name content and versions only: another host or scheme finds the
    fragments the first one cached, and their absolute URLs are the configured
    address's (REVIEWSITE_SITE_URL), never the request's."""
    settings.ALLOWED_HOSTS = ["testserver", "reviews.example.com"]
    review = make_review()
    url = review.get_absolute_url()
    client.get(url, HTTP_HOST="reviews.example.com", secure=True)
    with CaptureQueriesContext(connection) as same_host:
        client.get(url, HTTP_HOST="reviews.example.com", secure=True)
    with CaptureQueriesContext(connection) as other_host:
        html = client.get(url).content.decode()
    assert len(other_host) == len(same_host)
    assert f'"url":"{settings.SITE_URL}{url}"' in html
    assert "reviews.example.com" not in html
