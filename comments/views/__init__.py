"""Comment views, split by audience: readers (public) and moderators (moderation)."""

from comments.views.mail import confirm_email, unsubscribe
from comments.views.moderation import (
    alerts,
    approve,
    ban,
    decide_notice,
    dismiss,
    pin,
    remove,
    restore,
)
from comments.views.public import (
    actions,
    comment_form,
    delete,
    edit,
    held,
    notice,
    post_comment,
    react,
    report,
)

__all__ = [
    "actions",
    "alerts",
    "approve",
    "ban",
    "comment_form",
    "confirm_email",
    "decide_notice",
    "delete",
    "dismiss",
    "edit",
    "held",
    "notice",
    "pin",
    "post_comment",
    "react",
    "remove",
    "report",
    "restore",
    "unsubscribe",
]
