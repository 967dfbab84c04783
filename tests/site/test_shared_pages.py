"""What a shared HTTP cache is told: which pages every new reader may share, what each
shows (surrogate keys), how long it stays right by itself, and which pages are private.

tests/system/test_varnish.py proves the same through a real Varnish in front of gunicorn.
"""

import datetime
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from reviews.models import Genre, Platform, Review
from tests.comments.posting import post
from tests.factories import make_comment, make_review, make_user
from tests.forms import form_data
from tests.reviews.editing import save
from tests.site.test_settings import start

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    platform = Platform.objects.create(name="Prime Video")
    critic = make_user("critic", first_name="Ann", last_name="Lee", is_staff=True)
    review = make_review(headline="Shared page", platform=platform, author=critic)
    review.genres.add(Genre.objects.create(name="Crime"))
    return review


def keys(response) -> set[str]:
    assert response["xkey"] == response["Surrogate-Key"]
    return set(response["xkey"].split())


def s_maxage(response) -> int:
    return int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))


def assert_shared(response):
    assert response.status_code == 200
    control = response["Cache-Control"]
    assert control.startswith("public, max-age=0, s-maxage="), control
    assert "stale-while-revalidate=" in control and "stale-if-error=" in control
    assert not response.cookies, response.cookies
    assert "cookie" not in response.get("Vary", "").lower()


def assert_private(response):
    assert response["Cache-Control"] == "no-store, private" or set(
        response["Cache-Control"].replace(" ", "").split(",")
    ) >= {"private", "no-store"}, response["Cache-Control"]
    assert not response.has_header("xkey")


class TestNewReaders:
    def test_the_review_page_is_public_names_what_it_shows_and_holds_no_token(self, review):
        response = Client().get(review.get_absolute_url())
        assert_shared(response)
        assert keys(response) == {
            f"review-{review.pk}",
            "listing",  # the masthead's lists and "Read next" show other reviews
            f"author-{review.author_id}",
            f"platform-{review.platform_id}",
        }
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html
        assert 'name="choice"' in html and 'id="comment-form"' in html

    def test_two_new_readers_get_the_same_page_but_for_the_forms_render_time(self, review):
        first, second = (Client().get(review.get_absolute_url()).content.decode() for _ in "ab")
        stamp = re.compile(r'name="stamp" value="[^"]+"')
        assert stamp.search(first)
        assert stamp.sub("", first) == stamp.sub("", second)

    @pytest.mark.parametrize(
        "address",
        [
            "/",
            "/?page=1",
            "/search/?q=Shared",
            "/feed/",
            "/feed/atom/",
            "/sitemap.xml",
        ],
    )
    def test_every_listing_is_public_and_keyed_by_its_reviews(self, review, address):
        response = Client().get(address)
        assert_shared(response)
        assert "listing" in keys(response)
        if not address.startswith(("/feed", "/sitemap")):
            assert f"review-{review.pk}" in keys(response)

    def test_browsing_pages_also_name_their_label_or_critic(self, review):
        pages = {
            f"/genres/{review.genres.get().slug}/": f"genre-{review.genres.get().pk}",
            f"/platforms/{review.platform.slug}/": f"platform-{review.platform_id}",
            review.author_url: f"author-{review.author_id}",
        }
        for address, key in pages.items():
            response = Client().get(address)
            assert_shared(response)
            assert {key, "listing", f"review-{review.pk}"} <= keys(response), address

    def test_results_json_is_public_and_keyed_by_its_poll(self, review):
        response = Client().get(f"{review.get_absolute_url()}poll/results.json")
        assert_shared(response)
        assert keys(response) == {f"poll-{review.poll.pk}", f"review-{review.pk}"}

    def test_a_poll_closing_soon_bounds_how_long_the_page_is_kept(self, review):
        review.poll.closes_at = timezone.now() + datetime.timedelta(seconds=40)
        review.poll.save()
        for address in (review.get_absolute_url(), f"{review.get_absolute_url()}poll/results.json"):
            response = Client().get(address)
            assert 38 <= s_maxage(response) <= 40, response["Cache-Control"]
            assert "stale-while-revalidate=0" in response["Cache-Control"]

    def test_a_scheduled_review_bounds_how_long_the_lists_are_kept(self, review):
        make_review(published=False).publish(at=timezone.now() + datetime.timedelta(seconds=90))
        for address in ("/", "/feed/", "/sitemap.xml", f"/platforms/{review.platform.slug}/"):
            assert 88 <= s_maxage(Client().get(address)) <= 90, address
        # The review page lists other reviews too (masthead, "Read next"): bounded as well.
        assert 88 <= s_maxage(Client().get(review.get_absolute_url())) <= 90

    @pytest.mark.parametrize("address", ["/", "PLATFORM", "/feed/", "/sitemap.xml", "REVIEW"])
    def test_a_review_coming_due_while_a_page_renders_is_not_left_out_for_minutes(
        self, review, address, monkeypatch
    ):
        due = timezone.now() + datetime.timedelta(minutes=5)
        make_review(published=False, headline="Due mid-render").publish(at=due)
        # The clock passes the moment as the page starts to render: its lists were asked
        # for just before, its bound is read just after.
        clock = [due - datetime.timedelta(seconds=1)]
        monkeypatch.setattr(timezone, "now", lambda: clock[0])
        monkeypatch.setattr(
            "django.template.base.Template.render",
            _first_moves_clock(clock, due + datetime.timedelta(seconds=1)),
        )
        url = {
            "REVIEW": review.get_absolute_url(),
            "PLATFORM": f"/platforms/{review.platform.slug}/",
        }
        response = Client().get(url.get(address, address))
        assert response.status_code == 200
        if "Due mid-render" not in response.content.decode():
            # Kept no longer than until the review is due: past it, not at all.
            left = max(0, int((due - clock[0]).total_seconds()))
            assert s_maxage(response) <= left, response["Cache-Control"]

    def test_missing_pages_are_not_shared(self, review):
        assert_private(Client().get("/reviews/no-such-review/"))


