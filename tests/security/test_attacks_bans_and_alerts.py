"""Attacks on the moderators' new forms (ban, pin, alerts): no token or a cross-site post
is refused, hostile or oversized text is refused or shown escaped, and nothing is written."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Ban, Comment, ModeratorAlerts
from tests.factories import make_comment, make_review
from tests.security.hostile import PAYLOADS, assert_escaped

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict(moderator):
    """A moderator's browser that sends no CSRF token (what a forged form does)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    return client


@pytest.fixture
def staff(moderator):
    client = Client()
    client.force_login(moderator)
    return client


class TestTokens:
    def test_ban_pin_and_alerts_without_the_token_write_nothing(self, strict):
        comment = make_comment(make_review())
        posts = [
            (reverse("comments:ban", args=[comment.pk]), {"length": "forever", "reason": "spam"}),
            (reverse("comments:pin", args=[comment.pk]), {"pinned": "1"}),
            (reverse("comments:alerts"), {"frequency": "each", "email": "m@example.com"}),
        ]
        for url, data in posts:
            assert strict.post(url, data).status_code == 403
        assert not Ban.objects.exists() and not ModeratorAlerts.objects.exists()
        assert not Comment.objects.get().pinned


class TestHostileInput:
    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_a_hostile_ban_note_is_shown_escaped_in_the_admin(self, staff, payload):
        comment = make_comment(make_review(), email="t@example.com")
        data = {"length": "1d", "reason": "abuse", "note": payload}
        assert staff.post(reverse("comments:ban", args=[comment.pk]), data).status_code == 302
        ban = Ban.objects.get()
        page = staff.get(reverse("admin:comments_ban_change", args=[ban.pk])).content.decode()
        assert_escaped(page, payload)

    def test_bad_lengths_and_an_oversized_note_are_refused_with_a_message(self, staff):
        comment = make_comment(make_review())
        url = reverse("comments:ban", args=[comment.pk])
        for data, message in [
            ({"length": "1000y", "reason": "spam"}, "Choose 1 day, 7 days or for good."),
            ({"reason": "spam"}, "Choose how long the ban lasts."),
            ({"length": "7d", "reason": "spam", "note": "x" * 501}, "Please keep the note"),
        ]:
            response = staff.post(url, data)
            assert response.status_code == 400
            assert message in response.content.decode()
        assert not Ban.objects.exists()

    def test_a_ban_or_pin_of_a_comment_that_does_not_exist_is_a_404(self, staff):
        assert staff.post("/comments/999999/ban/", {"length": "1d"}).status_code == 404
        assert staff.post("/comments/999999/pin/", {"pinned": "1"}).status_code == 404

    def test_an_oversized_or_hostile_alert_address_is_refused(self, staff):
        for email in ("a" * 300 + "@example.com", "m@example.com\r\nBcc: x@evil.example"):
            response = staff.post(reverse("comments:alerts"), {"frequency": "each", "email": email})
            assert response.status_code == 400
        assert not ModeratorAlerts.objects.exists()
