"""The change form as an editor meets it: limits said, help everywhere, length and reading time."""

import re

import pytest
from django.test import Client

from reviews.models import Section
from tests.factories import make_review, saved_by_an_editor
from tests.reviews.editing import change_url, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(editor):
    review = make_review(author=editor, sections=1)
    Section.objects.filter(review=review).update(body="")
    section = review.sections.get()
    section.body = " ".join(["word"] * 500)  # 500 words: 3 minutes at 238 a minute
    section.save()
    saved_by_an_editor(review)
    return review


def test_change_page_shows_word_count_and_reading_time(client, editor, review):
    client.force_login(editor)
    assert "500 words · 3 min read" in client.get(change_url(review)).content.decode()


def test_review_page_says_how_long_it_takes_to_read(review):
    page = Client().get(review.get_absolute_url()).content.decode()
    assert re.search(r'class="review__reading">3 min read<', page)


def test_editing_a_section_recounts(client, editor, review):
    client.force_login(editor)
    save(client, review, **{"sections-0-body": "Just five words here now."})
    review.refresh_from_db()
    assert review.word_count == 5 and review.reading_minutes == 1


def test_limited_fields_are_wide_and_say_their_limit(client, editor, review):
    client.force_login(editor)
    html = client.get(change_url(review)).content.decode()
    headline = re.search(r'<input[^>]*name="headline"[^>]*>', html).group(0)
    assert "editors-wide" in headline and 'maxlength="200"' in headline
    assert "Up to 300 characters." in html  # standfirst, alt text, caption
    assert "js/admin-editors.js" in html  # the running count, as an enhancement


def test_every_field_an_editor_fills_has_help(client, editor, review):
    client.force_login(editor)
    html = client.get(change_url(review)).content.decode()
    for expected in (
        "A season of a TV show, or a film",  # Kind
        "Credits of each kind are listed in this order",  # credit Order
        "Leave empty to take votes as soon as the review is published",  # poll Opens at
        "Leave empty to keep the poll open",  # poll Closes at
    ):
        assert expected in html, expected
