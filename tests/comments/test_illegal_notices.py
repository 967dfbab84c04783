"""Notices of illegal content (EU Digital Services Act, Articles 16 and 17): a reader sends
one from beside "Report", it is stored and acknowledged, it heads the moderation queue, and
the moderator's decision reaches the notifier (and the author of a removed comment) as a
statement of reasons, through a real SMTP server and the real task worker."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Comment, MailAddress, ModerationAction, Notice
from tests.factories import make_comment, make_review
from tests.mailserver import run_worker

pytestmark = pytest.mark.django_db

FIELDS = {
    "category": "defamation",
    "explanation": "It says the showrunner took bribes, which is false and damaging.",
    "name": "Dana Scully",
    "email": "Dana@Example.com",
    "good_faith": "on",
}


def send_notice(client, comment, **changes):
    return client.post(reverse("comments:notice", args=[comment.pk]), FIELDS | changes)


class TestTheNoticeForm:
    def test_report_illegal_content_sits_beside_report(self):
        comment = make_comment(make_review())
        html = Client().get(comment.review.get_absolute_url()).content.decode()
        report = html.index(reverse("comments:report", args=[comment.pk]))
        notice = html.index(reverse("comments:notice", args=[comment.pk]))
        assert 0 < notice - report < 400
        assert ">Report illegal content<" in html

    def test_the_form_asks_what_article_16_asks(self, client):
        comment = make_comment(make_review())
        html = client.get(reverse("comments:notice", args=[comment.pk])).content.decode()
        for label, _ in Notice.Category.choices:
            assert label in html
        assert 'name="explanation"' in html and 'name="email"' in html
        assert "I believe in good faith" in html
        assert comment.body in html  # the comment is quoted

    def test_a_notice_is_stored_and_the_reader_goes_back_to_the_comment(self, client):
        comment = make_comment(make_review())
        response = send_notice(client, comment)
        assert response.status_code == 302
        assert response["Location"].endswith(f"#comment-{comment.pk}")
        notice = Notice.objects.get()
        assert (notice.comment, notice.category, notice.email) == (
            comment,
            "defamation",
            "dana@example.com",
        )
        assert notice.decided_at is None
        page = client.get(response["Location"]).content.decode()
        assert "your notice is received" in page
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PUBLISHED  # a claim, not a verdict

    def test_notices_share_the_report_limit_and_keep_what_was_typed(self, settings):
        settings.RATELIMITS = settings.RATELIMITS | {"report-ip": (1, 10**7)}
        comment = make_comment(make_review())
        assert send_notice(Client(), comment).status_code == 302
        response = send_notice(Client(), comment, explanation="A second, careful explanation.")
        html = response.content.decode()
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        assert "and send this notice again; what you wrote is kept below" in html
        assert "A second, careful explanation." in html
        assert Notice.objects.count() == 1

    def test_it_heads_the_moderation_queue(self, client, moderator):
        review = make_review()
        reported = make_comment(review, name="Reported")
        for n in range(3):
            services.comment_report(comment=reported, reader=f"a:{n}", reason="abuse")
        noticed = make_comment(review, name="Noticed")
        send_notice(Client(), noticed)
        queue = list(Comment.objects.moderation_queue().values_list("name", flat=True))
        assert queue[:2] == ["Noticed", "Reported"]
        client.force_login(moderator)
        html = client.get(reverse("admin:comments_comment_changelist")).content.decode()
        assert "1 notice of illegal content" in html
        assert html.index(">Noticed<") < html.index(">Reported<")


class TestTheDecision:
    def test_removal_reaches_notifier_and_confirmed_author_through_smtp_and_the_worker(
        self, smtp, client, moderator
    ):
        MailAddress.objects.create(email="author@example.com", confirmed_at=timezone.now())
        comment = make_comment(
            make_review(), email="author@example.com", body="The showrunner took bribes."
        )
        send_notice(Client(), comment)
        notice = Notice.objects.get()
        client.force_login(moderator)
        assert (
            "Notice"
            in client.get(reverse("comments:decide_notice", args=[notice.pk])).content.decode()
        )
        response = client.post(
            reverse("comments:decide_notice", args=[notice.pk]),
            {
                "decision": "removed",
                "ground": "Defamation: a false statement of fact about a named person.",
                "tell_author": "on",
            },
        )
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.status == Comment.Status.REMOVED
        run_worker(smtp)
        received, decision = smtp.messages_to("dana@example.com")
        assert "We received your notice" in received.message["Subject"]
        text = decision.part("text/plain")
        assert "Statement of reasons" in text
        assert "What was decided: The comment was removed." in text
        assert "a false statement of fact about a named person" in text
        assert "How to appeal" in text
        (to_author,) = smtp.messages_to("author@example.com")
        assert "Statement of reasons" in to_author.part("text/plain")
        assert "How to appeal" in to_author.part("text/html")
        entry = ModerationAction.objects.get(action=ModerationAction.Action.NOTICE)
        assert entry.moderator_name == "moderator"
        assert f"Notice {notice.pk} (Defamation): The comment was removed." in entry.note

    def test_keeping_the_comment_tells_the_notifier_only(self, smtp, moderator):
        MailAddress.objects.create(email="author@example.com", confirmed_at=timezone.now())
        comment = make_comment(make_review(), email="author@example.com")
        send_notice(Client(), comment)
        services.notice_decide(
            notice=Notice.objects.get(),
            by=moderator,
            decision="kept",
            ground="An opinion about a television show, not a statement of fact.",
        )
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PUBLISHED
        run_worker(smtp)
        assert smtp.messages_to("author@example.com") == []
        _, decision = smtp.messages_to("dana@example.com")
        assert "What was decided: The comment was kept: not found illegal." in decision.part(
            "text/plain"
        )

    def test_a_notice_is_decided_once(self, moderator):
        send_notice(Client(), make_comment(make_review()))
        notice = Notice.objects.get()
        services.notice_decide(notice=notice, by=moderator, decision="kept", ground="Fine.")
        assert (
            services.notice_decide(notice=notice, by=moderator, decision="removed", ground="x")
            is None
        )
        assert ModerationAction.objects.filter(action="notice").count() == 1

    def test_the_ground_is_required(self, client, moderator):
        send_notice(Client(), make_comment(make_review()))
        notice = Notice.objects.get()
        client.force_login(moderator)
        response = client.post(
            reverse("comments:decide_notice", args=[notice.pk]), {"decision": "removed"}
        )
        assert response.status_code == 400
        assert "Write the ground of the decision" in response.content.decode()
        notice.refresh_from_db()
        assert notice.decided_at is None

    def test_readers_cannot_decide(self, client):
        send_notice(Client(), make_comment(make_review()))
        notice = Notice.objects.get()
        response = client.post(
            reverse("comments:decide_notice", args=[notice.pk]),
            {"decision": "removed", "ground": "x"},
        )
        assert response.status_code == 302 and "login" in response["Location"]
        notice.refresh_from_db()
        assert notice.decided_at is None


def test_moderators_find_undecided_notices_in_the_admin(client, moderator):
    send_notice(Client(), make_comment(make_review()))
    client.force_login(moderator)
    response = client.get(reverse("admin:comments_notice_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Awaiting a decision" in html and "Decide…" in html