class TestReadersWithStateOfTheirOwn:
    def test_a_reader_who_voted_gets_a_private_page(self, review):
        reader = Client()
        choice = review.poll.choices.first().pk
        reader.post(f"{review.get_absolute_url()}poll/vote/", {"choice": choice})
        reader.get(review.get_absolute_url())  # the flash message is shown once
        response = reader.get(review.get_absolute_url())
        assert "reader" in reader.cookies
        assert_private(response)
        assert "Your vote" in response.content.decode()

    def test_a_flash_message_makes_the_page_private(self, review):
        reader = Client()
        post(reader, review, body="Words of mine.")
        response = reader.get(review.get_absolute_url())
        assert "Thank you: your comment is posted." in response.content.decode()
        assert_private(response)

    def test_a_refused_comment_comes_back_privately_with_its_text(self, review):
        response = post(Client(), review, body="")
        assert response.status_code == 400
        assert_private(response)

    def test_staff_get_private_pages_with_a_token(self, review, editor):
        client = Client()
        client.force_login(editor)
        response = client.get(review.get_absolute_url())
        assert_private(response)
        assert "csrfmiddlewaretoken" in response.content.decode()

    def test_an_unrelated_cookie_changes_nothing(self, review):
        client = Client()
        client.cookies["csrftoken"] = "x" * 32
        client.cookies["_ga"] = "GA1.1.1"
        assert_shared(client.get(review.get_absolute_url()))


