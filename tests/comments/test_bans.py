"""Moderators ban or suspend a commenter from a comment's controls; the ban covers the
reader cookie, the e-mail address and the account, is logged with its reason, and a
banned reader who posts is told so politely while nothing is stored."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Ban, Comment, ModerationAction
from tests.comments.posting import post
from tests.factories import make_comment, make_review, make_user

pytestmark = pytest.mark.django_db


def ban_url(comment) -> str:
    return reverse("comments:ban", args=[comment.pk])


@pytest.fixture
def staff(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def posted(client, review, **fields) -> Comment:
    assert post(client, review, **fields).status_code == 302
    return Comment.objects.latest("pk")


def ban(staff, comment, **fields):
    data = {"length": "7d", "reason": "abuse", "note": "Third warning", "remove": "on"} | fields
    return staff.post(ban_url(comment), data)


class TestBanning:
    def test_the_comment_controls_offer_a_ban_for_moderators_only(self, staff):
        review = make_review()
        comment = make_comment(review)
        assert f'href="{ban_url(comment)}"' in staff.get(review.get_absolute_url()).content.decode()
        assert ban_url(comment) not in Client().get(review.get_absolute_url()).content.decode()
        page = staff.get(ban_url(comment)).content.decode()
        for label in ("1 day", "7 days", "For good", "Remove this comment too"):
            assert label in page

    def test_a_ban_is_logged_with_its_reason_and_removes_the_comment(self, staff, moderator):
        review = make_review()
        comment = posted(Client(), review, email="troll@example.com")
        response = ban(staff, comment)
        assert response.status_code == 302
        made = Ban.objects.get()
        assert made.until - timezone.now() > timedelta(days=6, hours=23)
        assert (made.email, made.reader, made.reason) == (
            "troll@example.com",
            comment.reader,
            "abuse",
        )
        actions = set(ModerationAction.objects.values_list("action", "reason", "moderator_name"))
        assert actions == {("ban", "abuse", "moderator"), ("remove", "abuse", "moderator")}
        assert ModerationAction.objects.get(action="ban").note == "7 days: Third warning"
        assert Comment.objects.get().status == "removed"

    def test_a_ban_without_a_reason_is_refused_with_a_message(self, staff):
        comment = make_comment(make_review())
        response = ban(staff, comment, reason="")
        assert response.status_code == 400
        assert "Choose why" in response.content.decode()
        assert not Ban.objects.exists()

    def test_readers_cannot_ban(self, client):
        comment = make_comment(make_review())
        reader = make_user()
        client.force_login(reader)
        assert ban(client, comment).status_code == 403
        assert not Ban.objects.exists()


class TestBannedReaders:
    def test_the_same_browser_is_refused_politely_and_nothing_is_stored(self, staff):
        review = make_review()
        troll = Client()
        comment = posted(troll, review)
        ban(staff, comment, length="1d")
        response = post(troll, review, body="I am back with more.")
        assert response.status_code == 403
        html = response.content.decode()
        assert "a moderator has suspended you from commenting until" in html
        # The date as every page of the site writes one, the same on the moderator's side.
        ban_row = Ban.objects.get()
        assert ban_row.length_label in html
        assert re.fullmatch(
            r"until \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC", ban_row.length_label
        )
        assert "I am back with more." in html
        assert Comment.objects.count() == 1

    def test_the_email_address_is_covered_from_another_browser(self, staff):
        review = make_review()
        comment = posted(Client(), review, email="troll@example.com")
        ban(staff, comment, length="forever")
        response = post(Client(), review, email="TROLL@example.com", body="New browser.")
        assert response.status_code == 403
        assert "for good" in response.content.decode()

    def test_the_account_is_covered_from_another_browser(self, staff):
        user = make_user()
        first = Client()
        first.force_login(user)
        comment = posted(first, make_review())
        ban(staff, comment)
        second = Client()
        second.force_login(user)
        assert post(second, comment.review, body="Another device.").status_code == 403

    def test_a_suspension_ends_and_a_lifted_ban_no_longer_counts(self, staff, moderator):
        review = make_review()
        troll = Client()
        comment = posted(troll, review)
        ban(staff, comment, length="1d")
        Ban.objects.update(until=timezone.now() - timedelta(seconds=1))
        assert post(troll, review, body="Suspension over.").status_code == 302
        ban(staff, Comment.objects.latest("pk"), length="forever")
        services.ban_lift(ban=Ban.objects.latest("pk"), by=moderator)
        assert post(troll, review, body="Lifted.").status_code == 302

    def test_other_readers_are_not_affected(self, staff):
        review = make_review()
        ban(staff, posted(Client(), review))
        assert post(Client(), review, body="Someone else.").status_code == 302


class TestAdmin:
    def test_the_admin_lists_bans_and_lifts_them(self, staff):
        comment = posted(Client(), make_review(), email="troll@example.com")
        ban(staff, comment, length="forever")
        listing = staff.get(reverse("admin:comments_ban_changelist"))
        assert "troll@example.com" in listing.content.decode()
        made = Ban.objects.get()
        response = staff.post(
            reverse("admin:comments_ban_changelist"),
            {"action": "lift_selected", "_selected_action": [made.pk]},
        )
        assert response.status_code == 302
        made.refresh_from_db()
        assert made.lifted_at is not None

    def test_the_queue_bans_the_authors_of_selected_comments_after_asking(self, staff):
        review = make_review()
        first = posted(Client(), review, email="one@example.com", body="The first troll.")
        second = posted(Client(), review, email="two@example.com", body="The second troll.")
        changelist = reverse("admin:comments_comment_changelist")
        selected = {"action": "ban_selected", "_selected_action": [first.pk, second.pk]}
        asking = staff.post(changelist, selected)
        assert asking.status_code == 200
        assert "Ban the authors of these comments?" in asking.content.decode()
        refused = staff.post(changelist, selected | {"confirm": "yes", "length": "7d"})
        assert "Choose why" in refused.content.decode() and not Ban.objects.exists()
        done = staff.post(
            changelist, selected | {"confirm": "yes", "length": "7d", "reason": "spam"}
        )
        assert done.status_code == 302
        assert set(Ban.objects.values_list("email", flat=True)) == {
            "one@example.com",
            "two@example.com",
        }
        assert ModerationAction.objects.filter(action="ban").count() == 2

    def test_the_comments_admin_page_links_to_the_ban_page(self, staff):
        comment = make_comment(make_review())
        page = staff.get(reverse("admin:comments_comment_change", args=[comment.pk]))
        assert ban_url(comment) in page.content.decode()
