"""Attacks on the site's URLs, headers and staff forms: refused clearly, nothing written.

Reader forms (poll, comments, reports) have their own attack cases next to this file.
"""

import io
import os
import wsgiref.util

import pytest
from django.test import Client
from PIL import Image

from polls.models import Vote
from reviews.models import Figure, Review, Section
from tests.factories import image_bytes, make_credit, make_figure, make_review, upload
from tests.forms import form_data, post_figure
from tests.security.hostile import NOT_FOUND, UNREADABLE

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture
def review():
    return make_review()


class TestInjectionInStaffFields:
    """A staff account can be phished; what it types must still never run in a reader's page."""

    @pytest.mark.parametrize("payload", [SCRIPT, IMG])
    @pytest.mark.parametrize(
        "field", ["headline", "standfirst", "verdict", "work_title", "based_on"]
    )
    def test_review_fields_render_escaped_everywhere(self, client, payload, field):
        review = make_review(**{field: f"Title {payload}"})
        make_figure(review, position=0)
        for url in ["/", review.get_absolute_url(), "/feed/", "/feed/atom/", "/search/?q=Title"]:
            body = client.get(url).content.decode()
            assert payload not in body, (field, url)

    @pytest.mark.parametrize("payload", [SCRIPT, IMG])
    def test_captions_credits_alt_text_headings_and_cast_render_escaped(self, client, payload):
        review = make_review()
        make_figure(
            review,
            position=0,
            caption=f"C {payload}",
            credit=f"K {payload}",
            alt_text=f'A " onload="alert(1) {payload}',
        )
        Section.objects.create(review=review, order=9, heading=f"H {payload}", body=payload)
        make_credit(review, person=f"P {payload}", role=f"R {payload}")
        body = client.get(review.get_absolute_url()).content.decode()
        assert payload not in body
        assert 'onload="alert(1)' not in body
        assert body.count("&lt;") >= 6

    def test_admin_changelist_shows_hostile_headlines_escaped(self, client, editor):
        make_review(headline=SCRIPT)
        client.force_login(editor)
        assert SCRIPT not in client.get("/admin/reviews/review/").content.decode()


class TestRequestForgery:
    def test_admin_post_without_csrf_token_is_refused_readably(self, editor, review):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        response = client.post(
            "/admin/reviews/review/",
            {"action": "unpublish_selected", "_selected_action": [review.pk]},
        )
        assert response.status_code == 403
        assert "Please send the form again" in response.content.decode()
        assert Review.objects.get(pk=review.pk).is_live

    def test_admin_post_with_a_forged_csrf_token_is_refused(self, editor, review):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        client.cookies["csrftoken"] = "a" * 32
        response = client.post(
            "/admin/reviews/review/",
            {
                "action": "unpublish_selected",
                "_selected_action": [review.pk],
                "csrfmiddlewaretoken": "b" * 32,
            },
        )
        assert response.status_code == 403
        assert Review.objects.get(pk=review.pk).is_live


