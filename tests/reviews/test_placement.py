"""Photos are placed by meaning: "Lead photo" or "After section 2: “The cast”", not a number."""

import re

import pytest

from reviews.models import Figure
from tests.factories import make_figure, make_review, upload
from tests.reviews.editing import change_url, open_form, save

pytestmark = pytest.mark.django_db


def placement_options(html: str, prefix: str) -> dict[str, str]:
    select = re.search(rf'<select name="{prefix}-position".*?</select>', html, re.S).group(0)
    return dict(re.findall(r'<option value="([\d.]+)"[^>]*>([^<]*)</option>', select))


@pytest.fixture
def review(editor):
    review = make_review(author=editor)  # sections: the intro, then "Section heading 2"
    make_figure(review, position=0)
    return review


def test_placements_are_named_after_the_reviews_sections(client, editor, review):
    client.force_login(editor)
    html = client.get(change_url(review)).content.decode()
    options = placement_options(html, "figures-1")  # the empty row for a new photo
    assert options["0"] == "Lead photo, under the headline"
    assert options["1"] == "After section 1: the introduction"
    assert options["2"] == "After section 2: “Section heading 2”"
    assert options["3"] == "After section 3 (not saved yet)"
    assert re.search(r'<option value="1" selected>', html.split('name="figures-1-position"')[1])


def test_a_photo_can_follow_a_section_typed_on_the_same_page(client, editor, review):
    client.force_login(editor)
    data = open_form(client, review) | {
        "sections-2-heading": "A brand new section",
        "sections-2-body": "Typed just now.",
        "figures-1-position": "3",
        "figures-1-alt_text": "A harbour at dusk.",
        "figures-1-image": upload("harbour.jpg"),
    }
    assert save(client, review, data).status_code == 302
    placed = Figure.objects.get(alt_text="A harbour at dusk.")
    assert placed.position == 3
    blocks = review.body()
    assert blocks[2][0].heading == "A brand new section" and blocks[2][2] == [placed]


@pytest.mark.parametrize("value", ["abc", "-1", "99999", "1e3"])
def test_a_placement_that_is_not_offered_is_refused(client, editor, review, value):
    client.force_login(editor)
    response = save(client, review, **{"figures-0-position": value})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert review.figures.get().position == 0


def test_a_photo_placed_inside_a_section_before_its_first_paragraph(client, editor, review):
    """The seed's ensemble photo: between a section's heading and its first paragraph."""
    client.force_login(editor)
    html = client.get(change_url(review)).content.decode()
    options = placement_options(html, "figures-1")
    assert options["2.0"] == "In section 2, before its first paragraph"
    assert options["2.1"] == "In section 2, after paragraph 1"
    assert "2.2" not in options  # after the last paragraph is "After section 2"
    data = open_form(client, review) | {
        "figures-1-position": "2.0",
        "figures-1-alt_text": "The ensemble on a rooftop.",
        "figures-1-image": upload("ensemble.jpg"),
    }
    assert save(client, review, data).status_code == 302
    placed = Figure.objects.get(alt_text="The ensemble on a rooftop.")
    assert (placed.position, placed.paragraph) == (2, 0)
    # The form offers it again where it is.
    html = client.get(change_url(review)).content.decode()
    assert re.search(r'<option value="2.0" selected>', html.split('name="figures-1-position"')[1])

    for url in (review.get_absolute_url(), review.get_preview_url()):
        page = client.get(url).content.decode()
        section = page.split(">Section heading 2</h2>")[1].split("</section>")[0]
        photo = section.index('alt="The ensemble on a rooftop."')
        assert photo < section.index("Paragraph one of section 2.")


def test_a_placement_after_a_paragraph_since_removed_is_kept(client, editor, review):
    make_figure(review, position=1, paragraph=7, alt_text="Kept where it was.")
    client.force_login(editor)
    html = client.get(change_url(review)).content.decode()
    options = placement_options(html, "figures-1")
    assert options["1.7"] == "In section 1, after paragraph 7"
    assert re.search(r'<option value="1.7" selected>', html.split('name="figures-1-position"')[1])
