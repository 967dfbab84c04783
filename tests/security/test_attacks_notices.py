"""Attacks on the notice of illegal content: hostile text is kept in the form and shown
as text, bad input is refused with what was typed kept and nothing stored, another site's
page cannot send one, a flood is rate limited, and nobody but a moderator decides."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, Notice
from tests.factories import make_comment, make_review
from tests.security.hostile import IMG, SCRIPT, assert_escaped

pytestmark = pytest.mark.django_db

FIELDS = {
    "category": "hate",
    "explanation": "It threatens the lead actor by name.",
    "email": "notifier@example.com",
    "good_faith": "on",
}


def url(comment) -> str:
    return reverse("comments:notice", args=[comment.pk])


@pytest.fixture
def comment():
    return make_comment(make_review())


@pytest.mark.parametrize("payload", [SCRIPT, IMG])
def test_hostile_text_refused_for_another_field_is_kept_and_shown_as_text(client, comment, payload):
    response = client.post(
        url(comment), FIELDS | {"explanation": payload, "name": payload, "email": "not-an-address"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert_escaped(html, payload, "the notice form")
    assert "Please enter an e-mail address like name@example.com." in html
    assert not Notice.objects.exists()


@pytest.mark.parametrize("payload", [SCRIPT, IMG])
def test_hostile_text_stored_is_shown_to_the_moderator_as_text(client, comment, moderator, payload):
    client.post(url(comment), FIELDS | {"explanation": payload})
    notice = Notice.objects.get()
    staff = Client()
    staff.force_login(moderator)
    html = staff.get(reverse("comments:decide_notice", args=[notice.pk])).content.decode()
    assert_escaped(html, payload, "the decision page")


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"category": "treason"}, "Choose one of the kinds listed."),
        ({"category": ""}, "Choose what kind of illegal content this is."),
        ({"explanation": "   "}, "Please explain why the comment is illegal."),
        ({"explanation": "x" * 5001}, "Please keep your explanation to 5000 characters"),
        ({"explanation": "bad\x00byte"}, ""),
        ({"email": ""}, "Enter the address the decision should go to."),
        ({"email": "a@b.c\r\nBcc: everyone@example.com"}, "Please enter an e-mail address"),
        ({"good_faith": ""}, "Please confirm that you send this notice in good faith."),
        ({"name": "n" * 101}, "Please keep your name to 100 characters"),
    ],
    ids=[
        "unknown category",
        "no category",
        "blank explanation",
        "explanation too long",
        "control character",
        "no e-mail",
        "header injection",
        "no good faith",
        "name too long",
    ],
)
def test_bad_input_is_refused_cleanly_with_the_text_kept(client, comment, changes, error):
    data = FIELDS | {"explanation": "My careful explanation."} | changes
    response = client.post(url(comment), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    if "explanation" not in changes:
        assert "My careful explanation." in html
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://evil.example"}],
    ids=["cross-site", "foreign origin"],
)
def test_another_sites_page_cannot_send_one(client, comment, headers):
    assert client.post(url(comment), FIELDS, **headers).status_code == 403
    assert not Notice.objects.exists()


def test_a_flood_is_rate_limited_and_keeps_the_text(settings, comment):
    settings.RATELIMITS = settings.RATELIMITS | {"report-ip": (3, 86400)}
    statuses = [
        Client().post(url(comment), FIELDS, REMOTE_ADDR="203.0.113.5").status_code for _ in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    refused = Client().post(url(comment), FIELDS, REMOTE_ADDR="203.0.113.5")
    assert int(refused["Retry-After"]) > 0
    assert FIELDS["explanation"] in refused.content.decode()
    assert Notice.objects.count() == 3


def test_not_on_a_hidden_comment(client):
    held = make_comment(make_review(), status=Comment.Status.PENDING)
    assert client.get(url(held)).status_code == 404
    assert client.post(url(held), FIELDS).status_code == 404


def test_a_reader_cannot_decide_by_guessing_the_address(client, comment, reader):
    client.post(url(comment), FIELDS)
    notice = Notice.objects.get()
    client.force_login(reader)
    response = client.post(
        reverse("comments:decide_notice", args=[notice.pk]), {"decision": "removed", "ground": "x"}
    )
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.decided_at is None
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
