"""Request logs carry a request id and no personal data; the 500 page shows the id."""

import logging

import pytest
from django.test import Client
from django.urls import path

from tests.factories import make_review

pytestmark = pytest.mark.django_db


def test_request_log_has_id_method_path_status_and_no_personal_data(client, caplog):
    review = make_review()
    with caplog.at_level(logging.INFO, logger="reviewsite.requests"):
        response = client.get(
            review.get_absolute_url() + "?q=secret-search",
            REMOTE_ADDR="203.0.113.77",
            HTTP_USER_AGENT="ReaderBrowser/1.0",
        )
    line = next(r for r in caplog.records if r.name == "reviewsite.requests")
    message = line.getMessage()
    assert message.startswith(f"GET {review.get_absolute_url()} 200")
    assert line.request_id == response["X-Request-ID"]
    for private in ("203.0.113.77", "ReaderBrowser", "secret-search"):
        assert private not in message


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", broken_view)]
handler500 = "reviewsite.views.server_error"


def test_500_page_shows_the_request_id_a_reader_can_quote(settings):
    settings.ROOT_URLCONF = "tests.site.test_logging"
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert response["X-Request-ID"] in body
    assert "Something went wrong on our side" in body and "RuntimeError" not in body
