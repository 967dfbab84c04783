"""What other apps tell reviews about the parts of a review they keep.

Where reviews shows what another app keeps, that app tells it here, from its
AppConfig.ready, so reviews names no field, status or relation of another app: comments
says how readers' ratings are counted (`rated_by`), polls which part of the review page
it shows and when that part changes by the clock (`shown_on_page`).
"""

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Aggregate

if TYPE_CHECKING:
    from reviews.models import Review


@dataclasses.dataclass(frozen=True)
class ReaderRatings:
    """How readers' star ratings of a review are counted, told by the app that keeps them
    (comments): two aggregates over the reverse relation for lists, and the full summary
    (count, average, distribution) for one review's page."""

    count: Aggregate
    total: Aggregate
    summary: Callable[["Review"], object]


_reader_ratings: ReaderRatings | None = None


def rated_by(ratings: ReaderRatings) -> None:
    global _reader_ratings
    _reader_ratings = ratings


def reader_ratings() -> ReaderRatings | None:
    """How ratings are counted, or None when no app keeps them."""
    return _reader_ratings


@dataclasses.dataclass(frozen=True)
class PagePart:
    """Something another app shows on a review's page (polls: the poll): the relation
    loaded with the review, and when the part next changes by the clock (the page's
    s-maxage stops there)."""

    related: str
    changes_at: Callable[["Review"], object]


PAGE_PARTS: list[PagePart] = []


def shown_on_page(part: PagePart) -> None:
    if part not in PAGE_PARTS:
        PAGE_PARTS.append(part)
