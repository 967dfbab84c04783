"""Local media are served the way a CDN or proxy would: cached for a year, never sniffed."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from infra import media
from tests.factories import make_figure, make_review

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_photos_are_served_immutable_and_nosniff_with_their_type(client):
    figure = make_figure(make_review())
    for name, kind in [
        (figure.image.name, "image/jpeg"),
        (figure.renditions[0]["name"], "image/webp"),
    ]:
        response = client.get(default_storage.url(name))
        assert response.status_code == 200
        assert response["Content-Type"] == kind
        assert response["Cache-Control"] == media.CACHE_CONTROL
        assert response["X-Content-Type-Options"] == "nosniff"
        with default_storage.open(name, "rb") as stored:
            assert body(response) == stored.read()


@pytest.mark.parametrize(
    "path",
    [
        "/media/figures/missing.jpg",
        "/media/figures/page.html",
        "/media/../reviewsite/settings.py",
        "/media/%2e%2e/%2e%2e/etc/passwd.jpg",
        "/media/figures/notes.txt",
    ],
)
def test_anything_but_a_stored_photo_is_refused(client, path):
    default_storage.save("figures/page.html", ContentFile(b"<script>alert(1)</script>"))
    default_storage.save("figures/notes.txt", ContentFile(b"private"))
    assert client.get(path).status_code in (400, 404)  # 400: Django's own path checks


def test_only_get_and_head(client):
    figure = make_figure(make_review())
    assert client.head(figure.image.url).status_code == 200
    assert client.post(figure.image.url).status_code == 405
