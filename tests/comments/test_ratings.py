"""The rating readers see is honest: published ratings only, one per reader, the same everywhere."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from comments.models import Comment
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db


def rate(review, *stars, **fields):
    for value in stars:
        make_comment(review, rating=value, **fields)


class TestRatingSummary:
    def test_average_count_and_distribution_five_to_one(self, django_assert_num_queries):
        review = make_review()
        rate(review, 5, 5, 4, 4, 4, 2)
        make_comment(review)  # a comment without a rating
        with django_assert_num_queries(1):
            summary = Comment.objects.filter(review=review).rating_summary()
        assert summary.count == 6
        assert summary.average == Decimal("4.0")
        assert [(row.stars, row.count, row.percent) for row in summary.distribution] == [
            (5, 2, 33),
            (4, 3, 50),
            (3, 0, 0),
            (2, 1, 17),
            (1, 0, 0),
        ]

    def test_average_rounds_half_up_to_one_decimal(self):
        review = make_review()
        rate(review, 5, 4, 4, 4)  # 4.25
        assert review.comments.rating_summary().average == Decimal("4.3")

    def test_pending_and_removed_ratings_do_not_count(self):
        review = make_review()
        rate(review, 2)
        rate(review, 5, status=Comment.Status.PENDING)
        rate(review, 5, status=Comment.Status.REMOVED)
        summary = review.comments.rating_summary()
        assert (summary.count, summary.average) == (1, Decimal("2.0"))

    def test_other_reviews_ratings_do_not_count(self):
        review, other = make_review(), make_review()
        rate(other, 1, 1)
        rate(review, 5)
        assert review.comments.rating_summary().average == Decimal("5.0")

    def test_page_shows_the_summary_under_the_standfirst(self, client):
        review = make_review()
        rate(review, 5, 4, 4)
        html = client.get(review.get_absolute_url()).content.decode()
        assert html.index(review.standfirst) < html.index("Rated <strong>4.3</strong> out of 5")
        assert html.index("Rated <strong>4.3</strong>") < html.index('id="comments"')
        assert "out of 5 stars · 3 ratings" in html
        assert '<meter min="0" max="3" value="2" aria-hidden="true">67%</meter>' in html

    def test_no_ratings_yet_links_to_the_form(self, client):
        review = make_review()
        html = client.get(review.get_absolute_url()).content.decode()
        assert 'No ratings yet · <a href="#write-comment">Add a rating</a>' in html
        assert (
            '<details class="comment-compose" id="write-comment" open>' in html
        )  # no comments yet
        assert 'id="comment-form"' in html


class TestOneRatingPerReader:
    def test_database_refuses_a_second_rating_from_the_same_reader(self):
        review = make_review()
        make_comment(review, rating=4, reader="a:same")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_comment(review, rating=2, reader="a:same")
        make_comment(review, rating=None, reader="a:same")  # more comments are fine
        make_comment(make_review(), rating=3, reader="a:same")  # and other reviews
        assert Comment.objects.filter(reader="a:same").count() == 3

    def test_database_refuses_a_rated_reply_and_stars_outside_1_to_5(self):
        review = make_review()
        parent = make_comment(review)
        for fields in ({"rating": 3, "parent": parent}, {"rating": 0}, {"rating": 6}):
            with pytest.raises(IntegrityError), transaction.atomic():
                make_comment(review, **fields)

    def test_reader_who_rated_sees_no_stars_but_can_still_comment(self, client, reader):
        review = make_review()
        make_comment(review, rating=3, reader=f"u:{reader.pk}")
        client.force_login(reader)
        html = client.get(review.get_absolute_url()).content.decode()
        assert 'name="rating"' not in html
        assert "You rated this review 3 stars." in html
        assert 'name="body"' in html


class TestHomePageRating:
    def test_each_card_shows_its_reviews_average(self, client):
        rated = make_review(headline="Rated one")
        make_review(headline="Quiet one")
        rate(rated, 5, 4, 4)
        rate(rated, 1, status=Comment.Status.PENDING)
        html = client.get("/").content.decode()
        assert (
            'Readers <span class="readers-line__star" aria-hidden="true">★</span>'
            '<span class="visually-hidden"> average</span> <strong>4.3</strong>'
            '<span class="visually-hidden"> out of 5</span> · 3 ratings'
        ) in html
        cards = {c.split("</h2>")[0]: c for c in html.split('<article class="card')[1:]}
        [quiet] = [card for title, card in cards.items() if "Quiet one" in title]
        assert "readers-line" not in quiet

    def test_home_page_queries_do_not_grow_with_reviews(self, client, django_assert_num_queries):
        for _ in range(3):
            rate(make_review(), 4, 5)
        # count, page, lead photos, the masthead's lists (cached), when the next
        # scheduled review comes due (s-maxage), the editors' lead and picks, and "Most
        # discussed this week"
        with django_assert_num_queries(7) as few:
            client.get("/")
        for _ in range(6):
            rate(make_review(), 3)
        with django_assert_num_queries(len(few.captured_queries)):
            client.get("/")
