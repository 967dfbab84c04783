"""Site search: PostgreSQL full-text search with ranking and highlighted snippets;
a plain case-insensitive contains search on SQLite.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
SNIPPET_CHARS = 220
# Control characters that never occur in a review's text mark the highlighted words, so
# the snippet can be escaped as a whole and only our <mark> tags are real HTML.
START, STOP = "\x02", "\x03"
CONFIG = "english"


def clean_query(raw: str | None) -> str:
    text = " ".join((raw or "").split())[:MAX_QUERY_LENGTH]
    return "".join(ch for ch in text if ch.isprintable())


def search(reviews: QuerySet, query: str) -> QuerySet:
    """Reviews matching query, best first, each with a `snippet` to show."""
    if connection.vendor == "postgresql":
        return _postgres(reviews, query)
    return _contains(reviews, query)


def _postgres(reviews: QuerySet, query: str) -> QuerySet:
    search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
    document = SearchVector("search_document", config=CONFIG)
    return (
        reviews.annotate(document=document)
        .filter(document=search_query)
        .annotate(
            rank=SearchRank(document, search_query)
            + SearchRank(SearchVector("headline", config=CONFIG), search_query),
            snippet=SearchHeadline(
                "search_document",
                search_query,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by(F("rank").desc(), "-published_at")
    )


def _contains(reviews: QuerySet, query: str) -> QuerySet:
    for term in query.split()[:MAX_TERMS]:
        reviews = reviews.filter(search_document__icontains=term)
    return reviews.order_by("-published_at")


def snippet_html(review, query: str) -> SafeString:
    """The review's snippet with matched words in <mark>, everything else escaped."""
    raw = getattr(review, "snippet", None)
    if raw is None:
        raw = _excerpt(review.search_document, query)
    pieces = re.split(f"({START}.*?{STOP})", raw)
    return mark_safe(  # noqa: S308 - every piece is escaped; only <mark> is ours
        "".join(
            f"<mark>{escape(piece[1:-1])}</mark>" if piece.startswith(START) else escape(piece)
            for piece in pieces
        )
    )


def _excerpt(text: str, query: str) -> str:
    """SQLite: the text around the first matched word, matched words marked."""
    terms = [re.escape(t) for t in query.split()[:MAX_TERMS] if t]
    if not terms:
        return text[:SNIPPET_CHARS]
    pattern = re.compile("|".join(terms), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - SNIPPET_CHARS // 3)
    window = text[start : start + SNIPPET_CHARS]
    window = ("… " if start else "") + window + ("…" if start + SNIPPET_CHARS < len(text) else "")
    return pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", window)
