"""Photos live in the configured storage, a folder or an S3 bucket, and nowhere else.

Each behaviour runs on both backends: a folder under MEDIA_ROOT, and a real bucket in
moto's S3 server. Uploads, replacements and deletions go through the admin's real forms;
the review page's <img> URLs are fetched like a browser would.
"""

import io
import re
import socket
from pathlib import Path

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from PIL import Image
from reversion.models import Revision

from infra.media import CACHE_CONTROL
from reviews import images
from reviews.models import Figure
from reviewsite import mediastorage
from tests.factories import image_bytes, make_figure, make_review, upload
from tests.forms import form_data, image_urls, post_figure

pytestmark = pytest.mark.django_db

CDN = "https://cdn.example.com/media/"


class LocalMedia:
    """MEDIA_ROOT, served by the site's own media view."""

    def __init__(self, settings, client):
        self.settings, self.client = settings, client

    def names(self) -> set[str]:
        root = Path(self.settings.MEDIA_ROOT)
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}

    def fetch(self, url: str):
        response = self.client.get(url)
        body = b"".join(response.streaming_content) if response.status_code == 200 else b""
        return response.status_code, response.headers, body

    def use_public_url(self, url: str) -> None:
        self.settings.MEDIA_URL = url


class S3Media:
    """A bucket in moto, read with boto3 and fetched over HTTP like a browser would."""

    def __init__(self, bucket, settings):
        self.bucket, self.settings = bucket, settings

    def names(self) -> set[str]:
        return self.bucket.names()

    def fetch(self, url: str):
        response = requests.get(url, timeout=10)
        return response.status_code, response.headers, response.content

    def use_public_url(self, url: str) -> None:
        self.settings.STORAGES = self.settings.STORAGES | {
            "default": self.bucket.storage(public_url=url)
        }


@pytest.fixture(params=["local", "s3"])
def media(request, settings, client):
    if request.param == "s3":
        return S3Media(request.getfixturevalue("s3_bucket"), settings)
    return LocalMedia(settings, client)


@pytest.fixture
def review(client, editor):
    client.force_login(editor)
    return make_review()


def page_image_urls(client, review) -> set[str]:
    """The image URLs of the review page, as a reader gets it."""
    client.logout()
    return image_urls(client.get(review.get_absolute_url()).content.decode())


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


