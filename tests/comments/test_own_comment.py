"""A reader edits their own comment within the edit window and deletes it at any time,
from the browser (reader cookie) or account that posted it, without JavaScript."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentVersion
from tests.comments.posting import post
from tests.factories import make_comment, make_review, make_user
from tests.forms import form_data

pytestmark = pytest.mark.django_db

TEXT = "Maggie Q carries the season."


def edit_url(comment) -> str:
    return reverse("comments:edit", args=[comment.pk])


def delete_url(comment) -> str:
    return reverse("comments:delete", args=[comment.pk])


def posted(client, review, **fields) -> Comment:
    response = post(client, review, **fields)
    assert response.status_code == 302, response.content.decode()[-1500:]
    return Comment.objects.latest("pk")


def edit(client, comment, **changes):
    """Fill in the edit page's form as shown, change some fields and send it."""
    page = client.get(edit_url(comment))
    assert page.status_code == 200
    data = form_data(page.content.decode(), "comment-edit-form") | changes
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(edit_url(comment), data)


def average(review) -> Decimal | None:
    return review.comments.rating_summary().average


class TestOwnControls:
    def test_the_poster_sees_edit_and_delete_and_another_reader_does_not(self, client):
        review = make_review()
        comment = posted(client, review)
        mine = client.get(review.get_absolute_url()).content.decode()
        assert f'href="{edit_url(comment)}"' in mine
        assert f'href="{delete_url(comment)}"' in mine
        theirs = Client().get(review.get_absolute_url()).content.decode()
        assert edit_url(comment) not in theirs and delete_url(comment) not in theirs

    def test_after_the_window_only_delete_is_offered(self, client, settings):
        review = make_review()
        comment = posted(client, review)
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - timedelta(minutes=16)
        )
        page = client.get(review.get_absolute_url()).content.decode()
        assert edit_url(comment) not in page
        assert f'href="{delete_url(comment)}"' in page


