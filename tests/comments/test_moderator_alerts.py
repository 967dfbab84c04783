"""Moderators who opt in are e-mailed when a comment is held or hidden by reports (or get
an hourly or daily digest instead), never more than once per comment; through a real SMTP
server and a real worker."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import Comment
from tests.comments.posting import post
from tests.factories import make_comment, make_review, make_user
from tests.mailserver import run_worker

LINKS = "Look https://a.example https://b.example https://c.example"
MOD_ADDRESS = "mod@example.com"


@pytest.fixture
def alerted(moderator):
    moderator.email = MOD_ADDRESS
    moderator.save()
    return moderator


def opt_in(user, frequency: str) -> Client:
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("comments:alerts"), {"frequency": frequency, "email": user.email}
    )
    assert response.status_code == 302
    assert "Your alert setting is saved." in client.get(response["Location"]).content.decode()
    return client


def report_three_times(comment):
    for n in range(3):
        services.comment_report(comment=comment, reader=f"a:reporter{n}", reason="abuse")


class TestOneMessagePerComment:
    def test_a_held_comment_e_mails_the_opted_in_moderator_with_links_to_act(self, smtp, alerted):
        opt_in(alerted, "each")
        review = make_review()
        post(Client(), review, body=LINKS)
        run_worker(smtp)
        (message,) = smtp.messages_to(MOD_ADDRESS)
        comment = Comment.objects.get()
        assert message.message["Subject"] == (
            f"Waiting for a moderator: Marisol on {review.headline}"
        )
        text = message.part("text/plain")
        assert "Too many links" in text
        assert f"/admin/comments/comment/{comment.pk}/change/" in text
        assert f"#comment-{comment.pk}" in text
        assert "Approve or remove it" in message.part("text/html")

    def test_no_moderator_gets_a_second_message_about_the_same_comment(self, smtp, alerted):
        opt_in(alerted, "each")
        review = make_review()
        comment = make_comment(review)
        report_three_times(comment)
        services.comment_approve(comment=comment, by=alerted)
        for n in range(3, 6):
            services.comment_report(comment=comment, reader=f"a:reporter{n}", reason="spam")
        assert Comment.objects.get().status == "pending"  # hidden a second time
        run_worker(smtp)
        (message,) = smtp.messages_to(MOD_ADDRESS)
        assert "Reported by readers" in message.part("text/plain")

    def test_moderators_who_did_not_opt_in_get_nothing(self, smtp, alerted):
        other = make_user(email="quiet@example.com", is_staff=True)
        other.groups.add(*alerted.groups.all())
        post(Client(), make_review(), body=LINKS)
        run_worker(smtp)
        assert smtp.inbox == []

    def test_a_published_comment_alerts_nobody(self, smtp, alerted):
        opt_in(alerted, "each")
        post(Client(), make_review(), body="Nothing wrong with this.")
        run_worker(smtp)
        assert smtp.inbox == []


class TestDigest:
    def test_the_hourly_digest_lists_what_waits_once(self, smtp, alerted):
        opt_in(alerted, "hourly")
        review = make_review()
        post(Client(), review, body=LINKS)
        report_three_times(make_comment(review, name="Kim", body="Reported text."))
        call_command("send_moderation_digest", "hourly")
        call_command("send_moderation_digest", "hourly")
        call_command("send_moderation_digest", "daily")
        run_worker(smtp)
        (message,) = smtp.messages_to(MOD_ADDRESS)
        assert message.message["Subject"] == "2 comments waiting for a moderator on Reviewsite"
        text = message.part("text/plain")
        assert "Too many links" in text and "Reported text." in text


class TestSettingsPage:
    def test_the_address_is_set_on_the_page_and_required_for_alerts(self, db, moderator):
        client = Client()
        client.force_login(moderator)
        url = reverse("comments:alerts")
        refused = client.post(url, {"frequency": "each", "email": ""})
        assert refused.status_code == 400
        assert "Enter the address the alerts should go to." in refused.content.decode()
        assert client.post(url, {"frequency": "daily", "email": "m@example.com"}).status_code == 302
        moderator.refresh_from_db()
        assert moderator.email == "m@example.com"
        assert moderator.moderator_alerts.frequency == "daily"

    def test_readers_cannot_open_it_and_strangers_are_sent_to_log_in(self, db):
        url = reverse("comments:alerts")
        assert Client().get(url).status_code == 302
        client = Client()
        client.force_login(make_user())
        assert client.get(url).status_code == 403

    def test_a_bad_choice_is_refused_with_a_message(self, db, alerted):
        client = Client()
        client.force_login(alerted)
        response = client.post(reverse("comments:alerts"), {"frequency": "every-second"})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
