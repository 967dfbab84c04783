"""Readers react to a comment ("Respect"): one reaction per reader, a second press takes
it back, exact counts under simultaneous presses, without JavaScript and with it; "Best"
puts the comments with most reactions first, editor's picks before them."""

import math
import re
import threading

import pytest
from django.core.cache import caches
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import services
from comments.models import BEST_Z, Ban, Comment, Reaction
from tests.comments.posting import post
from tests.factories import make_comment, make_review
from tests.polls.test_concurrency import roomy_pool  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def react_url(comment) -> str:
    return reverse("comments:react", args=[comment.pk])


def reaction_form(html: str, comment) -> str:
    found = re.search(
        rf'<form class="reaction" method="post" action="{react_url(comment)}".*?</form>', html, re.S
    )
    return found.group(0) if found else ""


def press(client, comment, **headers):
    """Press the comment's reaction button as the page shows it to this client."""
    html = client.get(comment.review.get_absolute_url()).content.decode()
    form = reaction_form(html, comment)
    assert form, "no reaction button on the page"
    on = re.search(r'name="on" value="([01])"', form).group(1)
    return client.post(react_url(comment), {"on": on}, **headers)


def count(comment) -> int:
    return Reaction.objects.filter(comment=comment).count()


class TestWithoutJavaScript:
    def test_a_press_gives_respect_and_comes_back_to_the_comment(self, client):
        comment = make_comment(make_review(), name="Marisol")
        response = press(client, comment)
        assert response.status_code == 302
        assert response["Location"].endswith(f"#comment-{comment.pk}")
        assert count(comment) == 1
        form = reaction_form(client.get(response["Location"]).content.decode(), comment)
        assert 'aria-pressed="true"' in form and ">Respect<" in form
        assert "data-reaction-count>1</span>" in form

    def test_a_second_press_takes_it_back(self, client):
        comment = make_comment(make_review())
        press(client, comment)
        press(client, comment)
        assert count(comment) == 0
        form = reaction_form(
            client.get(comment.review.get_absolute_url()).content.decode(), comment
        )
        assert 'aria-pressed="false"' in form and 'value="1"' in form

    def test_the_label_is_a_setting(self, client, settings):
        settings.REACTION_LABEL = "Nice one"
        comment = make_comment(make_review())
        html = client.get(comment.review.get_absolute_url()).content.decode()
        assert ">Nice one<" in reaction_form(html, comment)

    def test_counts_show_on_each_comment_for_a_new_reader(self):
        review = make_review()
        first, second = make_comment(review), make_comment(review)
        for _ in range(3):
            press(Client(), first)
        press(Client(), second)
        html = Client().get(review.get_absolute_url()).content.decode()
        assert "data-reaction-count>3</span>" in reaction_form(html, first)
        assert "data-reaction-count>1</span>" in reaction_form(html, second)

    def test_never_on_ones_own_comment(self, client):
        review = make_review()
        post(client, review, body="My own words.")
        own = Comment.objects.get()
        html = client.get(review.get_absolute_url()).content.decode()
        assert reaction_form(html, own) == ""  # the count, no button
        response = client.post(react_url(own), {"on": "1"})
        assert response.status_code == 403
        assert "You can’t react to your own comment." in response.content.decode()
        assert count(own) == 0

    def test_a_banned_reader_cannot(self, client):
        comment = make_comment(make_review())
        press(client, make_comment(comment.review))  # the reader now has an id
        reader = Reaction.objects.get().reader
        Ban.objects.create(reader=reader, reason="abuse")
        response = client.post(react_url(comment), {"on": "1"})
        assert response.status_code == 403
        assert "so your reaction was not saved" in response.content.decode()
        assert count(comment) == 0

    def test_not_once_comments_are_closed(self, client):
        review = make_review(comments_closed=True)
        comment = make_comment(review)
        assert client.post(react_url(comment), {"on": "1"}).status_code == 403
        assert count(comment) == 0

    def test_not_on_a_held_comment(self, client):
        held = make_comment(make_review(), status=Comment.Status.PENDING)
        assert client.post(react_url(held), {"on": "1"}).status_code == 404


class TestWithJavaScript:
    def test_the_script_gets_the_count_and_state_as_json(self, client):
        comment = make_comment(make_review())
        press(Client(), comment)
        answer = client.post(react_url(comment), {"on": "1"}, HTTP_ACCEPT="application/json")
        assert answer.status_code == 200
        assert answer.json() == {"on": True, "count": 2, "label": "Respect"}
        answer = client.post(react_url(comment), {"on": "0"}, HTTP_ACCEPT="application/json")
        assert answer.json() == {"on": False, "count": 1, "label": "Respect"}

    def test_the_script_is_served_from_the_site(self, client):
        html = client.get(make_comment(make_review()).review.get_absolute_url()).content.decode()
        assert re.search(r'<script src="/static/js/reactions[.\w]*\.js" defer></script>', html)