class TestEditing:
    def test_an_edit_changes_the_text_says_edited_and_keeps_the_original(self, client):
        review = make_review()
        comment = posted(client, review)
        response = edit(client, comment, body="Maggie Q carries the whole season.")
        assert response.status_code == 302
        assert response["Location"].endswith(f"#comment-{comment.pk}")
        page = client.get(review.get_absolute_url()).content.decode()
        assert "Maggie Q carries the whole season." in page
        assert "Your comment is updated." in page
        assert '<span class="comment__edited"' in page
        (version,) = CommentVersion.objects.filter(comment=comment)
        assert version.body == TEXT

    def test_moderators_see_every_version_in_the_admin(self, client, moderator):
        review = make_review()
        comment = posted(client, review)
        edit(client, comment, body="Second version.")
        edit(client, comment, body="Third version.")
        staff = Client()
        staff.force_login(moderator)
        page = staff.get(reverse("admin:comments_comment_change", args=[comment.pk]))
        html = page.content.decode()
        assert TEXT in html and "Second version." in html and "Third version." in html
        on_site = staff.get(review.get_absolute_url()).content.decode()
        assert "Edited by its author" in on_site

    def test_an_edit_with_several_links_waits_for_a_moderator(self, client):
        review = make_review()
        comment = posted(client, review)
        links = "See https://a.example https://b.example https://c.example"
        response = edit(client, comment, body=links)
        assert response.status_code == 302
        comment.refresh_from_db()
        assert (comment.status, comment.hold_reason) == ("pending", "edit")
        page = Client().get(review.get_absolute_url()).content.decode()
        assert "https://a.example" not in page

    def test_the_rating_can_change_and_the_average_follows(self, client):
        review = make_review()
        make_comment(review, rating=5)
        comment = posted(client, review, rating="1")
        assert average(review) == Decimal("3.0")
        edit(client, comment, rating="5")
        assert average(review) == Decimal("5.0")

    def test_the_edit_page_offers_the_same_stars_as_the_comment_form(self, client):
        review = make_review()
        rated = posted(client, review, rating="4")
        html = client.get(edit_url(rated)).content.decode()
        assert '<fieldset class="star-input' in html
        assert 'class="star-input__star" name="rating" value="4" id="id_rating_3" checked' in html
        unrated = posted(client, review, body="No stars from me.")
        html = client.get(edit_url(unrated)).content.decode()
        assert 'class="star-input__none" name="rating" value="" id="id_rating_none" checked' in html
        edit(client, unrated, body="Still no stars from me.")
        unrated.refresh_from_db()
        assert unrated.rating is None and unrated.body == "Still no stars from me."
        reply = posted(client, review, parent=str(rated.pk), body="And a reply.")
        assert "star-input" not in client.get(edit_url(reply)).content.decode()

    def test_the_episode_a_comment_discusses_can_be_changed_or_cleared(self, client):
        from tests.episodes.seasons import make_season

        review, _episodes, _recaps = make_season(episodes=3, recapped=(1,))
        own = posted(client, review, body="The finale floored me.", episode_number="2")
        page = client.get(edit_url(own)).content.decode()
        assert "Discusses episode (optional)" in page
        assert '<option value="2" selected>Episode 2</option>' in page
        assert edit(client, own, episode_number="3").status_code == 302
        own.refresh_from_db()
        assert own.episode_number == 3 and own.body == "The finale floored me."
        assert edit(client, own, episode_number="").status_code == 302
        own.refresh_from_db()
        assert own.episode_number is None

    def test_a_comment_on_a_film_offers_no_episode(self, client):
        review = make_review()
        own = posted(client, review, body="A film has no episodes.")
        assert "Discusses episode" not in client.get(edit_url(own)).content.decode()
        assert edit(client, own, body="Edited.").status_code == 302

    def test_a_bad_edit_keeps_the_text_and_changes_nothing(self, client):
        review = make_review()
        comment = posted(client, review)
        response = edit(client, comment, body="x" * 5001 + " my long draft")
        assert response.status_code == 400
        html = response.content.decode()
        assert "Please keep your comment to 5000 characters" in html
        assert "my long draft" in html
        comment.refresh_from_db()
        assert comment.body == TEXT and comment.edited_at is None

    def test_after_the_window_an_edit_is_refused_politely(self, client):
        review = make_review()
        comment = posted(client, review)
        page = client.get(edit_url(comment))
        data = form_data(page.content.decode(), "comment-edit-form") | {"body": "Too late."}
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - timedelta(minutes=16)
        )
        response = client.post(edit_url(comment), data)
        assert response.status_code == 403
        assert "the 15 minutes after posting have passed" in response.content.decode()
        assert Comment.objects.get().body == TEXT

    def test_the_window_is_a_setting(self, client, settings):
        settings.COMMENT_EDIT_MINUTES = 60
        review = make_review()
        comment = posted(client, review)
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - timedelta(minutes=30)
        )
        assert edit(client, comment, body="Still in time.").status_code == 302

    def test_a_signed_in_reader_edits_from_their_account(self, client):
        user = make_user()
        client.force_login(user)
        review = make_review()
        comment = posted(client, review)
        assert comment.reader == f"u:{user.pk}"
        other_browser = Client()
        other_browser.force_login(user)
        assert edit(other_browser, comment, body="From my phone.").status_code == 302


class TestDeleting:
    def test_delete_keeps_replies_shows_a_placeholder_and_drops_the_rating(self, client):
        review = make_review()
        make_comment(review, rating=5)
        comment = posted(client, review, rating="1")
        make_comment(review, parent=comment, name="Dev", body="I disagree.")
        assert client.get(delete_url(comment)).status_code == 200
        response = client.post(delete_url(comment))
        assert response.status_code == 302
        page = Client().get(review.get_absolute_url()).content.decode()
        assert "[deleted by its author]" in page
        assert TEXT not in page
        assert "I disagree." in page
        assert average(review) == Decimal("5.0")
        assert review.comments.rating_summary().count == 1

    def test_a_deleted_comment_without_replies_leaves_the_page(self, client):
        review = make_review()
        comment = posted(client, review)
        client.post(delete_url(comment))
        page = Client().get(review.get_absolute_url()).content.decode()
        assert f'id="comment-{comment.pk}"' not in page
        assert "Your comment is deleted." in client.get(review.get_absolute_url()).content.decode()

    def test_delete_works_long_after_posting(self, client):
        review = make_review()
        comment = posted(client, review)
        Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=90))
        assert client.post(delete_url(comment)).status_code == 302
        assert Comment.objects.get().status == "deleted"
