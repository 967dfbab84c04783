"""Uploads are judged by content; bad ones are refused with a form error and cost nothing."""

import io
import os
import struct
import zlib

import pytest
from PIL import Image
from reversion.models import Revision

from reviews.models import Figure, Review
from tests.factories import image_bytes, make_review, upload
from tests.forms import post_figure

pytestmark = pytest.mark.django_db


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb's calling card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 40.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def review(client, editor):
    client.force_login(editor)
    return make_review()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("holiday.jpg", b"This is plain text, not a photo.", "not an image we can read"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not an image we can read",
        ),
        ("page.png", b"<html><body><script>alert(1)</script></body></html>", "not an image"),
        ("huge.png", png_claiming(20_000, 20_000), "too many pixels"),
        ("hundred-megapixels.png", png_claiming(10_000, 10_000), "too many pixels"),
        ("cut.jpg", image_bytes()[:2000], "damaged or incomplete"),
        ("anim.gif", image_bytes("GIF"), "not a JPEG, PNG or WebP"),
        ("empty.jpg", b"", "empty"),
    ],
)
def test_bad_upload_gives_a_form_error_and_saves_nothing(client, review, name, content, message):
    response = post_figure(client, review, upload(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Figure.objects.exists()
    assert Review.objects.get(pk=review.pk).headline == review.headline


def test_over_the_byte_cap_is_refused(client, review, settings):
    settings.IMAGE_MAX_BYTES = 50_000
    noise = Image.frombytes("RGB", (400, 400), os.urandom(400 * 400 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert len(out.getvalue()) > 50_000
    response = post_figure(client, review, upload("big.png", out.getvalue()))
    assert response.status_code == 200
    assert "photos may be at most" in response.content.decode()
    assert not Figure.objects.exists()


def test_location_and_camera_data_are_stripped(client, review, settings):
    source = jpeg_with_gps()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(0x8825)  # the test file has GPS
    response = post_figure(client, review, upload("gps.jpg", source))
    assert response.status_code == 302
    figure = Figure.objects.get()
    with figure.image.open("rb") as stored:
        exif = Image.open(stored).getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif


def test_accepted_formats_keep_their_original_and_get_webp_renditions(client, review):
    for fmt, ext in [("PNG", "png"), ("WEBP", "webp"), ("JPEG", "jpg")]:
        Figure.objects.all().delete()
        response = post_figure(client, review, upload(f"photo.{ext}", image_bytes(fmt)))
        assert response.status_code == 302, fmt
        figure = Figure.objects.get()
        assert figure.image.name.endswith(f".{ext}")
        assert "photo" not in figure.image.name  # stored names never echo the upload's
        assert [r["width"] for r in figure.renditions] == [480, 800, 1200]
        for rendition in figure.renditions:
            with figure.image.storage.open(rendition["name"]) as handle:
                assert Image.open(handle).format == "WEBP"


def test_small_photo_is_never_upscaled(client, review):
    post_figure(client, review, upload("small.jpg", image_bytes(size=(640, 360))))
    assert [r["width"] for r in Figure.objects.get().renditions] == [480, 640]


@pytest.mark.parametrize(("width", "widths"), [(1200, [480, 800, 1200]), (800, [480, 800])])
def test_a_photo_exactly_a_renditions_width_gets_that_rendition(client, review, width, widths):
    post_figure(client, review, upload("exact.jpg", image_bytes(size=(width, 600))))
    assert [r["width"] for r in Figure.objects.get().renditions] == widths


def test_deleting_a_figure_no_revision_uses_deletes_its_files(
    client, review, django_capture_on_commit_callbacks
):
    post_figure(client, review, upload("a.jpg"))
    Revision.objects.all().delete()
    figure = Figure.objects.get()
    names = figure.file_names()
    storage = figure.image.storage
    assert all(storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        figure.delete()
    assert not any(storage.exists(n) for n in names)
