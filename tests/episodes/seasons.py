"""A show with a season review and episodes, some recapped: what the episode tests share."""

from datetime import date, timedelta

from reviews.models import Episode, Review, Series
from tests.factories import make_comment, make_review


def make_season(*, episodes=4, recapped=(1, 2), name="Harbour Lights", season_number=1, **fields):
    """A published season review of a new show, its episodes, and recaps of some of them
    (each recap scored 6 + its number / 2, at most 10)."""
    series = Series.objects.create(name=f"{name} {season_number}")
    season = make_review(
        series=series,
        work_title=name.upper(),
        season_number=season_number,
        score=7,
        **fields,
    )
    rows = [
        Episode.objects.create(
            series=series,
            season_number=season_number,
            number=n,
            title=f"Chapter {n}",
            first_aired=date(2025, 7, 10) + timedelta(days=7 * (n - 1)),
        )
        for n in range(1, episodes + 1)
    ]
    recaps = {n: make_recap(rows[n - 1], score=min(10, 6 + n / 2)) for n in recapped}
    return season, rows, recaps


def make_recap(episode: Episode, **fields) -> Review:
    defaults = {
        "headline": f"{episode.series.name} recap: {episode.title}",
        "slug": f"{episode.series.slug}-s{episode.season_number}e{episode.number}-recap",
        "work_title": episode.series.name.upper(),
    }
    return make_review(episode=episode, **(defaults | fields))


def rate(review: Review, *stars: int) -> None:
    """Readers' ratings on a review, each from a new reader, with a comment."""
    for n, value in enumerate(stars):
        make_comment(review, rating=value, reader=f"a:rater-{review.pk}-{n}")
