"""A season's episodes as its pages show them: the episode list, the arc chart and the
spoiler shield.

A recap is a review tied to an episode (Review.episode), so everything a review has (the
workflow, revisions, scheduling, the poll, comments, readers' ratings, cache rules) a
recap has too. This module only reads: it gathers a season's episodes with their
published recaps and readers' ratings in two queries, whatever the number of episodes,
and folds what lies past the episode a reader is up to (`?upto=N`).
"""

import dataclasses
import re
from decimal import Decimal
from functools import cached_property

from reviews.models import Episode, Review

#: ?upto= beyond this is treated as no shield (no season runs this long).
MAX_UPTO = 999


def parse_upto(value: str | None) -> int | None:
    """The episode a reader is up to, from ?upto=; None (no shield) for anything else."""
    if not value or not value.isdigit() or len(value) > 3:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_UPTO else None


def keep_upto(url: str, upto: int | None) -> str:
    """The address with the reader's shield added (before any #fragment), so a page the
    reader is sent on to, after a form, folds what theirs did. An address that has a
    shield already keeps its own."""
    path, hash_mark, fragment = url.partition("#")
    if not upto or re.search(r"[?&]upto=", path):
        return url
    return f"{path}{'&' if '?' in path else '?'}upto={upto}{hash_mark}{fragment}"


@dataclasses.dataclass
class EpisodeRow:
    """One episode on a season's list and chart: its published recap, if any, with the
    critic's score and readers' ratings, or folded past the reader's episode."""

    episode: Episode
    recap: Review | None
    folded: bool

    @property
    def number(self) -> int:
        return self.episode.number

    @property
    def score(self) -> Decimal | None:
        return self.recap.score if self.recap and not self.folded else None

    @property
    def readers_average(self) -> Decimal | None:
        return self.recap.rating_average if self.recap and not self.folded else None

    @property
    def rating_count(self) -> int:
        return self.recap.rating_count if self.recap and not self.folded else 0


@dataclasses.dataclass
class SeasonGuide:
    """A season's episodes in order, with the reader's shield (upto) applied."""

    series_id: int
    season_number: int
    rows: list[EpisodeRow]
    upto: int | None
    current: int | None = None  # the episode whose recap the page is, if any

    @property
    def cache_keys(self) -> list[str]:
        """The recaps' keys: their grades and readers' ratings are on the page."""
        return [row.recap.cache_key for row in self.rows if row.recap]

    @property
    def recapped(self) -> list[EpisodeRow]:
        return [row for row in self.rows if row.recap]

    @property
    def has_folded(self) -> bool:
        return any(row.folded for row in self.rows)

    @property
    def last_number(self) -> int:
        return self.rows[-1].number if self.rows else 0

    @property
    def numbers(self) -> list[int]:
        return [row.number for row in self.rows]

    @property
    def folds_current(self) -> bool:
        """Whether the page's own episode (a recap's) is past the reader's shield."""
        return any(row.folded and row.episode.pk == self.current for row in self.rows)

    @property
    def unfolded_recaps(self) -> list[EpisodeRow]:
        return [row for row in self.recapped if not row.folded]

    @property
    def neighbours(self) -> tuple[EpisodeRow | None, EpisodeRow | None]:
        """The recapped episodes before and after the current one."""
        recapped = self.recapped
        index = next((i for i, r in enumerate(recapped) if r.episode.pk == self.current), None)
        if index is None:
            return None, None
        before = recapped[index - 1] if index > 0 else None
        after = recapped[index + 1] if index + 1 < len(recapped) else None
        return before, after

    @cached_property
    def season_review(self) -> Review | None:
        """The season's own review, for a recap's link back to it (one query)."""
        return (
            Review.objects.seasons_of(self.series_id)
            .filter(season_number=self.season_number)
            .only("slug", "headline", "work_title", "season_number", "episode_id")
            .first()
        )

    @cached_property
    def chart(self) -> "Chart":
        return Chart.of(self)


