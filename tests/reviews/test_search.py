"""Stemmed, ranked search on both databases: SQLite's FTS5 (porter) and PostgreSQL's english
configuration find the same reviews, and the index follows every edit."""

import re

import pytest
from django.core.management import call_command
from django.db import connection

from reviews.models import Review, Section
from tests.factories import make_review, saved_by_an_editor

pytestmark = pytest.mark.django_db


def found(client, query: str) -> list[str]:
    """Headlines of the results, in the order the page lists them."""
    html = client.get("/search/", {"q": query}).content.decode()
    return re.findall(r'<h2 class="search-result__headline"><a href="[^"]*">([^<]*)</a>', html)


def test_a_plural_finds_the_singular_in_the_text(client):
    make_review(headline="Ballard", standfirst="A sturdy cold-case procedural.")
    assert found(client, "procedurals") == ["Ballard"]


def test_other_forms_of_a_word_find_it_too(client):
    review = make_review(headline="Salt Flats")
    Section.objects.create(review=review, order=5, body="The chase crosses the deserts.")
    saved_by_an_editor(review)
    assert found(client, "chasing desert") == ["Salt Flats"]


def test_every_word_must_match(client):
    make_review(headline="Ballard", standfirst="A cold-case procedural.")
    make_review(headline="Harbour Light", standfirst="A coastal procedural.")
    assert found(client, "coastal procedural") == ["Harbour Light"]


def test_a_match_in_the_headline_ranks_above_one_in_the_body(client):
    body_only = make_review(headline="Salt Flats")
    Section.objects.create(review=body_only, order=5, body="Nothing like a heist, and long. " * 5)
    saved_by_an_editor(body_only)
    make_review(headline="The Heist Season 1")  # older, but the better match
    assert found(client, "heist") == ["The Heist Season 1", "Salt Flats"]


def test_the_matched_stem_is_highlighted_in_the_snippet(client):
    review = make_review(headline="Ballard")
    Section.objects.create(review=review, order=5, body="Ten episodes of patient procedurals.")
    saved_by_an_editor(review)
    html = client.get("/search/", {"q": "procedural"}).content.decode()
    assert "<mark>procedurals</mark>" in html


def test_an_edited_section_is_found_by_its_new_words_only(client):
    review = make_review(headline="Ballard")
    section = Section.objects.create(review=review, order=5, body="She surfs at dawn.")
    saved_by_an_editor(review)
    assert found(client, "surfing") == ["Ballard"]
    section.body = "She swims at dawn."
    section.save()
    saved_by_an_editor(review)
    assert found(client, "surfing") == []
    assert found(client, "swimming") == ["Ballard"]


def test_a_renamed_or_deleted_review_leaves_the_results(client):
    review = make_review(headline="Old Lighthouse")
    review.headline = "New Harbour"
    review.save()
    saved_by_an_editor(review)
    assert found(client, "lighthouse") == []
    assert found(client, "harbour") == ["New Harbour"]
    review.delete()
    assert found(client, "harbour") == []


def test_reviews_restored_from_a_backup_are_searchable(client, tmp_path):
    review = make_review(headline="Ballard")
    Section.objects.create(review=review, order=5, body="A procedural.")
    saved_by_an_editor(review)
    dump = tmp_path / "reviews.json"
    call_command("dumpdata", "reviews.review", "reviews.section", output=str(dump))
    Review.objects.all().delete()
    assert found(client, "procedurals") == []
    call_command("loaddata", str(dump), verbosity=0)
    assert found(client, "procedurals") == ["Ballard"]


@pytest.mark.parametrize(
    "query",
    ["NEAR(cold case)", "headline:ballard", "proced*", '"', "^ballard", "cold AND OR NOT", "()"],
)
def test_search_syntax_in_a_query_is_read_as_plain_words(client, query):
    make_review(headline="Ballard", standfirst="A cold case procedural.")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


def test_the_search_page_has_one_search_box(client):
    html = client.get("/search/", {"q": "ballard"}).content.decode()
    assert html.count('type="search"') == 1
    assert client.get("/").content.decode().count('type="search"') == 1  # the masthead's


def test_search_keeps_following_edits_after_a_migration_rebuilds_the_reviews_table(client):
    """SQLite alters a table by rebuilding it, which drops its triggers; migrate puts the
    index's triggers back (the FTS table is SQLite's; PostgreSQL needs none of this)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL indexes the column itself")
    review = make_review(headline="Ballard", standfirst="A procedural.")
    with connection.cursor() as cursor:  # what rebuilding reviews_review leaves behind
        for name in ("insert", "update", "delete"):
            cursor.execute(f"DROP TRIGGER reviews_review_fts_{name}")
    call_command("migrate", verbosity=0)
    review.standfirst = "A cold-case drama."
    review.save()
    saved_by_an_editor(review)
    assert found(client, "procedurals") == []
    assert found(client, "dramas") == ["Ballard"]
