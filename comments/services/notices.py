"""Notices of illegal content (EU Digital Services Act, Articles 16 and 17): a reader's
notice is stored and acknowledged; a moderator's decision goes to the notifier, and to
the author when the comment is removed, as a statement of reasons."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from comments import mail, text
from comments.models import Comment, MailAddress, Notice, Reason
from comments.services.alerts import moderators_alert
from comments.services.common import Action, check_moderator, locked, log_action
from comments.services.moderation import comment_remove


def notice_submit(
    *,
    comment: Comment,
    category: str,
    explanation: str,
    email: str,
    name: str = "",
    reader: str = "",
    ip_address: str | None = None,
) -> Notice:
    """Store a notice, tell the moderators who asked for alerts, and confirm its receipt
    to the notifier (Article 16(4)). The comment stays as it is until a moderator
    decides: a notice is a claim, not a verdict."""
    with transaction.atomic():
        notice = Notice.objects.create(
            comment=comment,
            comment_number=comment.pk,
            category=Notice.Category(category),
            explanation=explanation,
            email=email.strip().lower(),
            name=name,
            reader=reader,
            ip_address=ip_address,
        )
        mail.send(
            to=notice.email,
            subject=f"We received your notice about a comment on {comment.review.headline}",
            template="notice_received",
            context={"notice": notice, "comment": comment, "review": comment.review},
        )
        moderators_alert(comment=comment)
        return notice


def notice_decide(
    *,
    notice: Notice,
    by: AbstractBaseUser,
    decision: str,
    ground: str,
    tell_author: bool = True,
) -> Notice | None:
    """Decide a notice: remove the comment (it is illegal) or keep it (it is not), on
    the ground the moderator writes. The notifier is sent the statement of reasons (what
    was decided, on what ground, how to appeal); when the comment is removed, so is its
    author, if their address is confirmed and tell_author. The log keeps a line with
    the notice, the decision and its ground. None if the notice was decided already.
    """
    check_moderator(by)
    decision = Notice.Decision(decision)
    with transaction.atomic():
        current = Notice.objects.select_for_update().get(pk=notice.pk)
        if current.decided_at is not None:
            return None
        current.decision, current.ground = decision, ground
        current.decided_at, current.decided_by = timezone.now(), by
        current.save(update_fields=["decision", "ground", "decided_at", "decided_by"])
        comment = current.comment and locked(current.comment)
        if comment is not None:
            if decision == Notice.Decision.REMOVED:
                comment_remove(
                    comment=comment, by=by, reason=Reason.ILLEGAL, note=f"Notice {current.pk}"
                )
            log_action(
                comment=comment,
                action=Action.NOTICE,
                by=by,
                reason=Reason.ILLEGAL if decision == Notice.Decision.REMOVED else "",
                note=text.excerpt(
                    f"Notice {current.pk} ({current.get_category_display()}): "
                    f"{current.get_decision_display()}. {ground}",
                    500,
                ),
            )
        context = {"notice": current, "comment": comment, "ground": ground}
        mail.send(
            to=current.email,
            subject=f"Our decision on your notice about comment {current.comment_number}",
            template="notice_decision",
            context=context | {"to_author": False},
        )
        if (
            tell_author
            and comment is not None
            and decision == Notice.Decision.REMOVED
            and MailAddress.objects.filter(
                email=comment.email.strip().lower(), confirmed_at__isnull=False
            ).exists()
        ):
            mail.send(
                to=comment.email.strip().lower(),
                subject=f"Your comment on {comment.review.headline} was removed",
                template="notice_decision",
                context=context | {"to_author": True},
            )
        return current
