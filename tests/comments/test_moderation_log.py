"""Every moderation action is on the record, and nobody can change the record."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from comments import services
from comments.models import ModerationAction
from tests.comments.moderating import LOG, logged, make_thread, removal
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db


def last_entry() -> ModerationAction:
    return ModerationAction.objects.order_by("-pk").first()


class TestWhatIsRecorded:
    def test_remove_restore_approve_each_write_who_what_why_and_which(self, moderator):
        thread = make_thread()
        services.comment_remove(
            comment=thread.published, by=moderator, reason="personal-data", note="Phone no."
        )
        entry = last_entry()
        assert (entry.action, entry.moderator, entry.moderator_name) == (
            "remove",
            moderator,
            "moderator",
        )
        assert (entry.reason, entry.note) == ("personal-data", "Phone no.")
        assert (entry.comment, entry.comment_number, entry.review) == (
            thread.published,
            thread.published.pk,
            thread.review,
        )
        assert (entry.comment_name, entry.comment_excerpt) == ("Marisol", "Maggie Q carries it.")
        assert entry.created_at is not None

        services.comment_restore(comment=thread.published, by=moderator)
        assert (last_entry().action, last_entry().comment) == ("restore", thread.published)
        services.comment_approve(comment=thread.pending, by=moderator)
        assert (last_entry().action, last_entry().comment) == ("approve", thread.pending)
        assert logged().count() == 3

    def test_an_action_that_changes_nothing_writes_nothing(self, moderator):
        thread = make_thread()
        assert services.comment_remove(comment=thread.removed, by=moderator, reason="spam") is None
        assert services.comment_restore(comment=thread.published, by=moderator) is None
        assert services.comment_approve(comment=thread.removed, by=moderator) is None
        assert not logged().exists()

    def test_someone_without_the_right_cannot_act_even_through_the_service(self, editor):
        thread = make_thread()
        with pytest.raises(PermissionDenied):
            services.comment_remove(comment=thread.published, by=editor, reason="spam")
        thread.published.refresh_from_db()
        assert thread.published.status == "published"
        assert not logged().exists()

    def test_a_long_comment_is_kept_as_a_one_line_excerpt(self, moderator):
        comment = make_comment(make_review(), body="First line\n\n" + "word " * 100)
        services.comment_remove(comment=comment, by=moderator, reason="spam")
        excerpt = last_entry().comment_excerpt
        assert len(excerpt) == 200 and excerpt.startswith("First line word") and excerpt[-1] == "…"

    def test_erasing_a_commenters_text_is_logged_as_a_personal_data_removal(self):
        comment = make_comment(make_review(), email="m@example.com", body="My address is…")
        call_command("erase_commenter", "m@example.com", "--remove-text", stdout=None)
        entry = last_entry()
        assert (entry.action, entry.reason, entry.moderator_name) == (
            "remove",
            "personal-data",
            "erase_commenter",
        )
        assert entry.comment_id == comment.pk and "My address" not in entry.comment_excerpt
        assert removal(comment)[:2] == ("removed", "personal-data")

    def test_the_log_keeps_its_lines_after_a_purge(self, superuser, moderator):
        thread = make_thread()
        services.comment_remove(comment=thread.published, by=moderator, reason="abuse")
        services.comment_purge(comment=thread.published, by=superuser)
        removed, purge = logged().order_by("pk")
        assert (removed.action, removed.comment, removed.comment_name) == (
            "remove",
            None,
            "Marisol",
        )
        assert (purge.action, purge.comment_number) == ("purge", thread.published.pk)


class TestNobodyChangesIt:
    @pytest.fixture
    def entry(self, moderator):
        thread = make_thread()
        services.comment_remove(comment=thread.published, by=moderator, reason="spam", note="Bot")
        return last_entry()

    @pytest.mark.parametrize("persona", ["moderator", "superuser"])
    def test_readable_in_the_admin_but_never_editable(self, client, request, entry, persona):
        client.force_login(request.getfixturevalue(persona))
        html = client.get(LOG).content.decode()
        assert "Moderation log" in html and "Marisol" in html and "Bot" in html
        assert 'name="action"' not in html  # no bulk actions, so no bulk delete
        change = reverse("admin:comments_moderationaction_change", args=[entry.pk])
        page = client.get(change).content.decode()
        assert "Bot" in page and 'name="note"' not in page and 'name="_save"' not in page
        assert "deletelink" not in page
        assert client.post(change, {"note": "Rewritten"}).status_code == 403
        delete = reverse("admin:comments_moderationaction_delete", args=[entry.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert client.get(reverse("admin:comments_moderationaction_add")).status_code == 403
        entry.refresh_from_db()
        assert entry.note == "Bot"

    def test_the_comment_page_shows_its_history(self, client, moderator, entry):
        client.force_login(moderator)
        page = client.get(reverse("admin:comments_comment_change", args=[entry.comment_id]))
        html = page.content.decode()
        assert "Moderation history" in html
        assert "Removed" in html and "Bot" in html

    def test_a_purged_comments_line_says_so(self, client, superuser, entry):
        services.comment_purge(comment=entry.comment, by=superuser)
        client.force_login(superuser)
        html = client.get(LOG).content.decode()
        assert f"No. {entry.comment_number} by Marisol (purged)" in html
