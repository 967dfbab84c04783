"""Moderators act on comments: remove, restore, approve, pin, ban, purge.

Each action is recorded in the moderation log by the same function that makes it."""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from comments import mail, text
from comments.models import (
    Ban,
    Comment,
    MailAddress,
    ModerationAction,
    Reason,
    Report,
)
from comments.services.common import (
    PIN,
    Action,
    apply_moderation,
    check_moderator,
    locked,
    log_action,
)
from comments.services.reply_mail import reply_notify
from infra import freshness


def _resolve_reports(comment: Comment, when) -> None:
    Report.objects.filter(comment=comment, resolved_at__isnull=True).update(resolved_at=when)


def comment_remove(
    *,
    comment: Comment,
    by: AbstractBaseUser,
    reason: str,
    note: str = "",
    tell_author: bool = False,
) -> ModerationAction | None:
    """Take a comment off the page, recording who removed it, when and why in the log.

    A soft delete: text, author details and rating stay in the row (the rating stops
    counting because only published comments count), so comment_restore can undo it.
    Open reports count as dealt with. With tell_author the author is e-mailed the
    decision and its reason (decision_notify). Returns the log entry, or None when the
    comment was already removed and nothing changed.
    """
    check_moderator(by)
    reason = Reason(reason)
    with transaction.atomic():
        current = locked(comment)
        if current.status in (Comment.Status.REMOVED, Comment.Status.DELETED):
            return None
        was = current.status
        apply_moderation(
            comment,
            current,
            status=Comment.Status.REMOVED,
            held_when_removed=was == Comment.Status.PENDING,
        )
        _resolve_reports(current, timezone.now())
        if tell_author:
            decision_notify(comment=current, was=was, reason=reason)
        return log_action(comment=current, action=Action.REMOVE, by=by, reason=reason, note=note)


def decision_notify(*, comment: Comment, was: str, reason: Reason) -> bool:
    """E-mail a comment's author that a moderator removed it (or, if it was waiting,
    rejected it) and why, as the EU Digital Services Act's statement of reasons asks;
    True if queued. Only to an address its owner confirmed: an address typed in the form
    could be anyone's. The moderator's note is internal and is not sent."""
    email = comment.email.strip().lower()
    if (
        not email
        or not MailAddress.objects.filter(email=email, confirmed_at__isnull=False).exists()
    ):
        return False
    rejected = was == Comment.Status.PENDING
    mail.send(
        to=email,
        subject=f"Your comment on {comment.review.headline} was "
        f"{'not published' if rejected else 'removed'}",
        template="decision",
        context={
            "comment": comment,
            "review": comment.review,
            "rejected": rejected,
            "reason": reason.label,
        },
        unsubscribe_url=mail.unsubscribe_url(email),
    )
    return True


def comment_pin(*, comment: Comment, by: AbstractBaseUser, pinned: bool) -> bool:
    """Pin a published comment as an editor's pick (shown first, labelled), or unpin it;
    False when nothing changed. Replies cannot be picks: threads are what is ordered."""
    if not by.has_perm(PIN):
        raise PermissionDenied("Only editors and moderators can pin comments.")
    with transaction.atomic():
        current = locked(comment)
        if current.parent_id is not None or current.pinned == pinned:
            return False
        if pinned and current.status != Comment.Status.PUBLISHED:
            return False
        current.pinned = pinned
        current.save(update_fields=["pinned"])
        freshness.comments_changed(current.review_id)
        comment.pinned = pinned
        return True


