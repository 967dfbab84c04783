"""Search engines read the same ratings readers see, and no text can break the JSON-LD."""

import json
import re

import pytest

from reviews.models import Review
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db


def json_ld(html: str, kind: str = "Review") -> dict:
    """The page's JSON-LD object of this @type (the page also carries a BreadcrumbList)."""
    payloads = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    [data] = [d for d in map(json.loads, payloads) if d["@type"] == kind]
    return data


def test_review_of_a_tv_season_with_the_readers_aggregate_rating(client):
    review = make_review(work_title="BALLARD", season_number=1, score=7)
    for stars in (5, 4, 4):
        make_comment(review, rating=stars)
    html = client.get(review.get_absolute_url()).content.decode()
    data = json_ld(html)
    assert data["@type"] == "Review"
    assert data["description"] == review.standfirst
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 7,
        "bestRating": 10,
        "worstRating": 0,
    }
    work = data["itemReviewed"]
    assert work["@type"] == "TVSeason" and work["seasonNumber"] == 1
    assert work["partOfSeries"]["name"] == "BALLARD"
    aggregate = work["aggregateRating"]
    assert aggregate == {
        "@type": "AggregateRating",
        "ratingValue": 4.3,
        "ratingCount": 3,
        "bestRating": 5,
        "worstRating": 1,
    }
    # the very numbers the page shows
    shown = re.search(r"Rated <strong>([\d.]+)</strong> out of 5 stars · (\d+) ratings", html)
    assert float(shown.group(1)) == aggregate["ratingValue"]
    assert int(shown.group(2)) == aggregate["ratingCount"]


def test_film_without_ratings_has_no_aggregate_rating(client):
    review = make_review(work_kind=Review.Kind.FILM, work_title="OPPENHEIMER", season_number=None)
    data = json_ld(client.get(review.get_absolute_url()).content.decode())
    assert data["itemReviewed"] == {"@type": "Movie", "name": "OPPENHEIMER"}
    assert "aggregateRating" not in json.dumps(data) and "reviewRating" not in data


def test_script_tags_in_any_text_cannot_break_out(client):
    review = make_review(
        headline="</script><script>alert(1)</script>",
        standfirst="<!-- & ' \" </SCRIPT>",
    )
    html = client.get(review.get_absolute_url()).content.decode()
    head = html[: html.index("</head>")]
    # The Review and the BreadcrumbList, each closed once: no text broke out of them.
    assert head.count("<script") == 2 and head.lower().count("</script>") == 2
    data = json_ld(html)
    assert data["name"] == "</script><script>alert(1)</script>"
    assert data["description"] == review.standfirst == '<!-- & ’ " </SCRIPT>'  # curled on save
