"""Writes to comments, one module per audience; every one is importable from here.

Views, admin actions and management commands call these (`from comments import services;
services.comment_post(...)`): every change to a comment's status goes through this
package, so the moderation log and the freshness events have one place to live.

- posting: a reader posts a comment (held or published, never twice)
- own: a reader edits or deletes their own comment
- reply_mail: reply e-mails (confirm, send, unsubscribe)
- reactions: readers react to comments ("Respect")
- alerts: moderators told about waiting comments
- reports: readers report comments; moderators dismiss the reports
- moderation: moderators remove, restore, approve, pin, ban, purge
- notices: notices of illegal content and the statements of reasons
- privacy: personal data kept for a time, a commenter erased
- common: the permissions, row lock and log line they share
"""

from comments.services.alerts import moderation_digest, moderator_alerts_set, moderators_alert
from comments.services.common import MODERATE, MODERATION_FIELDS, PIN, Action
from comments.services.moderation import (
    BAN_LENGTHS,
    PurgeRefused,
    ban_lift,
    comment_approve,
    comment_pin,
    comment_purge,
    comment_remove,
    comment_restore,
    commenter_ban,
    decision_notify,
)
from comments.services.notices import notice_decide, notice_submit
from comments.services.own import (
    DELETED_TEXT,
    EditClosed,
    NotYours,
    comment_delete,
    comment_edit,
)
from comments.services.posting import (
    DUPLICATE_WINDOW,
    MAX_LINKS,
    USER_AGENT_MAX,
    AlreadyRated,
    Banned,
    Duplicate,
    active_ban,
    comment_post,
    is_newcomer,
    spam_signal,
    trusted_comments,
)
from comments.services.privacy import (
    ANONYMOUS,
    REMOVED_TEXT,
    address_erase,
    commenter_erase,
    comments_purge_personal_data,
)
from comments.services.reactions import OwnComment, reaction_set
from comments.services.reply_mail import (
    StaleLink,
    reply_notify,
    subscription_confirm,
    subscription_request,
    subscription_stop,
)
from comments.services.reports import (
    AlreadyReported,
    comment_report,
    may_report,
    reports_dismiss,
)

__all__ = [
    "ANONYMOUS",
    "BAN_LENGTHS",
    "DELETED_TEXT",
    "DUPLICATE_WINDOW",
    "MAX_LINKS",
    "MODERATE",
    "MODERATION_FIELDS",
    "PIN",
    "REMOVED_TEXT",
    "USER_AGENT_MAX",
    "Action",
    "AlreadyRated",
    "AlreadyReported",
    "Banned",
    "Duplicate",
    "EditClosed",
    "NotYours",
    "OwnComment",
    "PurgeRefused",
    "StaleLink",
    "active_ban",
    "address_erase",
    "ban_lift",
    "comment_approve",
    "comment_delete",
    "comment_edit",
    "comment_pin",
    "comment_post",
    "comment_purge",
    "comment_remove",
    "comment_report",
    "comment_restore",
    "commenter_ban",
    "commenter_erase",
    "comments_purge_personal_data",
    "decision_notify",
    "is_newcomer",
    "may_report",
    "moderation_digest",
    "moderator_alerts_set",
    "moderators_alert",
    "notice_decide",
    "notice_submit",
    "reaction_set",
    "reply_notify",
    "reports_dismiss",
    "spam_signal",
    "subscription_confirm",
    "subscription_request",
    "subscription_stop",
    "trusted_comments",
]
