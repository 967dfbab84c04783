"""A reader changes their own comment: edit within the window, delete at any time."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from comments.models import (
    Comment,
    CommentVersion,
    HoldReason,
)
from comments.services.alerts import moderators_alert
from comments.services.common import locked
from comments.services.posting import AlreadyRated, spam_signal
from infra import freshness

DELETED_TEXT = "[deleted by its author]"


class NotYours(PermissionDenied):
    """Only the reader who posted a comment (same cookie or account) may change it."""


class EditClosed(Exception):
    """The edit window has passed, or the comment can no longer be edited (removed, deleted)."""


def _own(comment: Comment, reader: str | None) -> Comment:
    """The comment's locked row, if this reader posted it (else NotYours)."""
    current = locked(comment)
    if not reader or current.reader != reader:
        raise NotYours("Only the reader who posted this comment can change it.")
    return current


def _keep_version(current: Comment, now) -> None:
    CommentVersion.objects.create(
        comment=current,
        body=current.body,
        rating=current.rating,
        spoiler=current.spoiler,
        written_at=current.edited_at or current.created_at,
        replaced_at=now,
    )


def comment_edit(
    *,
    comment: Comment,
    reader: str | None,
    body: str,
    rating: int | None,
    spoiler: bool,
    episode_number: int | None,
) -> Comment:
    """Change a reader's own comment within settings.COMMENT_EDIT_MINUTES of posting it.

    The previous text is kept as a CommentVersion for moderators. The edit is checked like
    a new comment: links or a suspect word hold it for a moderator ("an edit waiting").
    A rating may change too (not be added to a reply); the average follows, since it is
    counted from the rows. So may the episode a comment (not a reply) discusses.
    """
    with transaction.atomic():
        current = _own(comment, reader)
        now = timezone.now()
        if not current.is_editable(now):
            raise EditClosed
        _keep_version(current, now)
        current.body = body
        current.rating = None if current.parent_id else rating
        current.spoiler = spoiler
        current.episode_number = None if current.parent_id else episode_number
        current.edited_at = now
        fields = ["body", "rating", "spoiler", "episode_number", "edited_at"]
        if spam_signal(name=current.name, body=body):
            current.status = Comment.Status.PENDING
            current.hold_reason = HoldReason.EDIT
            fields += ["status", "hold_reason"]
        try:
            with transaction.atomic():
                current.save(update_fields=fields)
        except IntegrityError:
            raise AlreadyRated from None
        freshness.comments_changed(current.review_id)
        if current.status == Comment.Status.PENDING:
            moderators_alert(comment=current)
        return current


def comment_delete(*, comment: Comment, reader: str | None) -> Comment:
    """A reader takes back their own comment, at any time: a soft delete.

    The row stays so replies keep their thread; readers see "[deleted by its author]"
    in its place (nothing, if no reply needs it), and its rating no longer counts (it is
    cleared, so the reader may rate the review again). Moderators keep the text as a
    version.
    """
    with transaction.atomic():
        current = _own(comment, reader)
        if current.status == Comment.Status.DELETED:
            return current
        now = timezone.now()
        _keep_version(current, now)
        current.body = DELETED_TEXT
        current.rating = None
        current.spoiler = False
        current.notify_replies = False
        current.status = Comment.Status.DELETED
        current.save(update_fields=["body", "rating", "spoiler", "notify_replies", "status"])
        freshness.comments_changed(current.review_id)
        return current
