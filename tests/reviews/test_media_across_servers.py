"""With the bucket settings given, an editor uploads a photo through one app server and
readers see it through another: two gunicorn processes, one database, one bucket."""

import pytest
import requests

from reviews.models import Figure
from reviewsite.roles import EDITORS
from tests import servers
from tests.factories import image_bytes, make_review, make_user
from tests.forms import form_data, image_urls

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long desk password 42"


def test_photo_uploaded_through_one_server_is_served_by_another(
    s3_bucket, settings, production_env
):
    # The servers check passwords with Django's real hasher, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    editor = make_user("desk", groups=[EDITORS], is_staff=True, password=PASSWORD)
    review = make_review(headline="Seen from both servers")
    env = production_env | servers.shared_database_env() | s3_bucket.env()

    with servers.app_server(env) as server_a, servers.app_server(env) as server_b:
        session = servers.log_in(server_a.url, editor.username, PASSWORD)
        change = f"{server_a.url}/admin/reviews/review/{review.pk}/change/"
        data = form_data(session.get(change, timeout=10).text, form_id="review_form")
        data |= {
            "figures-TOTAL_FORMS": "1",
            "figures-0-position": "0",
            "figures-0-order": "1",
            "figures-0-alt_text": "A detective studies a wall of photographs.",
        }
        photo = ("wall.jpg", image_bytes(size=(1400, 800), colour=(90, 60, 30)), "image/jpeg")
        response = session.post(
            change,
            data=data,
            files={"figures-0-image": photo},
            headers={"Referer": change},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == 302, response.text[:3000]

        figure = Figure.objects.get()  # written by server A into the shared database
        assert s3_bucket.names() == figure.file_names()
        expected = {
            f"{s3_bucket.endpoint_url}/{s3_bucket.name}/{r['name']}" for r in figure.renditions
        }
        page = review.get_absolute_url()
        on_b = requests.get(server_b.url + page, timeout=10)
        seen_on_b = image_urls(on_b.text)
        # Browsers may load images from the bucket: its origin is in the page's CSP.
        assert (
            f"img-src 'self' data: {s3_bucket.endpoint_url}"
            in on_b.headers["Content-Security-Policy"]
        )
        seen_on_a = image_urls(requests.get(server_a.url + page, timeout=10).text)
        assert seen_on_b == seen_on_a == expected
        for url in seen_on_b:
            image = requests.get(url, timeout=10)
            assert image.status_code == 200
            assert image.headers["Content-Type"] == "image/webp"
            assert image.content[:4] == b"RIFF"
