"""schema.org JSON-LD for the review page, built as data and serialised once.

One function, so what search engines read grows in one place (cast, breadcrumbs…).
"""

import json
from decimal import Decimal

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from reviews.models import Review, Series

# Inside <script> only "<" can end the element ("</script>", "<!--"); escaping <, > and &
# as JSON \u escapes keeps any text, however hostile, inside the string it belongs to.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _number(value: Decimal) -> int | float:
    """4.0 → 4 and 4.3 → 4.3, as the page prints them."""
    return int(value) if value == value.to_integral_value() else float(value)


def _cast(review: Review) -> list[dict]:
    """Cast credits as schema.org PerformanceRoles: the actor and the character played."""
    return [
        {
            "@type": "PerformanceRole",
            "actor": {"@type": "Person", "name": credit.person},
            "characterName": credit.role,
        }
        for credit in review.credit_list
        if credit.kind == credit.Kind.CAST
    ]


def _episode(review: Review) -> dict:
    """A recap's work: the episode, in its season, in its show."""
    episode = review.episode
    series = {"@type": "TVSeries", "name": review.series.name if review.series_id else ""}
    work = {
        "@type": "TVEpisode",
        "name": episode.title,
        "episodeNumber": episode.number,
        "partOfSeason": {
            "@type": "TVSeason",
            "seasonNumber": episode.season_number,
            "name": f"{series['name']}, Season {episode.season_number}",
        },
        "partOfSeries": series,
    }
    if episode.first_aired:
        work["datePublished"] = episode.first_aired.isoformat()
    if cast := _cast(review):
        work["actor"] = cast
    return work


def _work(review: Review) -> dict:
    if review.episode_id:
        return _episode(review)
    if review.work_kind == Review.Kind.SEASON:
        series = {"@type": "TVSeries", "name": review.work_title}
        if review.series_id:
            series["name"] = review.series.name
        work = {"@type": "TVSeason", "name": review.work_label, "partOfSeries": series}
        if review.season_number:
            work["seasonNumber"] = review.season_number
    else:
        work = {"@type": "Movie", "name": review.work_title}
    if review.premiere_date:
        work["datePublished"] = review.premiere_date.isoformat()
    if cast := _cast(review):
        work["actor"] = cast
    return work


def review_json_ld(review: Review, rating, *, url: str = "", image: str = "") -> dict:
    """A schema.org Review of the work; readers' ratings (a comments RatingSummary) become
    the work's AggregateRating, with the same rounded average the page shows."""
    author = (
        {"@type": "Person", "name": review.byline}
        if review.author_id
        else {"@type": "Organization", "name": settings.SITE_NAME}
    )
    data = {
        "@context": "https://schema.org",
        "@type": "Review",
        "name": review.headline,
        "description": review.standfirst,
        "author": author,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "itemReviewed": _work(review),
    }
    if url:
        data["url"] = url
    if image:
        data["image"] = image
    if review.published_at:
        data["datePublished"] = review.published_at.isoformat()
        data["dateModified"] = review.updated_at.isoformat()
    if review.score is not None:
        data["reviewRating"] = _critic_rating(review.score)
    if rating.count:
        # Readers rate the show, not the critic's article: the rating belongs to the work.
        data["itemReviewed"]["aggregateRating"] = _readers_rating(rating.average, rating.count)
    return data


def _critic_rating(score: Decimal) -> dict:
    return {"@type": "Rating", "ratingValue": _number(score), "bestRating": 10, "worstRating": 0}


def _readers_rating(average: Decimal, count: int) -> dict:
    return {
        "@type": "AggregateRating",
        "ratingValue": _number(average),
        "ratingCount": count,
        "bestRating": 5,
        "worstRating": 1,
    }


def series_json_ld(series: Series, seasons: list[Review], *, url: str, request) -> dict:
    """A CreativeWorkSeries whose parts are the reviewed seasons, each with the critic's
    Review and readers' AggregateRating as the hub shows them (seasons from with_rating)."""
    parts = []
    for season in seasons:
        part = {
            "@type": "CreativeWorkSeason",
            "name": season.work_label,
            "url": request.build_absolute_uri(season.get_absolute_url()),
        }
        if season.season_number:
            part["seasonNumber"] = season.season_number
        if season.premiere_date:
            part["startDate"] = season.premiere_date.isoformat()
        review = {"@type": "Review", "name": season.headline, "url": part["url"]}
        review["author"] = {"@type": "Person", "name": season.byline}
        if season.score is not None:
            review["reviewRating"] = _critic_rating(season.score)
        part["review"] = review
        if season.rating_count:
            part["aggregateRating"] = _readers_rating(season.rating_average, season.rating_count)
        parts.append(part)
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWorkSeries",
        "name": series.name,
        "url": url,
        "hasPart": parts,
    }
    if series.description:
        data["description"] = series.description
    return data


def breadcrumbs_json_ld(trail: list[tuple[str, str]]) -> dict:
    """A BreadcrumbList from (name, absolute URL) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": url}
            for number, (name, url) in enumerate(trail, start=1)
        ],
    }


def as_script(data: dict) -> SafeString:
    """<script type="application/ld+json"> that no text in data can break out of."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308
