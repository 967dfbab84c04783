"""Readers and crawlers find reviews: search, browsing pages, feeds, sitemap, robots, meta."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from reviews.models import Genre, Platform, Section
from tests.factories import (
    give_name,
    make_credit,
    make_figure,
    make_review,
    make_user,
    saved_by_an_editor,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def catalogue():
    """Two published reviews, a draft and a scheduled one, with bodies to search."""
    ballard = make_review(headline="Ballard season one", work_title="BALLARD")
    Section.objects.create(
        review=ballard,
        order=9,
        heading="The beach",
        body="Renée surfs at dawn before the night shift in Venice.",
    )
    make_figure(ballard, position=0)
    saved_by_an_editor(ballard)
    other = make_review(headline="Salt Flats", work_title="SALT FLATS")
    Section.objects.create(review=other, order=9, body="A chase across the desert.")
    saved_by_an_editor(other)
    draft = make_review(headline="Unfinished draft", published=False)
    Section.objects.create(review=draft, order=9, body="Renée surfs in the draft too.")
    saved_by_an_editor(draft)
    later = make_review(headline="Scheduled later", published_at=timezone.now() + timedelta(days=1))
    Section.objects.create(review=later, order=9, body="Renée surfs next week.")
    saved_by_an_editor(later)
    return {"ballard": ballard, "other": other, "draft": draft, "later": later}


class TestSearch:
    def test_finds_a_review_by_a_word_of_its_body(self, client, catalogue):
        html = client.get("/search/", {"q": "surfs"}).content.decode()
        assert "Ballard season one" in html
        assert "Salt Flats" not in html
        assert "<mark>surfs</mark>" in html  # the word is highlighted in the snippet

    def test_never_finds_drafts_or_scheduled_reviews(self, client, catalogue):
        html = client.get("/search/", {"q": "surfs"}).content.decode()
        assert "Unfinished draft" not in html and "Scheduled later" not in html
        assert "1 review found" in html

    def test_the_query_stays_in_the_box(self, client, catalogue):
        html = client.get("/search/", {"q": "desert chase"}).content.decode()
        assert 'value="desert chase"' in html and "Salt Flats" in html

    def test_no_results_gives_a_helpful_empty_state(self, client, catalogue):
        Genre.objects.create(name="Crime").reviews.add(catalogue["ballard"])
        html = client.get("/search/", {"q": "zeppelin"}).content.decode()
        assert "No reviews match “zeppelin”" in html
        assert "/genres/crime/" in html

    @pytest.mark.parametrize(
        "hostile",
        [
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%00",  # the text; a real NUL in any URL is a 400 (tests/security)
            "a" * 5000,
            '"quoted" -minus OR',
            "surfs & | ! :*",
        ],
    )
    def test_hostile_queries_answer_calmly_and_escaped(self, client, catalogue, hostile):
        response = client.get("/search/", {"q": hostile})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()

    def test_results_are_paginated_keeping_the_query(self, client):
        for n in range(12):
            review = make_review(headline=f"Heist number {n}")
            Section.objects.create(review=review, order=5, body="A clever heist.")
        first = client.get("/search/", {"q": "heist"}).content.decode()
        assert first.count('class="search-result"') == 10
        assert "?q=heist&amp;page=2" in first
        second = client.get("/search/", {"q": "heist", "page": "2"}).content.decode()
        assert second.count('class="search-result"') == 2

    def test_snippet_escapes_review_text(self, client):
        review = make_review(headline="Markup test")
        Section.objects.create(review=review, order=5, body="Beware <b>bold</b> surfs here.")
        saved_by_an_editor(review)
        html = client.get("/search/", {"q": "surfs"}).content.decode()
        snippet = html.split('class="search-result__snippet">')[1].split("</p>")[0]
        # Shown escaped (SQLite) or dropped by PostgreSQL's headline parser; never markup.
        assert "<b>" not in snippet and "bold" in snippet


class TestBrowsing:
    def test_genre_platform_and_author_pages_list_published_reviews(self, client, catalogue):
        crime = Genre.objects.create(name="Crime")
        prime = Platform.objects.create(name="Prime Video")
        critic = make_user("dana", first_name="Dana", last_name="Whitfield")
        for review in (catalogue["ballard"], catalogue["draft"]):
            review.genres.add(crime)
            review.platform = prime
            review.author = critic
            review.save()
        for url, heading in [
            ("/genres/crime/", "Crime reviews"),
            ("/platforms/prime-video/", "Prime Video reviews"),
            ("/authors/dana-whitfield/", "Reviews by Dana Whitfield"),
        ]:
            html = client.get(url).content.decode()
            assert heading in html and "Ballard season one" in html, url
            assert "Unfinished draft" not in html and "Salt Flats" not in html, url
        old = client.get("/authors/dana/")  # the address by login name, before display names
        assert old.status_code == 301 and old["Location"] == "/authors/dana-whitfield/"

    def test_a_critics_old_address_answers_301_after_their_display_name_changes(
        self, client, catalogue
    ):
        critic = make_user("wren")
        give_name(critic, "Wren Hale")
        review = catalogue["ballard"]
        review.author = critic
        review.save()
        assert client.get("/authors/wren-hale/").status_code == 200
        give_name(critic, "Wren A. Hale")
        assert client.get("/authors/wren-a-hale/").status_code == 200
        old = client.get("/authors/wren-hale/")
        assert old.status_code == 301 and old["Location"] == "/authors/wren-a-hale/"
        # Another critic who takes the name later gets the address.
        other = make_user("other")
        give_name(other, "Wren Hale")
        catalogue["other"].author = other
        catalogue["other"].save()
        taken = client.get("/authors/wren-hale/")
        assert taken.status_code == 200 and "Reviews by Wren Hale" in taken.content.decode()

    def test_unknown_genre_or_an_account_without_reviews_is_404(self, client, reader):
        assert client.get("/genres/nope/").status_code == 404
        assert client.get(f"/authors/{reader.username}/").status_code == 404


class TestFeeds:
    @pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
    def test_feeds_are_xml_listing_only_published_reviews_with_lead_image(
        self, client, catalogue, url
    ):
        response = client.get(url)
        assert response.status_code == 200
        root = ET.fromstring(response.content)  # noqa: S314
        text = response.content.decode()
        assert "Ballard season one" in text and "Salt Flats" in text
        assert "Unfinished draft" not in text and "Scheduled later" not in text
        if url == "/feed/":
            items = root.findall("./channel/item")
            enclosures = [i.find("enclosure") for i in items if i.find("enclosure") is not None]
            assert len(enclosures) == 1
            assert enclosures[0].get("type") == "image/webp"
            assert enclosures[0].get("url").startswith("http://testserver/media/figures/")
            assert int(enclosures[0].get("length")) > 0
        else:
            assert len(root.findall(f"{ATOM}entry")) == 2
            assert root.find(f"{ATOM}entry/{ATOM}link[@rel='enclosure']") is not None


class TestSitemapAndRobots:
    def test_sitemap_lists_published_reviews_with_lastmod(self, client, catalogue):
        root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
        urls = {
            u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
            for u in root.findall(f"{SITEMAP}url")
        }
        assert f"http://testserver{catalogue['ballard'].get_absolute_url()}" in urls
        assert all(urls.values())
        assert not any(catalogue[k].slug in loc for k in ("draft", "later") for loc in urls)

    def test_robots_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(self, client):
        body = client.get("/robots.txt").content.decode()
        assert "Sitemap: http://testserver/sitemap.xml" in body
        assert "Disallow: /admin/" in body


class TestPageMeta:
    def test_review_page_has_title_description_canonical_and_sharing_tags(self, client, catalogue):
        review = catalogue["ballard"]
        html = client.get(review.get_absolute_url() + "?utm_source=x").content.decode()
        assert f"<title>{review.headline} · Reviewsite</title>" in html
        assert f'<meta name="description" content="{review.standfirst}">' in html
        assert f'<link rel="canonical" href="http://testserver{review.get_absolute_url()}">' in html
        assert '<meta property="og:type" content="article">' in html
        # On the configured address, not the request's: it is in a shared cached fragment.
        assert f'<meta property="og:image" content="{settings.SITE_URL}/media/figures/' in html
        assert '<meta name="twitter:card" content="summary_large_image">' in html

    def test_every_page_has_one_h1(self, client, catalogue):
        Genre.objects.create(name="Crime")
        for url in [
            "/",
            "/search/",
            "/search/?q=surfs",
            catalogue["ballard"].get_absolute_url(),
            "/genres/crime/",
            "/reviews/missing/",
        ]:
            assert client.get(url).content.decode().count("<h1") == 1, url


class TestStructuredData:
    def test_review_names_the_cast_and_a_breadcrumb_trail(self, client):
        from tests.comments.test_structured_data import json_ld

        prime = Platform.objects.create(name="Prime Video")
        review = make_review(headline="Ballard review", work_title="BALLARD", platform=prime)
        make_credit(review, person="Maggie Q", role="Renée Ballard")
        make_credit(review, person="Michael Connelly", role="Novels", kind="crew")
        make_figure(review, position=0)
        html = client.get(review.get_absolute_url()).content.decode()
        data = json_ld(html)
        assert data["itemReviewed"]["@type"] == "TVSeason"
        assert data["itemReviewed"]["actor"] == [
            {
                "@type": "PerformanceRole",
                "actor": {"@type": "Person", "name": "Maggie Q"},
                "characterName": "Renée Ballard",
            }
        ]
        assert data["url"] == f"{settings.SITE_URL}{review.get_absolute_url()}"
        assert data["image"].startswith(f"{settings.SITE_URL}/media/figures/")
        crumbs = json_ld(html, "BreadcrumbList")["itemListElement"]
        assert [c["name"] for c in crumbs] == ["Reviewsite", "Prime Video", "Ballard review"]
        assert crumbs[1]["item"] == f"{settings.SITE_URL}/platforms/prime-video/"