class TestFreshness:
    def test_a_new_reader_sees_the_new_count_at_once(self):
        comment = make_comment(make_review())
        url = comment.review.get_absolute_url()
        assert "data-reaction-count>0</span>" in Client().get(url).content.decode()
        press(Client(), comment)
        assert "data-reaction-count>1</span>" in Client().get(url).content.decode()

    def test_counts_cost_no_query_per_comment(self):
        review = make_review()
        for n in range(20):
            comment = make_comment(review)
            Reaction.objects.create(comment=comment, reader=f"a:{n}")

        def queries() -> int:  # a cold page: every fragment drawn again
            for each in caches.all():
                each.clear()
            with CaptureQueriesContext(connection) as captured:
                Client().get(review.get_absolute_url())
            return len(captured)

        few = queries()
        for comment in Comment.objects.filter(review=review):
            Reaction.objects.bulk_create(
                [Reaction(comment=comment, reader=f"b:{comment.pk}-{n}") for n in range(5)]
            )
        assert queries() == few


def wilson(positive: int, total: int, z: float = BEST_Z) -> float:
    p = positive / total
    return (
        p + z * z / (2 * total) - z * math.sqrt((p * (1 - p) + z * z / (4 * total)) / total)
    ) / (1 + z * z / total)


class TestBest:
    def test_most_reactions_first_and_editors_picks_before_them(self, moderator):
        review = make_review()
        names = {}
        for name, reactions in (("Quiet", 0), ("Loved", 6), ("Liked", 2), ("Picked", 0)):
            names[name] = comment = make_comment(review, name=name)
            Reaction.objects.bulk_create(
                [Reaction(comment=comment, reader=f"a:{name}{n}") for n in range(reactions)]
            )
        services.comment_pin(comment=names["Picked"], by=moderator, pinned=True)
        html = Client().get(review.get_absolute_url(), {"sort": "best"}).content.decode()
        order = sorted(names, key=lambda n: html.index(f'<strong class="comment__name">{n}<'))
        assert order == ["Picked", "Loved", "Liked", "Quiet"]

    def test_the_score_is_the_wilson_lower_bound_of_reactions_out_of_reactions_replies_and_one(
        self,
    ):
        review = make_review()
        comment = make_comment(review)
        Reaction.objects.bulk_create([Reaction(comment=comment, reader=f"a:{n}") for n in range(4)])
        for _ in range(3):
            make_comment(review, parent=comment)
        scored = Comment.objects.with_best_score().get(pk=comment.pk)
        assert (scored.reaction_count, scored.published_replies) == (4, 3)
        assert scored.best_score == pytest.approx(wilson(4, 4 + 3 + 1))

    def test_the_same_reactions_under_a_long_argument_count_for_less(self):
        review = make_review()
        calm, heated = make_comment(review, name="Calm"), make_comment(review, name="Heated")
        for comment in (calm, heated):
            Reaction.objects.bulk_create(
                [Reaction(comment=comment, reader=f"a:{comment.pk}-{n}") for n in range(3)]
            )
        for _ in range(6):
            make_comment(review, parent=heated)
        html = Client().get(review.get_absolute_url(), {"sort": "best"}).content.decode()
        assert html.index(">Calm<") < html.index(">Heated<")


@pytest.mark.django_db(transaction=True)
def test_50_readers_pressing_at_once_count_50_and_a_second_press_removes_one(
    settings,
    roomy_pool,  # noqa: F811
):
    settings.RATELIMIT_ENABLE = False  # every thread comes from 127.0.0.1
    comment = make_comment(make_review())
    readers = [Client() for _ in range(50)]
    for client in readers:  # each reader has their cookie, as after reading the page
        client.post(react_url(make_comment(comment.review)), {"on": "0"})
    barrier = threading.Barrier(len(readers))
    statuses, errors = [], []

    def run(client):
        try:
            barrier.wait(timeout=60)
            statuses.append(client.post(react_url(comment), {"on": "1"}).status_code)
        except Exception as error:  # collected, and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(client,)) for client in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and statuses == [302] * 50
    assert count(comment) == 50
    assert Reaction.objects.filter(comment=comment).values("reader").distinct().count() == 50
    readers[0].post(react_url(comment), {"on": "0"})
    assert count(comment) == 49
