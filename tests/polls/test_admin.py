"""Editors run a review's poll from the review's admin page; nobody can touch single votes."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from polls.models import Poll, Vote
from reviews.models import Review
from tests.factories import make_review, make_user, make_votes
from tests.forms import form_data
from tests.reviews.test_admin import ADD_URL, filled_add_form

pytestmark = pytest.mark.django_db


def change_url(review):
    return f"/admin/reviews/review/{review.pk}/change/"


def change_form(client, review, **poll_fields):
    """The review's admin form as loaded, with the poll inline's fields overridden."""
    data = form_data(client.get(change_url(review)).content.decode(), form_id="review_form")
    data.update({f"poll-0-{name}": value for name, value in poll_fields.items()})
    return data


@pytest.fixture
def review():
    review = make_review()
    make_votes(review.poll, {"Yes": 3, "Maybe": 1})
    return review


class TestPollInline:
    def test_editor_edits_question_and_answers_and_votes_are_kept(self, client, editor, review):
        client.force_login(editor)
        yes_id = review.poll.choices.get(text="Yes").pk
        data = change_form(
            client,
            review,
            question="Will you stream it this weekend?",
            choices_text="Maybe\r\nYes\r\nNot for me\r\n\r\nAlready watching",
        )
        response = client.post(change_url(review), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        poll = Poll.objects.get(review=review)
        assert poll.question == "Will you stream it this weekend?"
        results = poll.results()
        assert [(c.text, c.votes) for c in results.choices] == [
            ("Maybe", 1),
            ("Yes", 3),
            ("Not for me", 0),
            ("Already watching", 0),
        ]
        assert results.choices[1].id == yes_id  # same row, so the same votes
        page = client.get(review.get_absolute_url()).content.decode()
        assert "Will you stream it this weekend?" in page and "Already watching" in page

    def test_removing_an_answer_readers_voted_for_is_refused(self, client, editor, review):
        client.force_login(editor)
        response = client.post(
            change_url(review), change_form(client, review, choices_text="No\nNot sure")
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "Readers have voted for “Yes” (3), “Maybe” (1)" in page
        assert [c.text for c in review.poll.choices.all()] == ["Yes", "No", "Maybe"]
        assert Vote.objects.count() == 4

    @pytest.mark.parametrize(
        ("answers", "message"),
        [
            ("Yes", "between 2 and 10 answers"),
            ("Yes\nyes\nMaybe", "“yes” is listed twice"),
            ("Yes\nMaybe\n" + "x" * 101, "under 100 characters"),
            ("\n".join(["Yes", "Maybe", *(f"Answer {n}" for n in range(9))]), "between 2 and 10"),
        ],
    )
    def test_bad_answer_lists_are_explained(self, client, editor, review, answers, message):
        client.force_login(editor)
        data = change_form(client, review, choices_text=answers)
        response = client.post(change_url(review), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert [c.text for c in review.poll.choices.all()] == ["Yes", "No", "Maybe"]

    def test_editor_closes_the_poll_and_readers_see_final_results(self, client, editor, review):
        client.force_login(editor)
        now = timezone.localtime()
        data = change_form(
            client,
            review,
            closes_at_0=now.strftime("%Y-%m-%d"),
            closes_at_1=now.strftime("%H:%M:%S"),
        )
        assert client.post(change_url(review), data).status_code == 302
        assert not Poll.objects.get(review=review).is_open
        client.logout()
        page = client.get(review.get_absolute_url()).content.decode()
        assert "This poll is closed" in page and "75%" in page

    def test_a_poll_closing_before_it_opens_is_refused(self, client, editor, review):
        client.force_login(editor)
        data = change_form(
            client,
            review,
            opens_at_0="2030-01-02",
            opens_at_1="10:00:00",
            closes_at_0="2030-01-01",
            closes_at_1="10:00:00",
        )
        response = client.post(change_url(review), data)
        assert response.status_code == 200
        assert "The poll must close after it opens." in response.content.decode()

    def test_editor_deletes_the_poll_and_it_stays_deleted(self, client, editor, review):
        client.force_login(editor)
        data = change_form(client, review, DELETE="on")
        assert client.post(change_url(review), data).status_code == 302
        assert not Poll.objects.filter(review=review).exists()
        assert Vote.objects.count() == 0
        # Saving the review again with the (untouched) empty poll form adds nothing back.
        again = form_data(client.get(change_url(review)).content.decode(), form_id="review_form")
        assert client.post(change_url(review), again).status_code == 302
        assert not Poll.objects.filter(review=review).exists()
        assert 'id="poll"' not in client.get(review.get_absolute_url()).content.decode()

    def test_a_deleted_poll_can_be_added_back_from_the_review(self, client, editor, review):
        review.poll.delete()
        client.force_login(editor)
        data = change_form(client, review, question="Are you in?")
        assert client.post(change_url(review), data).status_code == 302
        poll = Poll.objects.get(review=review)
        assert poll.question == "Are you in?"
        assert [c.text for c in poll.choices.all()] == ["Yes", "No", "Maybe"]

    def test_a_new_review_gets_the_default_poll(self, client, editor):
        client.force_login(editor)
        assert client.post(ADD_URL, filled_add_form(client)).status_code == 302
        poll = Review.objects.get(slug="slow-horses-season-5-review").poll
        assert poll.question == "Will you watch?"
        assert [c.text for c in poll.choices.all()] == ["Yes", "No", "Maybe"]

    def test_a_poll_edited_on_the_add_page_is_the_reviews_one_poll(self, client, editor):
        client.force_login(editor)
        data = filled_add_form(client)
        data.update({"poll-0-question": "Will you binge it?", "poll-0-choices_text": "Yes\nNo"})
        assert client.post(ADD_URL, data).status_code == 302
        review = Review.objects.get(slug="slow-horses-season-5-review")
        assert Poll.objects.filter(review=review).count() == 1
        assert review.poll.question == "Will you binge it?"
        assert [c.text for c in review.poll.choices.all()] == ["Yes", "No"]

    def test_results_are_shown_read_only_on_the_review_page(self, client, editor, review):
        client.force_login(editor)
        page = client.get(change_url(review)).content.decode()
        assert "<td>Yes</td><td>3</td>" in page
        assert "75 %" in page and "25 %" in page
        assert "<th>Total</th><th>4</th>" in page
        assert 'name="poll-0-votes' not in page and "vote_count" not in page


class TestReviewList:
    def test_list_shows_each_polls_results(self, client, editor, review):
        client.force_login(editor)
        page = client.get("/admin/reviews/review/").content.decode()
        assert "Yes&nbsp;75%" in page and "Maybe&nbsp;25%" in page and "4 votes" in page

    def test_list_costs_the_same_queries_for_2_or_12_reviews(self, client, editor, review):
        client.force_login(editor)

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/admin/reviews/review/").status_code == 200
            return len(captured)

        make_review()
        few = queries()
        for _ in range(10):
            make_votes(make_review().poll, {"No": 2})
        assert queries() == few


class TestResultsCsv:
    def test_editor_downloads_a_polls_totals(self, client, editor, review):
        client.force_login(editor)
        page = client.get(change_url(review)).content.decode()
        url = f"/admin/polls/poll/{review.poll.pk}/results.csv"
        assert f"href='{url}'" in page
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert (
            response["Content-Disposition"]
            == f'attachment; filename="poll-results-{review.slug}.csv"'
        )
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows == [
            ["review", "question", "answer", "votes", "percent"],
            [review.slug, "Will you watch?", "Yes", "3", "75"],
            [review.slug, "Will you watch?", "No", "0", "0"],
            [review.slug, "Will you watch?", "Maybe", "1", "25"],
            [review.slug, "Will you watch?", "(total)", "4", "100"],
        ]

    def test_formula_like_answers_are_neutralised_in_the_csv(self, client, editor, review):
        client.force_login(editor)
        data = change_form(client, review, choices_text="Yes\nMaybe\n=HYPERLINK(1)")
        assert client.post(change_url(review), data).status_code == 302
        body = client.get(f"/admin/polls/poll/{review.poll.pk}/results.csv").content.decode()
        assert "'=HYPERLINK(1)" in body

    def test_action_downloads_several_polls(self, client, editor, review):
        other = make_review()
        client.force_login(editor)
        response = client.post(
            "/admin/polls/poll/",
            {"action": "download_csv", "_selected_action": [review.poll.pk, other.poll.pk]},
        )
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert 'filename="poll-results.csv"' in response["Content-Disposition"]
        slugs = {row[0] for row in csv.reader(io.StringIO(response.content.decode()))}
        assert slugs == {"review", review.slug, other.slug}

    def test_staff_without_poll_rights_and_readers_cannot_download(self, client, review):
        url = f"/admin/polls/poll/{review.poll.pk}/results.csv"
        assert client.get(url).status_code == 302  # to the login page
        client.force_login(make_user(is_staff=True))
        assert client.get(url).status_code == 403


class TestVotesAreUntouchable:
    @pytest.mark.parametrize(
        "path", ["/admin/polls/vote/", "/admin/polls/vote/add/", "/admin/polls/vote/1/change/"]
    )
    def test_there_is_no_admin_for_single_votes(self, client, editor, superuser, review, path):
        for user in (editor, superuser):
            client.force_login(user)
            assert client.get(path).status_code == 404
        assert client.post("/admin/polls/vote/1/delete/", {"post": "yes"}).status_code == 404
        assert Vote.objects.count() == 4

    def test_editor_cannot_change_a_vote_through_the_poll_forms(self, client, editor, review):
        client.force_login(editor)
        vote = Vote.objects.filter(choice__text="Maybe").get()
        data = change_form(client, review)
        data.update({"poll-0-votes": "999", "votes-0-choice": "1", "vote_count": "9"})
        assert client.post(change_url(review), data).status_code == 302
        vote.refresh_from_db()
        assert vote.choice.text == "Maybe"
        assert {c.text: c.votes for c in review.poll.results().choices} == {
            "Yes": 3,
            "No": 0,
            "Maybe": 1,
        }

    def test_polls_are_not_added_on_their_own(self, client, editor):
        client.force_login(editor)
        assert client.get("/admin/polls/poll/add/").status_code == 403
