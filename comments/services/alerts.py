"""Moderator alerts: one e-mail per waiting comment, or a digest, as each moderator chose."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from comments import mail
from comments.models import (
    AlertSent,
    Comment,
    ModeratorAlerts,
)
from comments.services.common import MODERATE, check_moderator


def _alerted(frequency: str) -> list[AbstractBaseUser]:
    """Active moderators with an address who chose this frequency."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, moderator_alerts__frequency=frequency)
        .exclude(email="")
    )
    return [user for user in users if user.has_perm(MODERATE)]


def _first_alert(user: AbstractBaseUser, comment: Comment) -> bool:
    """Record that this moderator is told about this comment; False if they were already."""
    try:
        with transaction.atomic():
            AlertSent.objects.create(user=user, comment=comment)
    except IntegrityError:
        return False
    return True


def _alert_context(comment: Comment) -> dict:
    return {
        "comment": comment,
        "review": comment.review,
        "why": comment.get_hold_reason_display() or "Awaiting moderation",
        "page_url": mail.absolute(comment.page_url(moderator=True)),
        "admin_url": mail.absolute(reverse("admin:comments_comment_change", args=[comment.pk])),
        "settings_url": mail.absolute(reverse("comments:alerts")),
    }


def moderators_alert(*, comment: Comment) -> int:
    """E-mail the moderators who asked for one message per comment that this one waits
    for them (held or hidden by reports); returns how many were queued.

    A moderator is told about a comment once, ever (AlertSent's unique pair): a comment
    held, approved, reported and hidden again sends nothing more.
    """
    sent = 0
    for user in _alerted(ModeratorAlerts.Frequency.EACH):
        if not _first_alert(user, comment):
            continue
        mail.send(
            to=user.email,
            subject=f"Waiting for a moderator: {comment.name} on {comment.review.headline}",
            template="moderator_alert",
            context=_alert_context(comment),
        )
        sent += 1
    return sent


def moderation_digest(*, frequency: str) -> int:
    """One message to each moderator on this digest (hourly or daily) listing the comments
    waiting that they have not been told about; returns how many messages were queued."""
    sent = 0
    now = timezone.now()
    for user in _alerted(frequency):
        waiting = (
            Comment.objects.filter(status=Comment.Status.PENDING)
            .exclude(pk__in=AlertSent.objects.filter(user=user).values("comment_id"))
            .select_related("review")
            .order_by("created_at")
        )
        fresh = [comment for comment in waiting if _first_alert(user, comment)]
        ModeratorAlerts.objects.filter(user=user).update(last_digest_at=now)
        if not fresh:
            continue
        mail.send(
            to=user.email,
            subject=f"{len(fresh)} comment{'s' if len(fresh) > 1 else ''} waiting for a "
            f"moderator on {settings.SITE_NAME}",
            template="moderator_digest",
            context={
                "comments": [_alert_context(comment) for comment in fresh],
                "settings_url": mail.absolute(reverse("comments:alerts")),
            },
        )
        sent += 1
    return sent


def moderator_alerts_set(
    *, user: AbstractBaseUser, frequency: str, email: str | None = None
) -> ModeratorAlerts:
    """Save a moderator's alert choice, and the account's e-mail address if given."""
    check_moderator(user)
    if email is not None and email != user.email:
        user.email = email
        user.save(update_fields=["email"])
    alerts, _ = ModeratorAlerts.objects.update_or_create(
        user=user, defaults={"frequency": ModeratorAlerts.Frequency(frequency)}
    )
    return alerts
