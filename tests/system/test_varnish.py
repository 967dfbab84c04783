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
from infra import freshness
from polls.models import Vote
from reviews.models import Platform, Review
from tests.conftest import require
from tests.factories import make_comment, make_review, make_user, saved_by_an_editor
from tests.forms import form_data
from tests.servers import (
    TcpRelay,
    app_server,
    free_port,
    probe_says_sick,
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
    server_env |= {"REVIEWSITE_COMMENT_MIN_SECONDS": "0"}  # a quick test is not a robot
    server_env |= {"REVIEWSITE_HTTP_CACHES": cache.url} | env
    app = stack.enter_context(app_server(server_env, port=app_port))
    wait_until(lambda: requests.get(cache.url + "/healthz", timeout=2).status_code == 200, 10)
    app.varnish = cache  # for a test that asks Varnish itself (probe_says_sick)
    return cache.url, app


@pytest.fixture
def cache(production_env, settings):
    with ExitStack() as stack:
        url, _app = start_pair(stack, production_env)
        settings.HTTP_CACHES = [url]  # writes made by this test process purge it too
        yield url


def new_reader(url: str) -> requests.Response:
    return requests.get(url, timeout=5)


def after(moment: datetime.datetime) -> float:
    """Seconds from now until WITHIN seconds past moment: how long a change due then may take."""
    return (moment - datetime.datetime.now(datetime.UTC)).total_seconds() + WITHIN


def shows(url: str, text: str, *, present: bool = True) -> bool:
    """Does a new reader see (or no longer see) text at url within WITHIN seconds?"""
    return wait_until(lambda: (text in new_reader(url).text) == present, WITHIN)


def test_a_second_new_reader_gets_the_cached_page_with_no_cookie(cache):
    review = make_review(headline="Served by Varnish")
    url = cache + review.get_absolute_url()
    first = new_reader(url)
    assert first.status_code == 200 and "Served by Varnish" in first.text
    assert first.headers["X-Cache"] == "MISS"
    second = new_reader(url)
    assert second.headers["X-Cache"] == "HIT"
    # Age counts whole seconds: new readers keep getting this copy as it ages.
    assert wait_until(lambda: int(new_reader(url).headers["Age"]) >= 1, 2)
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
    assert second.text == first.text


def test_compressed_for_readers_who_accept_it(cache):
    review = make_review()
    response = requests.get(cache + review.get_absolute_url(), timeout=5)  # gzip is default
    assert response.headers.get("Content-Encoding") == "gzip"


def test_readers_get_what_browsers_use_and_none_of_the_caches_internals(cache):
    review = make_review()
    url = cache + review.get_absolute_url()
    new_reader(url)
    headers = new_reader(url).headers
    internal = ["xkey", "Surrogate-Key", "Surrogate-Control", "X-Varnish", "Via", "Server"]
    assert [name for name in internal if name in headers] == []
    # What the browser needs, and what says how the copy was served, stay.
    for name in ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"]:
        assert headers[name]
    assert "s-maxage" in headers["Cache-Control"] and headers["ETag"]
    assert headers["X-Cache"] == "HIT" and headers["Age"].isdigit()
    # The application still names the keys: a purge reaches this copy by them.
    requests.request("PURGE", cache + "/", headers={"xkey": review.cache_key}, timeout=5)
    assert new_reader(url).headers["X-Cache"] == "MISS"


def test_a_reader_with_a_cookie_gets_their_own_poll_in_a_private_answer(cache):
    """The page is the shared copy with their poll included (tests/system/test_esi.py)."""
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
    assert "Your vote" in again.text
    assert "private" in again.headers["Cache-Control"]


class TestEveryWriteShowsWithinASecond:
    def test_an_edit_and_an_unpublish(self, cache):
        review = make_review(headline="Before the edit")
        url = cache + review.get_absolute_url()
        assert "Before the edit" in new_reader(url).text
        assert "Before the edit" in new_reader(cache + "/").text
        review.headline = "After the edit"
        review.save()
        saved_by_an_editor(review)
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
        due = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2)
        soon.publish(at=due)
        assert "Out in a moment" not in new_reader(home).text  # cached, bounded by its time
        assert wait_until(lambda: "Out in a moment" in new_reader(home).text, after(due))

    def test_a_comment_a_reply_a_removal_and_a_restore(self, cache, moderator):
        review = make_review()
        url = cache + review.get_absolute_url()
        new_reader(url)  # the form below comes from the cached copy
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
        closed = after(review.poll.closes_at)
        assert wait_until(lambda: 'name="choice"' not in new_reader(url).text, closed)
        assert wait_until(lambda: new_reader(url + "poll/results.json").json()["open"] is False, 1)

    def test_a_renamed_critic_and_platform(self, cache):
        critic = make_user("critic", first_name="Ann", last_name="Old")
        review = make_review(author=critic, platform=Platform.objects.create(name="Old TV"))
        url = cache + review.get_absolute_url()
        assert "Ann Old" in new_reader(url).text and "Old TV" in new_reader(url).text
        critic.last_name = "Newname"
        critic.save()
        freshness.critic_changed(critic)  # as the user and profile admins' saves do
        assert shows(url, "Ann Newname") and shows(cache + "/authors/ann-newname/", "Ann Newname")
        platform = review.platform
        platform.name = "New TV"
        platform.save()
        freshness.review_changed(*platform.reviews.all())  # as the label admin's save does
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
        cache, app = start_pair(
            stack,
            production_env,
            DATABASE_URL=database_url,
            REVIEWSITE_HTTP_CACHE_SECONDS="1",
            REVIEWSITE_HTTP_CACHE_STALE="0",
            DATABASE_POOL_TIMEOUT="1",
        )
        url = cache + review.get_absolute_url()
        assert review.headline in new_reader(url).text
        relay.cut()
        assert requests.get(cache + "/healthz", timeout=5).status_code == 503

        # Past s-maxage (1 s) and its stale-while-revalidate (none), only the outage grace
        # can serve the page: once Varnish's probe has seen /healthz fail, at once. (Before,
        # a reader may still get it from grace, after the application's quick 503.)
        assert wait_until(lambda: probe_says_sick(app.varnish), 15)
        for _ in range(3):
            started = time.monotonic()
            served = new_reader(url)
            assert time.monotonic() - started < 0.5
            assert served.status_code == 200 and review.headline in served.text
            assert int(served.headers["Age"]) >= 2
        uncached = new_reader(cache + "/reviews/never-cached/")
        assert uncached.status_code in (404, 503)
    assert Review.objects.filter(pk=review.pk).exists()


