"""A reader posts a comment, with or without a rating, and lands on it (POST-redirect-GET)."""

import re

import pytest
from django.test import Client

from comments.models import Comment
from tests.comments.posting import post, post_url
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db


class TestPostingAComment:
    def test_form_posts_name_email_body_and_rating_radios_1_to_5_each_labelled(self, client):
        review = make_review()
        html = client.get(review.get_absolute_url()).content.decode()
        start = html.index('<form id="comment-form"')
        form = html[start : html.index("</form>", start)]
        assert f'method="post" action="{post_url(review)}#comment-form"' in form
        for name in ("name", "email", "body"):
            assert f'name="{name}"' in form
        for value in range(1, 6):
            radio = f'id="id_rating_{value - 1}"'
            assert f'name="rating" value="{value}" {radio}' in form
            label = f"{value} star{'s' if value > 1 else ''}"
            assert (
                f'<label for="id_rating_{value - 1}"><span aria-hidden="true">★</span>'
                f'<span class="visually-hidden">{label}</span></label>'
            ) in form

    def test_comment_with_rating_is_published_and_the_reader_lands_on_it(self, client):
        review = make_review()
        response = post(client, review, rating="4", email="m@example.com")
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"{review.get_absolute_url()}#comment-{comment.pk}"
        assert (comment.rating, comment.status, comment.email) == (4, "published", "m@example.com")
        page = client.get(response["Location"]).content.decode()
        assert f'<article id="comment-{comment.pk}"' in page
        assert "Maggie Q carries the season." in page
        assert "Rated 4 out of 5" in page
        assert "Thank you: your comment is posted." in page
        # Once, by the comment section: not again among the page's messages at the top.
        assert page.count("Thank you: your comment is posted.") == 1

    def test_comment_without_rating_counts_as_a_comment_but_not_a_rating(self, client):
        review = make_review()
        post(client, review)
        assert Comment.objects.get().rating is None
        page = client.get(review.get_absolute_url()).content.decode()
        assert "1 comment" in page and "No ratings yet" in page

    def test_ip_user_agent_and_reader_are_stored_for_staff(self, client):
        review = make_review()
        client.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 " + "x" * 1000
        post(client, review)
        comment = Comment.objects.get()
        assert comment.ip_address == "203.0.113.7"
        assert comment.user_agent.startswith("Mozilla/5.0") and len(comment.user_agent) == 300
        assert comment.reader.startswith("a:")
        assert "203.0.113.7" not in client.get(review.get_absolute_url()).content.decode()

    def test_logged_in_reader_posts_as_their_account(self, client, reader):
        client.force_login(reader)
        post(client, make_review())
        assert Comment.objects.get().reader == f"u:{reader.pk}"

    def test_text_is_normalised_and_stripped_of_invisible_characters(self, client):
        review = make_review()
        post(
            client,
            review,
            name="Ame\u0301lie\u200b",  # decomposed é and a zero-width space
            body="Good \u202eevil\u202c show\ufeff",
        )
        comment = Comment.objects.get()
        assert comment.name == "Amélie" and len(comment.name) == 6
        assert comment.body == "Good evil show"

    def test_joiners_inside_emoji_and_words_are_kept_and_stray_ones_removed(self, client):
        family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man, woman, girl: one emoji
        persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645"  # "I want", with a non-joiner
        post(client, make_review(), body=f"Watched with my {family} \u200d {persian}\u200d")
        assert Comment.objects.get().body == f"Watched with my {family}  {persian}"

    def test_a_joiner_does_not_hide_a_held_word(self, client, settings):
        settings.COMMENT_BLOCKLIST = ["casino"]
        post(client, make_review(), body="Best ca\u200dsino bonus here")
        assert Comment.objects.get().status == Comment.Status.PENDING

    def test_reloading_the_post_address_goes_back_to_the_comments(self, client):
        review = make_review()
        response = client.get(post_url(review))
        assert response.status_code == 302
        assert response["Location"] == f"{review.get_absolute_url()}#comments"

    def test_another_sites_post_is_refused(self):
        review = make_review()
        response = Client().post(
            post_url(review), {"name": "Bot", "body": "Hello"}, HTTP_SEC_FETCH_SITE="cross-site"
        )
        assert response.status_code == 403
        assert not Comment.objects.exists()

    def test_a_script_without_browser_headers_still_meets_the_spam_defences(self):
        review = make_review()
        strict = Client(enforce_csrf_checks=True)
        response = strict.post(post_url(review), {"name": "Bot", "body": "Hello"})
        assert response.status_code == 400  # no form stamp: refused, nothing stored
        assert not Comment.objects.exists()


