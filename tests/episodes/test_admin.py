"""Staff manage episodes on their show's admin page and tie a recap to one."""

import re

import pytest

from reviews.models import Episode, Review, Series
from tests.episodes.seasons import make_season
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def test_an_editor_adds_episodes_on_the_shows_page(client, editor):
    series = Series.objects.create(name="Night Desk")
    client.force_login(editor)
    url = f"/admin/reviews/series/{series.pk}/change/"
    data = form_data(client.get(url).content.decode(), "series_form")
    data |= {
        "episodes-0-season_number": "1",
        "episodes-0-number": "1",
        "episodes-0-title": "Pilot",
        "episodes-0-first_aired": "2025-07-17",
        "_save": "Save",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    episode = Episode.objects.get(series=series)
    assert (episode.number, episode.title, str(episode.first_aired)) == (1, "Pilot", "2025-07-17")


def test_the_same_episode_number_twice_is_refused_with_a_message(client, editor):
    _season, episodes, _recaps = make_season(episodes=1, recapped=())
    series = episodes[0].series
    client.force_login(editor)
    url = f"/admin/reviews/series/{series.pk}/change/"
    data = form_data(client.get(url).content.decode(), "series_form")
    index = int(data["episodes-INITIAL_FORMS"])
    data |= {
        f"episodes-{index}-season_number": "1",
        f"episodes-{index}-number": "1",
        f"episodes-{index}-title": "Again",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    assert any("Each episode is listed once" in e for e in errors), errors
    assert "season_number" not in html.split('id="series_form"')[1].split("<table")[0]
    assert Episode.objects.filter(series=series).count() == 1


def test_a_writer_can_find_an_episode_for_a_recap(client, writer):
    _season, episodes, _recaps = make_season(episodes=2, recapped=())
    client.force_login(writer)
    html = client.get("/admin/reviews/review/add/").content.decode()
    # A plain labelled select (no script needed): every episode is offered by its name.
    field = html[
        html.index('name="episode"') : html.index("</select>", html.index('name="episode"'))
    ]
    assert f'value="{episodes[1].pk}"' in field and "Chapter 2" in field


def test_an_editor_ties_a_review_to_an_episode_and_it_becomes_its_recap(client, editor):
    from tests.factories import make_review
    from tests.reviews.editing import save

    _season, episodes, _recaps = make_season(episodes=2, recapped=(), name="Dock Street")
    review = make_review(work_kind="film", season_number=None, slug="a-recap-to-be")
    client.force_login(editor)
    response = save(client, review, episode=str(episodes[1].pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    review.refresh_from_db()
    assert review.episode == episodes[1]
    assert (review.series_id, review.season_number, review.work_kind) == (
        episodes[1].series_id,
        1,
        "season",
    )
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Season 1, Episode 2" in page


def test_a_recap_left_without_a_title_takes_its_shows_and_a_review_of_nothing_is_refused(
    client, editor
):
    _season, episodes, _recaps = make_season(episodes=2, recapped=(), name="Dock Street")
    client.force_login(editor)
    page = client.get("/admin/reviews/review/add/").content.decode()
    data = form_data(page, form_id="review_form") | {
        "headline": "Dock Street, episode 2: the tide turns",
        "slug": "dock-street-episode-2",
        "standfirst": "A line.",
        "work_title": "",
        "sections-0-body": "One paragraph.",
    }
    refused = client.post("/admin/reviews/review/add/", data)
    assert refused.status_code == 200
    assert "Name the show or film (or choose the episode this recap is of)." in (
        refused.content.decode()
    )
    assert not Review.objects.filter(slug="dock-street-episode-2").exists()
    data["episode"] = str(episodes[1].pk)
    saved = client.post("/admin/reviews/review/add/", data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    recap = Review.objects.get(slug="dock-street-episode-2")
    assert recap.work_title == "DOCK STREET" and recap.episode == episodes[1]