class TestHostAndHeaders:
    def test_a_foreign_host_header_is_refused(self, client):
        response = client.get("/", HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert "evil.example" not in response.content.decode()

    def test_forwarded_host_cannot_poison_canonical_links(self, client, review):
        body = client.get(
            review.get_absolute_url(), HTTP_X_FORWARDED_HOST="evil.example"
        ).content.decode()
        assert "evil.example" not in body

    @pytest.mark.parametrize(
        "host",
        [
            "testserver\r\nSet-Cookie: owned=1",
            "testserver@evil.example",
            "evil.example#testserver",
            "testserver:80:80",
            "testserver.evil.example",
            "<script>alert(1)</script>",
            "%00",
        ],
    )
    def test_a_malformed_or_foreign_host_is_a_readable_400_and_writes_nothing(
        self, client, review, host
    ):
        choice = review.poll.choices.first().pk
        for response in (
            client.get(review.get_absolute_url(), HTTP_HOST=host),
            client.post(f"/reviews/{review.slug}/poll/vote/", {"choice": choice}, HTTP_HOST=host),
        ):
            html = response.content.decode()
            assert response.status_code == 400
            assert UNREADABLE in html
            assert "evil.example" not in html and "<script>alert" not in html
            assert "owned" not in response.cookies
        assert not Vote.objects.exists()

    @pytest.mark.parametrize("value", ["abc\r\nSet-Cookie: owned=1", "<script>", "x" * 500])
    def test_request_id_header_cannot_inject_headers(self, client, value):
        response = client.get("/healthz", HTTP_X_REQUEST_ID=value)
        assert response["X-Request-ID"] != value
        assert "owned" not in response.cookies


class TestRequestCharset:
    """Django decodes the query string and form fields with any charset the request's
    Content-Type names. Through gunicorn, i.e. the site's WSGI application, not the test
    client (which builds Django's own request class)."""

    @staticmethod
    def serve(method: str, content_type: str, body: bytes = b"") -> tuple[str, bytes]:
        from reviewsite.wsgi import application

        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": "/robots.txt",
            "QUERY_STRING": "utm_source=" + "a" * 70,
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        wsgiref.util.setup_testing_defaults(environ)
        status = []
        chunks = application(environ, lambda code, headers, *exc: status.append(code))
        return status[0], b"".join(chunks)

    @pytest.mark.parametrize(
        "charset", ["rot13", "base64", "zlib", "undefined", "punycode", "idna", "utf-16"]
    )
    def test_a_charset_that_cannot_read_the_url_is_ignored(self, charset):
        status, body = self.serve("GET", f"text/plain; charset={charset}")
        assert status == "200 OK"
        assert b"User-agent: *" in body

    def test_a_form_in_a_bogus_charset_is_refused_readably(self):
        status, body = self.serve(
            "POST", "multipart/form-data; boundary=X; charset=rot13", b"--X--\r\n"
        )
        assert status.startswith("403")  # the CSRF check read the form as UTF-8
        assert "Please send the form again" in body.decode()


class TestRedirects:
    @pytest.mark.parametrize(
        "target",
        [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "javascript:alert(1)",
            "https:evil.example",
        ],
    )
    def test_login_never_redirects_off_site(self, client, editor, target):
        response = client.post(
            f"/admin/login/?next={target}",
            {"username": "editor", "password": "correct horse battery", "next": target},
        )
        assert response.status_code == 302
        assert "evil.example" not in response["Location"]
        assert not response["Location"].startswith("javascript")


class TestUrls:
    @pytest.mark.parametrize(
        "path",
        [
            "/media/../reviewsite/settings.py",
            "/media/%2e%2e/%2e%2e/etc/passwd",
            "/media/figures/../../manage.py",
            "/media/figures/x.html",
            "/media/figures/x.svg",
            "/media//etc/passwd",
            "/media/figures/%00.jpg",
        ],
    )
    def test_path_traversal_and_non_image_media_are_404(self, client, path):
        response = client.get(path)
        assert response.status_code in (400, 404)
        assert b"SECRET_KEY" not in response.content and b"root:" not in response.content

    @pytest.mark.parametrize(
        "path",
        [
            "/media/../secret.jpg",
            "/media/%2e%2e/secret.jpg",
            "/media/..%2fsecret.jpg",
            "/media/figures/..%2f..%2fsecret.jpg",
            "/media/%2e%2e%2fsecret.jpg",
            "/media/..%5csecret.jpg",
            "/media/%252e%252e/secret.jpg",
            "/media/....//secret.jpg",
            "/media/.%2e/secret.jpg",
            "/media//{outside}/secret.jpg",
        ],
    )
    def test_traversal_never_reaches_a_photo_outside_the_media_folder(self, client, settings, path):
        secret = image_bytes(size=(20, 20))
        (settings.MEDIA_ROOT / "figures").mkdir(parents=True)
        (settings.MEDIA_ROOT / "figures" / "inside.jpg").write_bytes(secret)
        (settings.MEDIA_ROOT.parent / "secret.jpg").write_bytes(secret)
        assert client.get("/media/figures/inside.jpg").status_code == 200  # the control
        response = client.get(path.format(outside=str(settings.MEDIA_ROOT.parent).lstrip("/")))
        assert response.status_code in (400, 404)
        assert (NOT_FOUND if response.status_code == 404 else UNREADABLE) in (
            response.content.decode()
        )

    @pytest.mark.parametrize(
        "path",
        [
            "/reviews/' OR 1=1 --/",
            "/reviews/%00/",
            "/genres/%27%3B%20DROP%20TABLE%20x%3B--/",
            "/authors/admin'--/",
            "/reviews/" + "a" * 3000 + "/",
            "/search/?q=%ff%fe",
            "/?page=%00",
            "/search/?q=%00&page=-1",
        ],
    )
    def test_malformed_urls_answer_without_error(self, client, review, path):
        assert client.get(path).status_code in (200, 400, 404)
        assert Review.objects.filter(pk=review.pk).exists()

    @pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
    def test_wrong_methods_get_a_readable_405(self, client, review, method):
        response = getattr(client, method)(review.get_absolute_url())
        assert response.status_code == 405
        assert "doesn’t work that way" in response.content.decode()
        assert "GET" in response["Allow"]
        assert Review.objects.get(pk=review.pk).headline == review.headline


class TestStaffOnlyUrls:
    def test_readers_cannot_reach_drafts_through_preview_or_admin(self, client, reader):
        draft = make_review(published=False, headline="Embargoed scoop")
        client.force_login(reader)
        for url in [draft.get_preview_url(), f"/admin/reviews/review/{draft.pk}/change/"]:
            response = client.get(url)
            assert response.status_code in (302, 403, 404), url
            assert "Embargoed scoop" not in response.content.decode()

    def test_admin_add_form_round_trip_keeps_text_on_error(self, client, editor):
        client.force_login(editor)
        data = form_data(client.get("/admin/reviews/review/add/").content.decode(), "review_form")
        data |= {"headline": "My unsaved headline", "standfirst": "", "slug": "bad slug!"}
        body = client.post("/admin/reviews/review/add/", data).content.decode()
        assert "My unsaved headline" in body and not Review.objects.exists()


class TestStaffBodies:
    """Staff forms have no reader body limit, only Django's own (DATA_UPLOAD_MAX_*)."""

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"username": "x" * 3_000_000, "password": "y"}, "too large"),
            ({f"f{i}": "1" for i in range(1200)}, UNREADABLE),
        ],
        ids=["a 3 MB field", "too many fields"],
    )
    def test_the_login_form_refuses_an_oversized_body_readably(self, client, data, message):
        response = client.post("/admin/login/", data)
        assert response.status_code == 400
        assert message in response.content.decode()

    def test_the_admin_still_takes_photos_larger_than_a_reader_form(self, client, editor, review):
        noise = io.BytesIO()
        Image.frombytes("RGB", (400, 400), os.urandom(400 * 400 * 3)).save(noise, format="PNG")
        assert len(noise.getvalue()) > 300_000
        client.force_login(editor)
        response = post_figure(client, review, upload("big.png", noise.getvalue(), "image/png"))
        assert response.status_code == 302
        assert Figure.objects.filter(review=review).exists()
