"""Attacks on who a reader is: forged, replayed and foreign-signed reader cookies, vote
floods with no cookie at all, and forwarding headers that claim another address.

One vote, one rating and one report per reader rest on the signed reader cookie
(readers/identity.py); a script that simply drops its cookie is a new reader each
time, and only the per-address rate limits (readers/ratelimit.py, counted on
readers/clientip.py's address) stop it.
"""

import ipaddress
import re
import time
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from comments.models import Comment, Report
from polls.models import Choice, Vote
from readers.identity import SALT
from tests.comments.posting import post, stamp
from tests.factories import make_comment, make_review
from tests.security.hostile import written

pytestmark = pytest.mark.django_db

COOKIE = django_settings.READER_COOKIE_NAME
VICTIM_IP = "198.51.100.20"


def vote(client, review, text="Yes", **headers):
    choice = review.poll.choices.get(text=text)
    return client.post(
        reverse("polls:vote", kwargs={"slug": review.slug}), {"choice": choice.pk}, **headers
    )


def report(client, comment, **headers):
    return client.post(reverse("comments:report", args=[comment.pk]), {"reason": "spam"}, **headers)


def counts(review) -> dict[str, int]:
    return dict(Choice.objects.filter(poll__review=review).values_list("text", "vote_count"))


def signed(raw: str, *, key: str = "", cookie: str = COOKIE, age: float = 0) -> str:
    """raw signed the way the site signs the reader cookie, or with another key, for another
    cookie, or as long ago as `age` seconds."""
    response = HttpResponse()
    with (
        override_settings(SECRET_KEY=key or django_settings.SECRET_KEY),
        mock.patch("time.time", return_value=time.time() - age),
    ):
        response.set_signed_cookie(cookie, raw, salt=SALT)
    return response.cookies[cookie].value


@pytest.fixture
def victim():
    """A reader who voted Yes, rated the review 5 stars and reported a comment."""
    review = make_review()
    rude = make_comment(review, name="Rude", body="Rude words.")
    client = Client()
    assert vote(client, review, "Yes").status_code == 302
    assert post(client, review, rating="5", body="Five stars from me.").status_code == 302
    assert report(client, rude).status_code == 302
    client.review, client.rude = review, rude
    client.raw = client.cookies[COOKIE].value.split(":")[0]
    return client


#: Cookies an attacker could make up to pass for the victim; only the victim's own signed
#: cookie names the victim.
FORGERIES = {
    "made up": lambda v: "a" * 32 + ":forged:signature",
    "victim's id unsigned": lambda v: v.raw,
    "signed with another key": lambda v: signed(v.raw, key="another-site-" + "k" * 40),
    "signed for another cookie": lambda v: signed(v.raw, cookie="sessionid"),
    "tampered signature": lambda v: (
        v.cookies[COOKIE].value[:-2]
        + ("AA" if not v.cookies[COOKIE].value.endswith("AA") else "BB")
    ),
    "expired": lambda v: signed(v.raw, age=django_settings.READER_COOKIE_AGE + 60),
    "the stored hash": lambda v: Vote.objects.get().voter,
    "8 KB of junk": lambda v: "x" * 8000,
}


class TestForgedCookies:
    def test_the_genuine_signature_is_what_is_checked(self, victim):
        """The control for the forgeries: the victim's raw value signed with the site's key
        now is the victim."""
        other = Client()
        other.cookies[COOKIE] = signed(victim.raw)
        assert (
            "You rated this review 5 stars."
            in other.get(victim.review.get_absolute_url()).content.decode()
        )

    @pytest.mark.parametrize("kind", FORGERIES)
    def test_a_forged_cookie_is_a_stranger_on_the_page(self, victim, kind):
        forger = Client()
        forger.cookies[COOKIE] = FORGERIES[kind](victim)
        html = forger.get(victim.review.get_absolute_url()).content.decode()
        assert 'name="choice"' in html and "Your vote" not in html  # the form, not results
        assert "You rated this review" not in html and 'name="rating"' in html
        page = forger.get(reverse("comments:report", args=[victim.rude.pk])).content.decode()
        assert "Send report" in page and "already reported" not in page

    @pytest.mark.parametrize("kind", FORGERIES)
    def test_a_forged_cookie_is_replaced_and_never_counts_as_the_victim(self, victim, kind):
        forger = Client()
        forged = FORGERIES[kind](victim)
        forger.cookies[COOKIE] = forged
        before = set(Vote.objects.values_list("voter", "choice__text"))
        response = vote(forger, victim.review, "No")
        assert response.cookies[COOKIE].value != forged
        page = forger.get(victim.review.get_absolute_url()).content.decode()
        assert re.search(r">No\s*<span[^>]*>Your vote<", page)  # the new cookie is the forger's
        after = set(Vote.objects.values_list("voter", "choice__text"))
        assert before < after and len(after - before) == 1  # the victim's vote untouched
        (added,) = after - before
        assert added[0] not in {voter for voter, _ in before}

    def test_a_forged_cookie_cannot_take_the_victims_rating_slot(self, victim):
        forger = Client()
        forger.cookies[COOKIE] = FORGERIES["signed with another key"](victim)
        assert post(forger, victim.review, rating="1").status_code == 302
        ratings = Comment.objects.filter(rating__isnull=False).values_list("reader", "rating")
        assert len(set(reader for reader, _ in ratings)) == 2  # two readers, two ratings


