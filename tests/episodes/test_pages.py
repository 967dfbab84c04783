"""Recap pages, and the episode lists of season reviews and series hubs."""

import re

import pytest

from comments.models import Comment
from reviews.models import Review
from tests.episodes.seasons import make_season, rate

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return text_of_html(response.content.decode())


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class TestRecapPage:
    def test_recap_names_its_episode_with_the_air_date(self, client):
        _season, _episodes, recaps = make_season()
        page = text_of(client.get(recaps[2].get_absolute_url()))
        assert "Season 1, Episode 2 : ‘Chapter 2’ · aired July 17, 2025" in page
        assert "Episode recap" in page

    def test_recap_links_to_its_neighbours_and_its_season_review(self, client):
        season, _episodes, recaps = make_season(episodes=4, recapped=(1, 2, 3))
        html = client.get(recaps[2].get_absolute_url()).content.decode()
        assert f'rel="prev" href="{recaps[1].get_absolute_url()}"' in html
        assert f'rel="next" href="{recaps[3].get_absolute_url()}"' in html
        assert f'href="{season.get_absolute_url()}#episodes"' in html

    def test_recap_carries_the_poll_and_the_comment_form(self, client):
        _season, _episodes, recaps = make_season()
        html = client.get(recaps[1].get_absolute_url()).content.decode()
        assert 'name="choice"' in html
        assert 'id="comment-form"' in html

    def test_a_recap_takes_its_show_and_season_from_its_episode(self):
        _season, episodes, recaps = make_season(season_number=3)
        recap = Review.objects.get(pk=recaps[1].pk)
        assert (recap.series_id, recap.season_number) == (episodes[0].series_id, 3)
        assert recap.work_label.endswith("Season 3, Episode 1")

    def test_a_recaps_card_and_search_result_say_episode_recap(self, client):
        """On its page a recap is an "Episode recap"; its card on the front page and its
        search result call it that too, not "TV season" like the season's review (whose
        own page says "TV season review")."""
        season, _episodes, recaps = make_season(recapped=(1,))

        def kicker_of(html: str, marker: str) -> str:
            """The text of the last kicker before the tag holding marker."""
            before = html[: html.rindex("<", 0, html.index(marker))]
            return text_of_html(before[before.rindex('class="kicker"') :]).strip()

        home = client.get("/").content.decode()
        assert kicker_of(home, recaps[1].headline).endswith("Episode recap")
        assert kicker_of(home, season.headline).endswith("TV season")
        found = client.get("/search/", {"q": "Chapter"}).content.decode()
        assert kicker_of(found, recaps[1].headline).endswith("Episode recap")
        page = client.get(season.get_absolute_url()).content.decode()
        assert kicker_of(page, 'class="review__headline"').endswith("TV season review")

    def test_a_recap_is_not_listed_as_a_season(self, client):
        season, _episodes, _recaps = make_season()
        seasons = list(Review.objects.seasons_of(season.series_id))
        assert seasons == [season]


class TestEpisodeLists:
    def test_season_review_lists_episodes_with_grades_and_readers_average(self, client):
        season, _episodes, recaps = make_season(episodes=3, recapped=(1,))
        rate(recaps[1], 4, 5)
        html = client.get(season.get_absolute_url()).content.decode()
        page = text_of(client.get(season.get_absolute_url()))
        assert f'<a href="{recaps[1].get_absolute_url()}">Episode 1</a>' in html
        assert "6.5" in page  # the recap's score
        assert "4.5" in page and "2 ratings" in page
        assert html.count('<span class="episode__none">not yet recapped</span>') == 2

    def test_hub_lists_each_recapped_episode_linking_to_its_recap(self, client):
        season, _episodes, recaps = make_season(episodes=4, recapped=(1, 3))
        html = client.get(season.series.get_absolute_url()).content.decode()
        for n in (1, 3):
            assert f'<a href="{recaps[n].get_absolute_url()}">Episode {n}</a>' in html
        assert html.count('<span class="episode__none">not yet recapped</span>') == 2

    def test_a_held_comments_rating_does_not_count_on_the_list(self, client):
        season, _episodes, recaps = make_season(episodes=1, recapped=(1,))
        rate(recaps[1], 2)
        Comment.objects.update(status=Comment.Status.PENDING)
        page = text_of(client.get(season.get_absolute_url()))
        assert "No ratings yet" in page

    def test_a_draft_recap_is_not_linked(self, client):
        season, _episodes, recaps = make_season(episodes=2, recapped=(1,))
        recaps[1].unpublish()
        html = client.get(season.get_absolute_url()).content.decode()
        assert recaps[1].get_absolute_url() not in html
        assert html.count('<span class="episode__none">not yet recapped</span>') == 2

    def test_the_season_review_page_is_purged_with_its_recaps(self, client):
        season, _episodes, recaps = make_season(episodes=2, recapped=(1, 2))
        keys = client.get(season.get_absolute_url())["Surrogate-Key"].split()
        assert {recaps[1].cache_key, recaps[2].cache_key, f"series-{season.series_id}"} <= set(keys)

    def test_a_film_has_no_episode_section(self, client):
        from tests.factories import make_review

        film = make_review(work_kind=Review.Kind.FILM, season_number=None)
        assert 'id="episodes"' not in client.get(film.get_absolute_url()).content.decode()
