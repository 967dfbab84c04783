"""Comment views, split by audience: readers (public) and moderators (moderation)."""

from comments.views.mail import confirm_email, unsubscribe
from comments.views.moderation import approve, remove, restore
from comments.views.public import MESSAGE_TAG, post_comment, report

__all__ = [
    "MESSAGE_TAG",
    "approve",
    "confirm_email",
    "post_comment",
    "remove",
    "report",
    "restore",
    "unsubscribe",
]
