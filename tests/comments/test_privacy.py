"""Personal data is erased after 30 days, and one person's comments on request."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments.models import Comment
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def aged(review, days, **fields):
    return make_comment(
        review,
        created_at=timezone.now() - timedelta(days=days),
        ip_address="198.51.100.4",
        user_agent="Mozilla/5.0",
        **fields,
    )


class TestPurgePersonalData:
    def test_clears_ip_and_user_agent_after_thirty_days_only(self):
        review = make_review()
        old, recent = aged(review, 31, body="Old words"), aged(review, 29)
        output = run("purge_personal_data")
        assert "Cleared the IP address and user agent of 1 comment older than 30 days." in output
        old.refresh_from_db()
        recent.refresh_from_db()
        assert (old.ip_address, old.user_agent, old.body) == (None, "", "Old words")
        assert (recent.ip_address, recent.user_agent) == ("198.51.100.4", "Mozilla/5.0")

    def test_days_can_be_set_and_a_second_run_has_nothing_to_do(self):
        review = make_review()
        aged(review, 10)
        aged(review, 3)
        assert "of 1 comment older than 7 days" in run("purge_personal_data", "--days", "7")
        assert "of 0 comments" in run("purge_personal_data", "--days", "7")

    def test_negative_days_are_refused(self):
        with pytest.raises(CommandError, match="0 or more"):
            run("purge_personal_data", "--days", "-1")


class TestEraseCommenter:
    def test_anonymises_one_persons_comments_and_keeps_the_text(self, client):
        review = make_review()
        mine = aged(review, 1, name="Marisol", email="Mari@Example.com", rating=4, body="Kept")
        theirs = aged(review, 1, name="Tom", email="tom@example.com")
        output = run("erase_commenter", "mari@example.com")
        assert "Anonymised 1 comment posted with mari@example.com (text kept)." in output
        mine.refresh_from_db()
        assert (mine.name, mine.email, mine.ip_address, mine.user_agent) == (
            "Anonymous",
            "",
            None,
            "",
        )
        assert mine.reader == f"erased:{mine.pk}" and mine.body == "Kept" and mine.rating == 4
        theirs.refresh_from_db()
        assert theirs.name == "Tom" and theirs.ip_address == "198.51.100.4"
        html = client.get(review.get_absolute_url()).content.decode()
        assert "Marisol" not in html and "Anonymous" in html and "Kept" in html

    def test_remove_text_replaces_it_and_takes_the_comments_off_the_page(self, client):
        review = make_review()
        aged(review, 1, email="m@example.com", rating=5, body="Secret")
        aged(make_review(), 1, email="m@example.com", body="Secret too")
        output = run("erase_commenter", "m@example.com", "--remove-text")
        assert "Anonymised 2 comments posted with m@example.com (text removed" in output
        assert set(Comment.objects.values_list("status", flat=True)) == {"removed"}
        assert not Comment.objects.filter(body__contains="Secret").exists()
        html = client.get(review.get_absolute_url()).content.decode()
        assert "Secret" not in html and "No ratings yet" in html

    def test_erasing_two_raters_of_the_same_review_keeps_the_one_rating_rule_intact(self):
        review = make_review()
        aged(review, 1, email="a@example.com", rating=4, reader="a:one")
        aged(review, 1, email="a@example.com", rating=None, reader="a:one")
        aged(review, 1, email="a@example.com", rating=2, reader="a:two")
        run("erase_commenter", "a@example.com")
        assert review.comments.rating_summary().count == 2

    def test_unknown_email_changes_nothing_and_says_so(self):
        aged(make_review(), 1, email="tom@example.com")
        output = run("erase_commenter", "x@example.com")
        assert "No comments were posted with x@example.com" in output
        assert Comment.objects.get().name == "Marisol"

    def test_not_an_email_is_refused(self):
        with pytest.raises(CommandError, match="is not an email address"):
            run("erase_commenter", "nobody")
