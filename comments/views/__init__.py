"""Comment views, split by audience: readers (public) and moderators (moderation)."""

from comments.views.mail import confirm_email, unsubscribe
from comments.views.moderation import alerts, approve, ban, pin, remove, restore
from comments.views.public import delete, edit, post_comment, report

__all__ = [
    "alerts",
    "approve",
    "ban",
    "confirm_email",
    "delete",
    "edit",
    "pin",
    "post_comment",
    "remove",
    "report",
    "restore",
    "unsubscribe",
]
