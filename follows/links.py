"""Signed links in follow mail: confirm a follow, open "Your e-mails", unsubscribe.

The token is the authority (no account, no login), made with django.core.signing and a
salt per purpose, so a link for one purpose never works for another. Confirmation and
"Your e-mails" links expire (max_age); the one-click unsubscribe link does not, because
it must work as long as the message is kept (RFC 8058), and all it can do is stop mail.
"""

import time

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "follows.confirm"
MANAGE_SALT = "follows.manage"
UNSUBSCRIBE_SALT = "follows.unsubscribe"
#: A confirmation link works a week; a "Your e-mails" link (in every message) 90 days.
CONFIRM_MAX_AGE = 7 * 86400
MANAGE_MAX_AGE = 90 * 86400
#: Longer tokens than this are not ours (a signed one is under 200 characters).
TOKEN_MAX = 400
NOT_VALID = "This link is not valid: it may have been cut short or changed."


class BadLink(Exception):
    """A forged, garbled or expired link; the message says which, for the reader."""


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def confirm_url(*, email: str, kind: str, series: int | None, critic: int | None, freq: str) -> str:
    token = signing.dumps(
        {"e": email, "t": int(time.time()), "k": kind, "s": series, "c": critic, "f": freq},
        salt=CONFIRM_SALT,
        compress=True,
    )
    return absolute(reverse("follows:confirm", kwargs={"token": token}))


def manage_url(email: str) -> str:
    token = signing.dumps({"e": email}, salt=MANAGE_SALT)
    return absolute(reverse("follows:manage", kwargs={"token": token}))


def unsubscribe_url(email: str) -> str:
    token = signing.dumps({"e": email}, salt=UNSUBSCRIBE_SALT)
    return absolute(reverse("follows:unsubscribe", kwargs={"token": token}))


def _load(token: str, salt: str, max_age: int | None, expired: str) -> dict:
    if len(token) > TOKEN_MAX:
        raise BadLink("This link is not one of ours.")
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink(expired) from None
    except (signing.BadSignature, ValueError):
        raise BadLink(NOT_VALID) from None
    if not isinstance(data, dict) or not isinstance(data.get("e"), str):
        raise BadLink(NOT_VALID)
    return data


def _optional_id(value) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadLink(NOT_VALID)
    return value


def read_confirm(token: str) -> dict:
    """What a confirmation link asks: email, sent_at (Unix time), kind, series, critic, freq."""
    data = _load(
        token,
        CONFIRM_SALT,
        CONFIRM_MAX_AGE,
        "This link has expired. Follow again from the site to get a new one.",
    )
    if not isinstance(data.get("t"), int) or not all(
        isinstance(data.get(key), str) for key in ("k", "f")
    ):
        raise BadLink(NOT_VALID)
    return {
        "email": data["e"],
        "sent_at": data["t"],
        "kind": data["k"],
        "series": _optional_id(data.get("s")),
        "critic": _optional_id(data.get("c")),
        "frequency": data["f"],
    }


def read_manage(token: str) -> str:
    return _load(
        token,
        MANAGE_SALT,
        MANAGE_MAX_AGE,
        "This link has expired. The link at the foot of our latest e-mail to you works.",
    )["e"]


def read_unsubscribe(token: str) -> str:
    return _load(token, UNSUBSCRIBE_SALT, None, NOT_VALID)["e"]
