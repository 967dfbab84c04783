"""Every refused post says why, keeps what the reader typed, writes nothing and is never a 500.

NUL and control characters, too many fields and oversized bodies are in the comment form's
table in tests/security/test_attacks_form_bodies.py."""

import pytest
from django.conf import settings

from comments.models import Comment
from tests.comments.posting import page_form, post, post_url, stamp
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db

TEXT = "My carefully written thoughts about episode four."


def assert_refused(response, message, *, kept=TEXT, count=0, status=400):
    html = response.content.decode()
    assert response.status_code == status, html[:500]
    assert message in html
    assert "Your comment was not posted" in html
    if kept:
        assert kept in html
    assert Comment.objects.count() == count
    return html


class TestSpamTraps:
    def test_filled_honeypot_is_refused_and_the_trap_is_emptied(self, client):
        review = make_review()
        response = post(client, review, body=TEXT, website="http://spam.example")
        html = assert_refused(response, "a hidden anti-spam field was filled in")
        assert "http://spam.example" not in html  # so posting again works

    def test_post_within_three_seconds_is_refused(self, client):
        response = post(client, make_review(), body=TEXT, seconds_ago=0)
        assert_refused(response, "That was quick…")

    def test_form_older_than_a_day_is_refused_as_expired(self, client):
        response = post(client, make_review(), body=TEXT, seconds_ago=25 * 3600)
        assert_refused(response, "This form has expired, please post again")

    @pytest.mark.parametrize(
        "value",
        ["", "garbage", "1234:abc:def", stamp(4)[:-2] + "xx"],
        ids=["missing", "garbage", "forged", "tampered"],  # a stamp changes every run
    )
    def test_missing_or_forged_stamp_is_refused(self, client, value):
        review = make_review()
        data = page_form(client, review.get_absolute_url()) | {
            "name": "Bot",
            "body": TEXT,
            "stamp": value,
        }
        response = client.post(post_url(review), data)
        assert_refused(response, "This form could not be checked, please post again.")

    def test_three_second_minimum_is_the_default(self):
        assert settings.COMMENT_MIN_SECONDS == 3


class TestHostileText:
    def test_tabs_and_newlines_are_fine(self, client):
        post(client, make_review(), body="Line one\r\n\tindented\n\nNew paragraph")
        assert Comment.objects.get().body == "Line one\n\tindented\n\nNew paragraph"

    def test_over_long_name_is_refused(self, client):
        html = assert_refused(
            post(client, make_review(), name="N" * 61, body=TEXT),
            "Please keep your name to 60 characters (it has 61).",
        )
        assert (
            'aria-invalid="true"' in html
            and 'aria-describedby="id_name_helptext id_name_error"' in html
        )

    def test_over_long_comment_is_refused_with_the_text_kept(self, client):
        body = "Ünïcode " * 626  # 5,008 characters
        html = assert_refused(
            post(client, make_review(), body=body),
            "Please keep your comment to 5000 characters (it has 5007).",
            kept=body.strip(),
        )
        assert 'id="id_body_error"' in html

    def test_name_of_only_invisible_characters_counts_as_empty(self, client):
        assert_refused(
            post(client, make_review(), name="\u200b\u200f ", body=TEXT),
            "Please enter a name to show with your comment.",
        )

    def test_empty_comment_is_refused_with_each_error_beside_its_field(self, client):
        html = assert_refused(
            post(client, make_review(), name="", body="", email="not-an-email"), "", kept=None
        )
        for message, field in [
            ("Please enter a name to show with your comment.", "id_name"),
            ("Write your comment, or choose stars to rate the review without one.", "id_body"),
            ("Please enter an e-mail address like name@example.com.", "id_email"),
        ]:
            assert f'<a href="#{field}">{message}</a>' in html  # the summary links to it
            assert f'id="{field}_error"' in html
        assert 'aria-invalid="true" aria-describedby="id_email_helptext id_email_error"' in html


