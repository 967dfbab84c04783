"""Newcomers wait for a moderator until N of their comments were approved; suspect words
hold a comment and banned words refuse it with the reader's text kept."""

import pytest
from django.test import Client
from django.utils import timezone

from comments import services
from comments.models import Comment, MailAddress
from tests.comments.posting import post
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def premoderate(settings):
    settings.COMMENT_PREMODERATE = 1
    return settings


def last() -> Comment:
    return Comment.objects.latest("pk")


class TestNewcomers:
    def test_the_default_holds_a_first_comment(self):
        from reviewsite import settings as site_settings

        assert site_settings.COMMENT_PREMODERATE == 1

    def test_a_newcomers_first_comment_waits_and_the_reader_is_told(self, client, premoderate):
        review = make_review()
        response = post(client, review)
        assert response.status_code == 302
        comment = last()
        assert (comment.status, comment.hold_reason) == ("pending", "newcomer")
        page = client.get(response["Location"]).content.decode()
        assert "Your comment is awaiting moderation" in page
        assert (
            "Maggie Q carries the season."
            not in Client().get(review.get_absolute_url()).content.decode()
        )

    def test_once_approved_the_readers_next_comment_is_published(
        self, client, premoderate, moderator
    ):
        review = make_review()
        post(client, review)
        services.comment_approve(comment=last(), by=moderator)
        post(client, review, body="My second thought.")
        assert last().status == "published"

    def test_n_is_a_setting_and_zero_switches_it_off(self, client, settings, moderator):
        settings.COMMENT_PREMODERATE = 2
        review = make_review()
        post(client, review)
        services.comment_approve(comment=last(), by=moderator)
        post(client, review, body="Second.")
        assert last().status == "pending"
        settings.COMMENT_PREMODERATE = 0
        post(Client(), review, body="A stranger, unmoderated.")
        assert last().status == "published"

    def test_a_confirmed_address_carries_the_history_to_a_new_browser(self, premoderate):
        review = make_review()
        make_comment(review, email="known@example.com")
        MailAddress.objects.create(email="known@example.com", confirmed_at=timezone.now())
        post(Client(), review, email="Known@Example.com", body="From my new laptop.")
        assert last().status == "published"

    def test_staff_are_never_newcomers(self, client, premoderate, editor):
        client.force_login(editor)
        post(client, make_review(), body="A word from the editor.")
        assert last().status == "published"

    def test_an_unconfirmed_address_proves_nothing(self, premoderate):
        review = make_review()
        make_comment(review, email="known@example.com")
        post(Client(), review, email="known@example.com", body="Pretending to be them.")
        assert (last().status, last().hold_reason) == ("pending", "newcomer")


class TestWordLists:
    def test_a_suspect_word_holds_the_comment_and_says_why(self, client, settings):
        settings.COMMENT_BLOCKLIST = ["casino"]
        post(client, make_review(), body="Best casino in town")
        assert (last().status, last().hold_reason) == ("pending", "suspect-word")

    def test_a_banned_word_refuses_the_comment_and_keeps_the_text(self, client, settings):
        settings.COMMENT_BANNED_WORDS = ["slurword"]
        response = post(client, make_review(), body="You SLURWORD, and the rest of my text")
        assert response.status_code == 400
        html = response.content.decode()
        assert "We don’t publish “slurword”" in html
        assert "and the rest of my text" in html
        assert not Comment.objects.exists()

    def test_a_banned_word_in_the_name_is_refused_too(self, client, settings):
        settings.COMMENT_BANNED_WORDS = ["slurword"]
        response = post(client, make_review(), name="slurword fan")
        assert response.status_code == 400
        assert not Comment.objects.exists()
