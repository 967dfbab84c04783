"""Readers report comments; enough open reports hide one for a moderator, who acts on
the comment or dismisses the reports."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from comments import text
from comments.models import (
    Comment,
    HoldReason,
    ModerationAction,
    Reason,
    Report,
)
from comments.services.alerts import moderators_alert
from comments.services.common import (
    Action,
    apply_moderation,
    check_moderator,
    locked,
    log_action,
)


class AlreadyReported(Exception):
    """This reader has reported this comment before; nothing was written."""


def may_report(*, comment: Comment, reader: str | None) -> bool:
    """Whether this reader may report this comment now: never reported it, or their
    report was closed (dismissed, or the comment approved) and the comment was edited
    since: a moderator already judged the words they reported."""
    if not reader:
        return True
    last = Report.objects.filter(comment=comment, reader=reader).order_by("-created_at").first()
    if last is None:
        return True
    return bool(last.resolved_at and comment.edited_at and comment.edited_at > last.resolved_at)


def comment_report(
    *,
    comment: Comment,
    reader: str,
    reason: str,
    note: str = "",
    ip_address: str | None = None,
) -> Report:
    """Record a reader's report; enough open reports hide the comment and queue it.

    One open report per reader (a partial unique constraint; hitting it raises
    AlreadyReported and nothing is written), and none again after a moderator closed it
    unless the comment was edited since (may_report). At COMMENT_REPORT_THRESHOLD open
    reports that count (Report.objects.counting(): not from a reader whose reports were
    repeatedly dismissed as abusive) a published comment becomes pending (hidden, first
    in the admin queue) and the log says "hidden by reports".
    """
    reason = Reason(reason)
    try:
        with transaction.atomic():
            current = locked(comment)
            if not may_report(comment=current, reader=reader):
                raise AlreadyReported
            report = Report.objects.create(
                comment=current, reader=reader, reason=reason, note=note, ip_address=ip_address
            )
            open_reports = (
                Report.objects.counting().filter(comment=current, resolved_at__isnull=True).count()
            )
            if (
                current.status == Comment.Status.PUBLISHED
                and open_reports >= settings.COMMENT_REPORT_THRESHOLD
            ):
                apply_moderation(
                    comment, current, status=Comment.Status.PENDING, hold_reason=HoldReason.REPORTS
                )
                log_action(
                    comment=current,
                    action=Action.HIDE,
                    by=None,
                    by_name="readers' reports",
                    reason=reason,
                    note=f"{open_reports} open reports",
                )
                moderators_alert(comment=current)
            return report
    except IntegrityError:
        if Report.objects.filter(comment=comment, reader=reader).exists():
            raise AlreadyReported from None
        raise


def reports_dismiss(
    *, comment: Comment, by: AbstractBaseUser, note: str = "", abusive: bool = False
) -> ModerationAction | None:
    """Keep a reported comment: close its open reports and say so in the log.

    The comment leaves the reported queue; if the reports had hidden it (held with
    hold_reason "reports") it is published again. Its reporters may report it again only
    once it is edited (may_report). With abusive the reports count against the readers
    who sent them (ABUSIVE_REPORTS_LIMIT). Returns the log entry ("Reports dismissed",
    with who and the moderator's note), or None when there was no open report.
    """
    check_moderator(by)
    with transaction.atomic():
        current = locked(comment)
        closed = Report.objects.filter(comment=current, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), dismissed=True, abusive=abusive
        )
        if not closed:
            return None
        if current.status == Comment.Status.PENDING and current.hold_reason == HoldReason.REPORTS:
            apply_moderation(comment, current, status=Comment.Status.PUBLISHED)
        what = f"{closed} report{'s' if closed != 1 else ''} dismissed"
        what += " as abusive" if abusive else ""
        return log_action(
            comment=current,
            action=Action.DISMISS,
            by=by,
            note=text.excerpt(f"{what}: {note}" if note else what, 500),
        )
