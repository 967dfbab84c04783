"""What a reader meets on every page: both scores on every card, the review in reading
order, the pages a publication keeps in the footer, typographic body text and search
snippets from one field at a time."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from comments.models import Comment
from frontpage.models import Page
from infra import freshness
from reviews.models import Genre, Platform, Section, Series
from reviewsite.roles import EDITORS
from tests.factories import make_comment, make_review, make_user, saved_by_an_editor
from tests.forms import form_data

pytestmark = pytest.mark.django_db

FOOTER = ["About", "Contact", "Privacy", "Community guidelines", "Corrections"]


def cards(html: str) -> dict[str, str]:
    """Each card's HTML by its headline."""
    found = {}
    for card in html.split('<article class="card')[1:]:
        headline = re.search(r'class="card__headline"><a href="[^"]*">([^<]*)</a>', card)
        found[headline.group(1)] = card.split("</article>", 1)[0]
    return found


class TestScoresOnCards:
    @pytest.fixture
    def rated(self):
        platform = Platform.objects.create(name="Prime Video")
        critic = make_user("dana", first_name="Dana", last_name="W")
        review = make_review(headline="Rated", score=7.5, platform=platform, author=critic)
        crime = Genre.objects.create(name="Crime")
        review.genres.add(crime)
        for stars in (5, 4, 4):
            make_comment(review, rating=stars)
        make_comment(review, rating=1, status=Comment.Status.PENDING)
        unrated = make_review(headline="Unrated", score=None, platform=platform, author=critic)
        unrated.genres.add(crime)
        return review

    @pytest.mark.parametrize(
        "url", ["/", "/tv/", "/genres/crime/", "/platforms/prime-video/", "/authors/dana-w/"]
    )
    def test_every_list_shows_the_critics_badge_and_readers_line(self, client, rated, url):
        shown = cards(client.get(url).content.decode())
        card = shown["Rated"]
        assert 'aria-label="Critic’s score: 7.5 out of 10"' in card
        assert "<strong>4.3</strong>" in card and "3 ratings" in card
        assert 'class="card__scores"' in card
        assert "score-badge" not in shown["Unrated"] and "ratings" not in shown["Unrated"]

    def test_the_series_page_shows_both_scores(self, client):
        series = Series.objects.create(name="Ballard")
        review = make_review(headline="S1", score=7, series=series, season_number=1)
        make_comment(review, rating=5)
        html = client.get("/series/ballard/").content.decode()
        assert "Critic’s score: 7 out of 10" in html and "<strong>5</strong>" in html


class TestReviewInReadingOrder:
    def test_text_verdict_poll_comments_then_read_next(self, client):
        series = Series.objects.create(name="Ballard")
        make_review(headline="Season two", series=series, season_number=2)
        review = make_review(verdict="Worth a watch", score=7, series=series, season_number=1)
        html = client.get(review.get_absolute_url()).content.decode()
        order = [
            'class="review__body"',
            'class="verdict"',
            'class="factbox factbox--fold"',  # the credits, folded, on a phone
            'class="poll',
            'id="ratings"',
            'id="comment-form"',
            "Read next",
        ]
        positions = [html.index(marker) for marker in order]
        assert positions == sorted(positions), dict(zip(order, positions, strict=True))
        assert html.index('class="factbox factbox--side"') < html.index('class="verdict"') or (
            html.index('class="factbox factbox--side"') < html.index('class="poll')
        )

    def test_the_header_shows_readers_only_once_there_are_ratings(self, client):
        review = make_review()
        header = client.get(review.get_absolute_url()).content.decode().split("</header>")[1]
        assert "No ratings yet" not in header and "review__readers" not in header
        make_comment(review, rating=4)
        freshness.comments_changed(review)
        html = client.get(review.get_absolute_url()).content.decode()
        header = html.split('class="review__header"', 1)[1].split("</header>", 1)[0]
        assert 'class="review__readers"' in header and "1 rating" in header


