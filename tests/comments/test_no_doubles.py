"""A comment is stored once, however often it is sent, and a stored comment is never
reported lost: a double click, a resend after an error page, two copies at once."""

import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import OperationalError, connections
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from tests.comments.posting import page_form, post, post_url, stamp
from tests.factories import make_review

BODY = "Maggie Q carries the season, once."


@pytest.mark.django_db
class TestResends:
    def test_the_same_comment_sent_twice_is_stored_once_and_the_reader_lands_on_it(self, client):
        review = make_review()
        first = post(client, review, body=BODY)
        again = post(client, review, body=BODY)
        comment = Comment.objects.get()
        assert first.status_code == again.status_code == 302
        assert again["Location"] == f"{review.get_absolute_url()}#comment-{comment.pk}"
        page = client.get(again["Location"]).content.decode()
        assert "You had already posted this comment" in page

    def test_a_resend_from_another_browser_at_the_same_address_is_the_first_one(self):
        review = make_review()
        post(Client(), review, body=BODY)
        post(Client(), review, body=BODY)  # no cookie yet: a double click without JavaScript
        assert Comment.objects.count() == 1

    def test_other_words_another_name_or_a_later_resend_are_new_comments(self, client):
        review = make_review()
        post(client, review, body=BODY)
        post(client, review, body=BODY + " Twice.")
        post(client, review, body=BODY, name="Someone else")
        Comment.objects.update(created_at=timezone.now() - timedelta(minutes=11))
        post(client, review, body=BODY)
        assert Comment.objects.count() == 4

    def test_a_comment_stored_before_the_database_failed_is_reported_saved(
        self, client, monkeypatch
    ):
        review = make_review()

        def database_gone(self):
            raise OperationalError("the server closed the connection")

        monkeypatch.setattr(Comment, "get_absolute_url", database_gone)
        response = post(client, review, body=BODY)
        assert response.status_code == 302
        assert response["Location"] == f"{review.get_absolute_url()}#comments"
        assert Comment.objects.filter(body=BODY).count() == 1
        monkeypatch.undo()
        assert (
            "Thank you: your comment is saved." in client.get(response["Location"]).content.decode()
        )
        post(client, review, body=BODY)  # the reader sends it again anyway
        assert Comment.objects.filter(body=BODY).count() == 1


@contextmanager
def connections_ready(count: int):
    """PostgreSQL's pool holding count connections before a race starts. The pool opens
    them one at a time as requests wait: on a loaded CI machine six at once once took
    longer than the pool's 0.5 s, and the race tested the pool's growth, not the posts."""
    pool = getattr(connections["default"], "pool", None)  # SQLite has none
    if pool is None:
        yield
        return
    min_size = pool.min_size
    pool.resize(min_size=count)
    pool.wait(timeout=30)
    try:
        yield
    finally:
        pool.resize(min_size=min_size)


@pytest.mark.django_db(transaction=True)
def test_copies_sent_at_the_same_instant_are_stored_once():
    review = make_review()
    data = page_form(Client(), review.get_absolute_url())
    data |= {"name": "Marisol", "body": BODY, "stamp": stamp()}
    data.pop("rating", None)
    start, statuses = threading.Barrier(6), []

    def send():
        try:
            start.wait()
            statuses.append(
                Client().post(post_url(review), data, REMOTE_ADDR="203.0.113.7").status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(6)]
    with connections_ready(7):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [302] * 6
    assert Comment.objects.filter(body=BODY).count() == 1
