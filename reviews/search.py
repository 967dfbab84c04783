"""Site search: full-text search with stemming ("procedurals" finds "procedural"), ranking
and highlighted snippets, on PostgreSQL (its english configuration) and on SQLite (FTS5 with
the porter tokenizer, in the table migration 0007 creates and its triggers keep current).
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
SNIPPET_CHARS = 220
# Control characters that never occur in a review's text mark the highlighted words, so
# the snippet can be escaped as a whole and only our <mark> tags are real HTML.
START, STOP = "\x02", "\x03"
CONFIG = "english"


_FTS_INSTALL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS reviews_review_fts USING fts5(headline, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    """CREATE TRIGGER IF NOT EXISTS reviews_review_fts_insert AFTER INSERT ON reviews_review
    BEGIN
        INSERT INTO reviews_review_fts(rowid, headline, body)
        VALUES (new.id, new.headline, new.search_document);
    END""",
    """CREATE TRIGGER IF NOT EXISTS reviews_review_fts_update
    AFTER UPDATE OF headline, search_document ON reviews_review BEGIN
        DELETE FROM reviews_review_fts WHERE rowid = old.id;
        INSERT INTO reviews_review_fts(rowid, headline, body)
        VALUES (new.id, new.headline, new.search_document);
    END""",
    """CREATE TRIGGER IF NOT EXISTS reviews_review_fts_delete AFTER DELETE ON reviews_review
    BEGIN
        DELETE FROM reviews_review_fts WHERE rowid = old.id;
    END""",
    "DELETE FROM reviews_review_fts",
    "INSERT INTO reviews_review_fts(rowid, headline, body) "
    "SELECT id, headline, search_document FROM reviews_review",
]
_FTS_DROP = [
    "DROP TRIGGER IF EXISTS reviews_review_fts_insert",
    "DROP TRIGGER IF EXISTS reviews_review_fts_update",
    "DROP TRIGGER IF EXISTS reviews_review_fts_delete",
    "DROP TABLE IF EXISTS reviews_review_fts",
]


def install_sqlite_index(connection) -> None:
    """SQLite: create the FTS5 table and the triggers that keep it in step with every
    write to reviews_review (admin, services, loaddata, raw UPDATEs), then fill it.

    Idempotent. Run by migration 0007 and after every migrate: SQLite rebuilds a table
    to alter it, and the rebuild drops the table's triggers.
    """
    if connection.vendor != "sqlite":
        return
    if "reviews_review" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in _FTS_INSTALL:
            cursor.execute(statement)


def drop_sqlite_index(connection) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in _FTS_DROP:
                cursor.execute(statement)


def reinstall_after_migrate(sender, using, **kwargs) -> None:
    """post_migrate: put back triggers that a table rebuild dropped."""
    from django.db import connections

    install_sqlite_index(connections[using])


def clean_query(raw: str | None) -> str:
    text = " ".join((raw or "").split())[:MAX_QUERY_LENGTH]
    return "".join(ch for ch in text if ch.isprintable())


def search(reviews: QuerySet, query: str) -> QuerySet:
    """Reviews matching query, best first, each with a `snippet` to show."""
    if connection.vendor == "postgresql":
        return _postgres(reviews, query)
    return _sqlite(reviews, query)


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


def fts_query(query: str) -> str:
    """The reader's words as quoted FTS5 strings, all required (like websearch's default).

    Quoting every word means no reader text is ever read as FTS5 syntax (NEAR, *, ^,
    column filters), so any input is a plain search, never an error.
    """
    return " ".join(f'"{word}"' for word in re.findall(r"\w+", query)[:MAX_TERMS])


# Constant SQL (the reader's words are always a parameter). bm25 is lower for better
# matches; the headline column weighs five times the body; the snippet is cut from the body.
_MATCHING = "SELECT rowid FROM reviews_review_fts WHERE reviews_review_fts MATCH %s"
_THIS_ROW = (
    "FROM reviews_review_fts WHERE reviews_review_fts MATCH %s "
    "AND reviews_review_fts.rowid = reviews_review.id"
)
_RANK = "SELECT bm25(reviews_review_fts, 5.0, 1.0) " + _THIS_ROW
_SNIPPET = "SELECT snippet(reviews_review_fts, 1, %s, %s, ' … ', 32) " + _THIS_ROW


def _sqlite(reviews: QuerySet, query: str) -> QuerySet:
    match = fts_query(query)
    if not match:
        return reviews.none()
    return (
        reviews.filter(pk__in=RawSQL(_MATCHING, [match]))  # noqa: S611 - constant SQL
        .annotate(
            rank=RawSQL(_RANK, [match]),  # noqa: S611 - constant SQL
            snippet=RawSQL(_SNIPPET, [START, STOP, match]),  # noqa: S611 - constant SQL
        )
        .order_by("rank", "-published_at")
    )


def snippet_html(review) -> SafeString:
    """A snippet from one field of the review (its standfirst, a section's heading or a
    paragraph, a credit), never several run together, with the matched words in <mark>
    and everything else escaped.

    The database's snippet says which words matched (stems included); the field with the
    most of them is cut from the review's own text around the first one.
    """
    raw = getattr(review, "snippet", None) or ""
    matched = {m.lower() for m in re.findall(f"{START}(.*?){STOP}", raw)}
    fields = [f.strip() for f in review.search_document.split("\n") if f.strip()]
    if not fields:
        return mark_safe("")

    def hits(field: str) -> int:
        return sum(1 for word in re.findall(r"\w+", field) if word.lower() in matched)

    # Best field; the headline (shown above the snippet) only if nothing else matched.
    ranked = sorted(enumerate(fields), key=lambda pair: (-hits(pair[1]), pair[0] == 0, pair[0]))
    field = ranked[0][1] if matched else (fields[1] if len(fields) > 1 else fields[0])
    words = list(re.finditer(r"\w+", field))
    first = next((w.start() for w in words if w.group().lower() in matched), 0)
    start = 0 if first < SNIPPET_CHARS // 3 else field.rfind(" ", 0, first - SNIPPET_CHARS // 4) + 1
    end = (
        len(field)
        if len(field) - start <= SNIPPET_CHARS
        else field.rfind(" ", 0, start + SNIPPET_CHARS)
    )
    if end <= start:
        end = start + SNIPPET_CHARS
    text = field[start:end]
    pieces = re.split(r"(\w+)", text)
    html = "".join(
        f"<mark>{escape(piece)}</mark>" if piece.lower() in matched else escape(piece)
        for piece in pieces
    )
    before = "… " if start > 0 else ""
    after = " …" if end < len(field) else ""
    return mark_safe(before + html + after)  # noqa: S308 - every piece is escaped
