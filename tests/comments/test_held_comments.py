"""A held comment, honestly: the form says before posting that a first comment waits, its
author sees it in its place marked "Awaiting review" (with Edit and Delete) and nobody
else does, and its rating counts only once a moderator has published it."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Comment
from tests.comments.posting import post
from tests.comments.test_structured_data import json_ld
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db

TEXT = "My very first thought on this season."
WAIT = "Your first comment is read by a moderator before it appears — usually within"


@pytest.fixture
def premoderate(settings):
    settings.COMMENT_PREMODERATE = 1
    settings.COMMENT_REVIEW_HOURS = 6
    return settings


def page(client, review) -> str:
    return client.get(review.get_absolute_url()).content.decode()


def article(html: str, comment: Comment) -> str:
    found = re.search(rf'<article id="comment-{comment.pk}".*?</article>', html, re.S)
    return found.group(0) if found else ""


class TestTheFormSaysSoBeforePosting:
    def test_a_new_reader_is_told_their_first_comment_waits_and_for_how_long(self, premoderate):
        html = page(Client(), make_review())
        assert f"{WAIT} 6 hours." in html

    def test_several_first_comments_are_counted_out(self, premoderate):
        premoderate.COMMENT_PREMODERATE = 3
        html = page(Client(), make_review())
        assert "Your first 3 comments are read by a moderator before they appear" in html

    def test_a_reader_with_a_published_comment_is_not_told(self, premoderate, moderator):
        review, client = make_review(), Client()
        post(client, review, body=TEXT)
        services.comment_approve(comment=Comment.objects.get(), by=moderator)
        assert WAIT not in page(client, review)

    def test_nothing_is_said_when_nobody_is_premoderated(self, settings):
        settings.COMMENT_PREMODERATE = 0
        assert WAIT not in page(Client(), make_review())

    def test_staff_are_not_told(self, client, premoderate, editor):
        client.force_login(editor)
        assert WAIT not in page(client, make_review())


class TestTheAuthorSeesTheirHeldComment:
    def test_in_its_place_marked_awaiting_review_with_edit_and_delete(self, premoderate):
        review, author = make_review(), Client()
        make_comment(review, body="An older published comment.")
        response = post(author, review, body=TEXT)
        held = Comment.objects.get(body=TEXT)
        assert held.status == Comment.Status.PENDING
        assert response["Location"].endswith(f"#comment-{held.pk}")
        html = page(author, review)
        mine = article(html, held)
        assert TEXT in mine and "Awaiting review" in mine
        assert "Only you can see this comment until a moderator has read it" in mine
        assert "usually within 6 hours" in mine
        assert reverse("comments:edit", args=[held.pk]) in mine
        assert reverse("comments:delete", args=[held.pk]) in mine
        assert "Report" not in mine and "Reply" not in mine
        # Newest first: above the older comment, where it will be once published.
        assert html.index(f'id="comment-{held.pk}"') < html.index("An older published comment.")

    def test_nobody_else_sees_it_not_even_from_the_fragment_cache(self, premoderate):
        review, author = make_review(), Client()
        make_comment(review, body="Someone else's published comment.")
        post(author, review, body=TEXT)
        page(author, review)  # the author's list is drawn first
        stranger = Client().get(review.get_absolute_url())
        assert TEXT not in stranger.content.decode()
        assert "public" in stranger["Cache-Control"]  # the shared page has none of it
        other_reader = Client()
        post(other_reader, review, body="Another newcomer.")
        assert TEXT not in page(other_reader, review)

    def test_the_authors_own_page_is_private(self, premoderate):
        review, author = make_review(), Client()
        post(author, review, body=TEXT)
        response = author.get(review.get_absolute_url())
        assert "private" in response["Cache-Control"]
        assert "Surrogate-Key" not in response

    def test_an_account_sees_it_from_another_browser(self, premoderate, reader):
        review, laptop, phone = make_review(), Client(), Client()
        laptop.force_login(reader)
        phone.force_login(reader)
        post(laptop, review, body=TEXT)
        assert "Awaiting review" in article(page(phone, review), Comment.objects.get())

    def test_a_held_reply_shows_under_its_comment_for_its_author(self, premoderate):
        review, author = make_review(), Client()
        parent = make_comment(review, body="The comment answered.")
        post(author, review, body="My held reply.", parent=str(parent.pk))
        reply = Comment.objects.get(body="My held reply.")
        assert reply.status == Comment.Status.PENDING
        thread = article(page(author, review), parent)
        assert "My held reply." in thread and "Awaiting review" in thread
        assert "My held reply." not in page(Client(), review)

    def test_editing_keeps_it_held_and_visible_to_its_author(self, premoderate):
        review, author = make_review(), Client()
        post(author, review, body=TEXT)
        held = Comment.objects.get()
        url = reverse("comments:edit", args=[held.pk])
        response = author.post(url, {"body": "Second thoughts.", "rating": ""})
        assert response.status_code == 302
        assert response["Location"].endswith(f"#comment-{held.pk}")
        held.refresh_from_db()
        assert (held.body, held.status) == ("Second thoughts.", Comment.Status.PENDING)
        mine = article(page(author, review), held)
        assert "It is still awaiting review." in mine and "Second thoughts." in mine

    def test_deleting_it_takes_it_away(self, premoderate):
        review, author = make_review(), Client()
        post(author, review, body=TEXT)
        held = Comment.objects.get()
        author.post(reverse("comments:delete", args=[held.pk]))
        assert TEXT not in page(author, review)

    def test_once_approved_everyone_sees_it_unmarked(self, premoderate, moderator):
        review, author = make_review(), Client()
        post(author, review, body=TEXT)
        services.comment_approve(comment=Comment.objects.get(), by=moderator)
        assert TEXT in page(Client(), review)
        assert "Awaiting review" not in page(author, review)


class TestTheRatingCountsOncePublished:
    def test_the_thank_you_says_it_will_count_once_published(self, premoderate):
        review, author = make_review(), Client()
        post(author, review, body=TEXT, rating="4")
        html = page(author, review)
        assert "Your comment is awaiting moderation" in html
        assert "Your rating will count once it is published." in html
        rated = re.search(r'<p class="comment-form__rated">(.*?)</p>', html, re.S).group(1)
        assert "You rated this review 4 stars." in rated
        assert "It will count once your comment is published." in rated

    def test_average_and_json_ld_leave_it_out_until_approved(self, premoderate, moderator):
        review, author = make_review(), Client()
        make_comment(review, rating=2)
        post(author, review, body=TEXT, rating="5")
        for html in (page(author, review), page(Client(), review)):
            assert "Rated <strong>2</strong> out of 5 stars · 1 rating" in html
            rating = json_ld(html)["itemReviewed"]["aggregateRating"]
            assert (rating["ratingValue"], rating["ratingCount"]) == (2, 1)
        services.comment_approve(comment=Comment.objects.get(body=TEXT), by=moderator)
        html = page(Client(), review)
        assert "Rated <strong>3.5</strong> out of 5 stars · 2 ratings" in html
        rating = json_ld(html)["itemReviewed"]["aggregateRating"]
        assert (rating["ratingValue"], rating["ratingCount"]) == (3.5, 2)


class TestSmallThings:
    def test_add_your_rating_gives_way_to_what_the_reader_gave(self, client):
        review = make_review()
        make_comment(review, rating=3)
        assert "Add your rating" in page(client, review)
        post(client, review, rating="4")
        html = page(client, review)
        summary = html[html.index('id="rating-summary"') : html.index('id="comments"')]
        assert "Add your rating" not in summary
        assert "You rated this review 4 stars." in summary and "Change" in summary

    def test_no_report_on_ones_own_comment(self, client):
        review = make_review()
        post(client, review, body=TEXT)
        own = Comment.objects.get()
        assert "Report" not in article(page(client, review), own)
        response = client.get(reverse("comments:report", args=[own.pk]))
        assert response.status_code == 403
        assert "your own comment" in response.content.decode()
        assert "Report" in article(page(Client(), review), own)

    def test_an_empty_comment_is_asked_for_its_text_not_called_a_robot(self, client):
        review = make_review()
        response = post(client, review, body="", seconds_ago=0)
        html = response.content.decode()
        assert response.status_code == 400
        assert "Write your comment, or choose stars to rate the review without one." in html
        assert "spam robot" not in html
        assert not Comment.objects.exists()

    def test_an_empty_reply_is_asked_for_its_text_alone(self, client):
        review = make_review()
        parent = make_comment(review)
        response = post(client, review, body="", parent=str(parent.pk), rating="")
        html = response.content.decode()
        assert response.status_code == 400
        assert "Please write your comment." in html and "choose stars" not in html

    def test_the_edit_window_is_told_in_minutes_left(self, client, settings):
        settings.COMMENT_EDIT_MINUTES = 15
        review = make_review()
        post(client, review, body=TEXT)
        own = Comment.objects.get()
        Comment.objects.filter(pk=own.pk).update(
            created_at=timezone.now() - timedelta(minutes=3, seconds=10)
        )
        assert "You can edit this for 12 more minutes" in article(page(client, review), own)
        edit = client.get(reverse("comments:edit", args=[own.pk])).content.decode()
        assert "You can edit this for 12 more minutes." in edit

    def test_the_community_guidelines_are_linked_beside_the_form(self):
        html = page(Client(), make_review())
        form = html[html.index('id="comment-form"') :]
        assert 'href="/community-guidelines/">Community guidelines</a>' in form
