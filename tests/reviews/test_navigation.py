"""Finding one's way: the masthead's sections, related reviews after the verdict, and the
descriptions atop genre and platform pages."""

import re

import pytest

from reviews.models import Genre, Platform, Review, Series
from tests.factories import make_review, make_user
from tests.site.test_query_budget import queries_for

pytestmark = pytest.mark.django_db


def masthead(html: str) -> str:
    return html.split('<nav class="masthead__nav"')[1].split("</nav>")[0]


def related(html: str) -> list[str]:
    """Headlines of the "Read next" cards, in order."""
    if 'class="related"' not in html:
        return []
    section = html.split('class="related"')[1].split("</section>")[0]
    return re.findall(r'class="card__headline"><a href="[^"]+">([^<]+)</a>', section)


class TestMasthead:
    def test_names_tv_film_and_the_platforms_and_genres_that_have_reviews(self, client):
        prime = Platform.objects.create(name="Prime Video")
        Platform.objects.create(name="Nowhere TV")  # nothing published on it
        crime = Genre.objects.create(name="Crime")
        unused = Genre.objects.create(name="Western")
        make_review(platform=prime).genres.add(crime)
        make_review(published=False).genres.add(unused)  # a draft does not count
        nav = masthead(client.get("/").content.decode())
        for link in ('href="/tv/">TV', 'href="/films/">Film', 'href="/platforms/prime-video/"'):
            assert link in nav
        assert 'href="/genres/crime/"' in nav
        assert "Nowhere TV" not in nav and "Western" not in nav

    def test_folds_the_lists_into_a_details_that_works_without_javascript(self, client):
        make_review(platform=Platform.objects.create(name="Prime Video"))
        nav = masthead(client.get("/").content.decode())
        menu = nav.split('<details class="nav-menu">')[1].split("</details>")[0]
        assert "<summary>More" in menu and 'href="/platforms/prime-video/"' in menu

    def test_marks_the_section_being_read(self, client):
        make_review(platform=Platform.objects.create(name="Prime Video"))
        nav = masthead(client.get("/platforms/prime-video/").content.decode())
        assert 'href="/platforms/prime-video/" aria-current="page"' in nav
        assert 'href="/tv/" aria-current' not in nav

    def test_a_newly_published_platform_appears(self, client):
        client.get("/")  # the lists are cached
        make_review(platform=Platform.objects.create(name="Arcadia TV"))
        assert "Arcadia TV" in masthead(client.get("/").content.decode())

    def test_costs_one_query_however_many_platforms_and_genres(self, client):
        make_review()
        few = queries_for(client, "/tv/")
        for n in range(12):
            review = make_review(platform=Platform.objects.create(name=f"Platform {n}"))
            review.genres.add(Genre.objects.create(name=f"Genre {n}"))
        assert queries_for(client, "/tv/") == few

    def test_tv_and_film_pages_list_their_kind_only(self, client):
        make_review(headline="A season")
        make_review(headline="A film", work_kind=Review.Kind.FILM, season_number=None)
        tv = client.get("/tv/").content.decode()
        films = client.get("/films/").content.decode()
        assert "A season" in tv and "A film" not in tv
        assert "A film" in films and "A season" not in films

    def test_shows_the_publication_name_and_tagline_from_settings(self, client, settings):
        settings.SITE_NAME, settings.SITE_TAGLINE = "The Screen Desk", "Watch less, better"
        html = client.get("/").content.decode()
        header = html.split('<header class="masthead">')[1].split("</header>")[0]
        assert ">The Screen Desk</a>" in header and "Watch less, better" in header
        assert "<title>Latest reviews · The Screen Desk</title>" in html


class TestRelatedReviews:
    def test_other_seasons_come_first_then_the_critic_then_platform_and_genre(self, client):
        dana = make_user("dana", first_name="Dana", last_name="Whitfield")
        prime = Platform.objects.create(name="Prime Video")
        crime = Genre.objects.create(name="Crime")
        ballard = Series.objects.create(name="Ballard")
        season_1 = make_review(headline="Ballard S1", series=ballard, author=dana)
        season_1.genres.add(crime)
        make_review(headline="Ballard S2", series=ballard, season_number=2)
        make_review(headline="Dana on films", author=dana, work_kind="film", season_number=None)
        make_review(headline="Also on Prime", platform=prime)
        make_review(headline="Another crime show").genres.add(crime)
        make_review(headline="Unrelated")
        season_1.platform = prime
        season_1.save()
        html = client.get(season_1.get_absolute_url()).content.decode()
        assert related(html) == ["Ballard S2", "Dana on films", "Also on Prime"]
        section = html.split('class="related"')[1]
        assert "Also in this series" in section and "More from Dana Whitfield" in section
        assert html.index('class="verdict"') < html.index('class="related"')

    def test_drafts_and_the_review_itself_are_never_offered(self, client):
        crime = Genre.objects.create(name="Crime")
        review = make_review(headline="The one being read")
        review.genres.add(crime)
        make_review(headline="A draft", published=False).genres.add(crime)
        make_review(headline="A crime show").genres.add(crime)
        assert related(client.get(review.get_absolute_url()).content.decode()) == ["A crime show"]

    def test_a_review_with_nothing_in_common_shows_no_empty_section(self, client):
        review = make_review()
        make_review()
        assert 'class="related"' not in client.get(review.get_absolute_url()).content.decode()


class TestDescriptions:
    def test_genre_and_platform_pages_open_with_their_description(self, client):
        crime = Genre.objects.create(name="Crime", description="Detectives & their cases.")
        prime = Platform.objects.create(name="Prime Video", description="Amazon's service.")
        make_review(platform=prime).genres.add(crime)
        genre_page = client.get("/genres/crime/").content.decode()
        assert '<p class="page-intro">Detectives &amp; their cases.</p>' in genre_page
        assert "Amazon&#x27;s service." in client.get("/platforms/prime-video/").content.decode()
