"""Background tasks of the comments app, run by `manage.py db_worker` (Django's Tasks
framework through the django-tasks backport, with the django-tasks-db backend)."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("comments.mail")


class DeliveryFailed(Exception):
    """The mail server could not take a message after every retry."""


@task()
def deliver(
    *, to: str, subject: str, text: str, html: str, headers: dict[str, str], attempt: int = 1
) -> str:
    """Send one multipart (text + HTML) message over the configured connection.

    A mail server that is down or refuses the message is tried again later, after
    MAIL_RETRY_DELAY seconds, then twice that, four times…: the retry is a new task with
    a run_after, so the worker stays free meanwhile. After MAIL_RETRIES retries the
    failure is logged (and the task marked failed); the message is not lost silently.
    """
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        if attempt > settings.MAIL_RETRIES:
            logger.error(
                "Mail %r to %s failed after %d attempts, giving up: %s",
                subject,
                to,
                attempt,
                error,
            )
            raise DeliveryFailed(f"{subject!r} to {to}: {error}") from error
        delay = settings.MAIL_RETRY_DELAY * 2 ** (attempt - 1)
        deliver.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            to=to, subject=subject, text=text, html=html, headers=headers, attempt=attempt + 1
        )
        logger.warning(
            "Mail %r to %s not sent (attempt %d: %s); trying again in %d s",
            subject,
            to,
            attempt,
            error,
            delay,
        )
        return "retrying"
    logger.info("Mail %r sent to %s", subject, to)
    return "sent"
