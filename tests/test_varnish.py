"""Through a real Varnish (the repository's VCL) in front of a real gunicorn: new readers
share cached pages, every write reaches them within a second, cross-site posts are
refused, and cached pages outlive an unreachable database (grace)."""

import datetime
import shutil
import time
import uuid
from contextlib import ExitStack

import pytest
import requests
from django.db import connection

from comments import services
from comments.models import Comment
from polls.models import Vote
from reviews.models import Platform, Review
from tests.conftest import require
from tests.factories import make_comment, make_review, make_user
from tests.forms import form_data
from tests.servers import (
    TcpRelay,
    app_server,
    free_port,
    shared_database_env,
    varnish_server,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)

WITHIN = 1.0  # seconds for a write to show through the cache


def start_pair(stack: ExitStack, production_env, **env) -> tuple[str, object]:
    require(bool(shutil.which("varnishd")), "Varnish (apt-get install varnish varnish-modules)")
    app_port, cache_port = free_port(), free_port()
    cache = stack.enter_context(varnish_server(app_port, port=cache_port))
    server_env = production_env | shared_database_env() | {"RATELIMIT_ENABLE": "0"}
    server_env |= {"REVIEWSITE_HTTP_CACHES": cache.url} | env
    app = stack.enter_context(app_server(server_env, port=app_port))
    wait_until(lambda: requests.get(cache.url + "/healthz", timeout=2).status_code == 200, 10)
    return cache.url, app


@pytest.fixture
def cache(production_env, settings):
    with ExitStack() as stack:
        url, _app = start_pair(stack, production_env)
        settings.HTTP_CACHES = [url]  # writes made by this test process purge it too
        yield url


def new_reader(url: str) -> requests.Response:
    return requests.get(url, timeout=5)


def shows(url: str, text: str, *, present: bool = True) -> bool:
    """Does a new reader see (or no longer see) text at url within WITHIN seconds?"""
    return wait_until(lambda: (text in new_reader(url).text) == present, WITHIN)


def test_a_second_new_reader_gets_the_cached_page_with_no_cookie(cache):
    review = make_review(headline="Served by Varnish")
    url = cache + review.get_absolute_url()
    first = new_reader(url)
    assert first.status_code == 200 and "Served by Varnish" in first.text
    assert first.headers["X-Cache"] == "MISS"
    time.sleep(1.1)
    second = new_reader(url)
    assert second.headers["X-Cache"] == "HIT"
    assert int(second.headers["Age"]) >= 1
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
    assert second.text == first.text


def test_compressed_for_readers_who_accept_it(cache):
    review = make_review()
    response = requests.get(cache + review.get_absolute_url(), timeout=5)  # gzip is default
    assert response.headers.get("Content-Encoding") == "gzip"