class TestReplayedCookies:
    """The same signed cookie in two browsers is one reader: it votes, rates and reports
    once, however many browsers carry it."""

    def copy(self, victim) -> Client:
        other = Client()
        other.cookies[COOKIE] = victim.cookies[COOKIE].value
        return other

    def test_a_replayed_cookie_votes_once(self, victim):
        before = written()
        response = vote(self.copy(victim), victim.review, "No", follow=True)
        assert "You have already voted; your first vote stands." in response.content.decode()
        assert counts(victim.review) == {"Yes": 1, "No": 0, "Maybe": 0}
        assert written() == before

    def test_a_replayed_cookie_rates_once(self, victim):
        response = post(self.copy(victim), victim.review, rating="1", body="One star now.")
        assert response.status_code == 400
        assert "You have already rated this review." in response.content.decode()
        assert "One star now." in response.content.decode()  # the text is kept
        assert list(Comment.objects.exclude(rating=None).values_list("rating", flat=True)) == [5]

    def test_a_replayed_cookie_reports_once(self, victim):
        before = written()
        response = report(self.copy(victim), victim.rude, follow=True)
        assert "You have already reported this comment." in response.content.decode()
        assert Report.objects.count() == 1
        assert written() == before

    def test_many_browsers_replaying_one_cookie_at_once_still_vote_once(self, victim):
        browsers = [self.copy(victim) for _ in range(10)]
        for number, browser in enumerate(browsers):
            vote(browser, victim.review, "Maybe", REMOTE_ADDR=f"192.0.2.{number}")
        assert counts(victim.review) == {"Yes": 1, "No": 0, "Maybe": 0}


# --- Floods and forwarding headers --------------------------------------------------------

#: Headers a script may send to look like many readers. Only REMOTE_ADDR, and
#: X-Forwarded-For through a trusted proxy, count.
SPOOFS = {
    "HTTP_X_REAL_IP": "203.0.113.{n}",
    "HTTP_FORWARDED": "for=203.0.113.{n}",
    "HTTP_CF_CONNECTING_IP": "203.0.113.{n}",
    "HTTP_TRUE_CLIENT_IP": "203.0.113.{n}",
    "HTTP_CLIENT_IP": "203.0.113.{n}",
}

#: How the request reaches the site: (TRUSTED_PROXIES, REMOTE_ADDR, X-Forwarded-For with
#: the script's made-up hops, the address that must be counted and stored).
ROUTES = {
    "direct, no proxy set": ([], VICTIM_IP, "203.0.113.{n}", VICTIM_IP),
    "through the trusted proxy": (
        ["10.0.0.0/8"],
        "10.0.0.2",
        "203.0.113.{n}, " + VICTIM_IP,
        VICTIM_IP,
    ),
    "through two trusted proxies": (
        ["10.0.0.0/8"],
        "10.0.0.2",
        "203.0.113.{n}, 10.9.9.{n}, " + VICTIM_IP + ", 10.0.0.3",
        VICTIM_IP,
    ),
    "direct, bypassing the proxy": (["10.0.0.0/8"], VICTIM_IP, "10.0.0.{n}", VICTIM_IP),
}


def headers(route: str, n: int) -> dict:
    _, remote, forwarded, _ = ROUTES[route]
    spoofed = {name: value.format(n=n) for name, value in SPOOFS.items()}
    return spoofed | {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded.format(n=n)}