def series_guides(series_id: int, *, upto: int | None = None) -> dict[int, SeasonGuide]:
    """Every season of a show that has episodes, by season number: two queries (the
    episodes, their published recaps with readers' ratings)."""
    episodes = list(Episode.objects.of_season(series_id))
    if not episodes:
        return {}
    recaps = {
        recap.episode_id: recap
        for recap in Review.objects.recaps_of(series_id)
        .with_rating()
        .only("slug", "headline", "score", "episode_id", "series_id", "published_at")
    }
    guides: dict[int, SeasonGuide] = {}
    for episode in episodes:
        guide = guides.setdefault(
            episode.season_number,
            SeasonGuide(series_id, episode.season_number, [], upto),
        )
        folded = upto is not None and episode.number > upto
        guide.rows.append(EpisodeRow(episode, recaps.get(episode.pk), folded))
    return guides


def guide_for(review: Review, *, upto: int | None = None) -> SeasonGuide | None:
    """The guide of the season a season review or a recap belongs to, or None (a film, a
    season with no episodes). Kept on the review, so the view (for its cache keys) and
    the template share one reading."""
    if "_season_guide" in review.__dict__:
        return review.__dict__["_season_guide"]
    guide = None
    if review.series_id and review.season_number:
        guide = series_guides(review.series_id, upto=upto).get(review.season_number)
        if guide:
            guide.current = review.episode_id
    review.__dict__["_season_guide"] = guide
    return guide


# --- The arc: the season's grades as an SVG chart drawn on the server -----------------

#: The chart's own coordinate space (the viewBox); the SVG scales to its box, and is
#: drawn narrow so that its 12-unit text stays readable on a 390 px phone.
WIDTH, HEIGHT = 360, 230
LEFT, RIGHT, TOP, BOTTOM = 34, 34, 14, 48


def _number(value: Decimal) -> str:
    """7.0 → "7", 6.5 → "6.5": as the badges and the table show it."""
    return f"{float(value):g}"


@dataclasses.dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    above: bool = True  # where its label goes

    @property
    def label_y(self) -> float:
        return self.y - 9 if self.above else self.y + 18

    @property
    def corner(self) -> tuple[float, float]:
        """The top left corner of a square marker of 8 centred on the point."""
        return self.x - 4, self.y - 4


@dataclasses.dataclass(frozen=True)
class Tick:
    y: float
    left: str  # critic's scale, /10
    right: str  # readers' scale, stars


@dataclasses.dataclass(frozen=True)
class Column:
    x: float
    number: int
    count: str  # readers who rated it, or "" when folded
    folded: bool


@dataclasses.dataclass(frozen=True)
class Chart:
    """Coordinates for templates/reviews/includes/season_arc.html. The critic's score (out
    of 10) and readers' average (out of 5 stars) share the height: 10 at the top on the
    left axis is 5 stars on the right one."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    ticks: list[Tick]
    columns: list[Column]
    critic: list[Point]
    readers: list[Point]

    @property
    def critic_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.critic)

    @property
    def readers_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.readers)

    @classmethod
    def of(cls, guide: SeasonGuide) -> "Chart":
        rows = guide.rows
        plot_w = WIDTH - LEFT - RIGHT
        plot_h = HEIGHT - TOP - BOTTOM
        step = plot_w / max(len(rows), 1)

        def y_of(out_of_ten: Decimal | float) -> float:
            return TOP + plot_h * (1 - float(out_of_ten) / 10)

        columns, critic, readers = [], [], []
        for index, row in enumerate(rows):
            x = LEFT + step * (index + 0.5)
            count = "" if row.folded or not row.recap else str(row.rating_count)
            columns.append(Column(x, row.number, count, row.folded))
            score, average = row.score, row.readers_average
            # The higher of the two points is labelled above it, the lower below.
            critic_high = average is None or (score is not None and score >= average * 2)
            if score is not None:
                critic.append(Point(x, y_of(score), _number(score), above=critic_high))
            if average is not None:
                readers.append(Point(x, y_of(average * 2), _number(average), above=not critic_high))
        ticks = [Tick(y_of(v), str(v), str(v // 2)) for v in (0, 2, 4, 6, 8, 10)]
        return cls(
            WIDTH,
            HEIGHT,
            LEFT,
            WIDTH - RIGHT,
            TOP,
            HEIGHT - BOTTOM,
            ticks,
            columns,
            critic,
            readers,
        )
