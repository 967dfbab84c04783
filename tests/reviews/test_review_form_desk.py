"""The review form as the desk reworked it: submit from the add page, the preview beside
the form (framed by our own admin only), and the "Preview" link that needs no script."""

import re

import pytest

from reviews.models import Review, ReviewAction
from tests.factories import give_name, make_figure, make_review
from tests.forms import form_data
from tests.reviews.editing import save

pytestmark = pytest.mark.django_db


def test_a_writer_submits_a_new_review_from_the_add_page(client, writer):
    give_name(writer, "Wren Hale")
    client.force_login(writer)
    page = client.get("/admin/reviews/review/add/").content.decode()
    assert 'name="_submit" value="Save and submit for review"' in page
    data = form_data(page, form_id="review_form") | {
        "headline": "New film review",
        "slug": "new-film-review",
        "standfirst": "A line.",
        "work_title": "FILM",
        "sections-0-body": "One paragraph.",
        "_submit": "Save and submit for review",
    }
    # It has no lead photo: the content checks ask once more, and nothing is created.
    asked = client.post("/admin/reviews/review/add/", data)
    assert asked.status_code == 200 and "There is no lead photo" in asked.content.decode()
    assert not Review.objects.filter(slug="new-film-review").exists()
    again = form_data(asked.content.decode(), form_id="review_form")
    assert again["sections-0-body"] == "One paragraph."
    again["_submit"] = "anyway"
    assert client.post("/admin/reviews/review/add/", again).status_code == 302
    review = Review.objects.get(slug="new-film-review")
    assert review.is_submitted and review.author == writer
    assert ReviewAction.objects.filter(review=review, action="submit").exists()


def test_a_review_saved_without_a_slug_gets_its_address_from_the_headline(client, editor):
    """Without JavaScript (or before the page's script ran) nobody types the slug."""
    client.force_login(editor)
    page = client.get("/admin/reviews/review/add/").content.decode()
    data = form_data(page, form_id="review_form") | {
        "headline": "Bosch: Legacy Season 3 Review",
        "slug": "",
        "standfirst": "A line.",
        "work_title": "BOSCH: LEGACY",
        "sections-0-body": "One paragraph.",
    }
    assert client.post("/admin/reviews/review/add/", data).status_code == 302
    assert Review.objects.get(slug="bosch-legacy-season-3-review").headline == (
        "Bosch: Legacy Season 3 Review"
    )
    # A second review with that headline is told the address is taken, its text kept.
    again = client.post("/admin/reviews/review/add/", data).content.decode()
    assert "Another review already has this address" in again and "One paragraph." in again
    assert "Review with this Slug" not in again
    assert Review.objects.filter(headline="Bosch: Legacy Season 3 Review").count() == 1


def test_a_drafts_address_follows_its_headline_until_it_is_published(client, editor):
    client.force_login(editor)
    review = make_review(published=False, headline="A first headline that runs on and on")
    Review.objects.filter(pk=review.pk).update(slug="a-first-headline-that-runs-on-and-on")
    review.refresh_from_db()
    assert save(client, review, headline="A shorter headline").status_code == 302
    review.refresh_from_db()
    assert review.slug == "a-shorter-headline"
    # An address someone typed stays.
    save(client, review, slug="chosen-by-hand")
    save(client, review, headline="Another headline")
    review.refresh_from_db()
    assert review.slug == "chosen-by-hand"
    # Once published, readers may have the address: it stays whatever the headline.
    save(client, review, slug="another-headline")
    review.publish()
    save(client, review, headline="A headline after publication")
    review.refresh_from_db()
    assert review.slug == "another-headline"


def test_editors_get_no_submit_button_on_the_add_page(client, editor):
    client.force_login(editor)
    assert 'name="_submit"' not in client.get("/admin/reviews/review/add/").content.decode()


def test_the_change_form_offers_a_preview_link_and_pane(client, editor):
    review = make_review(published=False)
    client.force_login(editor)
    html = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
    preview = review.get_preview_url()
    assert re.search(rf'<a href="{preview}" target="_blank" rel="noopener">Preview', html)
    assert f'<iframe class="review-preview__frame" name="review-preview" src="{preview}"' in html
    # "Refresh preview" posts the form, as typed, to the preview frame (no script needed).
    refresh = html.split('class="button review-preview__refresh"')[1].split(">")[0]
    assert f'formaction="/admin/reviews/review/{review.pk}/preview/"' in refresh
    assert 'formtarget="review-preview"' in refresh