class TestSpamIsHeldForModeration:
    def test_more_than_two_links_make_the_comment_wait_for_a_moderator(self, client):
        review = make_review()
        body = "Watch https://a.example and https://b.example or www.c.example"
        response = post(client, review, body=body, rating="5")
        comment = Comment.objects.get()
        assert comment.status == Comment.Status.PENDING
        assert response["Location"] == f"{review.get_absolute_url()}#comment-{comment.pk}"
        page = client.get(response["Location"]).content.decode()
        assert "Your comment is awaiting moderation" in page
        assert "Awaiting review" in page  # its author sees it, marked
        assert "https://a.example" not in Client().get(review.get_absolute_url()).content.decode()
        assert "No ratings yet" in page  # and its rating does not count

    def test_two_links_are_fine(self, client):
        review = make_review()
        post(client, review, body="See https://a.example and https://b.example/page.")
        assert Comment.objects.get().status == Comment.Status.PUBLISHED

    @pytest.mark.parametrize(
        "fields",
        [
            {"body": "Great show. Buy CHEAP PILLS today"},
            {"name": "cheap pills", "body": "Hello"},
            {"body": "ｃｈｅａｐ ｐｉｌｌｓ here"},  # full-width lookalikes
            {"body": "I like casinos"},
        ],
    )
    def test_a_blocklisted_word_holds_the_comment(self, client, settings, fields):
        settings.COMMENT_BLOCKLIST = ["cheap pills", "casinos"]
        post(client, make_review(), **fields)
        assert Comment.objects.get().status == Comment.Status.PENDING

    def test_blocklist_matches_whole_words_only(self, client, settings):
        settings.COMMENT_BLOCKLIST = ["ass"]
        post(client, make_review(), body="A classic, assured season.")
        assert Comment.objects.get().status == Comment.Status.PUBLISHED


# Windows are fixed and aligned to the epoch; a long one keeps a test from straddling two.
LONG = 10**7


class TestRateLimits:
    def test_sixth_comment_in_ten_minutes_is_refused_with_the_wait_and_text_kept(
        self, client, settings
    ):
        settings.RATELIMIT_ENABLE = True
        settings.RATELIMITS = {**settings.RATELIMITS, "comment-ip": (5, LONG)}
        review = make_review()
        for number in range(5):
            assert post(client, review, body=f"Comment {number}").status_code == 302
        response = post(client, review, body="The sixth thought")
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= LONG
        html = response.content.decode()
        assert "You have posted several comments in a short while. Please wait" in html
        assert re.search(r"Please wait \d+ (second|minute|hour)s? and post again", html)
        assert "The sixth thought</textarea>" in html
        assert Comment.objects.count() == 5

    def test_limit_per_reader_holds_across_addresses(self, client, settings):
        settings.RATELIMITS = {
            **settings.RATELIMITS,
            "comment-ip": (100, LONG),
            "comment-voter": (2, LONG),
        }
        review = make_review()
        post(client, review, body="One.")
        post(client, review, body="Two.")
        assert post(client, review, body="Three.").status_code == 429
        assert Comment.objects.count() == 2

    def test_switch_turns_limits_off(self, client, settings):
        settings.RATELIMIT_ENABLE = False
        settings.RATELIMITS = {**settings.RATELIMITS, "comment-ip": (1, LONG)}
        review = make_review()
        assert [post(client, review).status_code for _ in range(3)] == [302, 302, 302]


class TestReplies:
    def test_reply_link_prefills_the_parent_and_says_who_is_answered(self, client):
        review = make_review()
        parent = make_comment(review, name="Tom", rating=4)
        url = f"{review.get_absolute_url()}?reply_to={parent.pk}"
        html = client.get(url).content.decode()
        assert (
            f'href="{review.get_absolute_url()}?reply_to={parent.pk}#comment-form"'
            in client.get(review.get_absolute_url()).content.decode()
        )
        assert "Replying to <strong>Tom</strong>" in html
        assert f'name="parent" value="{parent.pk}"' in html
        assert 'name="rating"' not in html  # a reply carries no rating
        assert "cancel</a>" in html

    def test_reply_is_posted_under_its_parent_oldest_first(self, client):
        review = make_review()
        parent = make_comment(review, name="Tom", body="First!")
        post(
            client,
            review,
            page_url=f"{review.get_absolute_url()}?reply_to={parent.pk}",
            body="Early reply",
        )
        post(
            client,
            review,
            page_url=f"{review.get_absolute_url()}?reply_to={parent.pk}",
            body="Later reply",
        )
        replies = list(parent.replies.order_by("created_at"))
        assert [r.body for r in replies] == ["Early reply", "Later reply"]
        html = client.get(review.get_absolute_url()).content.decode()
        thread = html[html.index(f'id="comment-{parent.pk}"') :]
        assert thread.index("Early reply") < thread.index("Later reply")
        assert "3 comments" in html

    def test_reply_redirect_finds_its_parent_on_an_older_page(self, client):
        review = make_review()
        parent = make_comment(review, name="Old one")
        for _ in range(20):
            make_comment(review)
        response = post(
            client,
            review,
            page_url=f"{review.get_absolute_url()}?comments=2&reply_to={parent.pk}",
        )
        reply = Comment.objects.get(parent=parent)
        assert response["Location"] == f"{review.get_absolute_url()}?comments=2#comment-{reply.pk}"
        assert f'id="comment-{reply.pk}"' in client.get(response["Location"]).content.decode()

    def test_unknown_reply_to_shows_the_plain_form(self, client):
        review = make_review()
        for value in ("abc", "999999", "-1", "1" * 40, "²", "１"):
            html = client.get(review.get_absolute_url(), {"reply_to": value}).content.decode()
            assert "Replying to" not in html and 'name="parent" value=""' in html
