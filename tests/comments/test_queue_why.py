"""The moderation queue says why: each held comment shows its reason and its author's
history, the queue is sorted reported first then oldest, and the author of a removed or
rejected comment can be told the decision and the reason by e-mail (real SMTP, worker)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Comment, MailAddress
from tests.comments.posting import post
from tests.factories import make_comment, make_review
from tests.mailserver import run_worker

CHANGELIST = reverse("admin:comments_comment_changelist")
LINKS = "See https://a.example https://b.example https://c.example"


@pytest.fixture
def staff(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def change_page(staff, comment) -> str:
    return staff.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()


@pytest.mark.django_db
class TestReasons:
    def test_each_hold_reason_shows_in_the_queue(self, staff, settings):
        settings.COMMENT_BLOCKLIST = ["casino"]
        review = make_review()
        post(Client(), review, body=LINKS, name="Linky")
        post(Client(), review, body="Best casino", name="Gambler")
        settings.COMMENT_PREMODERATE = 1
        post(Client(), review, body="Hello, first time here.", name="Newbie")
        reported = make_comment(review, name="Rude")
        for n in range(3):
            services.comment_report(comment=reported, reader=f"a:r{n}", reason="abuse")
        html = staff.get(CHANGELIST).content.decode()
        for why in ("too many links", "a suspect word", "a new commenter", "reported by readers"):
            assert f"Awaiting moderation ({why})" in html
        assert "<strong>3</strong> · abuse" in html
        on_page = staff.get(review.get_absolute_url()).content.decode()
        assert "Awaiting moderation (a new commenter)" in on_page

    def test_the_authors_history_counts_their_comments_and_lists_bans(self, staff, moderator):
        review = make_review()
        make_comment(review, reader="a:troll", email="t@example.com")
        make_comment(review, reader="a:other-browser", email="T@example.com", status="removed")
        held = make_comment(review, reader="a:troll", status="pending")
        services.commenter_ban(
            comment=make_comment(review, reader="a:troll"),
            by=moderator,
            length="1d",
            reason="abuse",
            remove=False,
        )
        html = change_page(staff, held)
        assert "Author&#x27;s history" in html or "Author's history" in html
        assert "2 published, 1 awaiting moderation" in html  # the cookie's comments
        assert "Abuse" in html and "until" in html

    def test_the_queue_puts_reported_first_then_the_longest_waiting(self, staff):
        review = make_review()
        now = timezone.now()
        make_comment(review, name="Newer pending", status="pending", created_at=now)
        make_comment(
            review, name="Older pending", status="pending", created_at=now - timedelta(hours=2)
        )
        reported = make_comment(review, name="Reported", created_at=now - timedelta(minutes=1))
        services.comment_report(comment=reported, reader="a:r", reason="spam")
        html = staff.get(CHANGELIST).content.decode()
        positions = [
            html.index(f">{name}</a>") for name in ("Reported", "Older pending", "Newer pending")
        ]
        assert positions == sorted(positions)


class TestDecisionMail:
    def remove(self, staff, comment, **fields):
        data = {"reason": "abuse", "note": "internal: ticket 42", "tell_author": "on"} | fields
        response = staff.post(reverse("comments:remove", args=[comment.pk]), data)
        assert response.status_code == 302

    def test_a_confirmed_author_is_told_the_decision_and_reason_not_the_note(self, smtp, staff):
        review = make_review()
        MailAddress.objects.create(email="m@example.com", confirmed_at=timezone.now())
        comment = make_comment(review, email="m@example.com", body="My hot take.")
        self.remove(staff, comment)
        run_worker(smtp)
        (message,) = smtp.messages_to("m@example.com")
        assert message.message["Subject"] == f"Your comment on {review.headline} was removed"
        text = message.part("text/plain")
        assert "The reason: Abuse." in text and "My hot take." in text
        assert "ticket 42" not in text and "ticket 42" not in message.part("text/html")
        assert message.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    def test_a_rejected_waiting_comment_says_not_published(self, smtp, staff):
        MailAddress.objects.create(email="m@example.com", confirmed_at=timezone.now())
        comment = make_comment(make_review(), email="m@example.com", status="pending")
        self.remove(staff, comment, reason="spam")
        run_worker(smtp)
        (message,) = smtp.messages_to("m@example.com")
        assert message.message["Subject"].endswith("was not published")

    def test_nothing_is_sent_to_an_unconfirmed_address_or_without_the_box(self, smtp, staff):
        review = make_review()
        self.remove(staff, make_comment(review, email="typed@example.com"))
        MailAddress.objects.create(email="m@example.com", confirmed_at=timezone.now())
        self.remove(staff, make_comment(review, email="m@example.com"), tell_author="")
        run_worker(smtp)
        assert smtp.inbox == []
        assert Comment.objects.filter(status="removed").count() == 2
