"""The review page's cached parts change exactly when their data does, and one reader is
never shown another reader's token, vote, rating or form errors."""

import datetime
import os
import re
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import OperationalError
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory
from django.utils import timezone

from comments import services
from comments.models import Comment
from reviews import views
from reviews.models import Platform, Review, Section
from reviewsite import pagecache
from tests.comments.posting import post
from tests.conftest import require
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db


def page(client, review, query: str = "") -> str:
    response = client.get(review.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def review():
    review = make_review(headline="Cached review")
    page(Client(), review)  # warm every cached part
    return review


class TestInvalidation:
    def test_a_new_comment_and_its_rating_appear_at_once(self, client, review):
        assert "No ratings yet" in page(client, review)
        post(client, review, body="Fresh words from a reader.", rating="5")
        html = page(Client(), review)
        assert "Fresh words from a reader." in html
        assert "1 comment" in html and "Rated <strong>5</strong> out of 5" in html

    def test_removal_and_restore_move_the_comment_and_the_rating(self, review, moderator):
        comment = make_comment(review, body="Contested words.", rating=1)
        make_comment(review, body="Kind words.", rating=5)
        assert "Rated <strong>3</strong>" in page(Client(), review)
        services.comment_remove(comment=comment, by=moderator, reason="spam")
        html = page(Client(), review)
        assert "Contested words." not in html and "Rated <strong>5</strong>" in html
        services.comment_restore(comment=Comment.objects.get(pk=comment.pk), by=moderator)
        html = page(Client(), review)
        assert "Contested words." in html and "Rated <strong>3</strong>" in html

    def test_erasing_a_commenter_changes_their_name_on_the_page(self, review):
        make_comment(review, name="Zelda Q", email="z@example.com", body="Mine.")
        assert "Zelda Q" in page(Client(), review)
        call_command("erase_commenter", "z@example.com", stdout=None)
        html = page(Client(), review)
        assert "Zelda Q" not in html and "Anonymous" in html

    def test_a_vote_moves_the_results_for_everyone(self, review):
        reader = Client()
        choice = review.poll.choices.get(text="No")
        reader.post(f"{review.get_absolute_url()}poll/vote/", {"choice": choice.pk})
        assert "1 vote" in page(reader, review)
        other = Client()
        other.post(f"{review.get_absolute_url()}poll/vote/", {"choice": choice.pk})
        assert re.search(r"2 votes", page(other, review))

    def test_an_edited_section_and_a_renamed_platform_show_at_once(self, review):
        section = Section.objects.filter(review=review).first()
        section.body = "Rewritten by the editor."
        section.save()
        review.platform = Platform.objects.create(name="Streamly")
        review.save()
        html = page(Client(), review)
        assert "Rewritten by the editor." in html and "Streamly" in html
        platform = review.platform
        platform.name = "Streamly Max"
        platform.save()
        assert "Streamly Max" in page(Client(), review)

    def test_unpublishing_hides_the_page_even_with_its_parts_cached(self, review):
        Review.objects.get(pk=review.pk).unpublish()
        assert Client().get(review.get_absolute_url()).status_code == 404

    def test_the_second_page_of_comments_is_cached_apart_from_the_first(self, review):
        for n in range(25):
            make_comment(review, body=f"Comment {n:02d}.")
        first, second = page(Client(), review), page(Client(), review, "?comments=2")
        assert "Comment 24." in first and "Comment 24." not in second
        assert "Comment 00." in second and "Comment 00." not in first


class TestNoReaderSeesAnother:
    def test_each_reader_gets_a_csrf_token_for_their_own_cookie(self, review):
        secrets = []
        for _ in range(2):
            reader = Client()
            html = page(reader, review)
            tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
            assert tokens  # the poll and the comment form each carry one
            cookie = reader.cookies["csrftoken"].value
            assert {_unmask_cipher_token(token) for token in tokens} == {cookie}
            secrets.append(cookie)
        assert secrets[0] != secrets[1]

    def test_a_cached_pages_token_passes_djangos_csrf_check(self, review):
        reader = Client(enforce_csrf_checks=True)
        for _ in range(2):  # a new reader, then the same reader with their csrftoken cookie
            html = page(reader, review)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
            assert _unmask_cipher_token(token) == reader.cookies["csrftoken"].value
        choice = review.poll.choices.first()
        response = reader.post(
            f"{review.get_absolute_url()}poll/vote/",
            {"choice": choice.pk, "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302
        choice.refresh_from_db()
        assert choice.vote_count == 1

    def test_one_readers_vote_leaves_the_form_for_the_next(self, review):
        voter = Client()
        voter.post(
            f"{review.get_absolute_url()}poll/vote/", {"choice": review.poll.choices.first().pk}
        )
        assert 'name="choice"' not in page(voter, review)  # results for the voter
        assert 'name="choice"' in page(Client(), review)  # the form for everyone else

    def test_one_readers_rating_and_errors_stay_theirs(self, review):
        rater = Client()
        post(rater, review, rating="4")
        assert "You rated this review" in page(rater, review)
        assert "You rated this review" not in page(Client(), review)
        refused = post(Client(), review, name="", body="Kept text of a refused post.")
        assert refused.status_code == 400
        html = page(Client(), review)
        assert "Kept text of a refused post." not in html
        assert "Please enter a name" not in html

    def test_a_readers_reply_link_query_never_leaks_into_the_cached_list(self, review):
        comment = make_comment(review, body="Parent comment.")
        page(Client(), review, f"?reply_to={comment.pk}&utm_source=<b>x</b>")
        html = page(Client(), review)
        assert "utm_source" not in html and "Replying to" not in html


def test_templates_are_cached_in_production(settings):
    from django.template import engines

    loaders = engines["django"].engine.loaders
    assert loaders[0][0] == "django.template.loaders.cached.Loader"


class TestConditionalGet:
    @pytest.mark.parametrize("path", ["/", "/feed/", "/sitemap.xml", "results"])
    def test_unchanged_responses_revalidate_with_304(self, client, review, path):
        if path == "results":
            path = f"{review.get_absolute_url()}poll/results.json"
        first = client.get(path)
        assert first.status_code == 200 and first["ETag"]
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b""

    def test_a_page_with_forms_is_never_answered_from_the_browsers_copy(self, client, review):
        # Its CSRF token is masked afresh on each response: a 304 would leave the browser
        # with an old one, and an ETag could never match anyway.
        first = client.get(review.get_absolute_url())
        assert not first.has_header("ETag")
        again = client.get(review.get_absolute_url(), HTTP_IF_NONE_MATCH="*")
        assert again.status_code == 200 and b"csrfmiddlewaretoken" in again.content

    def test_a_vote_changes_the_results_etag(self, client, review):
        url = f"{review.get_absolute_url()}poll/results.json"
        before = client.get(url)["ETag"]
        client.post(
            f"{review.get_absolute_url()}poll/vote/", {"choice": review.poll.choices.first().pk}
        )
        after = client.get(url, HTTP_IF_NONE_MATCH=before)
        assert after.status_code == 200 and after.json()["total"] == 1

    def test_the_feed_answers_if_modified_since(self, client, review):
        first = client.get("/feed/")
        again = client.get("/feed/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 304


class TestChangesThatTouchNoComment:
    def test_a_renamed_slug_retires_the_old_address_at_once(self, review):
        old = review.get_absolute_url()
        review.slug = "a-new-address"
        review.save()
        assert Client().get(old).status_code == 404
        assert "Cached review" in page(Client(), review)

    def test_the_critics_new_name_shows_in_the_byline(self, editor):
        review = make_review(author=editor)
        page(Client(), review)
        editor.first_name, editor.last_name = "Dana", "Whitfield"
        editor.save()
        assert "Dana Whitfield" in page(Client(), review)

    def test_the_poll_closing_by_the_clock_shows_the_final_results(self, review):
        from datetime import timedelta
        from unittest import mock

        from django.utils import timezone

        poll = review.poll
        poll.closes_at = timezone.now() + timedelta(hours=1)
        poll.save()
        assert 'name="choice"' in page(Client(), review)
        later = timezone.now() + timedelta(hours=2)
        with mock.patch("django.utils.timezone.now", return_value=later):
            html = page(Client(), review)
        assert 'name="choice"' not in html and "This poll is closed" in html


def test_the_page_new_readers_share_shows_no_vote_count_that_votes_would_stale(client):
    review = make_review()
    before = page(Client(), review)
    voter = Client()
    voter.post(f"{review.get_absolute_url()}poll/vote/", {"choice": review.poll.choices.first().pk})
    after = page(Client(), review)
    assert "vote so far" not in after and "votes so far" not in after
    strip = re.compile(r'name="(csrfmiddlewaretoken|stamp)" value="[^"]*"')
    assert strip.sub("", before) == strip.sub("", after)  # identical but for the holes


@pytest.fixture
def redis_fragments(settings):
    """The fragment cache in a real Redis, as with REDIS_URL (a key prefix of its own)."""
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        up = True
    except redis.RedisError:
        up = False
    require(up, "Redis")
    settings.CACHES = settings.CACHES | {
        "fragments": {
            "BACKEND": "reviewsite.rediscache.TolerantRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-fallback-{uuid.uuid4().hex}",
        }
    }
    pagecache.forget_local()
    yield
    pagecache.forget_local()


class Later:
    """django.utils.timezone as the page cache sees it, two minutes from now."""

    def now(self):
        return timezone.now() + datetime.timedelta(minutes=2)


def test_a_cached_page_outlives_a_database_outage_into_the_next_minute(
    redis_fragments, monkeypatch
):
    review = make_review(headline="Served through the outage")
    reader = RequestFactory().get(review.get_absolute_url())
    reader.session, reader.user = {}, AnonymousUser()
    first = views.review_detail(reader, review.slug)
    assert first.status_code == 200

    def database_down(slug):
        raise OperationalError("connection refused")

    # Minutes later, with the database gone: the page of the same generation is served
    # (nothing could have changed it), with a CSRF token of this reader's own.
    monkeypatch.setattr(pagecache, "timezone", Later())
    pagecache.forget_local()
    later = RequestFactory().get(review.get_absolute_url())
    response = pagecache.serve(later, review.slug, database_down, views.render_review)
    html = response.content.decode()
    assert response.status_code == 200 and "Served through the outage" in html
    assert pagecache._marker("csrf") not in html and 'name="csrfmiddlewaretoken"' in html

    # Once anything about the review changes, that old page is never served again.
    Review.objects.filter(pk=review.pk).update(headline="Changed")
    pagecache.invalidate(slugs=[review.slug])
    with pytest.raises(OperationalError):
        pagecache.serve(later, review.slug, database_down, views.render_review)
