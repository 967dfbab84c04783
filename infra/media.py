"""Media storage as the apps meet it: which errors mean the storage failed, and how to name
the storage and the failure to staff. Settings choose the storage (reviewsite/mediastorage.py).
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError, ReadTimeoutError
from botocore.exceptions import ConnectionError as BotoConnectionError

#: Media names carry a content hash, so a URL never changes meaning: cache it for a year.
CACHE_CONTROL = "public, max-age=31536000, immutable"

#: What a storage raises when it is full, unreachable, misconfigured or refuses us.
STORAGE_ERRORS: tuple[type[Exception], ...] = (OSError, BotoCoreError, ClientError)


def describe(storage) -> str:
    """Name a storage for staff: which bucket or folder, and the variables that set it."""
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        where = getattr(storage, "endpoint_url", None) or "AWS"
        return f"the S3 bucket “{bucket}” at {where} (MEDIA_S3_BUCKET, MEDIA_S3_ENDPOINT_URL)"
    return f"the media folder {getattr(storage, 'location', '?')} (MEDIA_ROOT)"


def reason(error: Exception) -> str:
    """A storage error in a few words: the S3 error code, or what the system said."""
    if isinstance(error, ClientError):
        detail = error.response.get("Error", {})
        return f"{detail.get('Code', 'error')}: {detail.get('Message', '')}".rstrip(": ")
    if isinstance(error, BotoConnectionError):
        return "no connection to the storage (wrong address, or it is down)"
    if isinstance(error, ReadTimeoutError):
        return "the storage did not answer in time"
    if isinstance(error, BotoCoreError):
        return str(error)
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)
