"""Readers vote once on the review page; every refusal is explained and counts nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from polls.models import Poll, Vote
from tests.factories import make_review, make_votes
from tests.forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    return make_review()


def vote_url(review):
    return f"/reviews/{review.slug}/poll/vote/"


def choice_id(review, text):
    return review.poll.choices.get(text=text).pk


def counts(review):
    return {c.text: c.votes for c in review.poll.results().choices}


def poll_html(response):
    """The poll section of a rendered review page."""
    html = response.content.decode()
    start = html.index('<section id="poll"')
    return html[start : html.index("</section>", start)]


def vote(client, review, text="Yes", **extra):
    """Vote the way the page's form does: read the form, tick a choice, submit it."""
    page = client.get(review.get_absolute_url())
    data = form_data(poll_html(page))
    data["choice"] = str(choice_id(review, text))
    return client.post(vote_url(review), data, follow=True, **extra)


class TestVoting:
    def test_review_page_shows_the_poll_form_with_labelled_choices(self, client, review):
        html = poll_html(client.get(review.get_absolute_url()))
        assert "Will you watch?" in html
        assert html.count('<form method="post"') == 1
        for text in ("Yes", "No", "Maybe"):
            pk = choice_id(review, text)
            assert f'name="choice" value="{pk}" id="poll-choice-{pk}"' in html
            assert f'<label for="poll-choice-{pk}">{text}</label>' in html
        assert ">Vote</button>" in html and "csrfmiddlewaretoken" not in html

    def test_reading_the_page_sets_no_reader_cookie(self, client, review):
        response = client.get(review.get_absolute_url())
        assert "reader" not in response.cookies

    def test_a_vote_is_counted_and_the_reader_sees_the_results(self, client, review):
        response = vote(client, review, "Yes")
        assert response.redirect_chain == [(review.get_absolute_url() + "#poll", 302)]
        assert counts(review) == {"Yes": 1, "No": 0, "Maybe": 0}
        html = poll_html(response)
        assert "Thanks: your vote is counted." in html
        # Once, inside the poll: not again among the page's messages at the top.
        assert response.content.decode().count("Thanks: your vote is counted.") == 1
        assert "<form" not in html  # results instead of the form
        assert "100%" in html and "1 vote<" in html and "Your vote" in html
        assert "reader" in client.cookies  # the browser now carries its reader id

    def test_a_second_vote_changes_nothing_and_says_so(self, client, review):
        vote(client, review, "Yes")
        again = client.post(vote_url(review), {"choice": choice_id(review, "No")}, follow=True)
        assert "You have already voted" in poll_html(again)
        assert counts(review) == {"Yes": 1, "No": 0, "Maybe": 0}
        assert Vote.objects.count() == 1

    def test_the_results_stay_after_a_reload(self, client, review):
        vote(client, review, "Maybe")
        html = poll_html(client.get(review.get_absolute_url()))
        assert "<form" not in html and "Your vote" in html
        assert "Thanks" not in html  # the message was shown once

    def test_two_readers_are_both_counted(self, client, django_user_model, review):
        vote(client, review, "Yes")
        other = type(client)()
        vote(other, review, "No")
        assert counts(review) == {"Yes": 1, "No": 1, "Maybe": 0}

    def test_a_logged_in_reader_votes_as_themselves_on_any_browser(self, client, reader, review):
        client.force_login(reader)
        vote(client, review, "Yes")
        elsewhere = type(client)()
        elsewhere.force_login(reader)
        response = elsewhere.post(
            vote_url(review), {"choice": choice_id(review, "No")}, follow=True
        )
        assert "You have already voted" in poll_html(response)
        assert Vote.objects.get().voter == f"u:{reader.pk}"

    def test_a_closed_poll_refuses_votes_and_shows_results(self, client, review):
        make_votes(review.poll, {"Yes": 2, "No": 1})
        Poll.objects.filter(pk=review.poll.pk).update(closes_at=timezone.now())
        response = client.post(
            vote_url(review), {"choice": choice_id(review, "Maybe")}, follow=True
        )
        html = poll_html(response)
        assert "This poll is closed; your vote was not counted." in html
        assert "<form" not in html and "This poll is closed" in html
        assert "67%" in html and "33%" in html and "3 votes" in html
        assert counts(review) == {"Yes": 2, "No": 1, "Maybe": 0}

    def test_a_poll_not_yet_open_refuses_votes(self, client, review):
        Poll.objects.filter(pk=review.poll.pk).update(opens_at=timezone.now() + timedelta(days=1))
        response = client.post(vote_url(review), {"choice": choice_id(review, "Yes")}, follow=True)
        html = poll_html(response)
        assert "This poll is not open yet." in html and "Voting opens on" in html
        assert "<form" not in html
        assert Vote.objects.count() == 0

    def test_no_votes_yet_is_said_in_words(self, client, review):
        Poll.objects.filter(pk=review.poll.pk).update(closes_at=timezone.now())
        html = poll_html(client.get(review.get_absolute_url()))
        assert "No votes yet" in html and "0%" in html

    def test_totals_are_written_with_thousands_separators(self, client, review):
        make_votes(review.poll, {"Yes": 1000, "No": 234})
        Poll.objects.filter(pk=review.poll.pk).update(closes_at=timezone.now())
        html = poll_html(client.get(review.get_absolute_url()))
        assert "1,234 votes" in html and "1,000 votes" in html