class TestPagesAPublicationKeeps:
    def test_the_demo_ships_each_page_and_loading_it_again_keeps_an_editors_text(self):
        call_command("load_demo", stdout=None)
        assert Page.objects.count() == 5
        Page.objects.filter(kind="about").update(body="Edited by an editor.")
        call_command("load_demo", stdout=None)
        assert Page.objects.count() == 5
        assert Page.objects.get(kind="about").body == "Edited by an editor."

    def test_the_footer_links_every_page_and_the_feeds(self, client):
        call_command("load_demo", stdout=None)
        html = client.get("/").content.decode()
        footer = html.split('<footer class="site-footer">', 1)[1]
        for label in FOOTER:
            href = re.search(rf'<a href="([^"]+)">{label}</a>', footer).group(1)
            page = Client().get(href)
            assert page.status_code == 200, href
            assert "public" in page["Cache-Control"]
        assert 'href="/feed/"' in footer and 'href="/feed/atom/"' in footer

    def test_the_comment_form_links_the_community_guidelines(self, client):
        review = make_review()
        form = client.get(review.get_absolute_url()).content.decode().split('id="comment-form"')[1]
        assert '<a href="/community-guidelines/">Community guidelines</a>' in form

    def test_an_editor_edits_a_page_in_the_admin(self, client):
        call_command("load_demo", stdout=None)
        client.force_login(make_user("ed", groups=[EDITORS], is_staff=True))
        page = Page.objects.get(kind="corrections")
        url = f"/admin/frontpage/page/{page.pk}/change/"
        data = form_data(client.get(url).content.decode(), "page_form")
        data |= {"title": "Corrections -- and how", "body": 'We fix "facts" fast...'}
        assert client.post(url, data).status_code == 302
        html = Client().get("/corrections/").content.decode()
        assert "Corrections – and how" in html and "We fix “facts” fast…" in html

    def test_a_page_not_written_yet_is_404_not_an_error(self, client):
        assert client.get("/privacy/").status_code == 404


class TestTypography:
    def test_body_text_gets_the_headlines_typographer_but_code_and_urls_stay(self):
        review = make_review(headline="The keeper's year")
        section = Section.objects.create(
            review=review,
            order=9,
            body='Varda-Hale\'s "best" work -- or not... See [it](https://e.example/a--b) '
            'and <https://e.example/c--d> and `say "x" -- y`.',
        )
        assert review.headline == "The keeper’s year"
        html = section.body_html
        assert "Varda-Hale’s “best” work – or not…" in html
        assert 'href="https://e.example/a--b"' in html and ">https://e.example/c--d</a>" in html
        assert '<code>say "x" -- y</code>' in html

    def test_existing_bodies_are_rendered_again_by_migrate(self):
        from importlib import import_module

        from django.apps import apps

        review = make_review()
        section = Section.objects.create(review=review, order=9, body="It's -- fine")
        Section.objects.filter(pk=section.pk).update(body_html="<p>It's -- fine</p>")
        migration = import_module("frontpage.migrations.0002_typographic_review_bodies")
        migration.render_again(apps, None)
        section.refresh_from_db()
        assert section.body_html.strip() == "<p>It’s – fine</p>"


class TestSearchSnippets:
    def test_a_snippet_comes_from_one_field_highlighted(self, client):
        review = make_review(headline="Ballard", standfirst="A sturdy procedural.")
        Section.objects.create(
            review=review,
            order=5,
            heading="Maggie Q Carries the Weight",
            body="Maggie Q has spent years in action films; here she carries a procedural.",
        )
        saved_by_an_editor(review)
        html = client.get("/search/", {"q": "maggie"}).content.decode()
        snippet = re.search(r'class="search-result__snippet">(.*?)</p>', html, re.S).group(1)
        assert "<mark>Maggie</mark>" in snippet
        assert "Weight" not in snippet or "has spent" not in snippet  # one field, not both
        assert "A sturdy procedural" not in snippet
