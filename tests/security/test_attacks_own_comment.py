"""Attacks on editing and deleting one's own comment: another reader's cookie, a forged
or absent cookie, a replayed form, a cross-site post and hostile text change nothing."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.comments.posting import post
from tests.factories import make_review, make_user
from tests.forms import form_data
from tests.security.hostile import PAYLOADS, assert_escaped

pytestmark = pytest.mark.django_db

TEXT = "Maggie Q carries the season."
NOT_YOURS = "Only the reader who posted this comment can change it"


def urls(comment) -> list[str]:
    return [
        reverse("comments:edit", args=[comment.pk]),
        reverse("comments:delete", args=[comment.pk]),
    ]


@pytest.fixture
def mine():
    client = Client()
    review = make_review()
    assert post(client, review).status_code == 302
    return client, Comment.objects.get()


def unchanged(comment) -> None:
    current = Comment.objects.get(pk=comment.pk)
    assert (current.body, current.status, current.edited_at) == (TEXT, "published", None)


def edit_data(client, comment, **changes) -> dict:
    page = client.get(reverse("comments:edit", args=[comment.pk])).content.decode()
    return form_data(page, "comment-edit-form") | changes


class TestSomeoneElse:
    def test_another_readers_cookie_can_neither_edit_nor_delete(self, mine):
        owner, comment = mine
        data = edit_data(owner, comment, body="Vandalised.")
        intruder = Client()
        post(intruder, comment.review, body="My own comment, to get a cookie.")
        assert "reader" in intruder.cookies
        for url in urls(comment):
            assert intruder.get(url).status_code == 403
            response = intruder.post(url, data)
            assert response.status_code == 403
            assert NOT_YOURS in response.content.decode()
        unchanged(comment)

    def test_no_cookie_or_a_forged_one_can_do_neither(self, mine):
        owner, comment = mine
        data = edit_data(owner, comment, body="Vandalised.")
        real = owner.cookies[settings.READER_COOKIE_NAME].value
        value, _, signature = real.rpartition(":")
        for cookie in (None, "made-up", f"{value}:{signature[:-3]}abc", f"x{real}"):
            client = Client()
            if cookie is not None:
                client.cookies[settings.READER_COOKIE_NAME] = cookie
            for url in urls(comment):
                assert client.post(url, data).status_code == 403
        unchanged(comment)

    def test_the_same_account_on_another_comment_is_not_enough(self, mine):
        _, comment = mine
        user = make_user()
        client = Client()
        client.force_login(user)
        for url in urls(comment):
            assert client.post(url, {"body": "Vandalised."}).status_code == 403
        unchanged(comment)

    def test_a_moderator_account_is_not_the_author_either(self, mine, moderator):
        _, comment = mine
        client = Client()
        client.force_login(moderator)
        for url in urls(comment):
            assert client.get(url).status_code == 403
        unchanged(comment)


class TestReplays:
    def test_an_edit_form_replayed_after_the_window_is_refused(self, mine):
        owner, comment = mine
        data = edit_data(owner, comment, body="First edit.")
        assert owner.post(reverse("comments:edit", args=[comment.pk]), data).status_code == 302
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - timedelta(minutes=settings.COMMENT_EDIT_MINUTES, seconds=1)
        )
        data["body"] = "Replayed later."
        assert owner.post(reverse("comments:edit", args=[comment.pk]), data).status_code == 403
        assert Comment.objects.get().body == "First edit."

    def test_a_replayed_delete_changes_nothing_more_and_a_deleted_comment_cannot_be_edited(
        self, mine
    ):
        owner, comment = mine
        edit_url, delete_url = urls(comment)
        data = edit_data(owner, comment, body="Back from the dead.")
        assert owner.post(delete_url).status_code == 302
        assert owner.post(delete_url).status_code == 403
        assert owner.post(edit_url, data).status_code == 403
        current = Comment.objects.get()
        assert (current.status, current.body) == ("deleted", "[deleted by its author]")
        assert current.versions.count() == 1


class TestCrossSite:
    def test_a_cross_site_post_is_refused_even_with_the_owners_cookie(self, mine):
        owner, comment = mine
        data = edit_data(owner, comment, body="Ridden.")
        for url in urls(comment):
            response = owner.post(url, data, HTTP_SEC_FETCH_SITE="cross-site")
            assert response.status_code == 403
            response = owner.post(url, data, HTTP_ORIGIN="https://evil.example")
            assert response.status_code == 403
        unchanged(comment)


class TestHostileText:
    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_hostile_text_in_an_edit_comes_back_escaped(self, mine, payload):
        owner, comment = mine
        data = edit_data(owner, comment, body=f"{payload} {TEXT}")
        response = owner.post(reverse("comments:edit", args=[comment.pk]), data)
        if response.status_code == 302:
            page = owner.get(comment.review.get_absolute_url()).content.decode()
        else:
            assert response.status_code == 400
            page = response.content.decode()
        assert_escaped(page, payload)

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"body": "nul\x00byte kept"}, "Remove the control characters (such as NUL)"),
            ({"body": "rating kept", "rating": "9"}, "Choose a rating from 1 to 5 stars"),
        ],
        ids=["NUL in the body", "a rating of 9"],
    )
    def test_a_control_character_or_a_bad_rating_is_refused_with_the_text_kept(
        self, mine, changes, message
    ):
        owner, comment = mine
        url = reverse("comments:edit", args=[comment.pk])
        response = owner.post(url, edit_data(owner, comment, **changes))
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "kept" in response.content.decode()
        unchanged(comment)

    def test_a_comment_id_that_does_not_exist_is_a_404(self, db):
        for url in ("/comments/999999/edit/", "/comments/999999/delete/"):
            assert Client().post(url).status_code == 404
