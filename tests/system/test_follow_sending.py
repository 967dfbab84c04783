"""Follow mail through a real SMTP server (aiosmtpd) and the real worker (db_worker):
one message per follower per review, whatever they follow, even across a worker killed
in the middle of a send; one-click unsubscribe stops it; a 550 marks the address."""

import signal
from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from comments.models import MailAddress
from follows.models import Delivery, Follow, Follower, Mailing
from reviews.models import Review, Series, critic_url
from tests.factories import give_name, make_review, make_user
from tests.follows.following import confirm, follow, followers, link
from tests.mailserver import background_worker, run_worker
from tests.servers import wait_until

FAST = {"REVIEWSITE_FOLLOW_MAIL_RATE": "100000"}


def publish(review: Review) -> Review:
    review.publish(at=timezone.now())
    return review


def ballard():
    series = Series.objects.create(name="Ballard")
    critic = give_name(make_user("eddie"), "Eddie Marsh")
    # Published a month ago: long before anyone here follows, so never e-mailed.
    first = make_review(
        series=series,
        author=critic,
        work_title="BALLARD",
        published_at=timezone.now() - timedelta(days=30),
    )
    return series, critic, first


class TestFollowingASeries:
    def test_a_confirmed_follower_gets_one_mail_for_a_new_review_of_the_series_only(self, smtp):
        series, critic, _first = ballard()
        response = follow(Client(), series.get_absolute_url(), "ana@example.com", what="series")
        assert response.status_code == 302
        assert response["Location"] == f"/follow/thanks/?series={series.slug}"
        run_worker(smtp)
        assert len(smtp.messages_to("ana@example.com")) == 1  # the confirmation only
        confirm(smtp, "ana@example.com")
        smtp.clear()

        other = make_review(series=Series.objects.create(name="Slow Horses"), published=False)
        new = make_review(series=series, author=critic, season_number=2, published=False)
        publish(other)
        publish(new)
        run_worker(smtp, **FAST)

        received = smtp.messages_to("ana@example.com")
        assert len(received) == 1
        message = received[0]
        assert message.message["Subject"] == new.headline
        assert new.standfirst in message.part("text/plain")
        assert new.get_absolute_url() in message.part("text/html")
        assert message.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/follow/unsubscribe/" in message.message["List-Unsubscribe"]
        assert "/follow/you/" in message.part("text/plain")
        for part in ("text/plain", "text/html"):  # which follow sent it
            assert "because you follow the series Ballard on" in message.part(part)

    def test_unpublishing_and_publishing_again_sends_nothing_more(self, smtp):
        series, _critic, _ = ballard()
        followers(3, kind=Follow.Kind.SERIES, series=series)
        new = publish(make_review(series=series, season_number=2, published=False))
        run_worker(smtp, **FAST)
        assert len(smtp.inbox) == 3
        new.unpublish()
        publish(new)
        run_worker(smtp, **FAST)
        call_command("send_follow_mail", "--reclaim-after=0", stdout=None)
        run_worker(smtp, **FAST)
        assert len(smtp.inbox) == 3


class TestOneMailWhateverMatches:
    def test_a_follower_of_the_site_and_the_critic_gets_one_mail_not_two(self, smtp):
        series, critic, _ = ballard()
        run_worker(smtp)
        client = Client()
        follow(client, "/newsletter/", "both@example.com")
        run_worker(smtp)
        confirm(smtp, "both@example.com")
        # A second follow the next day (one confirmation a day per address).
        MailAddress.objects.update(confirmation_sent_at=timezone.now() - timedelta(days=1))
        follow(client, critic_page(critic), "both@example.com", what="critic")
        run_worker(smtp)
        confirm(smtp, "both@example.com")
        assert Follow.objects.count() == 2
        smtp.clear()

        publish(make_review(series=series, author=critic, season_number=2, published=False))
        run_worker(smtp, **FAST)
        (message,) = smtp.messages_to("both@example.com")
        # The more specific of the two follows is named.
        assert "because you follow reviews by Eddie Marsh on" in message.part("text/plain")


def critic_page(critic) -> str:

    return critic_url(critic)


class TestAWorkerKilledMidSend:
    def test_a_thousand_followers_get_exactly_one_each_after_a_kill_and_a_restart(self, smtp):
        series, _critic, _ = ballard()
        emails = followers(1000, kind=Follow.Kind.SERIES, series=series)
        smtp.stall_after = 400
        new = publish(make_review(series=series, season_number=2, published=False))
        env = FAST | {"REVIEWSITE_FOLLOW_MAIL_BATCH": "50"}
        with background_worker(smtp, **env) as worker:
            assert smtp.stalled.wait(120), "the send never reached the stall"
            worker.send_signal(signal.SIGKILL)  # dies waiting for the server's answer
            worker.wait(10)
        assert len(smtp.inbox) == 400
        smtp.stall_after = None
        smtp.release.set()
        sent = Delivery.objects.filter(review=new, status=Delivery.Status.SENT).count()
        assert sent == 400 and Delivery.objects.filter(status="sending").count() == 1

        call_command("send_follow_mail", "--reclaim-after=0", stdout=None)
        with background_worker(smtp, **env) as worker:
            done = wait_until(
                lambda: Delivery.objects.filter(review=new, status="sent").count() == 1000, 180
            )
        assert done, worker.stdout.read()[-3000:]
        counts = {}
        for message in smtp.inbox:
            for address in message.rcpt_tos:
                counts[address] = counts.get(address, 0) + 1
        assert sorted(counts) == sorted(emails)
        assert set(counts.values()) == {1}
        assert Mailing.objects.get(review=new).recipients == 1000


class TestStopping:
    def test_one_click_unsubscribe_by_post_without_login_stops_the_next_review(self, smtp):
        series, _critic, _ = ballard()
        followers(1, prefix="quit", kind=Follow.Kind.SERIES, series=series)
        publish(make_review(series=series, season_number=2, published=False))
        run_worker(smtp, **FAST)
        (message,) = smtp.messages_to("quit0@example.com")
        url = message.message["List-Unsubscribe"].strip("<>")
        path = link(url, "/follow/unsubscribe/")
        response = Client().post(path, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        smtp.clear()
        publish(make_review(series=series, season_number=3, published=False))
        run_worker(smtp, **FAST)
        assert smtp.messages_to("quit0@example.com") == []

    def test_a_550_marks_the_address_undeliverable_and_nothing_more_is_sent(self, smtp):
        series, _critic, _ = ballard()
        followers(2, prefix="box", kind=Follow.Kind.SERIES, series=series)
        smtp.refuse = {"box0@example.com"}
        first = publish(make_review(series=series, season_number=2, published=False))
        run_worker(smtp, **FAST)
        assert len(smtp.messages_to("box1@example.com")) == 1
        refused = Delivery.objects.get(review=first, follower__address__email="box0@example.com")
        assert refused.status == Delivery.Status.REFUSED and refused.error.startswith("550")
        assert Follower.objects.get(address__email="box0@example.com").undeliverable_at
        publish(make_review(series=series, season_number=3, published=False))
        run_worker(smtp, **FAST)
        assert (
            not Delivery.objects.filter(follower__address__email="box0@example.com")
            .exclude(review=first)
            .exists()
        )
