"""A season's pages run a fixed number of queries, however many episodes, recaps and
ratings they show (as tests/site/test_query_budget.py measures the review page)."""

import pytest

from tests.episodes.seasons import make_season, rate
from tests.site.test_query_budget import REVIEW_PAGE_BUDGET, cold_and_warm

pytestmark = pytest.mark.django_db

#: The review page's budget, plus the season's episodes and their recaps (one query each).
SEASON_PAGE_BUDGET = REVIEW_PAGE_BUDGET + 2
#: A recap: the review page's, plus the episodes, their recaps and the season's review.
RECAP_PAGE_BUDGET = REVIEW_PAGE_BUDGET + 3
HUB_BUDGET = 8


@pytest.fixture(params=[3, 10], ids=["3 episodes", "10 episodes"])
def season(request):
    episodes = request.param
    season, _rows, recaps = make_season(episodes=episodes, recapped=range(1, episodes))
    for recap in recaps.values():
        rate(recap, 3, 4, 5)
    return season, recaps


def test_season_review_with_its_episodes_stays_within_budget(client, season):
    review, _recaps = season
    cold, warm = cold_and_warm(client, review.get_absolute_url())
    assert cold <= SEASON_PAGE_BUDGET, cold
    assert warm <= 6, warm


def test_recap_page_stays_within_budget(client, season):
    _review, recaps = season
    cold, warm = cold_and_warm(client, recaps[2].get_absolute_url())
    assert cold <= RECAP_PAGE_BUDGET, cold
    assert warm <= 7, warm


def test_hub_with_its_episodes_stays_within_budget(client, season):
    review, _recaps = season
    cold, warm = cold_and_warm(client, review.series.get_absolute_url())
    assert cold <= HUB_BUDGET, cold
    assert warm <= HUB_BUDGET, warm


@pytest.mark.parametrize("path", ["season", "hub"])
def test_the_count_does_not_grow_with_episodes(client, path):
    counts = []
    for n, episodes in enumerate((2, 10)):
        season, _rows, _recaps = make_season(
            episodes=episodes, recapped=range(1, episodes + 1), name=f"Show {n}"
        )
        url = season.get_absolute_url() if path == "season" else season.series.get_absolute_url()
        counts.append(cold_and_warm(client, url))
    assert counts[0] == counts[1]
