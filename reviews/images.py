"""Uploaded photos: checked by content, cleaned, and cut into responsive renditions.

Our own small module rather than sorl-thumbnail or easy-thumbnails: those make
thumbnails lazily on a reader's request and name files after the upload, while we want
every rendition made once when the editor saves, EXIF stripped, and file names derived
from content so their URLs can be cached forever.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

from infra import media
from infra.media import STORAGE_ERRORS

#: Pillow format name → (file extension, content type, save options) for the cleaned original.
ACCEPTED = {
    "JPEG": ("jpg", "image/jpeg", {"quality": 92, "optimize": True, "progressive": True}),
    "PNG": ("png", "image/png", {"optimize": True}),
    "WEBP": ("webp", "image/webp", {"quality": 90, "method": 4}),
}
RENDITION_WIDTHS = (480, 800, 1200)
RENDITION_QUALITY = 80
UPLOAD_DIR = "figures"


class PreparedImage(ContentFile):
    """An upload that passed every check, re-encoded without metadata.

    It carries its content type, so an object store gets the right one whatever its
    guesses from the name would be.
    """

    def __init__(self, content: bytes, *, width: int, height: int, fmt: str):
        ext, self.content_type, _ = ACCEPTED[fmt]
        self.digest = hashlib.sha256(content).hexdigest()[:24]
        super().__init__(content, name=f"{UPLOAD_DIR}/{self.digest}.{ext}")
        self.data = content
        self.width = width
        self.height = height


class StorageFailed(Exception):
    """The media storage failed while a photo was stored; nothing of it was kept."""


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    name: str
    bytes: int


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def prepare(upload) -> PreparedImage:
    """Check an uploaded file and return its cleaned copy, or raise ValidationError.

    The byte and pixel caps are checked before any pixel is decoded, and Pillow's
    decompression-bomb warning is an error, so a huge or hostile file costs nothing.
    """
    if isinstance(upload, PreparedImage):
        return upload
    max_bytes = settings.IMAGE_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise _refuse(
            f"This file is {filesizeformat(upload.size)}; photos may be at most "
            f"{filesizeformat(max_bytes)}.",
            "too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _refuse(f"Photos may be at most {filesizeformat(max_bytes)}.", "too_large")
    if not data:
        raise _refuse("The file is empty.", "empty")

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            fmt = probe.format
            if fmt not in ACCEPTED:
                raise _refuse(
                    "This is not a JPEG, PNG or WebP image. Other formats, SVG included, "
                    "are not accepted.",
                    "format",
                )
            width, height = probe.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise _refuse(
                    f"This image is {width:,} × {height:,} pixels; photos may have at most "
                    f"{settings.IMAGE_MAX_PIXELS / 1e6:g} million pixels.",
                    "too_many_pixels",
                )
            if getattr(probe, "n_frames", 1) > 1:
                raise _refuse("Animated images are not accepted; upload a still.", "animated")
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(
                f"This image has too many pixels; photos may have at most "
                f"{settings.IMAGE_MAX_PIXELS / 1e6:g} million pixels.",
                "too_many_pixels",
            ) from None
        except UnidentifiedImageError:
            raise _refuse(
                "This file is not an image we can read. Upload a JPEG, PNG or WebP photo.",
                "invalid",
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            # Truncated, corrupt or malformed files surface as any of these.
            raise _refuse(
                "This image file is damaged or incomplete. Export it again and re-upload.",
                "corrupt",
            ) from None

    icc_profile = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)  # keep the orientation EXIF was carrying
    options = ACCEPTED[fmt][2]
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif fmt == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    elif fmt == "PNG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    # No exif= and no xmp=: Pillow writes neither unless asked, so GPS and camera
    # data are gone. The colour profile is kept so colours stay right.
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    image.save(out, format=fmt, **options, **extra)
    return PreparedImage(out.getvalue(), width=image.width, height=image.height, fmt=fmt)


def store(storage: Storage, prepared: PreparedImage) -> list[Rendition]:
    """Save the cleaned original and its renditions next to it: all of them, or none.

    Identical content shares its files. If the storage fails part-way, the files this
    call wrote are deleted again and StorageFailed names the storage and what went wrong.
    """
    written = []
    try:
        if not storage.exists(prepared.name) and _save(storage, prepared.name, prepared):
            written.append(prepared.name)
        renditions, image = [], None
        for planned in plan_renditions(prepared):
            if storage.exists(planned.name):
                size = storage.size(planned.name)
            else:
                if image is None:
                    image = _decode(prepared)
                content = _encode(image, planned)
                size = content.size
                if _save(storage, planned.name, content):
                    written.append(planned.name)
            renditions.append(dataclasses.replace(planned, bytes=size))
    except STORAGE_ERRORS as error:
        for name in written:
            with contextlib.suppress(*STORAGE_ERRORS):
                storage.delete(name)
        raise StorageFailed(
            f"The photo could not be stored in {media.describe(storage)}: "
            f"{media.reason(error)}. Nothing was saved; try again, and tell the "
            "site's administrator if it keeps failing."
        ) from error
    return renditions


def rendition_name(original_name: str, width: int) -> str:
    stem = original_name.rsplit(".", 1)[0]
    return f"{stem}-{width}w.webp"


def plan_renditions(prepared: PreparedImage) -> list[Rendition]:
    """The WebP renditions of an original, narrowest first (sizes still unknown).

    Widths wider than the original are skipped and the original's own width is added
    instead, so a small photo is never upscaled.
    """
    widths = [w for w in RENDITION_WIDTHS if w <= prepared.width] or [prepared.width]
    if prepared.width < RENDITION_WIDTHS[-1] and prepared.width not in widths:
        widths.append(prepared.width)
    return [
        Rendition(
            width=width,
            height=max(1, round(prepared.height * width / prepared.width)),
            name=rendition_name(prepared.name, width),
            bytes=0,
        )
        for width in widths
    ]


def _decode(prepared: PreparedImage) -> Image.Image:
    image = Image.open(io.BytesIO(prepared.data))
    image.load()
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    return image


def _encode(image: Image.Image, rendition: Rendition) -> ContentFile:
    resized = image.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    resized.save(out, format="WEBP", quality=RENDITION_QUALITY, method=4)
    content = ContentFile(out.getvalue())
    content.content_type = "image/webp"
    return content


def _save(storage: Storage, name: str, content: ContentFile) -> bool:
    """Write a file; True when it landed under its own name (and so is ours to undo)."""
    saved = storage.save(name, content)
    if saved != name:  # another process wrote the same photo first: keep its file
        storage.delete(saved)
        return False
    return True
