"""Staff find comments in the admin; readers' words, IPs and user agents are read-only there."""

import pytest
from django.urls import reverse

from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db

LIST = reverse("admin:comments_comment_changelist")


def test_list_shows_review_name_rating_status_and_date(client, superuser):
    review = make_review(headline="Ballard review")
    make_comment(review, name="Marisol", rating=4)
    client.force_login(superuser)
    html = client.get(LIST).content.decode()
    for text in ("Ballard review", "Marisol", "★★★★☆", "Published"):
        assert text in html


def test_list_does_not_query_per_row(client, superuser, django_assert_max_num_queries):
    client.force_login(superuser)
    for _ in range(3):
        make_comment(make_review())
    client.get(LIST)
    with django_assert_max_num_queries(12) as queries:
        client.get(LIST)
    baseline = len(queries.captured_queries)
    for _ in range(10):
        make_comment(make_review())
    with django_assert_max_num_queries(baseline):
        client.get(LIST)


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"status__exact": "pending"}, "Held one", "Public one"),
        ({"rating": "2"}, "Held one", "Public one"),
        ({"q": "secret@example.com"}, "Held one", "Public one"),
        ({"q": "Public"}, "Public one", "Held one"),
        ({"q": "distinctive words"}, "Public one", "Held one"),
    ],
)
def test_filters_and_search(client, superuser, params, shown, hidden):
    review = make_review()
    make_comment(review, name="Held one", status="pending", rating=2, email="secret@example.com")
    make_comment(review, name="Public one", body="Some distinctive words")
    client.force_login(superuser)
    html = client.get(LIST, params).content.decode()
    assert shown in html and hidden not in html


def test_everything_is_read_only_even_the_status(client, superuser):
    """Status changes only through the moderation actions, which keep the log."""
    comment = make_comment(make_review(), ip_address="203.0.113.5", user_agent="Firefox")
    client.force_login(superuser)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    html = client.get(url).content.decode()
    assert "203.0.113.5" in html and "Firefox" in html
    assert 'name="ip_address"' not in html and 'name="body"' not in html
    assert 'name="status"' not in html
    response = client.post(url, {"status": "removed", "ip_address": "1.1.1.1", "body": "Edited"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert (comment.status, comment.ip_address, comment.body) == (
        "published",
        "203.0.113.5",
        "A fine season.",
    )


def test_staff_cannot_write_comments_in_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:comments_comment_add")).status_code == 403