def test_links_on_a_refused_page_lead_back_to_the_review(client):
    review = make_review()
    parent = make_comment(review, name="Tom")
    data = {"name": "M", "body": TEXT, "parent": str(parent.pk), "rating": "4", "stamp": stamp()}
    html = client.post(post_url(review), data).content.decode()
    url = review.get_absolute_url()
    assert f'href="{url}?reply_to={parent.pk}#comment-form">Reply' in html
    assert f'href="{url}#comment-{parent.pk}">cancel</a>' in html


class TestBadRatings:
    @pytest.mark.parametrize("value", ["0", "6", "abc", "4.5", "-1", "99999999999999999999"])
    def test_rating_outside_1_to_5_is_a_field_error(self, client, value):
        html = assert_refused(
            post(client, make_review(), body=TEXT, rating=value),
            "Choose a rating from 1 to 5 stars, or no rating.",
        )
        assert 'id="id_rating_error"' in html
        assert '<a href="#id_rating_0">Choose a rating' in html

    def test_second_rating_by_the_same_reader_is_refused_and_the_form_stops_offering_it(
        self, client
    ):
        review = make_review()
        assert post(client, review, rating="5").status_code == 302
        html = client.get(review.get_absolute_url()).content.decode()
        assert 'name="rating"' not in html
        assert "You rated this review 5 stars." in html
        data = {"name": "Marisol", "body": TEXT, "rating": "1", "stamp": stamp()}
        assert_refused(
            client.post(post_url(review), data),
            "You have already rated this review.",
            count=1,
        )
        assert post(client, review, body="A second comment, no rating").status_code == 302
        assert list(Comment.objects.values_list("rating", flat=True).order_by("pk")) == [5, None]


class TestBadReplies:
    def test_reply_to_a_reply_is_refused(self, client):
        review = make_review()
        parent = make_comment(review)
        child = make_comment(review, parent=parent)
        data = {"name": "M", "body": TEXT, "parent": str(child.pk), "stamp": stamp()}
        assert_refused(
            client.post(post_url(review), data),
            "Replies go one level deep",
            count=2,
        )

    def test_reply_to_a_comment_of_another_review_is_refused(self, client):
        review, other = make_review(), make_review()
        elsewhere = make_comment(other)
        data = {"name": "M", "body": TEXT, "parent": str(elsewhere.pk), "stamp": stamp()}
        html = assert_refused(
            client.post(post_url(review), data),
            "You can only reply to a comment on this review.",
            count=1,
        )
        assert 'name="parent" value=""' in html  # posting again makes it a plain comment

    @pytest.mark.parametrize("value", ["abc", "0", "99999999", "1" * 30, "-3", "²", "١٢"])
    def test_nonsense_parent_is_refused(self, client, value):
        review = make_review()
        data = {"name": "M", "body": TEXT, "parent": value, "stamp": stamp()}
        response = client.post(post_url(review), data)
        assert response.status_code == 400
        assert not Comment.objects.exists()

    def test_reply_with_a_rating_is_refused(self, client):
        review = make_review()
        parent = make_comment(review)
        data = {
            "name": "M",
            "body": TEXT,
            "parent": str(parent.pk),
            "rating": "4",
            "stamp": stamp(),
        }
        html = assert_refused(
            client.post(post_url(review), data), "A reply can’t carry a rating", count=1
        )
        assert "Replying to" in html and 'name="rating"' not in html

    def test_reply_to_a_held_comment_is_refused(self, client):
        review = make_review()
        held = make_comment(review, status=Comment.Status.PENDING)
        data = {"name": "M", "body": TEXT, "parent": str(held.pk), "stamp": stamp()}
        assert_refused(client.post(post_url(review), data), "is no longer shown", count=1)


class TestUnknownReviews:
    def test_posting_to_an_unknown_review_is_the_404_page(self, client):
        response = client.post("/reviews/no-such-review/comments/", {"name": "M", "body": TEXT})
        assert response.status_code == 404
        assert "We couldn’t find that page" in response.content.decode()

    def test_posting_to_a_draft_is_404(self, client):
        review = make_review(published=False)
        response = client.post(post_url(review), {"name": "M", "body": TEXT, "stamp": stamp()})
        assert response.status_code == 404
        assert not Comment.objects.exists()
