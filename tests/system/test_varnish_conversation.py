"""Through a real Varnish in front of a real gunicorn: a new reader's first comment is
shown to them marked "Awaiting review" and to nobody else, and once a moderator approves
it every new reader sees it and its rating counts; a reaction reaches new readers too."""

from contextlib import ExitStack

import pytest
import requests
from django.test import override_settings

from comments import services
from comments.models import Comment
from tests.comments.posting import stamp
from tests.factories import make_comment, make_review
from tests.forms import form_data
from tests.system.test_varnish import new_reader, shows, start_pair

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "My first comment, through the cache."
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def premoderated(production_env, settings):
    with ExitStack() as stack:
        url, _app = start_pair(stack, production_env, REVIEWSITE_COMMENT_PREMODERATE="1")
        settings.HTTP_CACHES = [url]
        yield url, production_env


def test_a_held_comment_through_varnish(premoderated, moderator):
    cache, env = premoderated
    review = make_review()
    page = cache + review.get_absolute_url()
    shared = new_reader(page)
    assert "Your first comment is read by a moderator before it appears" in shared.text
    form = form_data(shared.text, "comment-form")
    with override_settings(SECRET_KEY=env["DJANGO_SECRET_KEY"]):
        form["stamp"] = stamp(4)  # as if the reader took 4 seconds, signed as the site signs
    form |= {"name": "Ines", "body": TEXT, "rating": "4"}
    author = requests.Session()
    answer = author.post(
        cache + f"/reviews/{review.slug}/comments/", form, headers=SAME_ORIGIN, timeout=10
    )
    assert answer.status_code == 200, answer.text[:500]
    held = Comment.objects.get(body=TEXT)
    assert held.status == Comment.Status.PENDING
    mine = author.get(page, timeout=5)
    assert TEXT in mine.text and "Awaiting review" in mine.text
    assert "private" in mine.headers["Cache-Control"]
    for _ in range(2):  # a miss, then whatever the cache keeps
        other = new_reader(page)
        assert TEXT not in other.text and "No ratings yet" in other.text
    services.comment_approve(comment=held, by=moderator)
    assert shows(page, TEXT)
    assert "Rated <strong>4</strong> out of 5 stars · 1 rating" in new_reader(page).text


def test_a_reaction_reaches_new_readers(premoderated):
    cache, _env = premoderated
    review = make_review()
    comment = make_comment(review)
    page = cache + review.get_absolute_url()
    assert "data-reaction-count>0</span>" in new_reader(page).text
    pressed = requests.post(
        cache + f"/comments/{comment.pk}/react/", {"on": "1"}, headers=SAME_ORIGIN, timeout=10
    )
    assert pressed.status_code == 200
    assert shows(page, "data-reaction-count>1</span>")
