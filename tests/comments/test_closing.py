"""Comments close N days after publication (REVIEWSITE_COMMENTS_CLOSE_AFTER, off by
default) or by hand per review: the form gives way to a line that says so."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from tests.comments.posting import page_form, post, post_url, stamp
from tests.factories import make_review

pytestmark = pytest.mark.django_db

CLOSED = "Comments are closed on this review."


def old_review(days: int):
    return make_review(published_at=timezone.now() - timedelta(days=days))


class TestClosing:
    def test_by_default_an_old_review_stays_open(self, client):
        review = old_review(3650)
        html = client.get(review.get_absolute_url()).content.decode()
        assert 'id="comment-form"' in html and CLOSED not in html

    def test_n_days_after_publication_the_form_is_replaced_by_a_line(self, client, settings):
        settings.COMMENTS_CLOSE_AFTER = 30
        fresh, old = old_review(29), old_review(31)
        assert 'id="comment-form"' in client.get(fresh.get_absolute_url()).content.decode()
        html = client.get(old.get_absolute_url()).content.decode()
        assert 'id="comment-form"' not in html and CLOSED in html

    def test_closed_by_hand_the_form_goes_and_a_post_is_refused_with_the_text_kept(self, client):
        review = make_review()
        data = page_form(client, review.get_absolute_url())
        review.comments_closed = True
        review.save()
        html = client.get(review.get_absolute_url()).content.decode()
        assert 'id="comment-form"' not in html and CLOSED in html
        data |= {"name": "Marisol", "body": "Written before it closed.", "stamp": stamp()}
        response = client.post(post_url(review), data)
        assert response.status_code == 403
        assert "Comments are closed on this review: your comment was not posted." in (
            response.content.decode()
        )
        assert "Written before it closed." in response.content.decode()
        assert not Comment.objects.exists()

    def test_reopening_by_hand_brings_the_form_back(self, client):
        review = make_review(comments_closed=True)
        review.comments_closed = False
        review.save()
        assert post(client, review).status_code == 302
