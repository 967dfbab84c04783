"""How comments read on the review page: escaped, threaded, paginated, spoilers folded."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from comments.models import Comment
from tests.comments.posting import post
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">click</a>',
    "{{ 7*7 }} {% debug %}",
    "</textarea><b>bold</b>",
]


def comments_html(client, review, **params) -> str:
    html = client.get(review.get_absolute_url(), params).content.decode()
    return html[html.index('<section id="comments"') :]


class TestEscaping:
    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_payloads_in_name_and_body_are_shown_as_text(self, client, payload):
        review = make_review()
        post(client, review, name=payload[:60], body=f"Before {payload} after")
        html = comments_html(client, review)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "<b>bold</b>" not in html and 'href="javascript:' not in html
        assert f'<strong class="comment__name">{escape(payload[:60])}</strong>' in html
        assert f"Before {escape(payload)} after" in html

    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_payloads_in_a_refused_form_are_shown_escaped(self, client, payload):
        response = post(client, make_review(), name=payload[:60], body=payload, seconds_ago=0)
        html = response.content.decode()
        assert response.status_code == 400
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "</textarea><b>bold</b>" not in html

    def test_email_is_never_shown(self, client):
        review = make_review()
        post(client, review, email="private@example.com")
        assert "private@example.com" not in client.get(review.get_absolute_url()).content.decode()

    def test_paragraphs_line_breaks_and_nofollow_links(self, client):
        review = make_review()
        make_comment(
            review, body="First line\nsecond line\n\nNew paragraph: https://example.com/x."
        )
        html = comments_html(client, review)
        assert "<p>First line<br>second line</p>" in html
        assert (
            '<p>New paragraph: <a href="https://example.com/x" rel="nofollow ugc noopener">'
            "example.com/x</a>.</p>"
        ) in html


class TestThreads:
    def test_newest_first_with_replies_oldest_first_under_their_parent(self, client):
        review = make_review()
        now = timezone.now()
        old = make_comment(review, body="Old top", created_at=now - timedelta(days=2))
        make_comment(review, body="New top", created_at=now - timedelta(hours=1))
        make_comment(review, body="Reply B", parent=old, created_at=now - timedelta(minutes=5))
        make_comment(review, body="Reply A", parent=old, created_at=now - timedelta(days=1))
        html = comments_html(client, review)
        order = [html.index(text) for text in ("New top", "Old top", "Reply A", "Reply B")]
        assert order == sorted(order)
        assert "4 comments" in html

    def test_heading_counts_comments_in_words(self, client):
        review = make_review()
        assert "No comments yet" in comments_html(client, review)
        make_comment(review)
        assert ">1 comment</h2>" in comments_html(client, review)
        make_comment(review, status=Comment.Status.PENDING)
        assert ">1 comment</h2>" in comments_html(client, review)

    def test_each_comment_has_name_dates_stars_and_a_reply_link(self, client):
        review = make_review()
        comment = make_comment(
            review, name="Tom", rating=4, created_at=timezone.now() - timedelta(hours=3)
        )
        html = comments_html(client, review)
        assert f'<article id="comment-{comment.pk}" class="comment">' in html
        assert '<strong class="comment__name">Tom</strong>' in html
        assert f'datetime="{comment.created_at.isoformat()}"' in html
        assert ">3\xa0hours ago</time>" in html
        assert comment.created_at.strftime("%B") in html  # the absolute date, in the title
        assert "Rated 4 out of 5" in html
        assert (
            f'href="{review.get_absolute_url()}?reply_to={comment.pk}#comment-form">Reply' in html
        )

    def test_hidden_comments_are_not_shown_and_a_removed_thread_keeps_a_placeholder(self, client):
        review = make_review()
        removed = make_comment(review, body="Removed words", status=Comment.Status.REMOVED)
        make_comment(review, body="A reply that stays", parent=removed)
        make_comment(review, body="Removed alone", status=Comment.Status.REMOVED)
        make_comment(review, body="Pending words", status=Comment.Status.PENDING)
        html = comments_html(client, review)
        for text in ("Removed words", "Removed alone", "Pending words"):
            assert text not in html
        assert html.count("Comment removed by a moderator") == 1
        assert "A reply that stays" in html
        assert "1 comment" in html


class TestPagination:
    def test_twenty_threads_a_page_with_older_and_newer_links(self, client):
        review = make_review()
        now = timezone.now()
        for number in range(25):
            make_comment(
                review,
                body=f"Comment number {number:02}.",
                created_at=now - timedelta(minutes=number),
            )
        first = comments_html(client, review)
        assert first.count('<article id="comment-') == 20
        assert "Comment number 00." in first and "Comment number 20." not in first
        url = review.get_absolute_url()
        assert f'href="{url}?comments=2#comments">Older comments</a>' in first
        second = comments_html(client, review, comments="2")
        assert second.count('<article id="comment-') == 5
        assert "Comment number 24." in second
        assert f'href="{url}#comments">Newer comments</a>' in second  # page 1 is the bare URL
        reply_link = f'href="{url}?comments=2&amp;reply_to='
        assert reply_link in second  # replying keeps the reader on their page of comments
        assert "25 comments" in second

    @pytest.mark.parametrize("value", ["abc", "0", "-1", "999", "1e9", "%00", "2.5"])
    def test_bad_page_values_still_answer(self, client, value):
        review = make_review()
        for _ in range(21):
            make_comment(review)
        response = client.get(review.get_absolute_url(), {"comments": value})
        assert response.status_code == 200
        assert response.content.decode().count('<article id="comment-') >= 1


class TestSpoilers:
    def test_spoiler_is_folded_behind_show_spoiler(self, client):
        review = make_review()
        post(client, review, body="The captain did it.", spoiler="on")
        assert Comment.objects.get().spoiler
        html = comments_html(client, review)
        start = html.index('<details class="comment__spoiler"')
        folded = html[start : html.index("</details>", start)]
        assert "<summary>Show spoiler</summary>" in folded
        assert "The captain did it." in folded

    def test_ordinary_comment_is_not_folded(self, client):
        review = make_review()
        make_comment(review, body="No secrets here.")
        assert 'class="comment__spoiler"' not in comments_html(client, review)


def test_logged_in_reader_finds_their_name_filled_in(client, reader):
    reader.first_name, reader.last_name = "Renée", "Ballard"
    reader.save()
    client.force_login(reader)
    html = client.get(make_review().get_absolute_url()).content.decode()
    assert 'name="name" value="Renée Ballard"' in html


def test_staff_preview_of_a_draft_shows_no_comment_form(client, editor):
    review = make_review(published=False)
    client.force_login(editor)
    html = client.get(review.get_preview_url()).content.decode()
    assert "Comments open when the review is published." in html
    assert 'id="comment-form"' not in html
