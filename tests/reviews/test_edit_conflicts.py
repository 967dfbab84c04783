"""No lost edits: a save from a page opened before someone else's save is refused, kept."""

import re
from html import unescape

import pytest
from django.test import Client

from reviews import revisions
from tests.factories import give_name, make_review, make_user
from tests.forms import form_data
from tests.reviews.editing import compare_url, open_form, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(editor):
    review = make_review(
        published=False, author=give_name(editor), headline="Ballard Season 1 Review"
    )
    client = Client()
    client.force_login(editor)
    save(client, review)  # a first revision, as after any admin save
    return review


@pytest.fixture
def colleague(db):
    return make_user("colleague", groups=["Editors"], is_staff=True)


def two_editors(editor, colleague):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(colleague)
    return first, second


def test_stale_save_is_refused_keeping_the_typed_text_and_naming_who_saved(
    editor, colleague, review
):
    first, second = two_editors(editor, colleague)
    mine = open_form(first, review)
    save(second, review, standfirst="Their standfirst, saved first.")
    theirs = revisions.latest_revision(review)

    mine |= {"standfirst": "My standfirst, typed for ten minutes.", "sections-1-body": "My body."}
    response = save(first, review, mine)
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "Not saved: colleague saved this review at" in page
    # The time as the rest of the site writes one: "7 Dec 2026, 15:02:07".
    at = theirs.date_created.astimezone()
    assert f"saved this review at {at.day} {at:%b %Y, %H:%M:%S}, after you opened it" in page
    assert 'value="My standfirst, typed for ten minutes."' in page
    assert re.search(r">\s*My body.</textarea>", page)
    link = re.search(r'href="([^"]*compare[^"]*)"', page).group(1)
    assert link.startswith(compare_url(review)) and f"new={theirs.pk}" in link
    review.refresh_from_db()
    assert review.standfirst == "Their standfirst, saved first."
    assert revisions.latest_revision(review) == theirs


def test_saving_again_without_ticking_is_still_refused(editor, colleague, review):
    first, second = two_editors(editor, colleague)
    mine = open_form(first, review)
    save(second, review, headline="Theirs")
    refused = save(first, review, mine, headline="Mine")
    again = form_data(refused.content.decode(), form_id="review_form")
    assert save(first, review, again).status_code == 200
    review.refresh_from_db()
    assert review.headline == "Theirs"


def test_ticking_save_anyway_saves_my_version_over_theirs(editor, colleague, review):
    first, second = two_editors(editor, colleague)
    mine = open_form(first, review)
    save(second, review, headline="Theirs")
    assert save(first, review, mine, headline="Mine", save_anyway="on").status_code == 302
    review.refresh_from_db()
    assert review.headline == "Mine"
    assert [r.user for r in revisions.revisions_of(review)[:2]] == [editor, colleague]


def test_a_save_after_reloading_goes_through(editor, colleague, review):
    first, second = two_editors(editor, colleague)
    save(second, review, headline="Theirs")
    assert save(first, review, headline="Mine, from a fresh page").status_code == 302
    assert save(second, review, headline="Theirs again, from a fresh page").status_code == 302


def test_a_list_action_in_between_also_refuses_the_old_form(editor, colleague, review):
    """The old form still says draft: saving it would quietly unpublish."""
    first, second = two_editors(editor, colleague)
    mine = open_form(first, review)
    second.post(
        "/admin/reviews/review/", {"action": "publish_selected", "_selected_action": [review.pk]}
    )
    assert save(first, review, mine, headline="Mine").status_code == 200
    review.refresh_from_db()
    assert review.is_live


@pytest.mark.parametrize("token", ["", "abc", "-1", "9" * 40, "<script>"])
def test_a_tampered_token_is_refused_like_a_stale_one(editor, review, token):
    client = Client()
    client.force_login(editor)
    response = save(client, review, headline="Mine", loaded_revision=token)
    assert response.status_code == 200 and "Not saved:" in response.content.decode()
