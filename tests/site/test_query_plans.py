"""No page asks PostgreSQL for a plan it would compile to machine code first (JIT).

PostgreSQL compiles a query whose estimated cost passes `jit_above_cost`, which takes it
a few hundred milliseconds. Over the small tables of a new or small site, which autovacuum
has not yet analysed, a query that joins and then de-duplicates can be estimated in the
millions: the editor's review form once took 0.6 s instead of 0.08 s for its list of
authors. Each page here runs on the demo's content as its reader, writer, editor or
moderator would open it, and every SELECT it sent is planned again with EXPLAIN.
"""

import json

import pytest
from django.db import connection
from django.test import Client

from reviews.models import Review
from tests.reviews.editing import change_url, history_url

pytestmark = pytest.mark.django_db

READER_PAGES = [
    "/",
    "/reviews/ballard-season-1-review/",
    "/series/ballard/",
    "/search/?q=ballard",
    "/tv/",
]
EDITOR_PAGES = [
    "/admin/",
    "/admin/reviews/review/",
    "/admin/reviews/review/add/",
    "{change}",
    "{history}",
    "/admin/frontpage/frontpage/1/change/",
]
MODERATOR_PAGES = ["/admin/", "/admin/comments/comment/", "/admin/comments/notice/"]


@pytest.fixture
def demo(load_demo):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner and JIT: SQLite compiles nothing")
    load_demo()
    return Review.objects.get(slug="ballard-season-1-review")


def selects_sent(client: Client, url: str) -> list[tuple[str, object]]:
    sent = []

    def keep(execute, sql, params, many, context):
        if not many and sql.lstrip().upper().startswith("SELECT"):
            sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        response = client.get(url)
    assert response.status_code == 200, url
    return sent


def compiled(sql: str, params) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return "JIT" in plan[0]


def assert_nothing_compiled(client: Client, urls: list[str]) -> None:
    slow = [
        f"{url}: {sql[:200]}"
        for url in urls
        for sql, params in selects_sent(client, url)
        if compiled(sql, params)
    ]
    assert slow == []


def test_the_editors_pages_plan_no_query_postgresql_would_compile(demo, editor):
    client = Client()
    client.force_login(editor)
    urls = [url.format(change=change_url(demo), history=history_url(demo)) for url in EDITOR_PAGES]
    assert_nothing_compiled(client, urls)


def test_the_moderators_and_readers_pages_plan_no_query_postgresql_would_compile(demo, moderator):
    assert_nothing_compiled(Client(), READER_PAGES)
    client = Client()
    client.force_login(moderator)
    assert_nothing_compiled(client, MODERATOR_PAGES)
