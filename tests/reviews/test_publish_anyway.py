"""Content checks are warnings: submitting or publishing with some open shows them and
asks once more ("Submit anyway" / "Publish anyway"), with nothing saved on the first ask
and everything typed still on the form; with nothing to look at, one click as before."""

import re

import pytest

from reviews.models import Review, ReviewAction
from tests.factories import give_name, make_figure, make_review
from tests.forms import form_data
from tests.reviews.editing import change_url, open_form

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def without_lead_photo(author):
    """A draft whose only content check is its missing lead photo."""
    return make_review(published=False, author=author)


def asked(client, editor, writer, **typed):
    """An editor publishes a draft with a content check open: (the review, the re-shown form)."""
    give_name(writer, "Wren Hale")
    review = without_lead_photo(writer)
    client.force_login(editor)
    data = open_form(client, review) | {"status": "published"} | typed
    return review, client.post(change_url(review), data).content.decode()


def press_publish_anyway(html: str) -> dict:
    """The re-shown form as typed, sent by its "Publish anyway" button."""
    button = re.search(r"<button[^>]*>Publish anyway</button>", html).group(0)
    name, value = re.search(r'name="([^"]+)" value="([^"]+)"', button).groups()
    return form_data(html, form_id="review_form") | {name: value}


class TestPublishing:
    def test_the_first_ask_lists_the_checks_and_publishes_nothing(self, client, editor, writer):
        give_name(writer, "Wren Hale")
        review = without_lead_photo(writer)
        client.force_login(editor)
        data = open_form(client, review) | {"status": "published", "headline": "Typed headline"}
        response = client.post(change_url(review), data)
        assert response.status_code == 200
        page = text(response)
        assert "Not published yet: the content checks found 1 thing to look at" in page
        assert "There is no lead photo" in page
        assert "to look at before it is published" in page
        html = response.content.decode()
        assert html.count('name="_publish_anyway"') == 2  # in the box and by the buttons
        review.refresh_from_db()
        assert review.status == Review.Status.DRAFT and review.headline != "Typed headline"
        assert not ReviewAction.objects.filter(review=review, action="publish").exists()
        # What the editor typed is on the re-shown form, ready to send again.
        again = form_data(html, form_id="review_form")
        assert again["headline"] == "Typed headline" and again["status"] == "published"

    def test_publish_anyway_from_the_re_shown_form_publishes_what_was_typed(
        self, client, editor, writer
    ):
        review, html = asked(client, editor, writer, headline="Typed headline")
        assert client.post(change_url(review), press_publish_anyway(html)).status_code == 302
        review.refresh_from_db()
        assert review.is_live and review.headline == "Typed headline"

    def test_publish_anyway_after_save_and_continue_comes_back_to_the_form(
        self, client, editor, writer
    ):
        review, html = asked(client, editor, writer, _continue="1")
        response = client.post(change_url(review), press_publish_anyway(html))
        assert response.status_code == 302 and response["Location"] == change_url(review)
        review.refresh_from_db()
        assert review.is_live

    def test_checks_fixed_on_the_form_are_not_asked_about(self, client, editor, writer):
        """The checks read the form as typed, not the review as saved: a verdict
        emptied on the form is asked about, one typed in is not."""
        give_name(writer, "Wren Hale")
        review = make_review(published=False, author=writer, verdict="", score=None)
        make_figure(review, position=0)
        client.force_login(editor)
        data = open_form(client, review) | {"status": "published", "verdict": "Now a verdict"}
        assert client.post(change_url(review), data).status_code == 302
        review.refresh_from_db()
        assert review.is_live
        other = make_review(published=False, author=writer)
        make_figure(other, position=0)
        data = open_form(client, other) | {"status": "published", "verdict": "", "score": ""}
        response = client.post(change_url(other), data)
        assert "There is no verdict and no score." in text(response)
        other.refresh_from_db()
        assert other.status == Review.Status.DRAFT

    def test_with_nothing_to_look_at_one_click_publishes(self, client, editor, writer):
        give_name(writer, "Wren Hale")
        review = make_review(published=False, author=writer)
        make_figure(review, position=0)
        client.force_login(editor)
        data = open_form(client, review) | {"status": "published"}
        assert client.post(change_url(review), data).status_code == 302
        review.refresh_from_db()
        assert review.is_live

    def test_a_live_review_is_saved_without_asking(self, client, editor):
        review = make_review(published=True)  # no lead photo: a check, but not a publish
        client.force_login(editor)
        data = open_form(client, review) | {"headline": "Corrected"}
        assert client.post(change_url(review), data).status_code == 302
        review.refresh_from_db()
        assert review.headline == "Corrected"

    def test_a_dead_link_typed_in_a_section_links_to_that_section(self, client, editor, writer):
        give_name(writer, "Wren Hale")
        review = make_review(published=False, author=writer, sections=3)
        make_figure(review, position=0)
        client.force_login(editor)
        data = open_form(client, review) | {
            "status": "published",
            "sections-1-body": "See [the old one](/reviews/no-such-review/).",
        }
        html = client.post(change_url(review), data).content.decode()
        assert '<a href="#id_sections-1-body">Section 2 links to /reviews/no-such-review/' in html


class TestSubmitting:
    def test_submit_asks_once_more_then_submit_anyway_submits(self, client, writer):
        give_name(writer, "Wren Hale")
        review = without_lead_photo(writer)
        client.force_login(writer)
        data = open_form(client, review) | {
            "headline": "Typed by the writer",
            "_submit": "Save and submit for review",
        }
        response = client.post(change_url(review), data)
        assert response.status_code == 200
        assert "Not submitted yet: the content checks found 1 thing" in text(response)
        html = response.content.decode()
        assert 'name="_submit" value="anyway">Submit anyway</button>' in html
        review.refresh_from_db()
        assert not review.is_submitted and review.headline != "Typed by the writer"
        again = form_data(html, form_id="review_form") | {"_submit": "anyway"}
        assert client.post(change_url(review), again).status_code == 302
        review.refresh_from_db()
        assert review.is_submitted and review.headline == "Typed by the writer"
        assert ReviewAction.objects.filter(review=review, action="submit").exists()

    def test_saving_a_draft_without_submitting_never_asks(self, client, writer):
        review = without_lead_photo(writer)
        client.force_login(writer)
        data = open_form(client, review) | {"verdict": "", "score": ""}
        assert client.post(change_url(review), data).status_code == 302
