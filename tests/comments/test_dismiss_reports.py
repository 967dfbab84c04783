"""A moderator who finds nothing wrong with a reported comment keeps it: "Dismiss reports"
on the page, in the admin and as a bulk action closes the reports with one log line."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from comments import services
from comments.models import ABUSIVE_REPORTS_LIMIT, Comment, ModerationAction, Report
from tests.comments.moderating import CHANGELIST, bulk, url
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db


def reported(review=None, *, by=("a:one", "a:two"), **fields) -> Comment:
    comment = make_comment(review or make_review(), body="A sharp take, sharply put.", **fields)
    for reader in by:
        services.comment_report(comment=comment, reader=reader, reason="abuse")
    comment.refresh_from_db()
    return comment


def in_reported_queue(comment: Comment) -> bool:
    return Comment.objects.moderation_queue().get(pk=comment.pk).open_reports > 0


def dismissals() -> list[ModerationAction]:
    return list(ModerationAction.objects.filter(action=ModerationAction.Action.DISMISS))


class TestTheService:
    def test_reports_are_closed_the_comment_leaves_the_queue_with_one_log_line(self, moderator):
        comment = reported()
        assert in_reported_queue(comment)
        entry = services.reports_dismiss(comment=comment, by=moderator, note="Satire, not abuse")
        assert not in_reported_queue(comment)
        assert not Report.objects.filter(resolved_at__isnull=True).exists()
        assert Report.objects.filter(dismissed=True).count() == 2
        assert dismissals() == [entry]
        assert entry.get_action_display() == "Reports dismissed"
        assert entry.moderator_name == "moderator"
        assert entry.note == "2 reports dismissed: Satire, not abuse"
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PUBLISHED

    def test_a_comment_the_reports_hid_comes_back(self, settings, moderator):
        settings.COMMENT_REPORT_THRESHOLD = 2
        comment = reported()
        assert (comment.status, comment.hold_reason) == ("pending", "reports")
        assert comment.body not in Client().get(comment.review.get_absolute_url()).content.decode()
        services.reports_dismiss(comment=comment, by=moderator)
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PUBLISHED
        assert comment.body in Client().get(comment.review.get_absolute_url()).content.decode()

    def test_a_comment_held_for_another_reason_stays_held(self, moderator):
        comment = reported(status=Comment.Status.PENDING, hold_reason="links")
        services.reports_dismiss(comment=comment, by=moderator)
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING

    def test_nothing_to_dismiss_writes_nothing(self, moderator):
        comment = make_comment(make_review())
        assert services.reports_dismiss(comment=comment, by=moderator) is None
        assert dismissals() == []

    def test_only_moderators(self, editor):
        with pytest.raises(PermissionDenied):
            services.reports_dismiss(comment=reported(), by=editor)
        assert Report.objects.filter(resolved_at__isnull=True).count() == 2

    def test_reporters_may_report_again_only_once_it_is_edited(self, moderator):
        comment = reported()
        services.reports_dismiss(comment=comment, by=moderator)
        with pytest.raises(services.AlreadyReported):
            services.comment_report(comment=comment, reader="a:one", reason="abuse")
        services.comment_report(comment=comment, reader="a:new", reason="spam")  # others may
        Comment.objects.filter(pk=comment.pk).update(edited_at=timezone.now())
        comment.refresh_from_db()
        services.comment_report(comment=comment, reader="a:one", reason="abuse")
        assert Report.objects.filter(reader="a:one").count() == 2

    def test_abusive_reports_stop_counting_towards_hiding(self, settings, moderator):
        settings.COMMENT_REPORT_THRESHOLD = 2
        review = make_review()
        for _ in range(ABUSIVE_REPORTS_LIMIT):
            target = reported(review, by=["a:troll"])
            services.reports_dismiss(comment=target, by=moderator, abusive=True)
        victim = reported(review, by=["a:troll", "a:honest"])
        assert victim.status == Comment.Status.PUBLISHED  # the troll's report does not count
        assert in_reported_queue(victim)  # but moderators still see it
        services.comment_report(comment=victim, reader="a:second-honest", reason="abuse")
        victim.refresh_from_db()
        assert victim.status == Comment.Status.PENDING

    def test_plain_dismissals_do_not_count_against_the_reporter(self, settings, moderator):
        settings.COMMENT_REPORT_THRESHOLD = 2
        review = make_review()
        for _ in range(ABUSIVE_REPORTS_LIMIT + 1):
            services.reports_dismiss(comment=reported(review, by=["a:strict"]), by=moderator)
        victim = reported(review, by=["a:strict", "a:other"])
        assert victim.status == Comment.Status.PENDING


class TestOnThePage:
    def test_a_moderator_dismisses_from_the_comments_controls(self, client, moderator):
        comment = reported()
        client.force_login(moderator)
        html = client.get(comment.review.get_absolute_url()).content.decode()
        assert f'action="{url("dismiss", comment)}"' in html
        assert ">Dismiss reports</button>" in html
        response = client.post(url("dismiss", comment), {"note": "Fair criticism"})
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "Reports dismissed (2 reports dismissed: Fair criticism)" in page
        assert not in_reported_queue(comment)
        assert ">Dismiss reports</button>" not in page

    def test_a_comment_the_reports_had_hidden_is_said_to_be_shown_again(
        self, settings, client, moderator
    ):
        settings.COMMENT_REPORT_THRESHOLD = 3
        comment = reported(by=["a:one", "a:two", "a:three"])
        client.force_login(moderator)
        response = client.post(url("dismiss", comment), {"note": "Satire"})
        page = client.get(response["Location"]).content.decode()
        assert (
            "Reports dismissed (3 reports dismissed: Satire). The comment is kept and shown "
            "again." in page
        )

    def test_a_comment_the_reports_never_hid_is_said_to_stay_as_it_is(
        self, settings, client, moderator
    ):
        settings.COMMENT_REPORT_THRESHOLD = 3
        comment = reported(by=["a:one"])
        client.force_login(moderator)
        response = client.post(url("dismiss", comment), {"note": "Fair criticism"})
        page = client.get(response["Location"]).content.decode()
        assert (
            "Reports dismissed (1 report dismissed: Fair criticism). The comment stays as it is."
            in page
        )
        assert "shown again" not in page

    def test_the_get_page_asks_first_and_changes_nothing(self, client, moderator):
        comment = reported()
        client.force_login(moderator)
        html = client.get(url("dismiss", comment)).content.decode()
        assert "Keep this comment and dismiss its reports?" in html
        assert in_reported_queue(comment)

    def test_readers_cannot(self, client):
        comment = reported()
        response = client.post(url("dismiss", comment), {"note": "mine"})
        assert response.status_code == 302 and "login" in response["Location"]
        assert in_reported_queue(comment)


class TestInTheAdmin:
    def test_the_change_page_links_to_it(self, client, moderator):
        comment = reported()
        client.force_login(moderator)
        html = client.get(f"{CHANGELIST}{comment.pk}/change/").content.decode()
        assert "Dismiss reports…" in html

    def test_the_bulk_action_asks_then_dismisses(self, client, moderator):
        review = make_review()
        first, second = reported(review), reported(review, by=["a:three"])
        untouched = make_comment(review)
        client.force_login(moderator)
        ask = client.post(CHANGELIST, bulk("dismiss_selected", first, second, untouched))
        assert "Keep these comments and dismiss their reports?" in ask.content.decode()
        assert in_reported_queue(first)
        done = client.post(
            CHANGELIST,
            bulk("dismiss_selected", first, second, untouched, confirm="yes", note="All fine"),
            follow=True,
        )
        html = done.content.decode()
        assert "Dismissed the reports on 2 comments: kept." in html
        assert "1 comment was not reported: nothing changed for it." in html
        assert not in_reported_queue(first) and not in_reported_queue(second)
        assert len(dismissals()) == 2
