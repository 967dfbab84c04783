"""Personal data: what is kept, for how long, and erasing a commenter."""

from datetime import timedelta

from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from comments.models import (
    Comment,
    MailAddress,
    Notice,
    Reason,
    Report,
)
from comments.services.common import Action, log_action
from infra import freshness

REMOVED_TEXT = "[This comment was removed at its author's request.]"


ANONYMOUS = "Anonymous"


def comments_purge_personal_data(*, older_than: timedelta) -> int:
    """Clear the IP address and user agent of comments older than this; returns how many.

    They are kept only as long as moderators may need them to trace abuse. Reports' and
    notices' IP addresses go after the same time.
    """
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        for model in (Report, Notice):
            model.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(
                ip_address=None
            )
        return (
            Comment.objects.filter(created_at__lt=cutoff)
            .filter(Q(ip_address__isnull=False) | ~Q(user_agent=""))
            .update(ip_address=None, user_agent="")
        )


def commenter_erase(*, email: str, remove_text: bool) -> int:
    """Anonymise every comment posted with this email address; returns how many.

    Name becomes "Anonymous"; email, IP address, user agent and the reader id are
    cleared (the reader id becomes a per-comment placeholder, so the one-rating rule
    still holds). With remove_text the body is replaced and the comment removed from
    the page, so its rating stops counting too; each removal goes in the moderation log
    (reason "personal data", by erase_commenter).
    """
    changes = {
        "name": ANONYMOUS,
        "email": "",
        "ip_address": None,
        "user_agent": "",
        "reader": Concat(Value("erased:"), Cast("pk", output_field=CharField())),
    }
    comments = Comment.objects.filter(email__iexact=email.strip())
    with transaction.atomic():
        # Names and texts shown on these pages change: their cached comments go stale.
        freshness.comments_changed(*comments.values_list("review_id", flat=True).distinct())
        if not remove_text:
            return comments.update(**changes)
        newly_removed = list(
            comments.exclude(status=Comment.Status.REMOVED).values_list("pk", flat=True)
        )
        count = comments.update(**changes, body=REMOVED_TEXT, status=Comment.Status.REMOVED)
        for comment in Comment.objects.filter(pk__in=newly_removed):
            log_action(
                comment=comment,
                action=Action.REMOVE,
                by=None,
                by_name="erase_commenter",
                reason=Reason.PERSONAL_DATA,
            )
        return count


def address_erase(*, email: str) -> bool:
    """Delete an address's record (its confirmation, and with it everything hung on it:
    what it follows); True if there was one. Counts of messages sent stay, without it."""
    deleted, _ = MailAddress.objects.filter(email__iexact=email.strip()).delete()
    return deleted > 0
