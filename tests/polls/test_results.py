"""Results readers and scripts can trust: exact counts, shares that add up to 100."""

import random
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.content import BALLARD_SLUG
from polls.models import Poll, percentages
from reviews.models import Review
from tests.factories import make_review, make_votes


class TestPercentages:
    def test_shares_always_add_up_to_100_and_stay_within_a_point(self):
        rng = random.Random(20250709)
        for _ in range(5000):
            counts = [
                rng.choice([0, 1, 2, 3, rng.randrange(1000)]) for _ in range(rng.randint(1, 8))
            ]
            shares = percentages(counts)
            total = sum(counts)
            if total == 0:
                assert shares == [0] * len(counts)
                continue
            assert sum(shares) == 100, counts
            for count, share in zip(counts, shares, strict=True):
                assert abs(share - count * 100 / total) < 1, counts
                assert (share == 0) <= (count * 100 < total)  # a zero share means under 1 %

    def test_three_equal_thirds_give_the_extra_point_to_the_first(self):
        assert percentages([1, 1, 1]) == [34, 33, 33]

    def test_the_extra_points_go_to_the_largest_remainders(self):
        # 2/7 = 28.57, 2/7 = 28.57, 3/7 = 42.86: rounding each would give 29+29+43 = 101.
        assert percentages([2, 2, 3]) == [29, 28, 43]

    def test_no_votes_is_zero_everywhere(self):
        assert percentages([0, 0, 0]) == [0, 0, 0]


@pytest.mark.django_db
class TestResultsJson:
    def url(self, review):
        return f"/reviews/{review.slug}/poll/results.json"

    def test_json_has_the_contract_shape_and_exact_numbers(self, client):
        review = make_review()
        make_votes(review.poll, {"Yes": 2, "No": 1})
        response = client.get(self.url(review))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        ids = {c.text: c.pk for c in review.poll.choices.all()}
        assert response.json() == {
            "question": "Will you watch?",
            "open": True,
            "total": 3,
            "choices": [
                {"id": ids["Yes"], "text": "Yes", "votes": 2, "percent": 67},
                {"id": ids["No"], "text": "No", "votes": 1, "percent": 33},
                {"id": ids["Maybe"], "text": "Maybe", "votes": 0, "percent": 0},
            ],
        }

    def test_a_vote_shows_up_in_the_json(self, client):
        review = make_review()
        yes = review.poll.choices.get(text="Yes").pk
        client.post(f"/reviews/{review.slug}/poll/vote/", {"choice": yes})
        data = client.get(self.url(review)).json()
        assert data["total"] == 1 and data["choices"][0]["percent"] == 100

    def test_closed_and_not_yet_open_polls_say_open_false(self, client):
        closed, upcoming = make_review(), make_review()
        Poll.objects.filter(pk=closed.poll.pk).update(closes_at=timezone.now())
        later = timezone.now() + timedelta(hours=1)
        Poll.objects.filter(pk=upcoming.poll.pk).update(opens_at=later)
        assert client.get(self.url(closed)).json()["open"] is False
        assert client.get(self.url(upcoming)).json()["open"] is False

    def test_no_votes_gives_zero_total_and_zero_percents(self, client):
        data = client.get(self.url(make_review())).json()
        assert data["total"] == 0 and [c["percent"] for c in data["choices"]] == [0, 0, 0]

    @pytest.mark.parametrize("slug", ["no-such-review", "draft", "no-poll"])
    def test_unknown_unpublished_or_pollless_review_is_a_json_404(self, client, slug):
        make_review(slug="draft", published=False)
        make_review(slug="no-poll").poll.delete()
        response = client.get(f"/reviews/{slug}/poll/results.json")
        assert response.status_code == 404
        assert "error" in response.json()

    def test_post_to_the_json_is_refused(self, client):
        response = client.post(self.url(make_review()))
        assert response.status_code == 405

    def test_the_json_agrees_with_the_page(self, client):
        call_command("load_demo", stdout=None)
        review = Review.objects.get(slug=BALLARD_SLUG)
        make_votes(review.poll, {"Yes": 617, "No": 251, "Maybe": 366})
        Poll.objects.filter(pk=review.poll.pk).update(closes_at=timezone.now())
        data = client.get(self.url(review)).json()
        html = client.get(review.get_absolute_url()).content.decode()
        shown = re.findall(
            r'poll__answer">([^<]+)<.*?poll__count">([\d,]+) votes?<.*?poll__percent">(\d+)%',
            html,
            re.S,
        )
        assert shown == [(c["text"], f"{c['votes']:,}", str(c["percent"])) for c in data["choices"]]
        assert f"{data['total']:,} votes" == "1,234 votes" and "1,234 votes" in html
