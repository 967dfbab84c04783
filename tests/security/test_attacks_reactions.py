"""Attacks on reactions ("Respect"): another site's page pressing the button, a request
replayed, another reader's (or a forged) cookie, a flood from one address, and garbage in
the form. Each is refused or changes nothing, and never costs a 500."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from comments.models import Reaction
from tests.factories import make_comment, make_review
from tests.security.test_attacks_cookies import signed

pytestmark = pytest.mark.django_db

COOKIE = django_settings.READER_COOKIE_NAME


def react(client, comment, on="1", **headers):
    return client.post(reverse("comments:react", args=[comment.pk]), {"on": on}, **headers)


def count(comment) -> int:
    return Reaction.objects.filter(comment=comment).count()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
    ],
    ids=["cross-site", "same-site", "foreign origin", "sandboxed frame"],
)
def test_another_sites_page_cannot_press_it(client, headers):
    comment = make_comment(make_review())
    response = react(client, comment, **headers)
    assert response.status_code == 403
    assert count(comment) == 0
    assert COOKIE not in response.cookies  # no reader id handed out either


def test_a_replayed_press_changes_nothing_the_second_time(client):
    comment = make_comment(make_review())
    for _ in range(3):
        assert react(client, comment, "1").status_code == 302
    assert count(comment) == 1
    for _ in range(2):
        react(client, comment, "0")
    assert count(comment) == 0


def test_another_readers_forged_cookie_cannot_take_theirs_back():
    comment = make_comment(make_review())
    victim = Client()
    react(victim, comment)
    raw = victim.cookies[COOKIE].value
    for forged in (
        raw[:-2] + ("AA" if not raw.endswith("AA") else "BB"),  # signature altered
        signed("someone-else", key="not-the-site-key-" + "x" * 40),  # foreign key
        "u:1",  # an account's id, typed in
    ):
        attacker = Client()
        attacker.cookies[COOKIE] = forged
        response = react(attacker, comment, "0")
        assert response.status_code == 302
    assert count(comment) == 1
    assert Reaction.objects.get().reader != "u:1"


def test_a_flood_from_one_address_is_stopped_by_its_rate_limit(settings):
    settings.RATELIMITS = settings.RATELIMITS | {"reaction-ip": (5, 86400)}
    comment = make_comment(make_review())
    statuses = [react(Client(), comment, REMOTE_ADDR="203.0.113.9").status_code for _ in range(8)]
    assert statuses == [302] * 5 + [429] * 3
    assert count(comment) == 5
    refused = react(Client(), comment, REMOTE_ADDR="203.0.113.9")
    assert int(refused["Retry-After"]) > 0
    assert "You have reacted many times in a short while" in refused.content.decode()
    assert react(Client(), comment, REMOTE_ADDR="198.51.100.4").status_code == 302


def test_one_reader_pressing_over_and_over_is_limited_too(client, settings):
    settings.RATELIMITS = settings.RATELIMITS | {"reaction-reader": (4, 86400)}
    comment = make_comment(make_review())
    statuses = [react(client, comment, on).status_code for on in "10101"]
    assert statuses == [302, 302, 302, 302, 429]


@pytest.mark.parametrize("on", ["", "2", "yes", "1' OR '1'='1", "\x00", "1" * 5000])
def test_garbage_is_refused_cleanly(client, on):
    comment = make_comment(make_review())
    response = react(client, comment, on)
    assert response.status_code == 400
    assert count(comment) == 0
    json = react(client, comment, on, HTTP_ACCEPT="application/json")
    assert json.status_code == 400 and "error" in json.json()


def test_a_get_changes_nothing(client):
    comment = make_comment(make_review())
    assert client.get(reverse("comments:react", args=[comment.pk]), {"on": "1"}).status_code == 405
    assert count(comment) == 0


@pytest.mark.parametrize("pk", ["999999", "0"])
def test_an_unknown_comment_is_404(client, pk):
    assert client.post(f"/comments/{pk}/react/", {"on": "1"}).status_code == 404
