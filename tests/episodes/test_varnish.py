"""Through a real Varnish and gunicorn: the shielded page (?upto=N) is a copy of its own
that new readers share, and a reader's rating of a recap reaches the season's pages."""

import pytest
import requests

from tests.episodes.seasons import make_season
from tests.system.test_varnish import cache, new_reader, shows  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_upto_on_the_season_review_is_served_from_the_cache(cache):  # noqa: F811
    season, _episodes, _recaps = make_season(episodes=3, recapped=(1, 2))
    url = f"{cache}{season.get_absolute_url()}?upto=1"
    first = new_reader(url)
    assert first.status_code == 200 and first.headers["X-Cache"] == "MISS"
    assert "<strong>Episode 2</strong> — you haven’t watched this yet" in first.text
    second = new_reader(url)
    assert second.headers["X-Cache"] == "HIT"
    assert second.text == first.text
    assert "Set-Cookie" not in second.headers
    # A copy of its own: the unshielded page is not the folded one.
    plain = new_reader(f"{cache}{season.get_absolute_url()}")
    assert "Chapter 2" in plain.text and "you haven’t watched this yet" not in plain.text


def test_a_rating_of_a_recap_reaches_the_shielded_season_review(cache):  # noqa: F811
    season, _episodes, recaps = make_season(episodes=2, recapped=(1,))
    url = f"{cache}{season.get_absolute_url()}?upto=1"
    assert "No ratings yet" in new_reader(url).text
    reader = requests.Session()
    rated = reader.post(
        f"{cache}/reviews/{recaps[1].slug}/rating/",
        {"rating": "4"},
        headers={"Sec-Fetch-Site": "same-origin"},
        timeout=5,
    )
    assert rated.status_code == 200  # followed the redirect back to the recap
    assert shows(url, "· 1 rating")
