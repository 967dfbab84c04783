"""The edited front page: editors choose a lead and picks in the admin (with real form
posts), readers see them first; with nothing chosen the page is the latest reviews."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from frontpage.models import FrontPage, FrontPick
from infra.freshness import EVENTS
from reviewsite.roles import EDITORS
from tests.factories import make_comment, make_review, make_user
from tests.forms import form_data

pytestmark = pytest.mark.django_db

CHANGE = "/admin/frontpage/frontpage/1/change/"


@pytest.fixture
def desk(client):
    client.force_login(make_user("ed", groups=[EDITORS], is_staff=True))
    return client


def headlines(html: str, section: str | None = None) -> list[str]:
    if section:
        html = html.split(f'class="{section}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="card__headline"><a href="[^"]*">([^<]*)</a>', html)


def save_front(client, *, lead=None, picks=(), extra=None):
    """The front page's change form as an editor fills it in and presses a button."""
    html = client.get(CHANGE).content.decode()
    data = form_data(html, "frontpage_form")
    data["lead"] = str(lead.pk) if lead else ""
    existing = int(data["picks-INITIAL_FORMS"])
    for i, review in enumerate(picks):
        if i >= existing:
            data["picks-TOTAL_FORMS"] = str(i + 1)
            data[f"picks-{i}-front"] = "1"
        data[f"picks-{i}-review"] = str(review.pk)
        data[f"picks-{i}-order"] = str(i + 1)
    data.update(extra or {})
    return client.post(CHANGE, data)


class TestNothingChosen:
    def test_the_home_page_is_the_latest_reviews_with_the_newest_large(self, client):
        older = make_review(headline="Older one")
        newer = make_review(headline="Newer one")
        # The factory dates each review an hour earlier than the last one it made.
        older.published_at = newer.published_at - datetime.timedelta(days=2)
        older.save()
        html = client.get("/").content.decode()
        assert '<h1 class="page-title">Latest reviews</h1>' in html
        assert headlines(html) == [newer.headline, older.headline]
        assert html.index("card--featured") < html.index("Newer one")
        assert "Editors’ picks" not in html


