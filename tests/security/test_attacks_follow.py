"""Attacks on following by e-mail: cross-site posts, flooding, tampered, expired, replayed
and swapped signed links, subscribing a stranger's address, and asking whether an address
follows. Each is refused with a readable answer and changes nothing."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from comments.models import MailAddress
from follows import links, services
from follows.models import Follow, Follower
from tests.factories import make_user
from tests.follows.following import follow, followers
from tests.mailserver import run_worker

pytestmark = pytest.mark.django_db
SAME = {"HTTP_SEC_FETCH_SITE": "same-origin"}
VICTIM = "victim@example.com"


class OldSigner(signing.TimestampSigner):
    """Signs as if it were `seconds` ago: an expired link without waiting."""

    def __init__(self, *, seconds: int, **kwargs):
        super().__init__(**kwargs)
        self.seconds = seconds

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - self.seconds)


def path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def confirm_link(email=VICTIM, **overrides) -> str:
    wish = {"email": email, "kind": "site", "series": None, "critic": None, "freq": "each"}
    return path(links.confirm_url(**(wish | overrides)))


def assert_refused(response, words: str):
    assert response.status_code == 400, response.status_code
    assert words in response.content.decode()


class TestCrossSite:
    def test_a_cross_site_follow_post_is_refused_and_sends_nothing(self):
        response = Client().post(
            "/follow/",
            {"email": VICTIM, "what": "site", "frequency": "each"},
            HTTP_SEC_FETCH_SITE="cross-site",
        )
        assert response.status_code == 403
        assert not MailAddress.objects.exists()

    def test_a_foreign_origin_without_fetch_metadata_is_refused(self):
        response = Client().post(
            "/follow/",
            {"email": VICTIM, "what": "site", "frequency": "each"},
            HTTP_ORIGIN="https://evil.example",
        )
        assert response.status_code == 403

    def test_a_cross_site_confirm_or_stop_all_is_refused(self):
        followers(1, prefix="x")
        cross = {"HTTP_SEC_FETCH_SITE": "cross-site"}
        assert Client().post(confirm_link("x0@example.com"), **cross).status_code == 403
        manage = path(links.manage_url("x0@example.com"))
        assert Client().post(manage, {"stop": "all"}, **cross).status_code == 403
        assert Follow.objects.count() == 1


class TestFlooding:
    def test_many_follows_from_one_address_are_limited(self, settings):
        settings.RATELIMITS = settings.RATELIMITS | {"follow-ip": (2, 10**7)}
        client = Client()
        for n in range(2):
            assert follow(client, "/newsletter/", f"a{n}@example.com").status_code == 302
        response = follow(client, "/newsletter/", "a9@example.com")
        assert response.status_code == 429 and response["Retry-After"]
        assert not MailAddress.objects.filter(email="a9@example.com").exists()

    def test_an_address_gets_at_most_three_confirmations_a_day(self, smtp):
        for _ in range(5):
            follow(Client(), "/newsletter/", VICTIM)
        run_worker(smtp)
        assert len(smtp.messages_to(VICTIM)) == 3
        MailAddress.objects.update(confirmation_sent_at=timezone.now() - timedelta(days=1))
        follow(Client(), "/newsletter/", VICTIM)
        run_worker(smtp)
        assert len(smtp.messages_to(VICTIM)) == 4


class TestSomeoneElsesAddress:
    def test_a_strangers_follow_stores_no_follow_even_for_a_confirmed_address(self):
        followers(1, prefix="owner")  # confirmed, follows everything already
        Follow.objects.all().delete()
        follow(Client(), "/newsletter/", "owner0@example.com")
        assert not Follow.objects.exists()

    def test_the_answer_is_the_same_whether_or_not_the_address_follows(self):
        (known,) = followers(1, prefix="known")
        MailAddress.objects.update(confirmation_sent_at=None)
        answers = []
        for email in (known, "unknown@example.com"):
            response = follow(Client(), "/newsletter/", email)
            answers.append((response.status_code, response["Location"], response.content))
        assert answers[0] == answers[1]
        thanks = [Client().get("/follow/thanks/").content for _ in range(2)]
        assert thanks[0] == thanks[1] and b"known0" not in thanks[0]


class TestSignedLinks:
    def test_a_tampered_confirmation_is_refused_and_follows_nothing(self):
        url = confirm_link()
        forged = url.replace(token_of(url), "x" + token_of(url)[1:])
        assert_refused(Client().post(forged, **SAME), "not valid")
        assert not Follow.objects.exists()

    def test_a_confirmation_signed_with_another_salt_is_refused(self):
        token = token_of(links.unsubscribe_url(VICTIM))
        assert_refused(Client().get(f"/follow/confirm/{token}/"), "not valid")
        token = token_of(links.manage_url(VICTIM))
        assert_refused(Client().post(f"/follow/unsubscribe/{token}/"), "not valid")

    def test_an_expired_confirmation_is_refused(self):
        data = {
            "e": VICTIM,
            "t": int(time.time()) - 8 * 86400,
            "k": "site",
            "s": None,
            "c": None,
            "f": "each",
        }
        token = OldSigner(seconds=8 * 86400, salt=links.CONFIRM_SALT).sign_object(data)
        assert_refused(Client().post(f"/follow/confirm/{token}/", **SAME), "expired")
        assert not Follow.objects.exists()

    def test_an_expired_your_emails_link_is_refused(self):
        followers(1, prefix="old")
        token = OldSigner(seconds=91 * 86400, salt=links.MANAGE_SALT).sign_object(
            {"e": "old0@example.com"}
        )
        assert_refused(Client().post(f"/follow/you/{token}/", {"stop": "all"}, **SAME), "expired")
        assert Follow.objects.count() == 1

    def test_a_confirmation_replayed_after_stopping_is_refused(self):
        url = confirm_link()
        assert Client().post(url, **SAME).status_code == 200
        services.follows_stop(email=VICTIM)
        Follower.objects.update(stopped_at=timezone.now() + timedelta(seconds=2))
        assert_refused(Client().post(url, **SAME), "no longer works")
        assert not Follow.objects.exists()

    def test_a_confirmation_opened_twice_follows_once(self):
        url = confirm_link()
        Client().post(url, **SAME)
        Client().post(url, **SAME)
        assert Follow.objects.count() == 1

    def test_an_oversized_or_garbled_token_is_refused_without_error(self):
        for token in ["x" * 5000, "a:b:c", "%00", "eyJ9"]:
            for prefix in ("confirm", "you", "unsubscribe"):
                response = Client().post(f"/follow/{prefix}/{token}/", **SAME)
                assert response.status_code in (400, 404), (prefix, token)

    def test_a_confirmation_for_a_series_that_no_longer_exists_is_refused(self):
        url = confirm_link(kind="series", series=987654)
        assert_refused(Client().get(url), "no longer exists")
        assert_refused(Client().post(url, **SAME), "no longer exists")


def test_an_account_that_is_not_a_critic_cannot_be_followed():
    admin = make_user("admin")
    response = Client().post(
        "/follow/",
        {"email": VICTIM, "what": "critic", "critic": admin.pk, "frequency": "each"},
        **SAME,
    )
    assert response.status_code == 400
    assert not MailAddress.objects.exists()
