"""Reading the conversation: sorted newest, oldest or best; editor's picks first and
labelled; staff comments badged; "Reported" shown to the reader who reported; the comment
rate limit keyed on the reader first, with a higher ceiling per IP address."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Comment
from reviewsite import settings as site_settings
from tests.comments.posting import post
from tests.factories import make_comment, make_review, make_user

pytestmark = pytest.mark.django_db

LONG = 10**7


def order(html: str, *names: str) -> list[str]:
    return sorted(names, key=lambda name: html.index(f'<strong class="comment__name">{name}<'))


@pytest.fixture
def thread_set():
    review = make_review()
    now = timezone.now()
    old = make_comment(review, name="Old", rating=3, created_at=now - timedelta(days=3))
    make_comment(review, name="Mid", rating=5, created_at=now - timedelta(days=2))
    new = make_comment(review, name="New", rating=5, created_at=now - timedelta(days=1))
    make_comment(review, name="Unrated", created_at=now)
    make_comment(review, parent=new, name="Answer", body="Agreed.")
    return review, old


class TestSorting:
    def test_newest_oldest_and_best_highest_rated_then_most_replied(self, client, thread_set):
        review, _ = thread_set
        url = review.get_absolute_url()
        names = ("Old", "Mid", "New", "Unrated")
        assert order(client.get(url).content.decode(), *names) == ["Unrated", "New", "Mid", "Old"]
        oldest = client.get(url, {"sort": "oldest"}).content.decode()
        assert order(oldest, *names) == ["Old", "Mid", "New", "Unrated"]
        best = client.get(url, {"sort": "best"}).content.decode()
        assert order(best, *names) == ["New", "Mid", "Old", "Unrated"]

    def test_the_sort_links_say_which_is_current_and_a_bad_sort_is_newest(self, client, thread_set):
        review, _ = thread_set
        html = client.get(review.get_absolute_url(), {"sort": "best"}).content.decode()
        assert '<nav class="comments__sort" aria-label="Sort comments">' in html
        assert '?sort=best#comments" aria-current="true">Best</a>' in html
        bad = client.get(review.get_absolute_url(), {"sort": "<script>"})
        assert bad.status_code == 200
        assert 'aria-current="true">Newest</a>' in bad.content.decode()

    def test_pages_keep_the_sort(self, client):
        review = make_review()
        for n in range(25):
            make_comment(review, name=f"C{n}")
        html = client.get(review.get_absolute_url(), {"sort": "oldest"}).content.decode()
        assert f'href="{review.get_absolute_url()}?sort=oldest&amp;comments=2#comments"' in html


class TestEditorsPick:
    def test_an_editor_pins_a_comment_first_and_labelled_whatever_the_sort(
        self, editor, thread_set
    ):
        review, old = thread_set
        staff = Client()
        staff.force_login(editor)
        page = staff.get(review.get_absolute_url()).content.decode()
        assert "Pin as editor’s pick" in page
        response = staff.post(reverse("comments:pin", args=[old.pk]), {"pinned": "1"})
        assert response.status_code == 302
        for sort in ("newest", "oldest", "best"):
            html = Client().get(review.get_absolute_url(), {"sort": sort}).content.decode()
            assert order(html, "Old", "Mid", "New", "Unrated")[0] == "Old"
            assert "Editor’s pick" in html
        staff.post(reverse("comments:pin", args=[old.pk]), {"pinned": "0"})
        assert "Editor’s pick" not in Client().get(review.get_absolute_url()).content.decode()

    def test_a_pinned_comment_on_page_two_is_linked_on_page_one(self, moderator):
        review = make_review()
        first = make_comment(review, name="First ever", created_at=timezone.now() - timedelta(1))
        for n in range(25):
            make_comment(review, name=f"C{n}")
        services.comment_pin(comment=first, by=moderator, pinned=True)
        first.refresh_from_db()
        assert first.page_url() == f"{review.get_absolute_url()}#comment-{first.pk}"

    def test_readers_cannot_pin(self, thread_set):
        _, old = thread_set
        reader = Client()
        reader.force_login(make_user())
        assert (
            reader.post(reverse("comments:pin", args=[old.pk]), {"pinned": "1"}).status_code == 403
        )
        assert Client().post(reverse("comments:pin", args=[old.pk])).status_code == 302  # log in
        assert not Comment.objects.filter(pinned=True).exists()


class TestBadgesAndReports:
    def test_a_staff_reply_carries_a_staff_badge(self, client, editor):
        review = make_review()
        parent = make_comment(review, name="Reader")
        client.force_login(editor)
        assert post(client, review, parent=str(parent.pk), name="The editor").status_code == 302
        html = Client().get(review.get_absolute_url()).content.decode()
        assert '<strong class="comment__name">The editor</strong>' in html
        assert '<span class="comment__badge">Staff</span>' in html
        assert html.count('<span class="comment__badge">Staff</span>') == 1

    def test_the_reporter_sees_reported_and_others_still_see_report(self, client):
        review = make_review()
        comment = make_comment(review, name="Rude")
        url = reverse("comments:report", args=[comment.pk])
        client.post(url, {"reason": "abuse"})
        mine = client.get(review.get_absolute_url()).content.decode()
        assert '<span class="comment__reported">Reported' in mine
        assert f'href="{url}"' not in mine
        theirs = Client().get(review.get_absolute_url()).content.decode()
        assert f'href="{url}"' in theirs and "comment__reported" not in theirs


class TestRateLimit:
    def test_readers_sharing_an_address_are_limited_one_by_one(self, settings):
        settings.RATELIMIT_ENABLE = True
        per_ip, _ = site_settings.RATELIMITS["comment-ip"]
        per_reader, _ = site_settings.RATELIMITS["comment-voter"]
        assert per_ip > per_reader  # the defaults
        settings.RATELIMITS = settings.RATELIMITS | {
            "comment-ip": (per_ip, LONG),
            "comment-voter": (per_reader, LONG),
        }
        review = make_review()
        readers = [Client() for _ in range(3)]
        for reader in readers:  # three readers behind one carrier address
            for n in range(per_reader):
                assert post(reader, review, body=f"Thought {n}").status_code == 302
        assert post(readers[0], review, body="One too many").status_code == 429
        assert post(Client(), review, body="A fourth reader").status_code == 302

    def test_the_per_ip_ceiling_still_stops_a_flood_of_new_cookies(self, settings):
        settings.RATELIMIT_ENABLE = True
        settings.RATELIMITS = settings.RATELIMITS | {
            "comment-ip": (4, LONG),
            "comment-voter": (2, LONG),
        }
        review = make_review()
        codes = [post(Client(), review, body=f"Bot {n}").status_code for n in range(5)]
        assert codes == [302, 302, 302, 302, 429]