class TestUpload:
    def test_original_and_every_rendition_are_stored_and_the_page_points_at_them(
        self, client, review, media
    ):
        response = post_figure(client, review, upload("lead.jpg"))
        assert response.status_code == 302
        figure = Figure.objects.get()
        assert len(figure.renditions) == 3
        assert media.names() == figure.file_names()  # the original and its 3 renditions

        urls = page_image_urls(client, review)
        expected = {default_storage.url(r["name"]) for r in figure.renditions}
        assert urls == expected
        for name in (r["name"] for r in figure.renditions):
            status, headers, body = media.fetch(default_storage.url(name))
            assert status == 200
            assert headers["Content-Type"] == "image/webp"
            assert headers["Cache-Control"] == CACHE_CONTROL
            assert body == stored_bytes(name)
            assert Image.open(io.BytesIO(body)).format == "WEBP"
        status, headers, body = media.fetch(figure.image.url)
        assert (status, headers["Content-Type"]) == (200, "image/jpeg")

    def test_replacing_the_photo_keeps_the_old_files_until_no_revision_uses_them(
        self, client, review, media, django_capture_on_commit_callbacks
    ):
        post_figure(client, review, upload("first.jpg", image_bytes(colour=(10, 20, 30))))
        old = Figure.objects.get().file_names()
        with django_capture_on_commit_callbacks(execute=True):
            response = post_figure(
                client, review, upload("second.png", image_bytes("PNG", colour=(200, 10, 10)))
            )
        assert response.status_code == 302
        figure = Figure.objects.get()
        assert figure.image.name.endswith(".png")
        assert media.names() == figure.file_names() | old  # the first revision uses them
        Revision.objects.all().delete()  # as `manage.py deleterevisions` would
        call_command("media_orphans", "--delete", "--min-age", "0", stdout=io.StringIO())
        assert media.names() == figure.file_names()

    def test_deleting_the_figure_leaves_no_file_behind_once_no_revision_uses_it(
        self, client, review, media, django_capture_on_commit_callbacks
    ):
        post_figure(client, review, upload("doomed.jpg"))
        assert len(media.names()) == 4
        with django_capture_on_commit_callbacks(execute=True):
            response = post_figure(client, review, None, **{"figures-0-DELETE": "on"})
        assert response.status_code == 302
        assert not Figure.objects.exists()
        assert len(media.names()) == 4  # the revision before the deletion can restore it
        Revision.objects.all().delete()
        call_command("media_orphans", "--delete", "--min-age", "0", stdout=io.StringIO())
        assert media.names() == set()

    def test_a_photo_two_figures_share_stays_until_the_last_one_goes(
        self, media, django_capture_on_commit_callbacks
    ):
        same = image_bytes(colour=(1, 2, 3))
        first = Figure.objects.create(
            review=make_review(), image=upload(content=same), alt_text="One"
        )
        second = Figure.objects.create(
            review=make_review(), image=upload(content=same), alt_text="Two"
        )
        assert first.image.name == second.image.name
        with django_capture_on_commit_callbacks(execute=True):
            first.delete()
        assert media.names() == second.file_names()
        with django_capture_on_commit_callbacks(execute=True):
            second.delete()
        assert media.names() == set()

    def test_a_refused_submission_holds_the_photo_until_the_save_succeeds(
        self, client, review, media, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_figure(client, review, upload("ok.jpg"), headline="")
        assert response.status_code == 200
        html = response.content.decode()
        assert "This field is required" in html
        assert "Chosen and kept" in html
        assert not Figure.objects.exists()
        held = set(media.names())
        assert len(held) == 4  # stored once, with its renditions
        # Sent again as the page now holds it: no file chosen, the photo comes along.
        data = form_data(html, form_id="review_form") | {"headline": "Fixed"}
        assert data["figures-0-kept"] and not data.get("figures-0-image")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/admin/reviews/review/{review.pk}/change/", data)
        assert response.status_code == 302
        assert Figure.objects.get().file_names() == held == media.names()

    def test_a_forged_kept_photo_is_ignored(self, client, review, media):
        response = post_figure(client, review, None, **{"figures-0-kept": "figures/x.jpg:forged"})
        assert response.status_code == 200 and "This field is required" in response.content.decode()
        assert not Figure.objects.exists()

    def test_abandoned_held_photos_are_orphans(self, client, review, media):
        post_figure(client, review, upload("ok.jpg"), headline="")
        call_command("media_orphans", "--delete", "--min-age", "0", stdout=io.StringIO())
        assert media.names() == set()


class TestPublicUrls:
    def test_img_src_and_srcset_use_a_cdn_media_url(self, client, review, media):
        make_figure(review, position=0)
        media.use_public_url(CDN)
        urls = page_image_urls(client, review)
        assert len(urls) == 3
        assert all(url.startswith(CDN + "figures/") for url in urls), urls


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again on return: nothing listens there


@pytest.fixture
def unreachable_bucket(settings):
    endpoint = f"http://127.0.0.1:{closed_port()}"
    settings.STORAGES = settings.STORAGES | {
        "default": mediastorage.s3_storage(
            bucket="newsroom-media", endpoint_url=endpoint, access_key="k", secret_key="s"
        )
    }
    return endpoint


class TestStorageFailures:
    def test_unreachable_bucket_is_a_form_error_naming_it_and_nothing_is_saved(
        self, client, review, unreachable_bucket
    ):
        response = post_figure(
            client, review, upload("lead.jpg"), **{"figures-0-caption": "Kept caption"}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "could not be stored in the S3 bucket “newsroom-media”" in html
        assert unreachable_bucket in html and "MEDIA_S3_ENDPOINT_URL" in html
        assert 'value="Kept caption"' in html  # what the editor typed is still there
        assert not Figure.objects.exists()

    def test_missing_bucket_is_a_form_error_with_the_reason(self, client, review, moto, settings):
        settings.STORAGES = settings.STORAGES | {
            "default": mediastorage.s3_storage(
                bucket="no-such-bucket", endpoint_url=moto.url, access_key="k", secret_key="s"
            )
        }
        response = post_figure(client, review, upload("lead.jpg"))
        assert response.status_code == 200
        assert "NoSuchBucket" in response.content.decode()
        assert not Figure.objects.exists()

    def test_readers_see_the_page_while_the_bucket_is_down(self, client, unreachable_bucket):
        # Rendering only computes URLs: no request on a reader's path talks to storage.
        review = make_review()
        Figure.objects.create(
            review=review,
            image="figures/abc.jpg",
            alt_text="A",
            width=800,
            height=450,
            renditions=[{"width": 480, "height": 270, "name": "figures/abc-480w.webp"}],
        )
        response = client.get(review.get_absolute_url())
        assert response.status_code == 200
        assert f"{unreachable_bucket}/newsroom-media/figures/abc-480w.webp 480w" in (
            response.content.decode()
        )

    def test_a_storage_failing_part_way_keeps_none_of_the_photo(self, media, monkeypatch):
        storage = storages["default"]
        real_save, saved = storage._save, []

        def save_then_fail(name, content):
            if saved:
                raise OSError(28, "No space left on device")
            saved.append(real_save(name, content))
            return saved[-1]

        monkeypatch.setattr(storage, "_save", save_then_fail)
        with pytest.raises(images.StorageFailed, match="No space left on device"):
            images.store(storage, images.prepare(upload()))
        assert saved and media.names() == set()


class TestOrphans:
    def run(self, *args) -> str:
        out = io.StringIO()
        call_command("media_orphans", *args, stdout=out)
        return out.getvalue()

    def test_lists_then_deletes_files_no_figure_references(self, media):
        figure = make_figure(make_review())
        orphan = "figures/0123456789abcdef01234567-480w.webp"
        default_storage.save(orphan, ContentFile(b"left by an older version"))
        listed = self.run("--min-age=0")
        assert orphan in listed and figure.image.name not in listed
        assert orphan in media.names()  # listing deletes nothing

        assert orphan in self.run("--min-age=0", "--delete")
        assert media.names() == figure.file_names()
        assert "No orphaned" in self.run("--min-age=0")

    def test_leaves_fresh_files_alone_an_upload_may_be_in_progress(self, media):
        orphan = "figures/fedcba9876543210fedcba98.jpg"
        default_storage.save(orphan, ContentFile(b"being uploaded"))
        output = self.run("--delete")
        assert orphan not in output and "1 newer" in output
        assert orphan in media.names()

    def test_works_before_anything_was_ever_uploaded(self, media):
        assert "No orphaned" in self.run()


def test_object_metadata_in_the_bucket(client, review, s3_bucket):
    post_figure(client, review, upload("lead.jpg"))
    figure = Figure.objects.get()
    for name in figure.file_names():
        head = s3_bucket.client.head_object(Bucket=s3_bucket.name, Key=name)
        assert head["CacheControl"] == CACHE_CONTROL
        assert head["ContentType"] == ("image/jpeg" if name.endswith(".jpg") else "image/webp")
    assert re.fullmatch(r"figures/[0-9a-f]{24}\.jpg", figure.image.name)