class TestEditorsChoose:
    def test_the_admin_first_page_links_the_front_page(self, desk):
        index = desk.get("/admin/").content.decode()
        assert re.search(r'<a href="/admin/frontpage/frontpage/"[^>]*>Front page</a>', index)
        assert desk.get("/admin/frontpage/frontpage/").url == CHANGE

    def test_a_lead_and_two_picks_lead_the_page_in_order(self, desk):
        lead, first, second, _rest = (make_review(headline=h) for h in ("L", "P1", "P2", "R"))
        response = save_front(desk, lead=lead, picks=[second, first])
        assert response.status_code == 302, response.content.decode()[:2000]
        html = Client().get("/").content.decode()
        assert headlines(html, "front-lead") == ["L"]
        assert headlines(html, "front-picks") == ["P2", "P1"]
        assert headlines(html, "front-latest") == ["R"]  # the rest, never twice
        assert html.index("card--featured") < html.index(">L</a>")

    def test_move_up_and_move_down_reorder_the_picks_without_javascript(self, desk):
        a, b, c = (make_review(headline=h) for h in ("A", "B", "C"))
        save_front(desk, picks=[a, b, c])
        page = desk.get(CHANGE).content.decode()
        assert "Move up" in page and "Move down" in page
        pick_c = FrontPick.objects.get(review=c).pk
        moved = save_front(desk, picks=[a, b, c], extra={"_move": f"{pick_c}:up"})
        assert moved.status_code == 302 and moved.url == CHANGE  # back to the form
        assert headlines(Client().get("/").content.decode(), "front-picks") == ["A", "C", "B"]
        pick_a = FrontPick.objects.get(review=a).pk
        save_front(desk, picks=[a, c, b], extra={"_move": f"{pick_a}:down"})
        assert headlines(Client().get("/").content.decode(), "front-picks") == ["C", "A", "B"]

    def test_an_unpublished_choice_is_left_out_until_it_is_published_again(self, desk):
        lead, pick = make_review(headline="Lead"), make_review(headline="Pick")
        save_front(desk, lead=lead, picks=[pick])
        pick.unpublish()
        html = Client().get("/").content.decode()
        assert headlines(html, "front-lead") == ["Lead"] and ">Pick</a>" not in html

    def test_only_published_reviews_can_be_chosen(self, desk):
        make_review(headline="Out now")
        make_review(headline="Secret draft", published=False)
        page = desk.get(CHANGE).content.decode()
        assert "Out now" in page and "Secret draft" not in page

    def test_the_lead_as_a_pick_or_a_pick_twice_is_refused_in_words(self, desk):
        lead, pick = make_review(headline="Lead"), make_review(headline="Pick")
        response = save_front(desk, lead=lead, picks=[pick, lead])
        assert response.status_code == 200
        assert "This is the lead, shown first already: pick another review." in (
            response.content.decode()
        )
        twice = save_front(desk, picks=[pick, pick])
        assert twice.status_code == 200
        assert "Each review can be picked once" in twice.content.decode()
        assert FrontPick.objects.count() == 0

    def test_a_new_pick_left_at_order_zero_goes_last(self, desk):
        a, b, c = (make_review(headline=h) for h in ("A", "B", "C"))
        save_front(desk, picks=[a, b])
        html = desk.get(CHANGE).content.decode()
        data = form_data(html, "frontpage_form")
        data |= {"picks-TOTAL_FORMS": "3", "picks-2-front": "1", "picks-2-review": str(c.pk)}
        data["picks-2-order"] = "0"
        assert desk.post(CHANGE, data).status_code == 302
        assert headlines(Client().get("/").content.decode(), "front-picks") == ["A", "B", "C"]

    def test_at_most_six_picks(self, desk):
        reviews = [make_review(headline=f"Pick {n}") for n in range(7)]
        response = save_front(desk, picks=reviews)
        assert response.status_code == 200  # the form comes back with its error
        assert FrontPick.objects.count() == 0

    def test_a_reader_cannot_open_the_front_page_admin(self, client):
        client.force_login(make_user("plain", is_staff=True))
        assert client.get(CHANGE).status_code == 403


class TestFreshness:
    def test_the_home_page_names_the_front_key_that_a_change_purges(self):
        make_review()
        response = Client().get("/")
        assert "front" in response["xkey"].split()
        assert EVENTS["front_page_changed"].keys == ("front",)

    def test_reading_the_front_page_writes_nothing(self):
        make_review()
        Client().get("/")
        assert not FrontPage.objects.exists()


class TestMostDiscussed:
    def test_counts_published_comments_of_the_last_seven_days(self):
        busy, quiet, old = (make_review(headline=h) for h in ("Busy", "Quiet", "Old talk"))
        for _ in range(3):
            make_comment(busy)
        make_comment(quiet)
        make_comment(quiet, status=Comment.Status.PENDING)
        make_comment(quiet, status=Comment.Status.PENDING)
        talk = make_comment(old)
        Comment.objects.filter(pk=talk.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=8)
        )
        html = Client().get("/").content.decode()
        listed = html.split("Most discussed this week", 1)[1].split("</section>", 1)[0]
        assert re.findall(r">(Busy|Quiet|Old talk)</a>", listed) == ["Busy", "Quiet"]
        assert "3 comments" in listed and "1 comment<" in listed

    def test_absent_when_nobody_commented_this_week(self):
        make_review()
        assert "Most discussed" not in Client().get("/").content.decode()

    def test_ratings_given_without_words_are_not_counted_as_comments(self):
        talked, rated = make_review(headline="Talked about"), make_review(headline="Rated")
        make_comment(talked)
        for n in range(3):
            make_comment(rated, name=f"Rater {n}", body="", rating=4)
        html = Client().get("/").content.decode()
        listed = html.split("Most discussed this week", 1)[1].split("</section>", 1)[0]
        assert re.findall(r">(Talked about|Rated)</a>", listed) == ["Talked about"]
        assert "1 comment<" in listed and "3 comments" not in listed
