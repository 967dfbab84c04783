"""Follow mail, composed here: the confirmation, a new review, the weekly digest.

Every message to a follower carries a "Your e-mails" link and a one-click unsubscribe
(List-Unsubscribe with RFC 8058's List-Unsubscribe-Post), both signed (follows/links.py).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string

from comments.mail import one_line
from comments.tasks import deliver
from follows import links


def _context(email: str, **context) -> dict:
    return context | {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "manage_url": links.manage_url(email),
        "unsubscribe_url": links.unsubscribe_url(email),
    }


def _headers(context: dict) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def queue_confirmation(*, email: str, what: str, confirm_url: str) -> None:
    """Queue the double opt-in message (through comments' delivery task and its retries)."""
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "what": what,
        "confirm_url": confirm_url,
    }
    deliver.enqueue(
        to=email,
        subject=one_line(f"Confirm: follow {what} on {settings.SITE_NAME}"),
        text=render_to_string("follows/mail/confirm.txt", context),
        html=render_to_string("follows/mail/confirm.html", context),
        headers={},
    )


def review_message(*, review, email: str, reason: str) -> EmailMultiAlternatives:
    """The e-mail announcing one new review: headline, standfirst, score and the link, and
    which follow sent it (`reason`: "the series Ballard")."""
    url = links.absolute(review.get_absolute_url())
    context = _context(email, review=review, review_url=url, reason=reason)
    message = EmailMultiAlternatives(
        one_line(review.headline),
        render_to_string("follows/mail/review.txt", context),
        to=[email],
        headers=_headers(context),
    )
    message.attach_alternative(render_to_string("follows/mail/review.html", context), "text/html")
    return message


def queue_digest(*, email: str, reviews: list, week, following: list[str]) -> None:
    """Queue one weekly digest listing reviews (each with its absolute URL), and saying
    which of the reader's follows chose them (`following`: their labels)."""
    items = [(review, links.absolute(review.get_absolute_url())) for review in reviews]
    *others, last = following
    named = f"{', '.join(others)} and {last}" if others else last
    context = _context(email, items=items, week=week, following=named)
    deliver.enqueue(
        to=email,
        subject=one_line(
            f"This week on {settings.SITE_NAME}: {len(items)} new review{pluralize(len(items))}"
        ),
        text=render_to_string("follows/mail/digest.txt", context),
        html=render_to_string("follows/mail/digest.html", context),
        headers=_headers(context),
    )