def test_a_scheduled_change_to_a_live_review_goes_live_by_itself(cache, production_env):
    """As the review form stores it: the change waits in a revision, readers keep the
    live page; at its time the task worker (no one at a keyboard) applies it and purges."""
    import subprocess
    import sys

    from django.db import transaction
    from django.utils import timezone

    from reviews import revisions
    from reviews import services as review_services
    from tests.servers import stop

    editor = make_user("embargo-editor", is_staff=True)
    review = make_review(headline="Before the embargo")
    live = revisions.review_save_revision(review=review, by=editor, comment="Published.")
    url = cache + review.get_absolute_url()
    assert "Before the embargo" in new_reader(url).text  # cached from now on
    at = timezone.now() + datetime.timedelta(seconds=4)
    with transaction.atomic():  # the admin's save, then the schedule, in one transaction
        Review.objects.filter(pk=review.pk).update(headline="After the embargo")
        revisions.review_save_revision(review=review, by=editor, comment="Changed headline.")
        review_services.review_schedule_change(review=review, by=editor, at=at, live=live)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
        env=production_env | shared_database_env() | {"REVIEWSITE_HTTP_CACHES": cache},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while timezone.now() < at - datetime.timedelta(seconds=0.5):
            page = new_reader(url).text
            assert "Before the embargo" in page and "After the embargo" not in page
            time.sleep(0.25)
        assert wait_until(lambda: "After the embargo" in new_reader(url).text, 15)
        assert timezone.now() >= at
    finally:
        stop(worker)