class TestWhatAWritePurges:
    """Each write names the pages that showed what it changed (sent once it commits)."""

    @pytest.fixture
    def purged(self, settings, monkeypatch):
        sent: list[set[str]] = []
        settings.HTTP_CACHES = ["http://127.0.0.1:9"]
        monkeypatch.setattr("infra.httpcache.send_purge", lambda keys: sent.append(set(keys)))
        return sent

    def everything(self, sent):
        return set().union(*sent) if sent else set()

    def test_an_edit_purges_the_review_and_the_lists(
        self, review, purged, superuser, django_capture_on_commit_callbacks
    ):
        staff = Client()
        staff.force_login(superuser)
        with django_capture_on_commit_callbacks(execute=True):
            assert save(staff, review, headline="Edited").status_code == 302
        assert purged == [{f"review-{review.pk}", "listing"}]  # one PURGE for the save

    def test_a_comment_purges_the_review_only(
        self, review, purged, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            make_comment(review, body="New.")
        assert self.everything(purged) == {f"review-{review.pk}"}

    def test_a_vote_purges_the_poll_results(
        self, review, purged, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            Client().post(
                f"{review.get_absolute_url()}poll/vote/",
                {"choice": review.poll.choices.first().pk},
            )
        assert self.everything(purged) == {f"poll-{review.poll.pk}"}

    def test_renaming_a_platform_purges_its_pages(
        self, review, purged, superuser, django_capture_on_commit_callbacks
    ):
        """Its own page and its reviews' (every list, so `listing`)."""
        staff = Client()
        staff.force_login(superuser)
        url = reverse("admin:reviews_platform_change", args=[review.platform_id])
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(url, {"name": "Prime", "slug": "prime-video", "description": ""})
        assert {"listing", f"review-{review.pk}"} <= self.everything(purged)

    def test_a_rolled_back_write_purges_nothing(
        self, review, purged, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            pass
        make_comment(review)  # inside the test's transaction, never committed
        assert not callbacks and purged == []


class TestCritics:
    def test_a_login_leaves_the_reviews_dates_alone(self, review):
        before = Review.objects.get(pk=review.pk).updated_at
        staff = Client()
        staff.post("/admin/login/", {"username": "critic", "password": "correct horse battery"})
        assert get_user_model().objects.get(pk=review.author_id).last_login is not None
        assert Review.objects.get(pk=review.pk).updated_at == before

    def test_a_renamed_critic_moves_their_reviews_on(self, review, superuser):
        before = Review.objects.get(pk=review.pk).updated_at
        staff = Client()
        staff.force_login(superuser)
        url = reverse("admin:auth_user_change", args=[review.author_id])
        data = form_data(staff.get(url).content.decode(), form_id="user_form")
        staff.post(url, data | {"first_name": "Rosa", "last_name": "Díaz"})
        assert Review.objects.get(pk=review.pk).updated_at > before
        assert "Rosa Díaz" in Client().get(review.get_absolute_url()).content.decode()


def test_a_cache_that_cannot_be_reached_never_fails_the_write(
    review, settings, caplog, django_capture_on_commit_callbacks
):
    settings.HTTP_CACHES = ["http://127.0.0.1:9"]  # nothing listens on the discard port
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = post(Client(), review, body="Kept although no cache answered.")
    assert response.status_code == 302
    assert Comment.objects.filter(body="Kept although no cache answered.").exists()
    assert "could not purge" in caplog.text and f"review-{review.pk}" in caplog.text


def test_a_malformed_cache_address_stops_start_up():
    result = start(REVIEWSITE_HTTP_CACHES="file:///etc/passwd")
    assert result.returncode == 1
    assert "REVIEWSITE_HTTP_CACHES" in result.stderr.strip()


def test_comments_closing_by_age_bounds_how_long_the_page_is_kept(review, settings):
    settings.COMMENTS_CLOSE_AFTER = 2  # days after publication
    Review.objects.filter(pk=review.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=2) + datetime.timedelta(seconds=60)
    )
    response = Client().get(review.get_absolute_url())
    assert 58 <= s_maxage(response) <= 60, response["Cache-Control"]


def _first_moves_clock(clock, moment):
    """Template.render that sets the clock to moment when the first template renders."""
    from django.template.base import Template

    real = Template.render

    def render(self, context):
        clock[0] = moment
        return real(self, context)

    return render
