"""Reply e-mails: an address confirms, replies are sent once, an unsubscribe holds."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comments import mail
from comments.models import (
    Comment,
    MailAddress,
)


def subscription_request(*, email: str) -> bool:
    """Ask an address to confirm it wants reply e-mails; True if a message was queued.

    Nothing is sent to an address that is already active, nor when any confirmation (a
    follow's included) went to it within the day; one sent counts against the address's
    daily allowance, which follows share (MailAddress.take_confirmation).
    """
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        address = MailAddress.objects.locked(email)
        if address.is_active or address.confirmed_within_a_day(now):
            return False
        address.take_confirmation(now)  # the day's first
        mail.send(
            to=email,
            subject=f"Confirm reply e-mails from {settings.SITE_NAME}",
            template="confirm",
            context={"confirm_url": mail.confirm_url(email)},
        )
    return True


class StaleLink(Exception):
    """A confirmation link older than the address's unsubscribe (a replay)."""


def subscription_confirm(*, email: str, sent_at: int) -> MailAddress:
    """Confirm an address from its signed link; replies to its comments are e-mailed.

    A link sent before the address unsubscribed from everything is refused (StaleLink):
    an old message must not undo an unsubscribe.
    """
    with transaction.atomic():
        address = MailAddress.objects.select_for_update().filter(email=email).first()
        if address is None:
            raise StaleLink
        # Whole seconds, as the link carries: a link sent in the second of the unsubscribe
        # (a reader opting in again at once) still works.
        if address.unsubscribed_at and int(address.unsubscribed_at.timestamp()) > sent_at:
            raise StaleLink
        changes = {"unsubscribed_at": None}
        if address.confirmed_at is None:
            changes["confirmed_at"] = timezone.now()
        MailAddress.objects.filter(pk=address.pk).update(**changes)
        address.refresh_from_db()
        return address


def subscription_stop(*, email: str, comment_id: int | None) -> int:
    """Stop reply e-mails about one comment of this address, or (None) all of them.

    Returns how many comments stopped notifying (0 when nothing changed).
    """
    comments = Comment.objects.filter(email__iexact=email, notify_replies=True)
    with transaction.atomic():
        if comment_id is None:
            # The owner may opt in again at once: the daily limit on confirmations is for
            # strangers typing their address, and starts afresh (even if it had stopped).
            addresses = MailAddress.objects.filter(email=email)
            addresses.filter(unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
            addresses.update(confirmation_sent_at=None, confirmations_sent=0)
        else:
            comments = comments.filter(pk=comment_id)
        return comments.update(notify_replies=False)


def reply_notify(*, reply: Comment) -> bool:
    """E-mail the author of the comment a published reply answers, once; True if queued.

    Only if they asked (notify_replies) from an address they confirmed, and the reply is
    not their own. notified_at makes a second call (an approval after an edit) a no-op.
    """
    parent = reply.parent
    if (
        parent is None
        or reply.notified_at is not None
        or reply.status != Comment.Status.PUBLISHED
        or not parent.notify_replies
        or parent.status != Comment.Status.PUBLISHED
        or parent.reader == reply.reader
        or not MailAddress.objects.active().filter(email__iexact=parent.email).exists()
    ):
        return False
    if not Comment.objects.filter(pk=reply.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    ):
        return False  # another process sent it
    email = parent.email.lower()
    mail.send(
        to=email,
        subject=f"{reply.name} replied to your comment on {parent.review.headline}",
        template="reply",
        context={
            "reply": reply,
            "parent": parent,
            "review": parent.review,
            "reply_url": mail.absolute(reply.get_absolute_url()),
            "stop_comment_url": mail.unsubscribe_url(email, parent.pk),
            "stop_all_url": mail.unsubscribe_url(email),
        },
        unsubscribe_url=mail.unsubscribe_url(email),
    )
    return True