def test_a_reader_with_a_cookie_is_passed_to_the_application(cache):
    review = make_review()
    url = cache + review.get_absolute_url()
    new_reader(url)
    reader = requests.Session()
    choice = review.poll.choices.get(text="Yes").pk
    voted = reader.post(
        url + "poll/vote/", {"choice": choice}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert voted.status_code == 200 and "reader" in reader.cookies
    again = reader.get(url, timeout=5)
    assert again.headers["X-Cache"] == "MISS" and "Your vote" in again.text
    assert "private" in again.headers["Cache-Control"]


class TestEveryWriteShowsWithinASecond:
    def test_an_edit_and_an_unpublish(self, cache):
        review = make_review(headline="Before the edit")
        url = cache + review.get_absolute_url()
        assert "Before the edit" in new_reader(url).text
        assert "Before the edit" in new_reader(cache + "/").text
        review.headline = "After the edit"
        review.save()
        assert shows(url, "After the edit") and shows(cache + "/", "After the edit")
        review.unpublish()
        assert wait_until(lambda: new_reader(url).status_code == 404, WITHIN)
        assert shows(cache + "/", "After the edit", present=False)

    def test_a_publish_and_a_scheduled_publish_coming_due(self, cache):
        make_review(headline="Already out")
        home = cache + "/"
        assert "Already out" in new_reader(home).text
        draft = make_review(published=False, headline="Out today")
        assert "Out today" not in new_reader(home).text
        draft.publish()
        assert shows(home, "Out today")
        soon = make_review(published=False, headline="Out in a moment")
        soon.publish(at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2))
        assert "Out in a moment" not in new_reader(home).text  # cached, bounded by its time
        time.sleep(2)
        assert shows(home, "Out in a moment")

    def test_a_comment_a_reply_a_removal_and_a_restore(self, cache, moderator):
        review = make_review()
        url = cache + review.get_absolute_url()
        new_reader(url)
        time.sleep(3.1)  # the cached form is older than the 3-second rule by now
        reader = requests.Session()
        form = form_data(new_reader(url).text, "comment-form")
        form |= {"name": "Ines", "body": "Posted from a cached page.", "rating": "4"}
        posted = reader.post(
            cache + f"/reviews/{review.slug}/comments/",
            form,
            headers={"Sec-Fetch-Site": "same-origin"},
            timeout=10,
        )
        assert posted.status_code == 200, posted.text[:500]
        assert Comment.objects.filter(body="Posted from a cached page.").exists()
        assert shows(url, "Posted from a cached page.")
        comment = Comment.objects.get(body="Posted from a cached page.")
        make_comment(review, body="A reply to Ines.", parent=comment)
        assert shows(url, "A reply to Ines.")
        services.comment_remove(comment=comment, by=moderator, reason="spam")
        assert shows(url, "Posted from a cached page.", present=False)
        services.comment_restore(comment=Comment.objects.get(pk=comment.pk), by=moderator)
        assert shows(url, "Posted from a cached page.")

    def test_reports_that_hide_a_comment(self, cache, settings):
        review = make_review()
        comment = make_comment(review, body="Reported into hiding.")
        url = cache + review.get_absolute_url()
        assert "Reported into hiding." in new_reader(url).text
        for _ in range(3):  # three readers, the default threshold
            reported = requests.post(
                cache + f"/comments/{comment.pk}/report/",
                {"reason": "spam", "note": ""},
                headers={"Sec-Fetch-Site": "same-origin"},
                timeout=10,
            )
            assert reported.status_code == 200
        assert shows(url, "Reported into hiding.", present=False)

    def test_a_vote_moves_results_json(self, cache):
        review = make_review()
        results = cache + review.get_absolute_url() + "poll/results.json"
        assert new_reader(results).json()["total"] == 0
        choice = review.poll.choices.get(text="Maybe").pk
        requests.post(
            cache + review.get_absolute_url() + "poll/vote/",
            {"choice": choice},
            headers={"Sec-Fetch-Site": "same-origin"},
            timeout=10,
        )
        assert wait_until(lambda: new_reader(results).json()["total"] == 1, WITHIN)

    def test_a_poll_closing_by_the_clock(self, cache):
        review = make_review()
        review.poll.closes_at = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2)
        review.poll.save()
        url = cache + review.get_absolute_url()
        assert 'name="choice"' in new_reader(url).text
        assert new_reader(url + "poll/results.json").json()["open"] is True
        time.sleep(2)
        assert shows(url, 'name="choice"', present=False)
        assert wait_until(lambda: new_reader(url + "poll/results.json").json()["open"] is False, 1)

    def test_a_renamed_critic_and_platform(self, cache):
        critic = make_user("critic", first_name="Ann", last_name="Old")
        review = make_review(author=critic, platform=Platform.objects.create(name="Old TV"))
        url = cache + review.get_absolute_url()
        assert "Ann Old" in new_reader(url).text and "Old TV" in new_reader(url).text
        critic.last_name = "Newname"
        critic.save()
        assert shows(url, "Ann Newname") and shows(cache + "/authors/critic/", "Ann Newname")
        platform = review.platform
        platform.name = "New TV"
        platform.save()
        assert shows(url, "New TV")


class TestCrossSitePosts:
    def test_a_cross_site_post_is_refused_and_nothing_is_stored(self, cache):
        review = make_review()
        url = cache + review.get_absolute_url()
        form = form_data(new_reader(url).text, "comment-form") | {"body": "Forged."}
        for headers in (
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
            {"Origin": "https://evil.example"},
        ):
            comment = requests.post(
                cache + f"/reviews/{review.slug}/comments/", form, headers=headers, timeout=10
            )
            vote = requests.post(
                url + "poll/vote/",
                {"choice": review.poll.choices.first().pk},
                headers=headers,
                timeout=10,
            )
            for response in (comment, vote):
                assert response.status_code == 403, headers
                assert "This form was not sent from our site" in response.text
        assert Comment.objects.count() == 0 and Vote.objects.count() == 0


def test_cached_pages_are_served_while_the_database_is_unreachable(production_env, settings):
    """PostgreSQL's connections are cut (a stopped or unreachable server): pages in the
    cache are still served, from grace, and quickly."""
    if connection.vendor != "postgresql":
        pytest.skip("the application's database connection is cut on PostgreSQL's leg")
    db = connection.settings_dict
    relay = TcpRelay(int(db["PORT"] or 5432))
    database_url = shared_database_env()["DATABASE_URL"].replace(
        f":{db['PORT'] or 5432}/", f":{relay.port}/"
    )
    review = make_review(headline=f"Kept in grace {uuid.uuid4().hex[:6]}")
    with ExitStack() as stack:
        cache, _app = start_pair(
            stack,
            production_env,
            DATABASE_URL=database_url,
            REVIEWSITE_HTTP_CACHE_SECONDS="1",
            DATABASE_POOL_TIMEOUT="1",
        )
        url = cache + review.get_absolute_url()
        assert review.headline in new_reader(url).text
        relay.cut()
        assert requests.get(cache + "/healthz", timeout=5).status_code == 503
        # Past s-maxage (1 s) and the 10 s a healthy site's pages may be served stale:
        # only the outage grace (Varnish's probe sees /healthz fail) can serve it now.
        time.sleep(12)
        started = time.monotonic()
        served = new_reader(url)
        assert time.monotonic() - started < 0.5
        assert served.status_code == 200 and review.headline in served.text
        assert int(served.headers["Age"]) >= 12
        uncached = new_reader(cache + "/reviews/never-cached/")
        assert uncached.status_code in (404, 503)
    assert Review.objects.filter(pk=review.pk).exists()