def send(action: str, review, comment, n: int, route: str):
    """One request from a brand-new browser (no cookies) that claims to be someone else."""
    client = Client()
    if action == "vote":
        return vote(client, review, ["Yes", "No", "Maybe"][n % 3], **headers(route, n))
    if action == "comment":
        data = {"name": f"Bot {n}", "body": f"Spam number {n}.", "stamp": stamp()}
        return client.post(
            reverse("comments:post", kwargs={"slug": review.slug}), data, **headers(route, n)
        )
    return report(client, comment, **headers(route, n))


SCOPES = {"vote": "vote-ip", "comment": "comment-ip", "report": "report-ip"}
REFUSALS = {
    "vote": "You have voted many times in a short while.",
    "comment": "You have posted several comments in a short while.",
    "report": "You have sent several reports in a short while.",
}


class TestFloodsAndForwardingHeaders:
    @pytest.fixture(autouse=True)
    def limits(self, settings):
        settings.RATELIMIT_ENABLE = True
        settings.RATELIMITS = {scope: (100, 10**7) for scope in settings.RATELIMITS} | {
            scope: (3, 10**7) for scope in SCOPES.values()
        }

    @pytest.mark.parametrize("route", ROUTES)
    @pytest.mark.parametrize("action", SCOPES)
    def test_a_cookieless_flood_with_spoofed_headers_stops_at_the_limit(
        self, settings, action, route
    ):
        settings.TRUSTED_PROXIES = [ipaddress.ip_network(net) for net in ROUTES[route][0]]
        review = make_review()
        comments = [make_comment(review, name=f"Target {n}") for n in range(6)]
        responses = [send(action, review, comments[n], n, route) for n in range(6)]
        assert [r.status_code for r in responses] == [302, 302, 302, 429, 429, 429]
        for refused in responses[3:]:
            assert int(refused["Retry-After"]) > 0
            assert REFUSALS[action] in refused.content.decode()
        if action == "vote":
            assert Vote.objects.count() == 3 and sum(counts(review).values()) == 3
        if action == "comment":
            stored = Comment.objects.filter(name__startswith="Bot")
            assert stored.count() == 3
            assert set(stored.values_list("ip_address", flat=True)) == {ROUTES[route][3]}
        if action == "report":
            assert Report.objects.count() == 3
            assert set(Report.objects.values_list("ip_address", flat=True)) == {ROUTES[route][3]}

    @pytest.mark.parametrize("action", SCOPES)
    def test_behind_the_proxy_each_real_reader_has_their_own_limit(self, settings, action):
        """The control for the test above: the limit follows the real address."""
        settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
        review = make_review()
        comments = [make_comment(review) for _ in range(6)]
        for n in range(3):
            assert send(action, review, comments[n], n, "through the trusted proxy").status_code
        client = Client()
        other = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.21"}
        if action == "vote":
            response = vote(client, review, "No", **other)
        elif action == "comment":
            data = {"name": "Real", "body": "A real reader.", "stamp": stamp()}
            response = client.post(
                reverse("comments:post", kwargs={"slug": review.slug}), data, **other
            )
        else:
            response = report(client, comments[5], **other)
        assert response.status_code == 302

    def test_a_garbled_forwarded_header_counts_against_the_proxy_not_a_stranger(self, settings):
        settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
        review = make_review()
        for n in range(4):
            response = vote(
                Client(),
                review,
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, not-an-address",
            )
        assert response.status_code == 429
        assert REFUSALS["vote"] in response.content.decode()
        assert Vote.objects.count() == 3


class TestForwardedHostAndScheme:
    def test_spoofed_scheme_and_host_never_reach_the_cached_page(self, client):
        review = make_review()
        spoofed = client.get(
            review.get_absolute_url(),
            HTTP_X_FORWARDED_PROTO="https",
            HTTP_X_FORWARDED_HOST="evil.example",
            HTTP_X_ORIGINAL_URL="/admin/",
        ).content.decode()
        plain = Client().get(review.get_absolute_url()).content.decode()
        for html in (spoofed, plain):
            assert f'href="http://testserver{review.get_absolute_url()}"' in html
            assert "evil.example" not in html and "https://testserver" not in html

    def test_each_allowed_host_gets_its_own_cached_page(self, settings):
        settings.ALLOWED_HOSTS = ["testserver", "reviews.example.com"]
        review = make_review()
        Client().get(review.get_absolute_url(), HTTP_HOST="reviews.example.com")
        html = Client().get(review.get_absolute_url()).content.decode()
        assert "reviews.example.com" not in html
