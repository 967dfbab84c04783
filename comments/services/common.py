"""What every comment write shares: the permissions, the row lock, the moderation log."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from comments import text
from comments.models import Comment, ModerationAction
from infra import freshness

MODERATE = "comments.moderate_comment"
PIN = "comments.pin_comment"
Action = ModerationAction.Action

#: The fields a moderation action changes; everything else about a comment is the reader's.
#: Who acted, when and why is recorded only in the moderation log (ModerationAction).
MODERATION_FIELDS = ["status", "hold_reason", "held_when_removed"]


def check_moderator(user: AbstractBaseUser) -> None:
    # The views and the admin check too; this makes the rule impossible to bypass.
    if not user.has_perm(MODERATE):
        raise PermissionDenied("Only moderators can moderate comments.")


def locked(comment: Comment) -> Comment:
    """The comment's current row, locked until the transaction ends, so two moderators
    (or a double click) acting at once are applied one after the other."""
    return Comment.objects.select_for_update().get(pk=comment.pk)


def apply_moderation(comment: Comment, current: Comment, **changes) -> None:
    """Save the moderation fields on the locked row and mirror them on the caller's copy."""
    for field, value in changes.items():
        setattr(current, field, value)
    current.save(update_fields=list(changes))
    freshness.comments_changed(current.review_id)
    for field in MODERATION_FIELDS:
        setattr(comment, field, getattr(current, field))


def log_action(
    *,
    comment: Comment,
    action: Action,
    by: AbstractBaseUser | None,
    by_name: str = "",
    reason: str = "",
    note: str = "",
    keep_link: bool = True,
) -> ModerationAction:
    """One line of the moderation log; by None is the site itself (by_name says what)."""
    return ModerationAction.objects.create(
        action=action,
        moderator=by,
        moderator_name=by.get_username() if by is not None else by_name,
        comment=comment if keep_link else None,
        comment_number=comment.pk,
        review_id=comment.review_id,
        comment_name=comment.name,
        comment_excerpt=text.excerpt(comment.body, 200),
        reason=reason,
        note=note,
    )