def test_the_preview_may_be_framed_by_our_own_pages_only(client, editor):
    review = make_review(published=False)
    client.force_login(editor)
    response = client.get(review.get_preview_url())
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    public = client.get("/")
    assert public["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]


class TestContentChecks:
    def test_the_panel_lists_each_check_with_a_link_to_its_field(self, client, editor):
        review = make_review(
            published=False,
            headline="A headline that goes on and on well past what a search result shows",
            verdict="",
            score=None,
        )
        section = review.sections.first()
        section.body = "See [the old one](/reviews/no-such-review/) and [ours](/)."
        section.save()
        review.sections.create(order=9, body=" ")
        review.poll.question = ""
        review.poll.save()
        client.force_login(editor)
        html = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
        panel = html.split('id="content-checks-title"')[1].split("</section>")[0]
        assert "6 to look at" in panel
        assert '<a href="#id_headline">The headline is 67 characters' in panel
        assert '<a href="#figures-group">There is no lead photo' in panel
        assert "There is no verdict and no score." in panel
        assert '<a href="#sections-2">Section 3 has no text.' in panel
        assert "links to /reviews/no-such-review/, which answers" in panel
        assert "links to /," not in panel
        assert '<a href="#id_poll-0-question">The poll has no question.' in panel

    def test_a_photo_placed_after_a_section_the_review_lacks_is_named(self, client, editor):
        review = make_review(published=False, sections=1)
        make_figure(review, position=0)
        make_figure(review, position=7, alt_text="The cast.")
        client.force_login(editor)
        html = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
        panel = html.split('id="content-checks-title"')[1].split("</section>")[0]
        assert (
            '<a href="#id_figures-1-position">Photo 2 is placed after section 7, but there is '
            "1: readers see it after the last one." in panel
        )
        assert "The cast." in client.get(review.get_preview_url()).content.decode()

    def test_a_photo_too_narrow_to_look_sharp_is_named_and_shown_at_its_own_size(
        self, client, editor
    ):
        review = make_review(published=False)
        make_figure(review, position=0)
        make_figure(review, position=1, size=(200, 100), alt_text="A small still.")
        client.force_login(editor)
        html = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
        panel = html.split('id="content-checks-title"')[1].split("</section>")[0]
        assert "1 to look at" in panel
        assert (
            '<a href="#id_figures-1-image">Photo 2 is only 200 pixels wide: readers see it '
            "smaller than the column or soft; 1,200 or wider looks sharp." in panel
        )

    def test_a_review_with_nothing_to_look_at_says_so(self, client, editor):
        review = make_review(published=False)
        make_figure(review, position=0)
        client.force_login(editor)
        html = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
        assert "Content checks: nothing to look at" in html


class TestReordering:
    def test_move_up_saves_the_form_and_swaps_the_section_with_the_one_above(self, client, editor):
        review = make_review(published=False, sections=3)
        first, second, third = review.sections.all()
        client.force_login(editor)
        html = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
        assert f'name="_move" value="section-{third.pk}-up">Move up' in html
        assert 'name="sections-0-order"' in html and 'type="hidden" name="sections-0-order"' in html
        data = form_data(html, form_id="review_form") | {
            "headline": "Typed too",
            "_move": f"section-{third.pk}-up",
        }
        response = client.post(f"/admin/reviews/review/{review.pk}/change/", data)
        assert response.status_code == 302 and response["Location"].endswith("#sections-group")
        assert [s.pk for s in review.sections.all()] == [first.pk, third.pk, second.pk]
        review.refresh_from_db()
        assert review.headline == "Typed too"

    def test_a_photo_stays_with_its_section_when_the_sections_move(self, client, editor):
        review = make_review(published=False, sections=3)
        first, second, third = review.sections.all()
        after_second = make_figure(review, position=2, caption="After the second")
        inside_third = make_figure(review, position=3, paragraph=0, caption="Inside the third")
        client.force_login(editor)
        html = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
        data = form_data(html, form_id="review_form") | {"_move": f"section-{third.pk}-up"}
        # The photo's own form is changed in the same save: its caption, not its place.
        index = next(k for k, v in data.items() if v == "After the second").split("-")[1]
        data[f"figures-{index}-caption"] = "Still after the second"
        response = client.post(f"/admin/reviews/review/{review.pk}/change/", data)
        assert response.status_code == 302
        assert [s.pk for s in review.sections.all()] == [first.pk, third.pk, second.pk]
        after_second.refresh_from_db()
        inside_third.refresh_from_db()
        assert (after_second.position, after_second.caption) == (3, "Still after the second")
        assert (inside_third.position, inside_third.paragraph) == (2, 0)
        page = client.get(review.get_preview_url()).content.decode()
        assert page.index(second.heading) < page.index("Still after the second")
        assert (
            page.index(third.heading) < page.index("Inside the third") < page.index(second.heading)
        )

    def test_move_down_of_the_last_credit_changes_nothing(self, client, editor):
        review = make_review(published=False)
        one = review.credits.create(person="A", role="X", order=1)
        two = review.credits.create(person="B", role="Y", order=2)
        client.force_login(editor)
        html = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
        data = form_data(html, form_id="review_form") | {"_move": f"credit-{two.pk}-down"}
        assert client.post(f"/admin/reviews/review/{review.pk}/change/", data).status_code == 302
        assert [c.pk for c in review.credits.all()] == [one.pk, two.pk]


class TestCreditsTable:
    def test_each_credit_is_one_row_of_a_table_with_each_input_named(self, client, editor):
        review = make_review(published=False)
        review.credits.create(kind="cast", person="Maggie Q", role="Renée Ballard", order=1)
        client.force_login(editor)
        html = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
        group = html.split('id="credits-group"')[1].split('id="poll-group"')[0]
        row = group.split('id="credits-0"')[1].split("</tr>")[0]
        assert "<table>" in group and 'id="credits-1"' in group  # the saved one and a new one
        assert 'aria-label="Person, credit 1"' in row and 'value="Maggie Q"' in row
        assert 'aria-label="Role, credit 1"' in row and 'aria-label="Delete, credit 1"' in row
        assert 'name="_move" value="credit-' in row
        assert 'aria-label="Person, credit 2"' in group.split('id="credits-1"')[1]
