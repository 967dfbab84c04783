"""What search engines and feed readers are told about recaps."""

import re
import xml.etree.ElementTree as ET

import pytest

from tests.comments.test_structured_data import json_ld
from tests.episodes.seasons import make_season
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


def test_a_recap_reviews_a_tv_episode_with_the_readers_aggregate_rating(client):
    _season, episodes, recaps = make_season(episodes=4, recapped=(4,), name="Harbour Lights")
    recap = recaps[4]
    make_comment(recap, rating=5)
    make_comment(recap, rating=4, body="")  # a rating alone counts like any other
    html = client.get(recap.get_absolute_url()).content.decode()
    data = json_ld(html)
    work = data["itemReviewed"]
    assert work["@type"] == "TVEpisode"
    assert work["episodeNumber"] == 4
    assert work["name"] == "Chapter 4"
    assert work["datePublished"] == episodes[3].first_aired.isoformat()
    assert work["partOfSeason"] == {
        "@type": "TVSeason",
        "seasonNumber": 1,
        "name": "Harbour Lights 1, Season 1",
    }
    assert work["partOfSeries"] == {"@type": "TVSeries", "name": "Harbour Lights 1"}
    # Google's review-snippet rules: readers' ratings, the numbers the page shows.
    assert work["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.5,
        "ratingCount": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    shown = re.search(r"Rated <strong>([\d.]+)</strong> out of 5 stars · (\d+) ratings", html)
    assert (float(shown.group(1)), int(shown.group(2))) == (4.5, 2)
    assert data["reviewRating"]["ratingValue"] == 8  # 6 + 4 / 2


def test_an_episode_retitled_shows_in_the_recaps_json_ld(client):
    _season, episodes, recaps = make_season(episodes=1, recapped=(1,))
    client.get(recaps[1].get_absolute_url())
    episodes[0].title = "The New Title"
    episodes[0].save()
    data = json_ld(client.get(recaps[1].get_absolute_url()).content.decode())
    assert data["itemReviewed"]["name"] == "The New Title"


def _links(xml: bytes) -> list[str]:
    return [el.text for el in ET.fromstring(xml).iter("link")]  # noqa: S314


def test_recaps_are_in_the_site_feed_the_series_feed_and_the_sitemap(client):
    season, _episodes, recaps = make_season(episodes=2, recapped=(1, 2))
    for url in ("/feed/", f"/series/{season.series.slug}/feed/"):
        links = " ".join(filter(None, _links(client.get(url).content)))
        for recap in recaps.values():
            assert recap.get_absolute_url() in links, url
    sitemap = client.get("/sitemap.xml").content.decode()
    for recap in recaps.values():
        assert recap.get_absolute_url() in sitemap


def test_the_feed_files_a_recap_under_episode_recap_and_its_season_under_tv_season(client):
    season, _episodes, recaps = make_season(episodes=1, recapped=(1,))
    root = ET.fromstring(client.get("/feed/").content)  # noqa: S314 (our own feed)
    categories = {
        item.findtext("title"): [c.text for c in item.findall("category")]
        for item in root.iter("item")
    }
    assert categories[recaps[1].headline][0] == "Episode recap"
    assert categories[season.headline][0] == "TV season"