def comment_restore(*, comment: Comment, by: AbstractBaseUser) -> ModerationAction | None:
    """Undo a removal: the comment goes back to where it was, on the page (its rating
    counts again) or, if it was awaiting moderation when removed, back in the queue: a
    restore never publishes what nobody approved.

    The removal's who/when/why stay where they were recorded, in the moderation log.
    Returns the log entry, or None when the comment was not removed.
    """
    check_moderator(by)
    with transaction.atomic():
        current = locked(comment)
        if current.status != Comment.Status.REMOVED:
            return None
        back = Comment.Status.PENDING if current.held_when_removed else Comment.Status.PUBLISHED
        apply_moderation(comment, current, status=back, held_when_removed=False)
        return log_action(comment=current, action=Action.RESTORE, by=by)


def comment_approve(*, comment: Comment, by: AbstractBaseUser) -> ModerationAction | None:
    """Publish a comment that was awaiting moderation (spam rules or readers' reports).

    Its open reports count as dealt with, so it is not hidden again until new reports
    reach the threshold. Returns the log entry, or None when it was not pending.
    """
    check_moderator(by)
    with transaction.atomic():
        current = locked(comment)
        if current.status != Comment.Status.PENDING:
            return None
        apply_moderation(comment, current, status=Comment.Status.PUBLISHED)
        _resolve_reports(current, timezone.now())
        reply_notify(reply=current)
        return log_action(comment=current, action=Action.APPROVE, by=by)


BAN_LENGTHS = {"1d": timedelta(days=1), "7d": timedelta(days=7), "forever": None}


def commenter_ban(
    *,
    comment: Comment,
    by: AbstractBaseUser,
    length: str,
    reason: str,
    note: str = "",
    remove: bool = True,
    tell_author: bool = False,
) -> Ban:
    """Ban or suspend the author of a comment: their reader id (cookie or account) and
    e-mail address may not post until the ban ends (or ever, for good).

    Recorded with its reason in the moderation log; with remove the comment is removed
    too (one more log line). A purged or erased author has no reader id left to ban.
    """
    check_moderator(by)
    reason = Reason(reason)
    now = timezone.now()
    span = BAN_LENGTHS[length]
    reader = "" if comment.reader.startswith("erased:") else comment.reader
    label = Ban.Length(length).label.lower()
    with transaction.atomic():
        ban = Ban.objects.create(
            reader=reader,
            email=comment.email.strip().lower(),
            comment=comment,
            reason=reason,
            note=note,
            until=None if span is None else now + span,
            created_by=by,
        )
        log_action(
            comment=comment,
            action=Action.BAN,
            by=by,
            reason=reason,
            note=text.excerpt(f"{label}: {note}" if note else label, 500),
        )
        if remove:
            comment_remove(
                comment=comment, by=by, reason=reason, note=note, tell_author=tell_author
            )
    return ban


def ban_lift(*, ban: Ban, by: AbstractBaseUser) -> bool:
    """End a ban early; False when it was already over or lifted."""
    check_moderator(by)
    return bool(Ban.objects.active().filter(pk=ban.pk).update(lifted_at=timezone.now()))


class PurgeRefused(Exception):
    """The comment cannot be purged as it is (the message says why and what to do)."""


def comment_purge(*, comment: Comment, by: AbstractBaseUser, note: str = "") -> ModerationAction:
    """Delete a comment and its reports for good (a personal-data request, say).

    Superusers only; the one moderation action that cannot be undone. The log entry
    keeps the comment's id, author name and an excerpt. A comment with replies is
    refused (PurgeRefused): purge the replies first, or remove it instead, which keeps
    the thread.
    """
    if not by.is_superuser:
        raise PermissionDenied("Only superusers can purge comments.")
    with transaction.atomic():
        current = locked(comment)
        replies = current.replies.count()
        if replies:
            raise PurgeRefused(
                f"Comment {current.pk} has {replies} repl{'y' if replies == 1 else 'ies'}: "
                "purge those first, or remove the comment instead (the thread is kept)."
            )
        entry = log_action(comment=current, action=Action.PURGE, by=by, note=note, keep_link=False)
        current.delete()  # its reports go with it (CASCADE); older log lines keep their copy
        freshness.comments_changed(current.review_id)
        return entry
