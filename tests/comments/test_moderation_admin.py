"""The admin's moderation queue: what comes first, what it shows, and its bulk actions."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Comment, ModerationAction, Report
from tests.comments.moderating import (
    CHANGELIST,
    bulk,
    logged,
    make_thread,
    removal,
    snapshot,
)
from tests.factories import make_comment, make_review
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def names_in_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=lambda name: html.index(f">{name}</a>"))


def report(comment, *reasons):
    for number, reason in enumerate(reasons):
        services.comment_report(comment=comment, reader=f"a:{comment.pk}-{number}", reason=reason)


class TestQueue:
    def test_most_reported_first_then_awaiting_moderation_oldest_first_then_the_rest(
        self, client, moderator
    ):
        review = make_review()
        now = timezone.now()

        def at(minutes, name, **fields):
            return make_comment(
                review, name=name, created_at=now - timedelta(minutes=minutes), **fields
            )

        at(1, "Newest")
        at(50, "Old pending", status="pending")
        report(at(40, "Reported once"), "spam")
        report(at(30, "Reported twice"), "spam", "abuse")
        at(5, "Removed", status="removed")
        at(60, "Oldest")
        client.force_login(moderator)
        html = client.get(CHANGELIST).content.decode()
        # Reported first (the most reported first), then awaiting moderation, oldest first
        # within the queue; the rest newest first.
        order = ["Reported twice", "Reported once", "Old pending", "Newest", "Removed", "Oldest"]
        assert names_in_order(html, order) == order
        assert "Comments: awaiting moderation and reported first" in html

    def test_report_counts_and_reasons_show_in_the_list_and_on_the_comment(self, client, moderator):
        comment = make_comment(make_review(), name="Rude")
        report(comment, "abuse", "spam")
        Report.objects.filter(reason="spam").update(note="Sells pills")
        client.force_login(moderator)
        assert "<strong>2</strong> · abuse, spam" in client.get(CHANGELIST).content.decode()
        page = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
        html = page.content.decode()
        assert "Readers&#x27; reports" in html
        assert "Sells pills" in html and "Abuse" in html

    @pytest.mark.parametrize(
        ("params", "shown", "hidden"),
        [
            ({"reported": "yes"}, "Reported one", "Quiet one"),
            ({"reported": "no"}, "Quiet one", "Reported one"),
            ({"status__exact": "removed"}, "Removed one", "Quiet one"),
        ],
    )
    def test_filters(self, client, moderator, params, shown, hidden):
        review = make_review()
        report(make_comment(review, name="Reported one"), "spam")
        make_comment(review, name="Quiet one")
        make_comment(review, name="Removed one", status="removed")
        client.force_login(moderator)
        html = client.get(CHANGELIST, params).content.decode()
        assert f">{shown}</a>" in html and f">{hidden}</a>" not in html

    def test_a_rating_alone_says_so_instead_of_two_dashes(self, client, moderator):
        review = make_review()
        make_comment(review, name="", body="", rating=4)
        client.force_login(moderator)
        html = client.get(CHANGELIST).content.decode()
        assert ">(no name)</a>" in html and ">(a rating alone, no words)</a>" in html

    def test_removed_comments_show_their_reason(self, client, moderator):
        make_thread()
        client.force_login(moderator)
        assert "Removed (abuse)" in client.get(CHANGELIST).content.decode()

    def test_the_list_does_not_query_per_row(
        self, client, moderator, django_assert_max_num_queries
    ):
        client.force_login(moderator)

        def add(count):
            for _ in range(count):
                comment = make_comment(make_review(), status="pending")
                report(comment, "spam", "abuse")

        add(2)
        with django_assert_max_num_queries(14) as queries:
            client.get(CHANGELIST)
        baseline = len(queries.captured_queries)
        add(12)
        with django_assert_max_num_queries(baseline):
            response = client.get(CHANGELIST)
        assert response.content.decode().count("<strong>2</strong> · spam, abuse") == 14


class TestActionsOffered:
    def actions(self, client, user) -> list[str]:
        make_thread()
        client.force_login(user)
        html = client.get(CHANGELIST).content.decode()
        select = html[
            html.index('name="action"') : html.index("</select>", html.index('name="action"'))
        ]
        return [part.split('"')[0] for part in select.split('value="')[1:] if part[0] != '"']

    def test_moderators_get_remove_restore_approve_dismiss_and_ban(self, client, moderator):
        assert self.actions(client, moderator) == [
            "remove_selected",
            "restore_selected",
            "approve_selected",
            "dismiss_selected",
            "ban_selected",
        ]

    def test_superusers_may_also_purge_but_never_bulk_delete(self, client, superuser):
        assert self.actions(client, superuser) == [
            "remove_selected",
            "restore_selected",
            "approve_selected",
            "dismiss_selected",
            "ban_selected",
            "purge_selected",
        ]


class TestBulkRemove:
    def test_asks_for_a_reason_on_a_page_between(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        before = snapshot()
        response = client.post(
            CHANGELIST, bulk("remove_selected", thread.published, thread.pending)
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Remove these comments?" in html and "Maggie Q carries it." in html
        assert 'name="csrfmiddlewaretoken"' in html and 'name="reason"' in html
        assert ">No, take me back</a>" in html
        assert snapshot() == before

    def test_without_a_reason_the_page_comes_back_with_the_error(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        before = snapshot()
        response = client.post(
            CHANGELIST, bulk("remove_selected", thread.published, confirm="yes", reason="")
        )
        assert response.status_code == 200
        assert "Choose why you are removing this comment." in response.content.decode()
        assert snapshot() == before

    def test_the_page_between_posts_back_and_removes_with_the_reason(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        page = client.post(
            CHANGELIST, bulk("remove_selected", thread.published, thread.pending, thread.removed)
        ).content.decode()
        data = form_data(page[page.index('<div id="content"') :])
        data |= {"reason": "spam", "note": "Wave of spam"}
        response = client.post(CHANGELIST, data, follow=True)
        html = response.content.decode()
        assert "Removed 2 comments." in html
        assert "1 comment was already removed: nothing changed for it." in html
        for comment in (thread.published, thread.pending):
            assert removal(comment) == (
                "removed",
                "spam",
                "Wave of spam",
                moderator.get_username(),
            )
        assert removal(thread.removed)[1] == "abuse"
        assert logged().filter(action="remove").count() == 2

    def test_restore_and_approve_in_bulk(self, client, moderator):
        thread = make_thread()
        client.force_login(moderator)
        response = client.post(
            CHANGELIST, bulk("restore_selected", thread.removed, thread.published), follow=True
        )
        assert "Restored 1 comment." in response.content.decode()
        assert "1 comment was not removed: nothing changed for it." in response.content.decode()
        response = client.post(CHANGELIST, bulk("approve_selected", thread.pending), follow=True)
        assert "Approved 1 comment." in response.content.decode()
        assert set(Comment.objects.values_list("status", flat=True)) == {"published"}
        assert thread.review.comments.rating_summary().count == 3


class TestPurge:
    def test_superuser_confirms_then_the_comment_and_its_reports_are_gone_but_logged(
        self, client, superuser
    ):
        thread = make_thread()
        report(thread.published, "personal-data")
        client.force_login(superuser)
        page = client.post(CHANGELIST, bulk("purge_selected", thread.published))
        assert "This cannot be undone." in page.content.decode()
        assert Comment.objects.filter(pk=thread.published.pk).exists()
        response = client.post(
            CHANGELIST, bulk("purge_selected", thread.published, confirm="yes"), follow=True
        )
        assert "Purged 1 comment" in response.content.decode()
        assert not Comment.objects.filter(pk=thread.published.pk).exists()
        assert not Report.objects.exists()
        entry = ModerationAction.objects.get(action="purge")
        assert (entry.comment, entry.comment_number, entry.comment_name) == (
            None,
            thread.published.pk,
            "Marisol",
        )
        assert entry.comment_excerpt == "Maggie Q carries it." and entry.moderator == superuser

    def test_a_comment_with_replies_is_refused_unless_its_replies_go_too(self, client, superuser):
        review = make_review()
        parent = make_comment(review, name="Parent")
        reply = make_comment(review, parent=parent, name="Reply")
        client.force_login(superuser)
        response = client.post(
            CHANGELIST, bulk("purge_selected", parent, confirm="yes"), follow=True
        )
        assert f"Comment {parent.pk} has 1 reply: purge those first" in response.content.decode()
        assert Comment.objects.count() == 2
        client.post(CHANGELIST, bulk("purge_selected", parent, reply, confirm="yes"))
        assert not Comment.objects.exists()
        assert ModerationAction.objects.filter(action="purge").count() == 2

    def test_only_superusers_can_purge_even_through_the_service(self, moderator):
        thread = make_thread()
        with pytest.raises(PermissionDenied) as refused:
            services.comment_purge(comment=thread.removed, by=moderator)
        assert "Only superusers can purge comments." in str(refused.value)
        assert Comment.objects.filter(pk=thread.removed.pk).exists()
        assert not logged().exists()