class TestBadInput:
    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Choose an answer, then press Vote."),
            ({"choice": ""}, "Choose an answer, then press Vote."),
            ({"choice": "abc"}, "That answer is not part of this poll"),
            ({"choice": "-1"}, "That answer is not part of this poll"),
            ({"choice": "99999999999999999999999999"}, "That answer is not part of this poll"),
            ({"choice": "1.5"}, "That answer is not part of this poll"),
            ({"choice": "x" * 10_000}, "That answer is not part of this poll"),
        ],
    )
    def test_bad_choice_is_explained_and_nothing_counted(self, client, review, data, message):
        response = client.post(vote_url(review), data, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0].endswith("#poll")
        html = poll_html(response)
        assert message in html
        assert "<form" in html  # the reader can try again
        assert Vote.objects.count() == 0

    def test_a_choice_of_another_poll_is_refused(self, client, review):
        other = make_review()
        response = client.post(vote_url(review), {"choice": choice_id(other, "Yes")}, follow=True)
        assert "That answer is not part of this poll" in poll_html(response)
        assert Vote.objects.count() == 0

    def test_a_review_without_a_poll_says_so(self, client, review):
        review.poll.delete()
        response = client.post(vote_url(review), {"choice": "1"}, follow=True)
        assert response.status_code == 200
        assert "This review has no poll to vote in." in response.content.decode()
        assert 'id="poll"' not in response.content.decode()

    @pytest.mark.parametrize("slug", ["no-such-review", "draft"])
    def test_unknown_or_unpublished_review_is_a_readable_404(self, client, slug):
        make_review(slug="draft", published=False)
        response = client.post(f"/reviews/{slug}/poll/vote/", {"choice": "1"})
        assert response.status_code == 404
        assert "We couldn’t find that page" in response.content.decode()
        assert Vote.objects.count() == 0

    @pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
    def test_anything_but_post_is_a_readable_405(self, client, review, method):
        response = getattr(client, method)(vote_url(review))
        assert response.status_code == 405
        assert response["Allow"] == "POST"
        assert "That address doesn’t work that way" in response.content.decode()
        assert Vote.objects.count() == 0


class TestRateLimit:
    def test_over_the_ip_limit_is_a_429_page_and_nothing_counted(self, client, review, settings):
        settings.RATELIMITS = {**settings.RATELIMITS, "vote-ip": (2, 10**7)}
        vote(client, review, "Yes")
        type(client)().post(vote_url(review), {"choice": choice_id(review, "No")})
        fresh = type(client)()  # a script that cleared its cookies
        response = fresh.post(vote_url(review), {"choice": choice_id(review, "Maybe")})
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        body = response.content.decode()
        assert "Slow down a little" in body and f'href="{review.get_absolute_url()}#poll"' in body
        assert counts(review) == {"Yes": 1, "No": 1, "Maybe": 0}

    def test_the_limit_follows_the_ip_address(self, client, review, settings):
        settings.RATELIMITS = {**settings.RATELIMITS, "vote-ip": (1, 10**7)}
        client.post(vote_url(review), {"choice": choice_id(review, "Yes")}, REMOTE_ADDR="192.0.2.1")
        response = type(client)().post(
            vote_url(review), {"choice": choice_id(review, "No")}, REMOTE_ADDR="192.0.2.2"
        )
        assert response.status_code == 302
        assert Vote.objects.count() == 2

    def test_ratelimit_enable_0_switches_it_off(self, client, review, settings):
        settings.RATELIMITS = {**settings.RATELIMITS, "vote-ip": (1, 10**7)}
        settings.RATELIMIT_ENABLE = False
        for _ in range(3):
            response = type(client)().post(vote_url(review), {"choice": choice_id(review, "Yes")})
            assert response.status_code == 302
        assert Vote.objects.count() == 3


class TestStaffPreview:
    def test_preview_of_a_draft_shows_the_poll_but_cannot_vote(self, client, superuser):
        draft = make_review(published=False)
        client.force_login(superuser)
        html = poll_html(client.get(draft.get_preview_url()))
        assert "Readers can vote once the review is published." in html
        assert "disabled" in html
