"""A comment's removal is recorded once, in the moderation log.

Before the comment's own removal fields go (0010), every removal they describe that no
REMOVE line of the log matches is written to the log, with the time, moderator, reason
and note the comment held; the display reads the latest REMOVE line from then on.
"""

from django.contrib.auth import get_user_model
from django.db import migrations
from django.utils import timezone


def _latest_removal(ModerationAction, comment):
    return (
        ModerationAction.objects.filter(comment=comment, action="remove")
        .order_by("-created_at", "-pk")
        .first()
    )


def _excerpt(text, length=200):
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


def fields_to_log(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    ModerationAction = apps.get_model("comments", "ModerationAction")
    username = get_user_model().USERNAME_FIELD
    recorded = Comment.objects.exclude(
        removed_at=None, removed_by=None, removal_reason="", removal_note=""
    ).select_related("removed_by")
    for comment in recorded.iterator():
        latest = _latest_removal(ModerationAction, comment)
        held = (comment.removal_reason, comment.removal_note, comment.removed_by_id)
        if latest is not None and (latest.reason, latest.note, latest.moderator_id) == held:
            continue
        ModerationAction.objects.create(
            created_at=comment.removed_at or timezone.now(),
            action="remove",
            moderator=comment.removed_by,
            moderator_name=getattr(comment.removed_by, username, ""),
            comment=comment,
            comment_number=comment.pk,
            review_id=comment.review_id,
            comment_name=comment.name,
            comment_excerpt=_excerpt(comment.body),
            reason=comment.removal_reason,
            note=comment.removal_note,
        )


def log_to_fields(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    ModerationAction = apps.get_model("comments", "ModerationAction")
    for comment in Comment.objects.filter(status="removed").iterator():
        latest = _latest_removal(ModerationAction, comment)
        if latest is not None:
            Comment.objects.filter(pk=comment.pk).update(
                removed_at=latest.created_at,
                removed_by=latest.moderator_id,
                removal_reason=latest.reason,
                removal_note=latest.note,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0008_picks_and_staff_badge"),
    ]

    operations = [
        migrations.RunPython(fields_to_log, log_to_fields),
    ]
