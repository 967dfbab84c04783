"""E-mail to readers and moderators: composed here, sent by the task queue.

A request only renders the message and adds a task row (in its own transaction, so a
comment and the mail about it are stored together or not at all); `db_worker` talks to
the mail server. Links in the mail are signed, so they work without logging in and
cannot be made up for someone else's address.
"""

import time

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from comments import text
from comments.tasks import deliver

CONFIRM_SALT = "comments.mail.confirm"
UNSUBSCRIBE_SALT = "comments.mail.unsubscribe"
#: A confirmation link works this long (seconds).
CONFIRM_MAX_AGE = 7 * 86400
#: Longer tokens than this are not ours (a signed one is under 200 characters).
TOKEN_MAX = 400


class BadLink(Exception):
    """A signed link that is forged, garbled, expired or otherwise unusable (the message
    says which, for the reader)."""


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def one_line(value: str, length: int = 150) -> str:
    """A header value on one line: CR, LF and every other run of whitespace become one
    space, so text a reader typed (a name with "\\r\\nBcc:" in it) cannot add a header."""
    return text.excerpt(value, length)


def masked(email: str) -> str:
    """m•••@example.com: enough for the owner to recognise, not a whole address on a page
    anyone holding the link (a forwarded mail, a shared screen) can open."""
    name, _, domain = email.partition("@")
    return f"{name[:1]}•••@{domain}"


def send(
    *, to: str, subject: str, template: str, context: dict, unsubscribe_url: str | None = None
) -> None:
    """Queue a multipart message rendered from comments/mail/<template>.txt and .html.

    Reader mail passes unsubscribe_url: it goes into List-Unsubscribe with RFC 8058's
    List-Unsubscribe-Post, so mail programs offer a one-click unsubscribe.
    """
    context = context | {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url,
    }
    headers = {}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    deliver.enqueue(
        to=to,
        subject=one_line(subject),
        text=render_to_string(f"comments/mail/{template}.txt", context),
        html=render_to_string(f"comments/mail/{template}.html", context),
        headers=headers,
    )


def confirm_url(email: str) -> str:
    token = signing.dumps({"e": email, "t": int(time.time())}, salt=CONFIRM_SALT)
    return absolute(reverse("comments:confirm_email", kwargs={"token": token}))


def unsubscribe_url(email: str, comment_id: int | None = None) -> str:
    """A link that stops reply e-mails about one comment, or (None) to the address at all.
    It never expires: an unsubscribe link must work as long as the mail is kept."""
    token = signing.dumps({"e": email, "c": comment_id}, salt=UNSUBSCRIBE_SALT)
    return absolute(reverse("comments:unsubscribe", kwargs={"token": token}))


def _load(token: str, salt: str, max_age: int | None = None) -> dict:
    if len(token) > TOKEN_MAX:
        raise BadLink("This link is not one of ours.")
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink(
            "This link has expired. Post a comment with the e-mail box ticked to get a new one."
        ) from None
    except (signing.BadSignature, ValueError):
        raise BadLink("This link is not valid: it may have been cut short or changed.") from None
    if not isinstance(data, dict) or not isinstance(data.get("e"), str):
        raise BadLink("This link is not valid: it may have been cut short or changed.")
    return data


def read_confirm(token: str) -> tuple[str, int]:
    """The address a confirmation link is for and when it was sent (Unix time)."""
    data = _load(token, CONFIRM_SALT, CONFIRM_MAX_AGE)
    if not isinstance(data.get("t"), int):
        raise BadLink("This link is not valid: it may have been cut short or changed.")
    return data["e"], data["t"]


def read_unsubscribe(token: str) -> tuple[str, int | None]:
    """The address an unsubscribe link is for, and its comment (None: every comment)."""
    data = _load(token, UNSUBSCRIBE_SALT)
    comment = data.get("c")
    if comment is not None and (not isinstance(comment, int) or isinstance(comment, bool)):
        raise BadLink("This link is not valid: it may have been cut short or changed.")
    return data["e"], comment
