"""Reply e-mails: a reader opts in on the comment form, confirms the address once through
a signed link, and then gets one e-mail per reply, through a real SMTP server and a real
worker process; every message is multipart and carries a one-click unsubscribe."""

import datetime
import re
import time

from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments import services
from comments.models import Comment, MailAddress
from tests.comments.posting import post
from tests.factories import make_comment, make_review
from tests.follows.following import confirm as confirm_follow
from tests.follows.following import follow
from tests.mailserver import background_worker, run_worker

ADDRESS = "marisol@example.com"


def link(text: str, path: str) -> str:
    """The first link to `path` in a message's text, as a path on this site."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s\"<>]*)", text)
    assert match, f"no link to {path} in:\n{text}"
    return match.group(1)


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def come_due() -> None:
    """Move the clock on for the queue: a retry waiting for its time is due now."""
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    waiting.update(run_after=timezone.now() - datetime.timedelta(seconds=1))


def opt_in(client, review, address=ADDRESS, **fields) -> Comment:
    response = post(client, review, email=address, notify_replies="on", **fields)
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Comment.objects.filter(email=address).latest("pk")


def confirm(smtp, address=ADDRESS):
    """Open the confirmation link of the last message to the address and press its button."""
    message = smtp.messages_to(address)[-1]
    path = link(message.part("text/plain"), "/comments/mail/confirm/")
    browser = Client()
    page = browser.get(path)
    assert page.status_code == 200 and "Yes, e-mail me about replies" in page.content.decode()
    done = browser.post(path, HTTP_SEC_FETCH_SITE="same-origin")
    assert done.status_code == 200 and "is confirmed" in done.content.decode()
    # Whoever holds the link (a forwarded mail) learns the address no more than partly.
    for shown in (page, done):
        html = shown.content.decode()
        assert address not in html and f"{address[0]}•••@{address.split('@')[1]}" in html


def confirmed_comment(client, smtp, review) -> Comment:
    comment = opt_in(client, review)
    run_worker(smtp)
    confirm(smtp)
    smtp.clear()
    return comment


class TestOptingIn:
    def test_form_has_the_notify_replies_checkbox_labelled(self, client, db):
        html = client.get(make_review().get_absolute_url()).content.decode()
        assert 'type="checkbox" name="notify_replies"' in html
        assert "E-mail me when someone replies" in html

    def test_ticking_the_box_without_an_address_asks_for_one_and_keeps_the_text(self, client, db):
        review = make_review()
        response = post(client, review, notify_replies="on", body="Keep this text.")
        assert response.status_code == 400
        html = response.content.decode()
        assert "Enter your e-mail address to be told about replies" in html
        assert "Keep this text." in html
        assert not Comment.objects.exists()

    def test_opting_in_sends_one_multipart_confirmation_and_says_so(self, smtp):
        client = Client()
        review = make_review()
        opt_in(client, review)
        page = client.get(review.get_absolute_url()).content.decode()
        assert f"We have sent a link to {ADDRESS}" in page
        run_worker(smtp)
        (message,) = smtp.messages_to(ADDRESS)
        assert message.message.get_content_type() == "multipart/alternative"
        assert "/comments/mail/confirm/" in message.part("text/plain")
        assert "/comments/mail/confirm/" in message.part("text/html")
        assert message.message["Subject"] == "Confirm reply e-mails from Reviewsite"

    def test_a_second_comment_the_same_day_sends_no_second_confirmation(self, smtp):
        client = Client()
        review = make_review()
        opt_in(client, review)
        opt_in(client, review, body="And another thought.")
        run_worker(smtp)
        assert len(smtp.messages_to(ADDRESS)) == 1
        # The page says so, rather than that a link was sent again.
        page = client.get(review.get_absolute_url()).content.decode()
        assert f"We e-mailed a link to {ADDRESS} earlier today (one a day at most)" in page
        assert f"We have sent a link to {ADDRESS}" not in page

    def test_a_reply_link_starts_a_new_day_of_confirmations_a_follow_may_share(self, smtp):
        # Yesterday's three confirmations were all spent.
        MailAddress.objects.create(
            email=ADDRESS,
            confirmation_sent_at=timezone.now() - datetime.timedelta(days=2),
            confirmations_sent=3,
        )
        opt_in(Client(), make_review())
        follow(Client(), "/newsletter/", ADDRESS)  # the day's second confirmation
        run_worker(smtp)
        subjects = sorted(m.message["Subject"] for m in smtp.messages_to(ADDRESS))
        assert len(subjects) == 2 and subjects[0] == "Confirm reply e-mails from Reviewsite"

    def test_after_a_follow_the_same_day_the_page_points_to_its_link(self, smtp):
        follow(Client(), "/newsletter/", ADDRESS)
        client = Client()
        review = make_review()
        opt_in(client, review)
        page = client.get(review.get_absolute_url()).content.decode()
        assert "earlier today (one a day at most)" in page and "a link to confirm a" in page
        run_worker(smtp)
        assert len(smtp.messages_to(ADDRESS)) == 1  # the follow link, which confirms the address
        confirm_follow(smtp, ADDRESS)
        post(Client(), review, parent=str(Comment.objects.get().pk), name="Dev", body="No.")
        run_worker(smtp)
        assert "Dev" in smtp.messages_to(ADDRESS)[-1].part("text/plain")

    def test_nothing_is_sent_about_replies_before_the_address_is_confirmed(self, smtp):
        client = Client()
        review = make_review()
        comment = opt_in(client, review)
        make_comment(review, parent=comment, name="Dev", body="I disagree.")
        post(Client(), review, parent=str(comment.pk), name="Dev", body="I disagree.")
        run_worker(smtp)
        (only,) = smtp.messages_to(ADDRESS)
        assert "confirm" in only.message["Subject"].lower()


class TestReplyMail:
    def test_each_reply_to_a_confirmed_reader_sends_one_message_with_a_link(self, smtp):
        client = Client()
        review = make_review()
        comment = confirmed_comment(client, smtp, review)
        assert MailAddress.objects.get(email=ADDRESS).is_active

        other = Client()
        post(other, review, parent=str(comment.pk), name="Dev", body="Season two is better.")
        post(other, review, parent=str(comment.pk), name="Dev", body="And the score!")
        run_worker(smtp)
        first, second = smtp.messages_to(ADDRESS)
        assert first.message["Subject"] == (f"Dev replied to your comment on {review.headline}")
        assert "Season two is better." in first.part("text/plain")
        assert "Season two is better." in first.part("text/html")
        assert "And the score!" in second.part("text/plain")
        reply = Comment.objects.get(body="Season two is better.")
        assert link(first.part("text/plain"), review.get_absolute_url()).endswith(
            f"#comment-{reply.pk}"
        )
        assert str(first.message["List-Unsubscribe"]).strip().startswith("<http")
        assert first.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    def test_the_readers_own_reply_to_their_comment_sends_nothing(self, smtp):
        client = Client()
        review = make_review()
        comment = confirmed_comment(client, smtp, review)
        post(client, review, parent=str(comment.pk), body="Replying to myself.")
        run_worker(smtp)
        assert smtp.messages_to(ADDRESS) == []

    def test_a_held_reply_is_mailed_once_when_a_moderator_approves_it(self, smtp, moderator):
        client = Client()
        review = make_review()
        comment = confirmed_comment(client, smtp, review)
        links = "https://a.example https://b.example https://c.example"
        post(Client(), review, parent=str(comment.pk), name="Dev", body=links)
        reply = Comment.objects.get(body=links)
        assert reply.status == "pending"
        run_worker(smtp)
        assert smtp.messages_to(ADDRESS) == []
        services.comment_approve(comment=reply, by=moderator)
        services.comment_approve(comment=reply, by=moderator)
        run_worker(smtp)
        assert len(smtp.messages_to(ADDRESS)) == 1


class TestUnsubscribing:
    def test_one_click_post_without_login_stops_every_reply_mail(self, smtp):
        client = Client()
        review = make_review()
        comment = confirmed_comment(client, smtp, review)
        post(Client(), review, parent=str(comment.pk), name="Dev", body="First reply.")
        run_worker(smtp)
        (message,) = smtp.messages_to(ADDRESS)
        url = str(message.message["List-Unsubscribe"]).strip().strip("<>")
        path = url.split("://", 1)[1].split("/", 1)[1]
        # What a mail program does (RFC 8058): a POST with this body, no cookies, no token.
        response = Client(enforce_csrf_checks=True).post(
            "/" + path, {"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 200
        assert "gets no more reply e-mails" in response.content.decode()
        smtp.clear()
        post(Client(), review, parent=str(comment.pk), name="Kim", body="Second reply.")
        run_worker(smtp)
        assert smtp.messages_to(ADDRESS) == []

    def test_stopping_one_comment_keeps_the_others(self, smtp):
        client = Client()
        review = make_review()
        first = confirmed_comment(client, smtp, review)
        second = opt_in(client, review, body="A second comment of mine.")
        post(Client(), review, parent=str(first.pk), name="Dev", body="Reply one.")
        run_worker(smtp)
        (message,) = smtp.messages_to(ADDRESS)
        stop = link(message.part("text/plain"), "/comments/mail/unsubscribe/")
        page = Client().get(stop)
        assert "Stop e-mails about this comment" in page.content.decode()
        assert "Stop reply e-mails to m•••@example.com." in page.content.decode()
        assert ADDRESS not in page.content.decode()
        Client().post(stop)
        smtp.clear()
        post(Client(), review, parent=str(first.pk), name="Kim", body="Reply two.")
        post(Client(), review, parent=str(second.pk), name="Kim", body="Reply three.")
        run_worker(smtp)
        (only,) = smtp.messages_to(ADDRESS)
        assert "Reply three." in only.part("text/plain")

    def test_after_unsubscribing_the_reader_can_opt_in_again_at_once(self, smtp):
        client = Client()
        review = make_review()
        confirmed_comment(client, smtp, review)
        services.subscription_stop(email=ADDRESS, comment_id=None)
        opt_in(client, review, body="Back again.")
        run_worker(smtp)
        confirm(smtp)
        assert MailAddress.objects.get(email=ADDRESS).is_active


class TestMailServerDown:
    def test_a_message_waits_and_is_delivered_once_the_server_is_back(self, smtp):
        client = Client()
        review = make_review()
        smtp.stop()
        try:
            with background_worker(smtp) as worker:
                opt_in(client, review)
                wait_until(lambda: DBTaskResult.objects.count() >= 2)  # a retry is queued
                assert smtp.messages_to(ADDRESS) == []
                smtp.start()
                smtp.wait_for(1, timeout=30)
                worker.terminate()
                log = worker.communicate(timeout=10)[0]
        finally:
            smtp.stop()
            smtp.start()
        assert len(smtp.messages_to(ADDRESS)) == 1
        assert "not sent (attempt 1" in log

    def test_after_every_retry_the_failure_is_logged(self, smtp):
        client = Client()
        review = make_review()
        opt_in(client, review)
        smtp.stop()
        try:
            output = ""
            for _ in range(3):  # retries 1 s then 2 s apart; each run takes what is due
                output += run_worker(smtp, REVIEWSITE_MAIL_RETRIES="1")
                come_due()
            output += run_worker(smtp, REVIEWSITE_MAIL_RETRIES="1")
        finally:
            smtp.start()
        assert "failed after 2 attempts, giving up" in output
        assert smtp.messages_to(ADDRESS) == []


class TestHeaderInjection:
    def test_a_name_with_a_bcc_header_in_it_adds_no_header_or_recipient(self, smtp):
        client = Client()
        review = make_review()
        comment = confirmed_comment(client, smtp, review)
        make_comment(
            review,
            parent=comment,
            name="Eve\r\nBcc: victim@example.net",
            body="Hello",
        )
        services.reply_notify(reply=Comment.objects.get(body="Hello"))
        run_worker(smtp)
        (message,) = smtp.inbox
        assert message.rcpt_tos == [ADDRESS]
        assert message.message["Bcc"] is None
        assert "\n" not in message.message["Subject"]
        assert message.message["Subject"].startswith("Eve Bcc: victim@example.net replied")
