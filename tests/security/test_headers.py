"""Every response carries the security headers, admin and errors included."""

import pytest

from tests.factories import make_review

pytestmark = pytest.mark.django_db

PAGES = ["/", "/healthz", "/admin/login/", "/reviews/missing/", "/static/css/site.css"]


@pytest.fixture
def review():
    return make_review()


@pytest.mark.parametrize("path", [*PAGES, "review", "admin-index"])
def test_security_headers_on_every_kind_of_response(client, editor, review, path):
    if path == "review":
        path = review.get_absolute_url()
    if path == "admin-index":
        client.force_login(editor)
        path = "/admin/"
    response = client.get(path)
    assert response.status_code in (200, 404)
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no unsafe-inline, no unsafe-eval
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "http" not in csp  # no third-party origin
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_media_origin_is_allowed_for_images_only_when_configured():
    from tests.site.test_settings import start

    started = start(
        "-c",
        "import django; django.setup(); from csp.utils import build_policy; print(build_policy())",
        DJANGO_MEDIA_URL="https://media.example.net/photos/",
    )
    csp = started.stdout.strip()
    img = next(d for d in csp.split("; ") if d.startswith("img-src"))
    assert "https://media.example.net" in img
    assert csp.count("https://media.example.net") == 1


def test_every_response_has_a_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first and second and first != second


def test_the_health_check_answers_a_probe_by_address_where_pages_refuse_that_host(client, settings):
    """Varnish's probe and a load balancer ask for /healthz as Host: 127.0.0.1; a
    production ALLOWED_HOSTS names the site. The check answers them (a 400 made Varnish
    take a healthy site for a dead one); every page still refuses the unknown host."""
    settings.ALLOWED_HOSTS = ["reviews.example.com"]
    probe = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert probe.status_code == 200 and probe.json() == {"status": "ok", "database": "up"}
    assert "frame-ancestors 'none'" in probe["Content-Security-Policy"]
    assert client.get("/", HTTP_HOST="127.0.0.1").status_code == 400
    assert client.get("/healthz", HTTP_HOST="reviews.example.com").status_code == 200
