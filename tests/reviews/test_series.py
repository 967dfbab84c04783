"""Series hubs: a show's page lists its reviewed seasons in order with both scores, each
season links to its neighbours, and search engines, feeds and the sitemap know the hub."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from comments.models import Comment
from demo.content import BALLARD_SEASON_2_SLUG, BALLARD_SLUG
from reviews.models import Review, Series
from tests.factories import make_review

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def rate(review, *stars):
    Comment.objects.bulk_create(
        Comment(review=review, name=f"R{n}", body="Rated.", rating=s, reader=f"a:{review.pk}-{n}")
        for n, s in enumerate(stars)
    )


def json_ld(html: str, kind: str) -> dict:
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(block)
        if data["@type"] == kind:
            return data
    raise AssertionError(f"no {kind} JSON-LD")


@pytest.fixture
def show():
    """Slow Horses with seasons 1 to 3 reviewed (season 2 published last) and a draft 4."""
    series = Series.objects.create(name="Slow Horses", description="Spies who failed upwards.")
    seasons = {
        number: make_review(
            headline=f"Slow Horses season {number}",
            work_title="SLOW HORSES",
            season_number=number,
            series=series,
            score=score,
        )
        for number, score in ((3, "8"), (1, "7.5"), (2, None))
    }
    seasons[4] = make_review(
        headline="Slow Horses season 4", season_number=4, series=series, published=False
    )
    rate(seasons[1], 5, 4, 4)
    return series, seasons


class TestHub:
    def test_lists_published_seasons_in_order_with_both_scores(self, client, show):
        series, _seasons = show
        assert series.slug == "slow-horses"
        html = client.get("/series/slow-horses/").content.decode()
        headlines = re.findall(r'class="season__headline"><a href="[^"]+">([^<]+)<', html)
        assert headlines == [f"Slow Horses season {n}" for n in (1, 2, 3)]  # no draft
        assert "<h1" in html and "Slow Horses" in html and "Spies who failed upwards." in html
        first, second, third = html.split('class="season__headline"')[1:]
        assert "Critic’s score: 7.5 out of 10" in first and "<strong>4.3</strong>" in first
        assert "3 ratings" in first
        assert "No score" in second and "No ratings yet" in second
        assert "Critic’s score: 8 out of 10" in third

    def test_json_ld_is_a_series_of_seasons_with_the_numbers_the_page_shows(self, client, show):
        html = client.get("/series/slow-horses/").content.decode()
        data = json_ld(html, "CreativeWorkSeries")
        assert data["name"] == "Slow Horses"
        parts = data["hasPart"]
        assert [p["@type"] for p in parts] == ["CreativeWorkSeason"] * 3
        assert [p["seasonNumber"] for p in parts] == [1, 2, 3]
        assert parts[0]["review"]["reviewRating"]["ratingValue"] == 7.5
        assert parts[0]["aggregateRating"] == {
            "@type": "AggregateRating",
            "ratingValue": 4.3,
            "ratingCount": 3,
            "bestRating": 5,
            "worstRating": 1,
        }
        assert "aggregateRating" not in parts[1] and "reviewRating" not in parts[1]["review"]
        assert parts[2]["url"].endswith("/reviews/review-" + parts[2]["url"].split("-")[-1])

    def test_a_series_with_no_published_season_or_an_unknown_one_is_404(self, client):
        series = Series.objects.create(name="Unaired")
        make_review(series=series, published=False)
        assert client.get("/series/unaired/").status_code == 404
        assert client.get("/series/nothing-here/").status_code == 404
        assert client.get("/series/%3Cscript%3E/").status_code == 404


class TestSeasonLinks:
    def test_each_season_links_to_the_previous_and_next_and_the_hub(self, client, show):
        _series, seasons = show
        html = client.get(seasons[2].get_absolute_url()).content.decode()
        nav = html.split('class="season-nav"')[1].split("</nav>")[0]
        assert f'rel="prev" href="{seasons[1].get_absolute_url()}"' in nav
        assert f'rel="next" href="{seasons[3].get_absolute_url()}"' in nav
        assert 'href="/series/slow-horses/"' in nav
        first = client.get(seasons[1].get_absolute_url()).content.decode()
        assert 'rel="prev"' not in first.split('class="season-nav"')[1].split("</nav>")[0]

    def test_a_draft_season_is_never_linked_until_published(
        self, client, show, django_capture_on_commit_callbacks
    ):
        _series, seasons = show
        html = client.get(seasons[3].get_absolute_url()).content.decode()
        assert 'rel="next"' not in html.split('class="season-nav"')[1].split("</nav>")[0]
        with django_capture_on_commit_callbacks(execute=True):
            seasons[4].publish()
        html = client.get(seasons[3].get_absolute_url()).content.decode()
        nav = html.split('class="season-nav"')[1].split("</nav>")[0]
        assert f'rel="next" href="{seasons[4].get_absolute_url()}"' in nav

    def test_a_film_has_no_series_and_no_season_links(self, client):
        series = Series.objects.create(name="Dune")
        film = make_review(work_kind=Review.Kind.FILM, season_number=None)
        assert 'class="season-nav"' not in client.get(film.get_absolute_url()).content.decode()
        film.series = series
        with pytest.raises(ValidationError, match="A film has no series"):
            film.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            film.save()

    def test_a_season_page_with_its_series_stays_within_the_query_budget(self, client, show):
        from tests.site.test_query_budget import REVIEW_PAGE_BUDGET, cold_and_warm

        _series, seasons = show
        cold, warm = cold_and_warm(client, seasons[2].get_absolute_url())
        assert cold <= REVIEW_PAGE_BUDGET and warm <= cold, (cold, warm)


class TestDiscovery:
    def test_sitemap_lists_the_hub_and_feeds_name_the_series(self, client, show):
        root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
        locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
        assert any(loc.endswith("/series/slow-horses/") for loc in locations)
        unpublished = Series.objects.create(name="Unaired")
        make_review(series=unpublished, published=False)
        root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
        assert not any("unaired" in loc.text for loc in root.iter(f"{SITEMAP}loc"))
        feed = client.get("/feed/").content.decode()
        assert "<category>Slow Horses</category>" in feed
        assert "/series/slow-horses/" in client.get("/series/slow-horses/feed/").content.decode()

    def test_series_feed_lists_only_its_published_seasons(self, client, show):
        root = ET.fromstring(client.get("/series/slow-horses/feed/").content)  # noqa: S314
        titles = [item.findtext("title") for item in root.iter("item")]
        assert sorted(titles) == [f"Slow Horses season {n}" for n in (1, 2, 3)]
        assert client.get("/series/unknown/feed/").status_code == 404


class TestEditor:
    def test_editor_picks_a_series_in_the_review_form_or_adds_one(self, client, editor):
        Series.objects.create(name="Ballard")
        client.force_login(editor)
        form = client.get("/admin/reviews/review/add/").content.decode()
        assert 'name="series"' in form and ">Ballard</option>" in form
        assert 'id="add_id_series"' in form  # the + that adds a new series
        added = client.post(
            "/admin/reviews/series/add/", {"name": "Slow Horses", "slug": "slow-horses"}
        )
        assert added.status_code == 302 and Series.objects.filter(slug="slow-horses").exists()
        assert "or add it with +" in form

    def test_a_writer_without_the_plus_is_told_an_editor_adds_a_show(self, client, writer):
        client.force_login(writer)
        form = client.get("/admin/reviews/review/add/").content.decode()
        assert 'id="add_id_series"' not in form and "add it with +" not in form
        assert "an editor adds a show that is not listed" in form


class TestDemo:
    def test_demo_has_a_ballard_hub_with_two_seasons_and_stays_idempotent(self, client):
        call_command("load_demo", stdout=None)
        call_command("load_demo", stdout=None)
        ballard = Series.objects.get(slug="ballard")
        seasons = ballard.reviews.filter(episode__isnull=True).order_by("season_number")
        assert list(seasons.values_list("slug", flat=True)) == [
            BALLARD_SLUG,
            BALLARD_SEASON_2_SLUG,
        ]
        html = client.get("/series/ballard/").content.decode()
        assert html.count('class="season__headline"') == 2
        season_1 = client.get(f"/reviews/{BALLARD_SLUG}/").content.decode()
        assert f'rel="next" href="/reviews/{BALLARD_SEASON_2_SLUG}/"' in season_1

    def test_a_demo_loaded_before_series_existed_joins_ballard_without_other_changes(self):
        call_command("load_demo", stdout=None)
        season_1 = Review.objects.get(slug=BALLARD_SLUG)
        Review.objects.filter(pk=season_1.pk).update(series=None, headline="Edited by us")
        call_command("load_demo", stdout=None)
        season_1.refresh_from_db()
        assert season_1.series.slug == "ballard" and season_1.headline == "Edited by us"
