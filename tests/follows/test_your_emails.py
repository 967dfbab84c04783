""" "Your e-mails" (a signed link in every message): what an address follows, change how
often, stop one, stop all; and the unsubscribe page's button."""

import pytest
from django.test import Client
from django.urls import reverse

from follows import links
from follows.models import Follow, Follower
from reviews.models import Series
from tests.follows.following import followers
from tests.forms import form_data

pytestmark = pytest.mark.django_db
SAME = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def follower():
    series = Series.objects.create(name="Ballard")
    (email,) = followers(1, prefix="you", kind=Follow.Kind.SERIES, series=series)
    Follow.objects.create(follower=Follower.objects.get(), kind=Follow.Kind.SITE)
    return email


def path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


class TestYourEmails:
    def test_it_lists_what_the_address_follows_without_showing_the_whole_address(self, follower):
        html = Client().get(path(links.manage_url(follower))).content.decode()
        assert "Your e-mails" in html
        assert "The series Ballard" in html and "Every new review" in html
        assert follower not in html and "y•••@example.com" in html

    def test_changing_how_often_and_stopping_one(self, follower):
        url = path(links.manage_url(follower))
        series_follow = Follow.objects.get(kind=Follow.Kind.SERIES)
        site_follow = Follow.objects.get(kind=Follow.Kind.SITE)
        html = Client().get(url).content.decode()
        data = form_data(html, f"follow-{series_follow.pk}") | {"frequency": "weekly"}
        saved = Client().post(url, data, **SAME).content.decode()
        assert "Saved: the series Ballard, weekly digest." in saved
        stopped = (
            Client()
            .post(url, form_data(saved, f"follow-{site_follow.pk}") | {"stop": "one"}, **SAME)
            .content.decode()
        )
        assert "You no longer follow every new review." in stopped
        (left,) = Follow.objects.all()
        assert left.pk == series_follow.pk and left.frequency == Follow.Frequency.WEEKLY
        assert f'id="follow-{site_follow.pk}"' not in stopped

    def test_each_follow_has_its_own_stop_button_and_stop_all_says_what_it_stops(self, follower):
        html = Client().get(path(links.manage_url(follower))).content.decode()
        assert html.count('name="stop" value="one">Stop following</button>') == 2
        assert "Stop following</option>" not in html
        assert 'value="all">Stop all e-mails</button>' in html
        assert "Stops every follow above, and e-mails about replies to your comments." in html

    def test_a_stop_posted_the_old_way_still_stops(self, follower):
        site_follow = Follow.objects.get(kind=Follow.Kind.SITE)
        url = path(links.manage_url(follower))
        Client().post(url, {"follow": site_follow.pk, "frequency": "stop"}, **SAME)
        assert not Follow.objects.filter(pk=site_follow.pk).exists()

    def test_stop_all(self, follower):
        response = Client().post(path(links.manage_url(follower)), {"stop": "all"}, **SAME)
        assert response.status_code == 200
        assert "You follow nothing now" in response.content.decode()
        assert not Follow.objects.exists()

    def test_someone_elses_follow_cannot_be_changed_with_my_link(self, follower):
        (other,) = followers(1, prefix="other", kind=Follow.Kind.SITE)
        theirs = Follow.objects.get(follower__address__email=other)
        response = Client().post(
            path(links.manage_url(follower)), {"follow": theirs.pk, "frequency": "stop"}, **SAME
        )
        assert Follow.objects.filter(pk=theirs.pk).exists()
        assert (
            "Nothing changed: that follow is no longer on this list." in response.content.decode()
        )

    def test_a_change_that_makes_no_sense_says_nothing_changed(self, follower):
        site_follow = Follow.objects.get(kind=Follow.Kind.SITE)
        url = path(links.manage_url(follower))
        response = Client().post(url, {"follow": site_follow.pk, "frequency": "hourly"}, **SAME)
        assert response.status_code == 200
        assert "Nothing changed: choose how often" in response.content.decode()
        assert Follow.objects.get(pk=site_follow.pk).frequency == Follow.Frequency.EACH


class TestUnsubscribePage:
    def test_get_shows_a_button_and_changes_nothing(self, follower):
        response = Client().get(path(links.unsubscribe_url(follower)))
        assert "Unsubscribe from everything" in response.content.decode()
        assert Follow.objects.count() == 2

    def test_the_button_stops_everything(self, follower):
        Client().post(path(links.unsubscribe_url(follower)), **SAME)
        assert not Follow.objects.exists()


def test_the_newsletter_url_is_named():
    assert reverse("follows:newsletter") == "/newsletter/"
