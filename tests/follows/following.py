"""Follow the way a reader does: read the form off a page, fill it in, post it; then open
the confirmation link in the message the real SMTP server received."""

import re

from django.test import Client
from django.utils import timezone

from comments.models import MailAddress
from follows.models import Follow, Follower
from tests.forms import form_data


def link(text: str, path: str) -> str:
    """The first link to `path` in a message's text, as a path on this site."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s\"<>]*)", text)
    assert match, f"no link to {path} in:\n{text}"
    return match.group(1)


def follow(client: Client, page_url: str, email: str, **choices):
    """Post the page's follow form (its defaults, then choices) as a same-origin browser."""
    page = client.get(page_url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), "follow-form") | {"email": email} | choices
    return client.post("/follow/", data, HTTP_SEC_FETCH_SITE="same-origin")


def confirm(smtp, email: str) -> None:
    """Open the confirmation link of the last message to the address and press its button."""
    message = smtp.messages_to(email)[-1]
    path = link(message.part("text/plain"), "/follow/confirm/")
    browser = Client()
    assert browser.get(path).status_code == 200
    done = browser.post(path, HTTP_SEC_FETCH_SITE="same-origin")
    assert done.status_code == 200, done.content.decode()
    assert "now follows" in done.content.decode()


def followers(count: int, *, prefix: str = "reader", kind=Follow.Kind.SITE, **target) -> list:
    """count confirmed followers of one thing, made in bulk (as many confirmations would)."""
    now = timezone.now()
    emails = [f"{prefix}{n}@example.com" for n in range(count)]
    MailAddress.objects.bulk_create(
        [MailAddress(email=e, confirmed_at=now, confirmation_sent_at=now) for e in emails]
    )
    addresses = MailAddress.objects.filter(email__in=emails)
    Follower.objects.bulk_create([Follower(address=a) for a in addresses])
    made = Follower.objects.filter(address__email__in=emails)
    Follow.objects.bulk_create([Follow(follower=f, kind=kind, **target) for f in made])
    return emails
