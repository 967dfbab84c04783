"""Attacks on the links in reader e-mails: tampered, expired, replayed and oversized
tokens are refused with a readable page and change nothing; a cross-site confirmation is
refused; one address's link cannot be turned into another's."""

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import mail, services
from comments.models import Comment, MailAddress
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db

ADDRESS = "marisol@example.com"


class OldSigner(signing.TimestampSigner):
    """Signs as if it were `seconds` ago: an expired link without waiting a week."""

    def __init__(self, *, seconds: int, **kwargs):
        super().__init__(**kwargs)
        self.seconds = seconds

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - self.seconds)


def confirm_path(token: str) -> str:
    return reverse("comments:confirm_email", kwargs={"token": token})


def unsubscribe_path(token: str) -> str:
    return reverse("comments:unsubscribe", kwargs={"token": token})


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def pending_address():
    services.subscription_request(email=ADDRESS)
    return MailAddress.objects.get(email=ADDRESS)


def assert_refused(response, words: str):
    assert response.status_code == 400
    assert words in response.content.decode()


class TestConfirmationLinks:
    def test_a_tampered_link_is_refused_and_confirms_nothing(self, pending_address):
        token = token_of(mail.confirm_url(ADDRESS))
        payload, stamp, signature = token.split(":")
        forged = signing.dumps({"e": "someone@else.example", "t": int(time.time())}, salt="x")
        for bad in (
            f"{payload}:{stamp}:{signature[:-2]}xx",
            f"{forged.split(':')[0]}:{stamp}:{signature}",
            forged,
            "not-a-token",
        ):
            response = Client().post(confirm_path(bad), HTTP_SEC_FETCH_SITE="same-origin")
            assert_refused(response, "This link is not valid")
        pending_address.refresh_from_db()
        assert pending_address.confirmed_at is None

    def test_an_expired_link_is_refused_with_a_way_to_get_a_new_one(self, pending_address):
        token = OldSigner(seconds=8 * 86400, salt=mail.CONFIRM_SALT).sign_object(
            {"e": ADDRESS, "t": int(time.time()) - 8 * 86400}
        )
        response = Client().post(confirm_path(token), HTTP_SEC_FETCH_SITE="same-origin")
        assert_refused(response, "This link has expired")
        assert MailAddress.objects.get().confirmed_at is None

    def test_a_link_replayed_after_unsubscribing_does_not_subscribe_again(self, pending_address):
        old = OldSigner(seconds=60, salt=mail.CONFIRM_SALT).sign_object(
            {"e": ADDRESS, "t": int(time.time()) - 60}
        )
        Client().post(confirm_path(old), HTTP_SEC_FETCH_SITE="same-origin")
        assert MailAddress.objects.get().is_active
        services.subscription_stop(email=ADDRESS, comment_id=None)
        response = Client().post(confirm_path(old), HTTP_SEC_FETCH_SITE="same-origin")
        assert_refused(response, "sent before this address unsubscribed")
        assert not MailAddress.objects.get().is_active

    def test_a_cross_site_confirmation_is_refused(self, pending_address):
        token = token_of(mail.confirm_url(ADDRESS))
        response = Client().post(confirm_path(token), HTTP_SEC_FETCH_SITE="cross-site")
        assert response.status_code == 403
        assert MailAddress.objects.get().confirmed_at is None

    def test_opening_the_link_only_shows_a_button(self, pending_address):
        response = Client().get(confirm_path(token_of(mail.confirm_url(ADDRESS))))
        assert response.status_code == 200
        assert MailAddress.objects.get().confirmed_at is None

    def test_an_oversized_token_is_refused(self, db):
        response = Client().get(confirm_path("a" * 5000))
        assert_refused(response, "not one of ours")


class TestUnsubscribeLinks:
    def test_a_link_for_one_address_cannot_be_edited_into_another(self, db):
        review = make_review()
        victim = make_comment(review, email="victim@example.net", notify_replies=True)
        token = token_of(mail.unsubscribe_url(ADDRESS))
        rest = token.split(":", 1)[1]
        other = signing.dumps({"e": "victim@example.net", "c": None}, salt=mail.UNSUBSCRIBE_SALT)
        response = Client().post(unsubscribe_path(f"{other.split(':')[0]}:{rest}"))
        assert_refused(response, "This link is not valid")
        victim.refresh_from_db()
        assert victim.notify_replies

    def test_a_confirmation_token_is_no_unsubscribe_token_and_back(self, db):
        confirm = token_of(mail.confirm_url(ADDRESS))
        assert_refused(Client().post(unsubscribe_path(confirm)), "This link is not valid")
        stop = token_of(mail.unsubscribe_url(ADDRESS))
        response = Client().post(confirm_path(stop), HTTP_SEC_FETCH_SITE="same-origin")
        assert_refused(response, "This link is not valid")

    def test_a_replayed_unsubscribe_changes_nothing_more(self, db):
        review = make_review()
        comment = make_comment(review, email=ADDRESS, notify_replies=True)
        MailAddress.objects.create(email=ADDRESS, confirmed_at=timezone.now())
        path = unsubscribe_path(token_of(mail.unsubscribe_url(ADDRESS, comment.pk)))
        assert Client().post(path).status_code == 200
        assert Client().post(path).status_code == 200
        assert not Comment.objects.get().notify_replies
        assert MailAddress.objects.get().is_active  # one comment stopped, not the address
