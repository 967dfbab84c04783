from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from reviews.models import Review
from tests.factories import make_credit, make_figure, make_review

pytestmark = pytest.mark.django_db


class TestHomePage:
    def test_lists_published_reviews_newest_first_without_drafts(self, client):
        older = make_review(headline="Older one", published_at=timezone.now() - timedelta(days=2))
        newer = make_review(headline="Newer one", published_at=timezone.now() - timedelta(days=1))
        make_review(headline="Secret draft", published=False)
        html = client.get("/").content.decode()
        assert html.index(newer.headline) < html.index(older.headline)
        assert "Secret draft" not in html

    def test_paginates_twelve_a_page_with_a_link_to_older_reviews(self, client):
        for _ in range(13):
            make_review(sections=0)
        first = client.get("/")
        assert first.content.decode().count('<article class="card') == 12
        assert 'href="?page=2"' in first.content.decode()
        second = client.get("/?page=2")
        assert second.content.decode().count('<article class="card') == 1

    @pytest.mark.parametrize("page", ["abc", "999", "-1", "1e9", "%00"])
    def test_bad_page_numbers_still_answer(self, client, page):
        make_review()
        assert client.get("/", {"page": page}).status_code == 200

    def test_shows_lead_image_headline_standfirst_and_date(self, client):
        review = make_review()
        make_figure(review, position=0, alt_text="A detective at a desk")
        html = client.get("/").content.decode()
        assert 'alt="A detective at a desk"' in html
        assert review.standfirst in html
        assert review.published_at.strftime("%B") in html


class TestReviewPage:
    def test_shows_every_part_of_the_review(self, client):
        review = make_review(sections=2, verdict="Worth a watch", score=7)
        make_figure(
            review,
            position=0,
            caption="Maggie Q (Renée Ballard) in BALLARD.",
            credit="Tyler Golden/Prime Video",
        )
        make_figure(review, position=1, caption="Second photo caption.", credit="Jessica Brooks")
        make_credit(review, person="Maggie Q", role="Renée Ballard")
        html = client.get(review.get_absolute_url()).content.decode()
        for part in [
            review.headline,
            review.standfirst,
            "Section heading 2",
            "Paragraph two of section 1",
            "Maggie Q (Renée Ballard) in BALLARD.",
            "Tyler Golden/Prime Video",
            "Second photo caption.",
            "Renée Ballard",
            "Worth a watch",
            "Critic’s score: 7 out of 10",  # the score badge
            review.byline,
        ]:
            assert part in html, part
        assert html.count("<figure") == 2 and html.count("<figcaption>") == 2
        assert html.count("<h1") == 1

    def test_every_image_has_alt_width_height_and_srcset(self, client):
        review = make_review()
        make_figure(review, position=0)
        make_figure(review, position=1)
        html = client.get(review.get_absolute_url()).content.decode()
        images = [chunk.split(">")[0] for chunk in html.split("<img")[1:]]
        assert len(images) == 2
        for img in images:
            for attribute in ("alt=", "width=", "height=", "srcset=", "480w"):
                assert attribute in img
        assert 'loading="lazy"' not in images[0] and 'loading="lazy"' in images[1]

    def test_draft_is_404_to_readers(self, client):
        review = make_review(published=False)
        assert client.get(review.get_absolute_url()).status_code == 404

    def test_scheduled_review_is_404_until_its_time_then_appears(self, client):
        due = timezone.now() + timedelta(hours=2)
        review = make_review(published_at=due)
        assert client.get(review.get_absolute_url()).status_code == 404
        with mock.patch("django.utils.timezone.now", return_value=due + timedelta(minutes=1)):
            assert client.get(review.get_absolute_url()).status_code == 200
            assert review.headline in client.get("/").content.decode()

    def test_unknown_review_gets_the_friendly_404_page(self, client):
        response = client.get("/reviews/no-such-review/")
        assert response.status_code == 404
        assert "We couldn’t find that page" in response.content.decode()


class TestPreview:
    def test_editor_can_preview_a_draft(self, client, editor):
        review = make_review(published=False)
        client.force_login(editor)
        response = client.get(review.get_preview_url())
        assert response.status_code == 200
        assert "this is a draft" in response.content.decode()
        assert "noindex" in response.content.decode()

    def test_writer_previews_their_own_draft_only(self, client, writer, editor):
        own = make_review(published=False, author=writer, headline="My own draft")
        other = make_review(published=False, author=editor, headline="Not yours")
        client.force_login(writer)
        assert "My own draft" in client.get(own.get_preview_url()).content.decode()
        refused = client.get(other.get_preview_url())
        assert refused.status_code == 404 and "Not yours" not in refused.content.decode()

    def test_editor_previews_a_writers_draft(self, client, writer, editor):
        draft = make_review(published=False, author=writer, headline="A writer draft")
        client.force_login(editor)
        assert "A writer draft" in client.get(draft.get_preview_url()).content.decode()

    def test_reader_and_anonymous_cannot_preview(self, client, reader):
        review = make_review(published=False)
        assert client.get(review.get_preview_url()).status_code == 302  # to the login page
        client.force_login(reader)
        response = client.get(review.get_preview_url())
        assert response.status_code == 302 and "login" in response["Location"]
        assert Review.objects.get(pk=review.pk).status == Review.Status.DRAFT


class TestHealthz:
    def test_answers_200_when_the_database_answers(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "up"}
