"""The preview pane's "Refresh preview" posts the review form to a preview of the text as
it is on the form: checked as a save is, rendered, and never saved; CSRF-checked, and for
the same people as the saved preview."""

import pytest
from django.test import Client

from reviews import revisions
from reviews.models import Review, ReviewAction
from tests.factories import make_figure, make_review, make_user
from tests.reviews.editing import open_form, preview_url

pytestmark = pytest.mark.django_db


def typed(client, review, **changes) -> dict:
    return open_form(client, review) | {
        "headline": "A headline typed, not saved",
        "sections-1-body": "A paragraph typed just now.\n\nAnd *another*.",
        "sections-1-heading": "A heading typed too",
        **changes,
    }


def test_shows_the_forms_text_and_saves_nothing(client, editor):
    review = make_review(published=False)
    make_figure(review, position=2, paragraph=0, alt_text="The ensemble.")
    client.force_login(editor)
    saved_revisions = len(revisions.revisions_of(review))
    client.get(review.get_preview_url())  # the saved version's fragments, cached
    response = client.post(preview_url(review), typed(client, review))
    assert response.status_code == 200
    html = response.content.decode()
    assert "A headline typed, not saved" in html
    section = html.split(">A heading typed too</h2>")[1].split("</section>")[0]
    assert section.index('alt="The ensemble."') < section.index("A paragraph typed just now.")
    assert "<em>another</em>" in section
    assert "Preview of the form as it is now, not saved" in html
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "no-cache" in response["Cache-Control"]
    review.refresh_from_db()
    assert review.headline != "A headline typed, not saved"
    assert "A paragraph typed" not in review.sections.all()[1].body
    assert len(revisions.revisions_of(review)) == saved_revisions
    assert not ReviewAction.objects.filter(review=review).exists()
    # The saved preview is still the saved text.
    assert "A headline typed" not in client.get(review.get_preview_url()).content.decode()


def test_rows_as_on_the_form_order_new_and_deleted(client, editor):
    review = make_review(published=False, sections=3)
    client.force_login(editor)
    data = open_form(client, review) | {
        "sections-0-order": "3",  # the intro moved last (as the script numbers them)
        "sections-1-order": "1",
        "sections-2-order": "2",
        "sections-2-DELETE": "on",
        "sections-3-heading": "Added on the form",
        "sections-3-body": "New text.",
        "credits-0-person": "Maggie Q",
        "credits-0-role": "Renée Ballard",
    }
    html = client.post(preview_url(review), data).content.decode()
    body = html.split('class="review__body"')[1]
    assert "Section heading 3" not in body  # deleted on the form
    assert body.index("Section heading 2") < body.index("Paragraph one of section 1.")
    assert body.index("Paragraph one of section 1.") < body.index("Added on the form")
    assert "Maggie Q" in html
    assert review.sections.count() == 3 and not review.credits.exists()


def test_a_field_the_form_refuses_shows_as_saved_and_says_so(client, editor):
    review = make_review(published=False, headline="The saved headline")
    client.force_login(editor)
    html = client.post(preview_url(review), typed(client, review, headline="")).content.decode()
    assert "The saved headline" in html
    assert "fields the form refuses show as last saved" in html
    assert "A paragraph typed just now." in html


def test_a_get_goes_to_the_saved_preview(client, editor):
    review = make_review(published=False)
    client.force_login(editor)
    response = client.get(preview_url(review))
    assert response.status_code == 302 and response["Location"] == review.get_preview_url()


def test_the_csrf_token_is_required(editor):
    review = make_review(published=False)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    data = typed(browser, review)
    assert browser.post(preview_url(review), data).status_code == 200
    del data["csrfmiddlewaretoken"]
    assert browser.post(preview_url(review), data).status_code == 403


@pytest.mark.parametrize(
    ("who", "whose", "status"),
    [
        ("anonymous", "writer", 302),  # to the admin's login
        ("reader", "writer", 302),
        ("writer", "writer", 200),
        ("writer", "editor", 404),  # not theirs: "not found", as the saved preview says
        ("editor", "writer", 200),
        ("moderator", "writer", 403),
    ],
)
def test_the_same_people_as_the_saved_preview(client, writer, editor, who, whose, status):
    people = {"writer": writer, "editor": editor}
    review = make_review(published=False, author=people[whose])
    boss = Client()
    boss.force_login(make_user(is_staff=True, is_superuser=True))
    data = typed(boss, review)
    if who == "moderator":
        client.force_login(make_user("mod", groups=["Moderators"], is_staff=True))
    elif who == "reader":
        client.force_login(make_user("someone"))
    elif who != "anonymous":
        client.force_login(people[who])
    response = client.post(preview_url(review), data)
    assert response.status_code == status
    if status == 302:
        assert "A headline typed" not in client.get(response["Location"]).content.decode()
    review.refresh_from_db()
    assert review.headline != "A headline typed, not saved"
    assert Review.objects.filter(headline="A headline typed, not saved").count() == 0
