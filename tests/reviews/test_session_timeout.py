"""A session that ends while an editor types costs nothing: the text is back after login."""

import re

import pytest
from django.conf import settings
from django.test import Client

from reviews.models import Review
from tests.factories import make_review
from tests.forms import form_data
from tests.reviews.editing import change_url

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def log_in(client, username, next_url):
    page = client.get(f"/admin/login/?next={next_url}")
    data = form_data(page.content.decode(), form_id="login-form")
    data |= {"username": username, "password": PASSWORD, "next": next_url}
    return client.post("/admin/login/", data, follow=True)


def test_form_posted_after_the_session_ended_comes_back_after_login(editor):
    review = make_review(published=False, author=editor, headline="Before")
    browser = Client(enforce_csrf_checks=True)
    log_in(browser, "editor", change_url(review))
    data = form_data(browser.get(change_url(review)).content.decode(), form_id="review_form")
    browser.cookies.pop(settings.SESSION_COOKIE_NAME)  # the session ends while they type

    data |= {"headline": "Typed during a long evening", "sections-0-body": "A long paragraph."}
    response = browser.post(change_url(review), data)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    review.refresh_from_db()
    assert review.headline == "Before"

    back = log_in(browser, "editor", change_url(review))
    html = back.content.decode()
    assert back.redirect_chain[-1][0] == change_url(review)
    assert "Your session ended before this was saved" in html
    assert 'value="Typed during a long evening"' in html
    assert re.search(r">\s*A long paragraph.</textarea>", html)
    review.refresh_from_db()
    assert review.headline == "Before"  # nothing saved until they press Save

    again = form_data(html, form_id="review_form")
    assert browser.post(change_url(review), again).status_code == 302
    review.refresh_from_db()
    assert review.headline == "Typed during a long evening"
    reloaded = browser.get(change_url(review)).content.decode()
    assert "Your session ended" not in reloaded  # offered back once


def test_a_forged_post_from_a_logged_out_browser_is_not_kept(editor):
    review = make_review(published=False, author=editor, headline="Before")
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(change_url(review), {"headline": "Forged"}).status_code == 403
    back = log_in(browser, "editor", change_url(review))
    assert "Forged" not in back.content.decode()
    assert Review.objects.get(pk=review.pk).headline == "Before"
