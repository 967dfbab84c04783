"""Readers report comments; enough reports hide a comment and queue it for moderators."""

import pytest
from django.test import Client

from comments import services
from comments.models import Comment, ModerationAction, Report
from tests.comments.moderating import CHANGELIST, snapshot, url
from tests.factories import make_comment, make_review
from tests.forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment():
    return make_comment(make_review(), name="Rude", body="You are all idiots.", rating=1)


def report(client, comment, ip="203.0.113.9", **fields):
    """Fill in the report form the way a browser does, and send it."""
    html = client.get(url("report", comment)).content.decode()
    data = form_data(html[html.index('<div class="confirm">') :])
    data |= {"reason": "abuse"} | fields
    return client.post(url("report", comment), data, REMOTE_ADDR=ip)


class TestReporting:
    def test_each_published_comment_has_a_report_link(self, client, comment):
        reply = make_comment(comment.review, parent=comment, body="Calm down.")
        html = client.get(comment.review.get_absolute_url()).content.decode()
        assert f'href="{url("report", comment)}" rel="nofollow">Report' in html
        assert f'href="{url("report", reply)}" rel="nofollow">Report' in html

    def test_the_page_quotes_the_comment_and_offers_the_reasons(self, client, comment):
        response = client.get(url("report", comment))
        html = response.content.decode()
        assert response.status_code == 200
        assert "You are all idiots." in html and "Rude" in html
        for label in ("Spam or advertising", "Abusive, hateful or harassing", "Something else"):
            assert label in html
        assert '<meta name="robots" content="noindex">' in html
        assert not Report.objects.exists()

    def test_a_report_is_recorded_and_the_reader_goes_back_to_the_comment(self, client, comment):
        response = report(client, comment, reason="abuse", note="Insults everyone")
        assert response.status_code == 302
        assert response["Location"] == comment.get_absolute_url()
        saved = Report.objects.get()
        assert (saved.comment, saved.reason, saved.note) == (comment, "abuse", "Insults everyone")
        assert saved.ip_address == "203.0.113.9" and saved.reader.startswith("a:")
        assert "reader" in response.cookies  # the anonymous reader's id, for "one report each"
        html = client.get(response["Location"]).content.decode()
        mine = html[html.index(f'<article id="comment-{comment.pk}"') :]
        assert "Thank you for your report: a moderator will look at this comment." in mine
        assert Comment.objects.get(pk=comment.pk).status == "published"

    def test_a_logged_in_readers_report_is_theirs(self, client, reader, comment):
        client.force_login(reader)
        report(client, comment)
        assert Report.objects.get().reader == f"u:{reader.pk}"

    def test_one_report_per_reader(self, client, comment):
        report(client, comment)
        response = report(client, comment, reason="spam")
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        assert "You have already reported this comment." in html
        assert Report.objects.count() == 1 and Report.objects.get().reason == "abuse"
        page = client.get(url("report", comment)).content.decode()
        assert "You have already reported this comment." in page and "Send report" not in page

    def test_the_database_refuses_a_second_report_from_the_same_reader(self, comment):
        services.comment_report(comment=comment, reader="a:one", reason="spam")
        with pytest.raises(services.AlreadyReported):
            services.comment_report(comment=comment, reader="a:one", reason="abuse")
        assert Report.objects.count() == 1


class TestThreshold:
    def test_the_third_report_hides_the_comment_and_queues_it(
        self, client, settings, comment, superuser
    ):
        settings.COMMENT_REPORT_THRESHOLD = 3
        other = make_comment(comment.review, name="Calm", body="Nice review.")
        for number in range(2):
            report(Client(), comment, ip=f"198.51.100.{number}")
        assert Comment.objects.get(pk=comment.pk).status == "published"
        assert not ModerationAction.objects.exists()

        response = report(Client(), comment, ip="198.51.100.9", reason="spam")
        assert response["Location"] == f"{comment.review.get_absolute_url()}#comments"
        assert Comment.objects.get(pk=comment.pk).status == "pending"
        page = client.get(comment.review.get_absolute_url()).content.decode()
        assert "You are all idiots." not in page
        entry = ModerationAction.objects.get()
        assert (entry.action, entry.moderator) == ("hide", None)
        assert entry.moderator_name == "readers' reports"
        assert entry.comment == comment and entry.note == "3 open reports"

        client.force_login(superuser)
        html = client.get(CHANGELIST).content.decode()
        assert html.index("Rude") < html.index("Calm")
        assert "<strong>3</strong> · abuse, spam" in html
        assert other.status == "published"

    def test_approving_settles_the_reports_and_new_ones_count_afresh(
        self, settings, comment, moderator
    ):
        settings.COMMENT_REPORT_THRESHOLD = 2
        for reader in ("a:one", "a:two"):
            services.comment_report(comment=comment, reader=reader, reason="spam")
        assert comment.status == "pending"
        services.comment_approve(comment=comment, by=moderator)
        assert Report.objects.filter(resolved_at__isnull=False).count() == 2
        services.comment_report(comment=comment, reader="a:three", reason="spam")
        assert Comment.objects.get(pk=comment.pk).status == "published"
        services.comment_report(comment=comment, reader="a:four", reason="abuse")
        assert Comment.objects.get(pk=comment.pk).status == "pending"


class TestRefusals:
    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"reason": ""}, "Choose what is wrong with this comment."),
            ({"reason": "boring"}, "Choose one of the reasons listed."),
            ({"note": "x" * 501}, "Please keep your note to 500 characters (it has 501)."),
        ],
    )
    def test_bad_input_comes_back_with_a_message_and_the_note_kept(
        self, client, comment, fields, message
    ):
        fields = {"note": "My typed note"} | fields
        response = report(client, comment, **fields)
        html = response.content.decode()
        assert response.status_code == 400
        assert message in html
        assert fields["note"] in html
        assert not Report.objects.exists()

    def test_too_many_reports_from_one_address_is_429_with_the_text_kept(self, settings, comment):
        settings.RATELIMITS = settings.RATELIMITS | {"report-ip": (2, 10**7)}
        others = [make_comment(comment.review) for _ in range(3)]
        for other in others[:2]:
            assert report(Client(), other).status_code == 302
        before = snapshot()
        response = report(Client(), others[2], note="Please look at this one")
        html = response.content.decode()
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert "You have sent several reports in a short while" in html
        assert "Please look at this one" in html
        assert snapshot() == before

    @pytest.mark.parametrize("status", ["pending", "removed"])
    def test_a_hidden_comment_cannot_be_reported(self, client, comment, status):
        Comment.objects.filter(pk=comment.pk).update(status=status)
        assert client.get(url("report", comment)).status_code == 404
        assert client.post(url("report", comment), {"reason": "spam"}).status_code == 404
        assert not Report.objects.exists()

    def test_a_comment_on_an_unpublished_review_cannot_be_reported(self, client):
        hidden = make_comment(make_review(published=False))
        assert client.get(url("report", hidden)).status_code == 404

    @pytest.mark.parametrize("pk", ["0", "424242", "99999999999999999999999"])
    def test_unknown_comment_is_404(self, client, pk):
        assert client.get(f"/comments/{pk}/report/").status_code == 404
        assert client.post(f"/comments/{pk}/report/", {"reason": "spam"}).status_code == 404

    def test_other_methods_are_refused(self, client, comment):
        assert client.put(url("report", comment)).status_code == 405

    def test_moderators_get_their_tools_instead_of_a_report_link(self, client, moderator, comment):
        client.force_login(moderator)
        html = client.get(comment.review.get_absolute_url()).content.decode()
        assert url("report", comment) not in html
