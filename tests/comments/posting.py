"""Post the comment form the way a reader's browser does: read it off the page, fill it in."""

import time

from django.urls import reverse

from comments.forms import FormStamp
from tests.forms import form_data


def stamp(seconds_ago: float = 4) -> str:
    """A form stamp signed as if the form had been shown this long ago (no sleeping)."""
    return FormStamp(now=lambda: time.time() - seconds_ago).stamp()


def post_url(review) -> str:
    return reverse("comments:post", kwargs={"slug": review.slug})


def page_form(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), "comment-form")


def post(client, review, *, page_url=None, seconds_ago: float = 4, **fields):
    """Fill in the form shown on the review page (or page_url) and post it."""
    data = page_form(client, page_url or review.get_absolute_url())
    data["stamp"] = stamp(seconds_ago)
    data |= {"name": "Marisol", "body": "Maggie Q carries the season."} | fields
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(post_url(review), data, REMOTE_ADDR="203.0.113.7")
