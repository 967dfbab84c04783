from datetime import timedelta
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from reviews.models import Review, Section
from tests.factories import make_figure, make_review

pytestmark = pytest.mark.django_db


def real_tags(html: str) -> list[tuple[str, list]]:
    """The elements a browser would build from html (escaped text is not a tag)."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


class TestPublishedQuerySet:
    def test_drafts_are_not_published(self):
        make_review(published=False)
        assert list(Review.objects.published()) == []

    def test_future_publish_time_means_scheduled_not_visible(self):
        review = make_review(published_at=timezone.now() + timedelta(hours=1))
        assert review.is_scheduled
        assert list(Review.objects.published()) == []

    def test_scheduled_review_becomes_visible_when_its_time_comes(self):
        due = timezone.now() + timedelta(hours=1)
        review = make_review(published_at=due)
        with mock.patch("django.utils.timezone.now", return_value=due + timedelta(seconds=1)):
            assert list(Review.objects.published()) == [review]

    def test_newest_first(self):
        old = make_review(published_at=timezone.now() - timedelta(days=3))
        new = make_review(published_at=timezone.now() - timedelta(days=1))
        assert list(Review.objects.published()) == [new, old]


class TestReview:
    def test_publishing_without_a_date_publishes_now(self):
        review = make_review(published=False)
        review.publish()
        review.refresh_from_db()
        assert review.is_live
        assert timezone.now() - review.published_at < timedelta(minutes=1)

    def test_unpublish_hides_the_review(self):
        review = make_review()
        review.unpublish()
        assert list(Review.objects.published()) == []

    def test_score_outside_0_to_10_is_refused_by_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_review(score=11)

    def test_work_label_names_the_season(self):
        review = make_review(work_title="BALLARD", season_number=1)
        assert review.work_label == "BALLARD, Season 1"


class TestSectionMarkup:
    def test_allowed_markdown_is_rendered(self):
        section = Section.objects.create(
            review=make_review(sections=0),
            body="*Em* **bold** [a link](https://example.com)\n\n- one\n- two\n\n> quoted",
        )
        html = section.body_html
        assert "<em>Em</em>" in html and "<strong>bold</strong>" in html
        assert '<a href="https://example.com" rel="noopener">a link</a>' in html
        assert "<ul>" in html and "<blockquote>" in html

    @pytest.mark.parametrize(
        "hostile",
        [
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            "[click](javascript:alert(1))",
            '<a href="https://x" onclick="alert(1)">x</a>',
            "<iframe src='https://evil.example'></iframe>",
        ],
    )
    def test_html_and_dangerous_links_never_get_through(self, hostile):
        section = Section.objects.create(review=make_review(sections=0), body=hostile)
        for tag, attrs in real_tags(section.body_html):
            assert tag in {"p", "a", "em", "strong", "ul", "ol", "li", "blockquote", "br"}
            for name, value in attrs:
                assert not name.startswith("on")
                assert not (value or "").lower().startswith("javascript")


class TestFigurePlacement:
    def test_figures_follow_the_section_they_are_placed_after(self):
        review = make_review(sections=3)
        lead = make_figure(review, position=0)
        second = make_figure(review, position=2)
        blocks = review.body()
        assert review.lead_figure == lead
        assert [figures for _section, _parts, figures in blocks] == [[], [second], []]

    def test_figure_after_a_missing_section_still_appears_at_the_end(self):
        review = make_review(sections=1)
        stray = make_figure(review, position=5)
        blocks = review.body()
        assert blocks[-1] == (None, [], [stray])

    def test_a_figure_sits_inside_its_section_after_the_chosen_paragraph(self):
        review = make_review(sections=2)  # each section: two paragraphs
        before = make_figure(review, position=2, paragraph=0)
        between = make_figure(review, position=2, paragraph=1)
        after = make_figure(review, position=2)
        _section, parts, figures = review.body()[1]
        assert parts == [
            ("", [before]),
            ("<p>Paragraph one of section 2.</p>", [between]),
            ("<p>Paragraph two of section 2.</p>", []),
        ]
        assert figures == [after]

    def test_a_paragraph_past_the_last_ends_the_section(self):
        review = make_review(sections=1)
        late = make_figure(review, position=1, paragraph=9)
        _section, parts, _figures = review.body()[0]
        assert parts[-1] == ("<p>Paragraph two of section 1.</p>", [late])

    def test_paragraphs_are_the_top_level_blocks_of_the_text(self):
        review = make_review(sections=1)
        section = review.sections.get()
        section.body = "One *two*  \nline.\n\n- a\n- b\n\n> quoted\n>\n> more\n\nLast."
        section.save()
        assert section.paragraphs() == [
            "<p>One <em>two</em><br>\nline.</p>",
            "<ul>\n<li>a</li>\n<li>b</li>\n</ul>",
            "<blockquote>\n<p>quoted</p>\n<p>more</p>\n</blockquote>",
            "<p>Last.</p>",
        ]

    def test_a_review_has_one_lead_figure_at_most(self):
        review = make_review()
        make_figure(review, position=0)
        with pytest.raises(IntegrityError), transaction.atomic():
            make_figure(review, position=0)


class TestTypography:
    """Headlines and standfirsts typed with straight quotes are shown with curly ones."""

    def test_quotes_apostrophes_and_dashes_are_made_typographic_on_save(self):
        review = make_review(
            headline="'Ballard' Season 2 Review -- It's \"Better\"",
            standfirst="Slow to start --- then gripping...",
        )
        review.refresh_from_db()
        assert review.headline == "‘Ballard’ Season 2 Review – It’s “Better”"
        assert review.standfirst == "Slow to start — then gripping…"

    def test_a_section_heading_a_verdict_and_a_caption_are_typeset_too(self, client):
        review = make_review(verdict="Worth it -- mostly", sections=1)
        section = review.sections.create(order=2, heading="Verdict --- it's worth it", body="B.")
        figure = make_figure(review, position=1, caption='Maggie Q in "Ballard"...')
        page = client.get(review.get_absolute_url()).content.decode()
        section.refresh_from_db()
        figure.refresh_from_db()
        assert section.heading == "Verdict — it’s worth it" and section.heading in page
        assert "Worth it – mostly" in page
        assert figure.caption == "Maggie Q in “Ballard”…" and figure.caption in page

    def test_already_curly_text_and_markup_like_text_stay_as_typed(self):
        review = make_review(headline="‘Ballard’ <b>*5 > 3*</b> & more")
        assert review.headline == "‘Ballard’ <b>*5 > 3*</b> & more"
