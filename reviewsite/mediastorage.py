"""Where uploaded media live: a folder (the default) or an S3-compatible bucket.

Settings build STORAGES["default"] here, and the apps use only Django's storage API. This
is the one module that tells the two backends apart, to name the storage in an error.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from infra.media import CACHE_CONTROL
from reviewsite import env

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_REGION = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")  # AWS names, "auto" (R2), "garage"…
_PAIR = ("MEDIA_S3_ACCESS_KEY_ID", "MEDIA_S3_SECRET_ACCESS_KEY")


def from_environment() -> tuple[dict, str]:
    """(STORAGES["default"], MEDIA_URL) from DJANGO_MEDIA_URL and the MEDIA_S3_* variables.

    Without MEDIA_S3_BUCKET, files live under MEDIA_ROOT; with it, in that bucket. A
    malformed or half-given S3 setting stops start-up naming the variable.
    """
    media_url = env.string("DJANGO_MEDIA_URL")
    if media_url and not media_url.endswith("/"):
        env.fail("DJANGO_MEDIA_URL", "must end with a slash.")
    bucket = env.string("MEDIA_S3_BUCKET")
    s3 = {
        "endpoint_url": env.parsed(
            "MEDIA_S3_ENDPOINT_URL",
            "",
            _endpoint,
            "use http(s)://host[:port], e.g. http://127.0.0.1:9000; leave it empty for AWS.",
        ),
        "region": env.string("MEDIA_S3_REGION"),
        "access_key": env.string(_PAIR[0]),
        "secret_key": env.string(_PAIR[1]),
    }
    if not bucket:
        names = ["MEDIA_S3_ENDPOINT_URL", "MEDIA_S3_REGION", *_PAIR]
        for name, value in zip(names, s3.values(), strict=True):
            if value:
                env.fail(name, "is set but MEDIA_S3_BUCKET is not: name the bucket to use S3.")
        return LOCAL, media_url or "/media/"
    if not _BUCKET.fullmatch(bucket):
        env.fail("MEDIA_S3_BUCKET", f"must be a bucket name (3-63 of a-z 0-9 . -), not {bucket!r}.")
    if s3["region"] and not _REGION.fullmatch(s3["region"]):
        env.fail("MEDIA_S3_REGION", f"must be a region such as eu-west-1, not {s3['region']!r}.")
    if bool(s3["access_key"]) != bool(s3["secret_key"]):
        given, missing = _PAIR if s3["access_key"] else _PAIR[::-1]
        env.fail(missing, f"is missing: set it together with {given}, or neither.")
    if media_url and not re.match(r"https?://[^/]+/", media_url):
        env.fail("DJANGO_MEDIA_URL", "must be an absolute http(s):// URL with MEDIA_S3_BUCKET.")
    public = (
        media_url
        or bucket_url(bucket=bucket, endpoint_url=s3["endpoint_url"], region=s3["region"]) + "/"
    )
    return s3_storage(bucket=bucket, public_url=public, **s3), public


def is_local(storage: dict) -> bool:
    return storage["BACKEND"] == LOCAL["BACKEND"]


def _endpoint(value: str) -> str:
    """An endpoint is a scheme, host and port; the bucket has its own variable."""
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/"):
        raise ValueError(value)
    _ = parts.port  # raises ValueError for a malformed port
    return value.rstrip("/")


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    public_url: str = "",
) -> dict:
    """STORAGES["default"] for a bucket, whose public URLs need no network call.

    URLs are built from ``custom_domain`` by string formatting (no presigning), so
    rendering a page never talks to the bucket. Objects are written with a year-long
    immutable Cache-Control; the content type comes from the file (see images.py).
    """
    from botocore.config import Config

    base = public_url or bucket_url(bucket=bucket, endpoint_url=endpoint_url, region=region)
    scheme, _, rest = base.rstrip("/").partition("://")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            # None lets boto3 find credentials itself (AWS_* variables, an instance role).
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "custom_domain": rest,
            "url_protocol": f"{scheme}:",
            "querystring_auth": False,
            "file_overwrite": True,  # same name, same bytes: nothing to protect
            "object_parameters": {"CacheControl": CACHE_CONTROL},
            # An editor waits on these calls: give up in seconds, not minutes.
            "client_config": Config(
                s3={"addressing_style": "path" if endpoint_url else "auto"},
                signature_version="s3v4",
                connect_timeout=5,
                read_timeout=20,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }


def bucket_url(*, bucket: str, endpoint_url: str = "", region: str = "") -> str:
    """The bucket's own public base URL: path-style on an S3-compatible endpoint."""
    if endpoint_url:
        return f"{endpoint_url.rstrip('/')}/{bucket}"
    host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
    return f"https://{bucket}.{host}"
