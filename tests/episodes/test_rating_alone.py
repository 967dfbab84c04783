"""A rating alone: stars with no comment, once per reader per review, changeable."""

import re

import pytest
from django.urls import reverse

from comments.models import Comment
from reviews.models import Review
from tests.comments.posting import post
from tests.episodes.seasons import make_season
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db


def rate_url(review) -> str:
    return reverse("comments:rate", kwargs={"slug": review.slug})


def rate(client, review, stars, **headers):
    return client.post(rate_url(review), {"rating": stars}, REMOTE_ADDR="203.0.113.9", **headers)


def summary_text(client, review) -> str:
    html = client.get(review.get_absolute_url()).content.decode()
    block = html[html.index('id="rating-summary"') :]
    block = block[: block.index("</div>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block))


class TestRatingAlone:
    def test_a_reader_rates_without_a_comment_and_the_average_counts_it(self, client):
        review = make_review()
        make_comment(review, rating=2)
        response = rate(client, review, 5)
        assert response.status_code == 302
        assert response["Location"].endswith("#ratings")
        assert "3.5 out of 5 stars · 2 ratings" in summary_text(client, review)

    def test_the_rating_is_no_comment(self, client):
        review = make_review()
        make_comment(review, body="Words.")
        rate(client, review, 4)
        html = client.get(review.get_absolute_url()).content.decode()
        assert html.count('<article id="comment-') == 1
        assert Review.objects.get(pk=review.pk).reader_rating.comments == 1

    def test_rating_again_changes_it_and_keeps_one(self, client):
        review = make_review()
        rate(client, review, 2)
        response = rate(client, review, 4)
        assert response.status_code == 302
        assert list(Comment.objects.values_list("rating", flat=True)) == [4]
        page = client.get(review.get_absolute_url()).content.decode()
        assert "Your rating: 4 stars. Change it" in page
        assert 'value="4" id="rating-alone-4" checked' in page

    def test_the_comment_form_posted_with_stars_and_no_words_stores_a_rating(self, client):
        review = make_review()
        response = post(client, review, body="", rating="3")
        assert response.status_code == 302
        comment = Comment.objects.get()
        assert (comment.body, comment.rating, comment.status) == ("", 3, Comment.Status.PUBLISHED)

    def test_a_rating_given_in_a_comment_is_not_replaced_by_a_rating_alone(self, client):
        review = make_review()
        post(client, review, rating="5")
        response = rate(client, review, 1)
        assert response.status_code == 302
        assert list(Comment.objects.values_list("rating", flat=True)) == [5]
        page = client.get(review.get_absolute_url()).content.decode()
        assert "in your comment: your rating stays there" in page
        ratings = page.split('id="ratings"')[1].split("</section>")[0]
        assert ratings.count("You rated") == 1  # said once, in the summary, not again below
        assert "You rated this review 5 stars." in ratings

    @pytest.mark.parametrize("stars", ["0", "6", "", "five", "3.5"])
    def test_bad_stars_write_nothing_and_say_why(self, client, stars):
        review = make_review()
        response = rate(client, review, stars)
        assert response.status_code == 302
        assert not Comment.objects.exists()
        page = client.get(response["Location"]).content.decode()
        assert "Choose from 1 to 5 stars" in page

    def test_a_cross_site_post_is_refused(self, client):
        review = make_review()
        response = rate(client, review, 5, HTTP_SEC_FETCH_SITE="cross-site")
        assert response.status_code == 403
        assert not Comment.objects.exists()

    def test_a_removed_rating_does_not_count_and_stays_removed_when_changed(self, client):
        review = make_review()
        rate(client, review, 1)
        Comment.objects.update(status=Comment.Status.REMOVED)
        rate(client, review, 2)
        assert "No ratings yet" in summary_text(client, review)

    def test_works_on_a_film(self, client):
        film = make_review(work_kind=Review.Kind.FILM, season_number=None)
        rate(client, film, 4)
        assert "4 out of 5 stars · 1 rating" in summary_text(client, film)

    def test_closed_comments_close_ratings_too(self, client):
        review = make_review(comments_closed=True)
        rate(client, review, 4)
        assert not Comment.objects.exists()

    def test_a_rating_alone_of_a_recap_shows_on_the_season_review(self, client):
        season, _episodes, recaps = make_season(episodes=2, recapped=(1,))
        rate(client, recaps[1], 4)
        rows = client.get(season.get_absolute_url()).content.decode()
        assert "<td>4</td><td>1</td>" in rows  # the arc's table: readers' average, how many
        assert "1 rating" in rows

    def test_a_rating_alone_earns_no_trust_against_premoderation(self, client, settings):
        settings.COMMENT_PREMODERATE = 1
        review = make_review()
        rate(client, review, 4)
        post(client, make_review(), body="My first words.")
        assert Comment.objects.get(body="My first words.").status == Comment.Status.PENDING


def test_the_comment_form_with_bad_stars_and_no_words_shows_its_errors(client):
    review = make_review()
    response = post(client, review, body="", rating="9")
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5 stars" in response.content.decode()
    assert not Comment.objects.exists()
