"""The parts of a review page that are a reader's own (their poll, their comment form):
behind a cache that assembles ESI the page names them with <esi:include> and stays the same
for everyone; each part is a small view of at most two queries, private to a reader with a
cookie and shared by new readers. tests/system/test_esi.py shows it through Varnish."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.comments.posting import post
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db

ESI_CACHE = {"Surrogate-Capability": "varnish=ESI/1.0"}


@pytest.fixture
def review():
    return make_review()


def voted(review, text="Yes") -> Client:
    reader = Client()
    choice = review.poll.choices.get(text=text).pk
    reader.post(
        f"{review.get_absolute_url()}poll/vote/",
        {"choice": choice},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    reader.get(review.get_absolute_url())  # the message after the vote is read
    return reader


class TestTheSharedPage:
    def test_behind_an_esi_cache_the_page_includes_the_readers_parts(self, client, review):
        response = client.get(review.get_absolute_url(), headers=ESI_CACHE)
        html = response.content.decode()
        assert f'<esi:include src="{review.get_absolute_url()}poll/"/>' in html
        assert f'<esi:include src="{review.get_absolute_url()}comments/form/"/>' in html
        assert 'name="choice"' not in html and 'id="comment-form"' not in html
        assert response["Surrogate-Control"] == 'content="ESI/1.0"'
        assert "public" in response["Cache-Control"]

    def test_elsewhere_the_same_parts_are_rendered_inline(self, client, review):
        response = client.get(review.get_absolute_url())
        html = response.content.decode()
        assert "<esi:" not in html and not response.has_header("Surrogate-Control")
        assert 'name="choice"' in html and 'id="comment-form"' in html


class TestThePoll:
    def test_a_voter_sees_their_vote_in_two_queries_privately(
        self, review, django_assert_max_num_queries
    ):
        reader = voted(review, "Maybe")
        with django_assert_max_num_queries(2):
            response = reader.get(f"{review.get_absolute_url()}poll/")
        html = response.content.decode()
        assert "Your vote" in html and 'name="choice"' not in html
        assert "private" in response["Cache-Control"]

    def test_a_new_reader_gets_the_form_shared_and_keyed_by_the_poll(self, client, review):
        response = client.get(f"{review.get_absolute_url()}poll/")
        assert 'name="choice"' in response.content.decode()
        assert "public" in response["Cache-Control"] and "Set-Cookie" not in response
        assert f"poll-{review.poll.pk}" in response["xkey"].split()

    def test_a_vote_tells_the_cache_which_answer_counted_on_this_review_only(self, review):
        reader = voted(review, "Maybe")
        cookie = reader.cookies["voted"]
        assert cookie.value == str(review.poll.choices.get(text="Maybe").pk)
        assert cookie["path"] == review.get_absolute_url() and cookie["httponly"]

    def test_a_second_vote_leaves_the_cookie_naming_the_first_answer(self, review):
        reader = voted(review, "Maybe")
        again = review.poll.choices.get(text="No").pk
        reader.post(
            f"{review.get_absolute_url()}poll/vote/",
            {"choice": again},
            headers={"Sec-Fetch-Site": "same-origin"},
        )
        assert reader.cookies["voted"].value == str(review.poll.choices.get(text="Maybe").pk)

    def test_the_poll_for_a_counted_answer_is_shared_in_two_queries(
        self, client, review, django_assert_max_num_queries
    ):
        maybe = review.poll.choices.get(text="Maybe").pk
        with django_assert_max_num_queries(2):
            response = client.get(f"{review.get_absolute_url()}poll/voted/{maybe}/")
        html = response.content.decode()
        assert "poll__result--mine" in html and "Your vote" in html and 'name="choice"' not in html
        assert html.count("Your vote") == 1 and "Maybe <span" in html
        assert "public" in response["Cache-Control"] and "Set-Cookie" not in response
        assert f"poll-{review.poll.pk}" in response["xkey"].split()

    def test_an_answer_of_another_poll_shows_the_form_as_to_a_reader_who_has_not_voted(
        self, client, review
    ):
        elsewhere = make_review().poll.choices.first().pk
        response = client.get(f"{review.get_absolute_url()}poll/voted/{elsewhere}/")
        html = response.content.decode()
        assert response.status_code == 200 and 'name="choice"' in html and "Your vote" not in html


class TestTheCommentForm:
    def test_a_returning_reader_is_greeted_by_name_in_two_queries(
        self, review, django_assert_max_num_queries
    ):
        reader = Client()
        post(reader, make_review(), name="Ines Moreau")  # a comment on another review
        reader.get(review.get_absolute_url())  # the ratings summary is cached
        with django_assert_max_num_queries(2):
            response = reader.get(f"{review.get_absolute_url()}comments/form/")
        assert 'value="Ines Moreau"' in response.content.decode()
        assert "private" in response["Cache-Control"]

    def test_a_new_reader_gets_a_blank_form_shared(self, client, review):
        response = client.get(f"{review.get_absolute_url()}comments/form/")
        assert 'id="comment-form"' in response.content.decode()
        assert "public" in response["Cache-Control"]

    def test_commenting_marks_the_review_as_the_readers_own(self, review):
        reader = Client()
        post(reader, review)
        mine = reader.cookies["mine"]
        assert mine["path"] == review.get_absolute_url() and mine["httponly"]
        response = reader.get(review.get_absolute_url(), headers=ESI_CACHE)
        assert "private" in response["Cache-Control"]

    def test_commenting_tells_the_cache_the_reader_signs_their_comments(self, review):
        reader = Client()
        post(reader, review)
        named = reader.cookies["named"]
        assert named["path"] == "/" and named["httponly"]
        assert "named" not in voted(make_review()).cookies


class TestACommentsActions:
    """Each comment's actions (comments:actions), included per comment for a reader whose
    "mine" cookie names comments on the page."""

    OWN = ESI_CACHE | {"X-Own-Actions": "1"}

    def test_a_reader_with_comments_here_gets_each_comments_actions_included(self, review):
        other = make_comment(review)
        reader = Client()
        post(reader, review, body="Mine.")
        reader.get(review.get_absolute_url())  # the message after posting is read
        html = reader.get(review.get_absolute_url(), headers=self.OWN).content.decode()
        assert f'<esi:include src="/comments/{other.pk}/actions/"/>' in html
        assert "Delete<span" not in html and "Report<span" not in html

    def test_other_returning_readers_get_the_actions_in_the_list(self, client, review):
        make_comment(review)
        html = client.get(review.get_absolute_url(), headers=ESI_CACHE).content.decode()
        assert "/actions/" not in html and "Report<span" in html

    def test_the_authors_actions_are_edit_and_delete_in_two_queries(
        self, review, django_assert_max_num_queries
    ):
        reader = Client()
        post(reader, review, body="Mine.")
        mine = Comment.objects.get(body="Mine.")
        with django_assert_max_num_queries(2):
            response = reader.get(f"/comments/{mine.pk}/actions/")
        html = response.content.decode()
        assert "Edit<span" in html and "Delete<span" in html and "Report<span" not in html
        assert "private" in response["Cache-Control"]

    def test_anyone_elses_are_react_reply_and_report_shared(self, client, review):
        other = make_comment(review)
        response = client.get(f"/comments/{other.pk}/actions/?comments=2")
        html = response.content.decode()
        assert "Report<span" in html and "Delete<span" not in html
        assert f"?comments=2&amp;reply_to={other.pk}" in html
        assert "public" in response["Cache-Control"]
        assert f"review-{review.pk}" in response["xkey"].split()

    def test_the_cookie_names_the_readers_comments_and_reports(self, review):
        first, second = make_comment(review), make_comment(review)
        reader = Client()
        post(reader, review, body="Mine.")
        mine = Comment.objects.get(body="Mine.")
        reader.post(
            f"/comments/{first.pk}/react/", {"on": "1"}, headers={"Sec-Fetch-Site": "same-origin"}
        )
        assert reader.cookies["mine"].value == f".{mine.pk}.{first.pk}."
        assert str(second.pk) not in reader.cookies["mine"].value.split(".")

    def test_a_rated_comment_is_named_and_the_page_marked_as_showing_their_stars(self, review):
        reader = Client()
        post(reader, review, body="Mine, rated.", rating="4")
        mine = Comment.objects.get(body="Mine, rated.")
        assert reader.cookies["mine"].value == f".{mine.pk}.r."

    def test_the_marks_stay_when_later_comments_name_no_rating(self, review, settings):
        settings.COMMENT_PREMODERATE = 1
        reader = Client()
        post(reader, review, body="Mine, rated.", rating="4")  # held: a newcomer's
        first = Comment.objects.get(body="Mine, rated.")
        other = make_comment(review)
        reader.post(
            f"/comments/{other.pk}/react/", {"on": "1"}, headers={"Sec-Fetch-Site": "same-origin"}
        )
        assert reader.cookies["mine"].value == f".{first.pk}.{other.pk}.h.r."

    def test_the_cookies_of_before_give_way_to_the_comments_they_name(self, review):
        reader = Client()
        reader.cookies["mine"] = "1"
        post(reader, review, body="Mine.")
        mine = Comment.objects.get(body="Mine.")
        assert reader.cookies["mine"].value == f".{mine.pk}."
        reader.cookies["mine"] = f".p.{mine.pk}."
        post(reader, review, body="Mine again.")
        again = Comment.objects.get(body="Mine again.")
        assert reader.cookies["mine"].value == f".{mine.pk}.{again.pk}."


class TestAReadersOwnParts:
    """What only this reader sees (their held comments, their rating) is included from
    views of their own on the page returning readers with comments here share, so their
    page is a cache hit too (tests/system/test_esi.py)."""

    OWN = ESI_CACHE | {"X-Own-Actions": "1"}

    @pytest.fixture
    def premoderate(self, settings):
        settings.COMMENT_PREMODERATE = 1
        settings.COMMENT_REVIEW_HOURS = 6

    def test_the_shared_page_names_the_held_comments_and_ratings_and_holds_none(
        self, review, premoderate
    ):
        author = Client()
        post(author, review, body="Held for a moderator.", rating="4")
        author.get(review.get_absolute_url())  # the message after posting is read
        response = author.get(review.get_absolute_url(), headers=self.OWN)
        html = response.content.decode()
        url = review.get_absolute_url()
        assert f'<esi:include src="{url}comments/held/"/>' in html
        assert f'<esi:include src="/reviews/{review.slug}/ratings/"/>' in html
        assert "Held for a moderator." not in html and "You rated" not in html
        plain = author.get(url, headers=ESI_CACHE).content.decode()  # no "mine": no includes
        assert "comments/held/" not in plain and "/ratings/" not in plain

    def test_a_held_comment_is_its_authors_alone_in_two_queries(
        self, review, premoderate, django_assert_max_num_queries
    ):
        author = Client()
        post(author, review, body="Held for a moderator.")
        with django_assert_max_num_queries(2):
            response = author.get(f"{review.get_absolute_url()}comments/held/")
        html = response.content.decode()
        held = Comment.objects.get(body="Held for a moderator.")
        assert "Held for a moderator." in html and "Awaiting review" in html
        assert "usually within 6 hours" in html and f"/comments/{held.pk}/delete/" in html
        assert "private" in response["Cache-Control"]
        other = Client().get(f"{review.get_absolute_url()}comments/held/").content.decode()
        assert "Held for a moderator." not in other

    def test_a_held_reply_comes_with_the_actions_of_the_comment_it_answers(
        self, review, premoderate, django_assert_max_num_queries
    ):
        parent = make_comment(review, body="The comment answered.")
        author = Client()
        post(author, review, body="My held reply.", parent=str(parent.pk))
        reply = Comment.objects.get(body="My held reply.")
        assert author.cookies["mine"].value == f".{parent.pk}.{reply.pk}.h."
        with django_assert_max_num_queries(2):
            response = author.get(f"/comments/{parent.pk}/actions/")
        html = response.content.decode()
        assert "My held reply." in html and "Awaiting review" in html
        assert f"/comments/{reply.pk}/delete/" in html and "Report<span" in html
        shared = Client().get(f"/comments/{parent.pk}/actions/").content.decode()
        assert "My held reply." not in shared

    def test_a_readers_rating_is_in_their_ratings_part_in_two_queries(
        self, review, django_assert_max_num_queries
    ):
        reader = Client()
        reader.post(f"/reviews/{review.slug}/rating/", {"rating": "4"}, REMOTE_ADDR="203.0.113.9")
        row = Comment.objects.get(review=review)
        assert reader.cookies["mine"].value == f".{row.pk}.r."
        reader.get(review.get_absolute_url())  # the message is read; the summary cached
        with django_assert_max_num_queries(2):
            response = reader.get(f"/reviews/{review.slug}/ratings/")
        html = response.content.decode()
        assert "You rated this review 4 stars." in html and "Your rating: 4 stars" in html
        assert "private" in response["Cache-Control"]
        new = Client().get(f"/reviews/{review.slug}/ratings/").content.decode()
        assert "You rated" not in new and "Rate it without writing a comment" in new
        # From a shielded page the part is asked for with the shield, and its form posts
        # back to a shielded page.
        shielded = reader.get(f"{review.get_absolute_url()}?upto=2", headers=self.OWN)
        assert f'<esi:include src="/reviews/{review.slug}/ratings/?upto=2"/>' in (
            shielded.content.decode()
        )
        part = reader.get(f"/reviews/{review.slug}/ratings/?upto=2").content.decode()
        assert f'action="/reviews/{review.slug}/rating/?upto=2"' in part

    def test_the_form_of_a_reader_who_rated_says_so_in_two_queries(
        self, review, premoderate, django_assert_max_num_queries
    ):
        reader = Client()
        post(reader, review, body="Mine, rated.", rating="5", name="Ines Moreau")
        reader.get(review.get_absolute_url())
        with django_assert_max_num_queries(2):
            response = reader.get(f"{review.get_absolute_url()}comments/form/")
        html = response.content.decode()
        assert "You rated this review 5 stars." in html and 'name="rating"' not in html
        assert "It will count once your comment is published." in html
        assert "Your first comment is read by a moderator before it appears" in html
        assert 'value="Ines Moreau"' in html  # held, and its author sees it: their name
