"""Writes to comments: posting, moderation, reports and the privacy chores.

Views, admin actions and management commands all call these: every change to a comment's
status goes through this module, so the moderation log and (later) cache invalidation
have one place to live.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from comments import mail, text
from comments.models import (
    AlertSent,
    Ban,
    Comment,
    CommentVersion,
    HoldReason,
    MailAddress,
    ModerationAction,
    ModeratorAlerts,
    Reason,
    Report,
)
from comments.signals import comments_changed
from reviews.models import Review

MODERATE = "comments.moderate_comment"
Action = ModerationAction.Action

#: A comment with more links than this waits for a moderator.
MAX_LINKS = 2
USER_AGENT_MAX = Comment._meta.get_field("user_agent").max_length
REMOVED_TEXT = "[This comment was removed at its author's request.]"
ANONYMOUS = "Anonymous"


class AlreadyRated(Exception):
    """The reader rated this review in the meantime (another tab, a double click)."""


class AlreadyReported(Exception):
    """This reader has reported this comment before; nothing was written."""


class PurgeRefused(Exception):
    """The comment cannot be purged as it is (the message says why and what to do)."""


def spam_signal(*, name: str, body: str) -> str:
    """Why a text should wait for a moderator (a HoldReason), or "" if it need not:
    too many links, or a word from REVIEWSITE_COMMENT_BLOCKLIST."""
    if text.count_links(body) > MAX_LINKS:
        return HoldReason.LINKS
    if text.find_word(f"{name}\n{body}", settings.COMMENT_BLOCKLIST):
        return HoldReason.SUSPECT_WORD
    return ""


class Banned(Exception):
    """The commenter is banned or suspended (the Ban is in .ban); nothing was written."""

    def __init__(self, ban: Ban):
        super().__init__(str(ban))
        self.ban = ban


def active_ban(*, reader: str | None, email: str = "") -> Ban | None:
    return Ban.objects.active().covering(reader=reader, email=email).order_by("until").last()


def is_newcomer(*, reader: str, email: str = "") -> bool:
    """Fewer than COMMENT_PREMODERATE of this commenter's comments are published.

    The commenter is the reader id (cookie or account) or, once confirmed, the e-mail
    address: an unconfirmed address could be anyone's, so it proves nothing.
    """
    needed = settings.COMMENT_PREMODERATE
    if not needed:
        return False
    who = Q(reader=reader)
    if (
        email
        and MailAddress.objects.filter(
            email=email.strip().lower(), confirmed_at__isnull=False
        ).exists()
    ):
        who |= Q(email__iexact=email.strip())
    published = Comment.objects.filter(who, status=Comment.Status.PUBLISHED)
    return published[:needed].count() < needed


def comment_post(
    *,
    review: Review,
    name: str,
    email: str,
    body: str,
    rating: int | None,
    spoiler: bool,
    parent: Comment | None,
    reader: str,
    ip_address: str | None,
    user_agent: str,
    notify_replies: bool = False,
    by_staff: bool = False,
) -> Comment:
    """Save a reader's comment, published at once or held for moderation.

    Held ("pending") comments are not shown and their rating does not count until a
    moderator publishes them: spam signals hold a comment, and so does being new
    (is_newcomer). A banned commenter raises Banned and nothing is written. The
    one-rating-per-reader constraint is the real guard against double rating; hitting it
    raises AlreadyRated and nothing is written.
    """
    ban = active_ban(reader=reader, email=email)
    if ban is not None:
        raise Banned(ban)
    # Staff accounts are known to the newsroom: they are never newcomers.
    newcomer = not by_staff and is_newcomer(reader=reader, email=email)
    hold = spam_signal(name=name, body=body) or (HoldReason.NEWCOMER if newcomer else "")
    status = Comment.Status.PENDING if hold else Comment.Status.PUBLISHED
    notify_replies = notify_replies and bool(email)
    try:
        with transaction.atomic():
            # One post at a time per review (a row lock; SQLite's IMMEDIATE transactions
            # queue writers anyway), so two copies sent at once cannot both pass the check.
            Review.objects.select_for_update().filter(pk=review.pk).exists()
            first = Comment.objects.same_as(
                review=review,
                name=name,
                body=body,
                parent=parent,
                reader=reader,
                ip_address=ip_address,
                since=timezone.now() - DUPLICATE_WINDOW,
            ).first()
            if first is not None:
                raise Duplicate(first)
            comment = Comment.objects.create(
                review=review,
                parent=parent,
                name=name,
                email=email,
                body=body,
                rating=None if parent else rating,
                spoiler=spoiler,
                status=status,
                hold_reason=hold,
                reader=reader,
                ip_address=ip_address,
                user_agent=user_agent[:USER_AGENT_MAX],
                notify_replies=notify_replies,
                by_staff=by_staff,
            )
            if notify_replies:
                subscription_request(email=email)
            if comment.status == Comment.Status.PUBLISHED:
                reply_notify(reply=comment)
            else:
                moderators_alert(comment=comment)
            return comment
    except IntegrityError:
        if rating is not None and Comment.objects.rating_by(review=review, reader=reader):
            raise AlreadyRated from None
        raise


#: The same comment sent again within this time, from the same browser or address, is the
#: first one (a double click, a resend after an error page), as django-contrib-comments does.
DUPLICATE_WINDOW = timedelta(minutes=10)


class Duplicate(Exception):
    """This comment was posted already; .comment is the first copy."""

    def __init__(self, comment: Comment):
        super().__init__("This comment was posted already.")
        self.comment = comment


# --- A reader's own comment --------------------------------------------------------------

DELETED_TEXT = "[deleted by its author]"


class NotYours(PermissionDenied):
    """Only the reader who posted a comment (same cookie or account) may change it."""


class EditClosed(Exception):
    """The edit window has passed, or the comment can no longer be edited (removed, deleted)."""


def _own(comment: Comment, reader: str | None) -> Comment:
    """The comment's locked row, if this reader posted it (else NotYours)."""
    current = _locked(comment)
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
    *, comment: Comment, reader: str | None, body: str, rating: int | None, spoiler: bool
) -> Comment:
    """Change a reader's own comment within settings.COMMENT_EDIT_MINUTES of posting it.

    The previous text is kept as a CommentVersion for moderators. The edit is checked like
    a new comment: links or a suspect word hold it for a moderator ("an edit waiting").
    A rating may change too (not be added to a reply); the average follows, since it is
    counted from the rows.
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
        current.edited_at = now
        fields = ["body", "rating", "spoiler", "edited_at"]
        if spam_signal(name=current.name, body=body):
            current.status = Comment.Status.PENDING
            current.hold_reason = HoldReason.EDIT
            fields += ["status", "hold_reason"]
        try:
            with transaction.atomic():
                current.save(update_fields=fields)
        except IntegrityError:
            raise AlreadyRated from None
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
        return current


# --- Reply e-mails ------------------------------------------------------------------------

#: A second confirmation e-mail to the same address waits this long (someone typing a
#: stranger's address in the form cannot flood them).
CONFIRMATION_INTERVAL = timedelta(days=1)


def subscription_request(*, email: str) -> bool:
    """Ask an address to confirm it wants reply e-mails; True if a message was queued.

    Nothing is sent to an address that is already active, nor twice within a day.
    """
    email = email.strip().lower()
    address, _ = MailAddress.objects.get_or_create(email=email)
    now = timezone.now()
    sent = address.confirmation_sent_at
    if address.is_active or (sent and now - sent < CONFIRMATION_INTERVAL):
        return False
    address.confirmation_sent_at = now
    address.save(update_fields=["confirmation_sent_at"])
    mail.send(
        to=email,
        subject=f"Confirm reply e-mails from {settings.SITE_NAME}",
        template="confirm",
        context={"confirm_url": mail.confirm_url(email)},
    )
    return True


class StaleLink(Exception):
    """A confirmation link older than the address's unsubscribe (a replay)."""


def subscription_confirm(*, email: str, sent_at: int) -> MailAddress:
    """Confirm an address from its signed link; replies to its comments are e-mailed.

    A link sent before the address unsubscribed from everything is refused (StaleLink):
    an old message must not undo an unsubscribe.
    """
    with transaction.atomic():
        address = MailAddress.objects.select_for_update().filter(email=email).first()
        if address is None:
            raise StaleLink
        # Whole seconds, as the link carries: a link sent in the second of the unsubscribe
        # (a reader opting in again at once) still works.
        if address.unsubscribed_at and int(address.unsubscribed_at.timestamp()) > sent_at:
            raise StaleLink
        changes = {"unsubscribed_at": None}
        if address.confirmed_at is None:
            changes["confirmed_at"] = timezone.now()
        MailAddress.objects.filter(pk=address.pk).update(**changes)
        address.refresh_from_db()
        return address


def subscription_stop(*, email: str, comment_id: int | None) -> int:
    """Stop reply e-mails about one comment of this address, or (None) all of them.

    Returns how many comments stopped notifying (0 when nothing changed).
    """
    comments = Comment.objects.filter(email__iexact=email, notify_replies=True)
    with transaction.atomic():
        if comment_id is None:
            # The owner may opt in again at once: the one-a-day limit on confirmations is
            # for strangers typing their address, and starts afresh.
            MailAddress.objects.filter(email=email, unsubscribed_at__isnull=True).update(
                unsubscribed_at=timezone.now(), confirmation_sent_at=None
            )
        else:
            comments = comments.filter(pk=comment_id)
        return comments.update(notify_replies=False)


def reply_notify(*, reply: Comment) -> bool:
    """E-mail the author of the comment a published reply answers, once; True if queued.

    Only if they asked (notify_replies) from an address they confirmed, and the reply is
    not their own. notified_at makes a second call (an approval after an edit) a no-op.
    """
    parent = reply.parent
    if (
        parent is None
        or reply.notified_at is not None
        or reply.status != Comment.Status.PUBLISHED
        or not parent.notify_replies
        or parent.status != Comment.Status.PUBLISHED
        or parent.reader == reply.reader
        or not MailAddress.objects.active().filter(email__iexact=parent.email).exists()
    ):
        return False
    if not Comment.objects.filter(pk=reply.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    ):
        return False  # another process sent it
    email = parent.email.lower()
    mail.send(
        to=email,
        subject=f"{reply.name} replied to your comment on {parent.review.headline}",
        template="reply",
        context={
            "reply": reply,
            "parent": parent,
            "review": parent.review,
            "reply_url": mail.absolute(reply.get_absolute_url()),
            "stop_comment_url": mail.unsubscribe_url(email, parent.pk),
            "stop_all_url": mail.unsubscribe_url(email),
        },
        unsubscribe_url=mail.unsubscribe_url(email),
    )
    return True


# --- Moderator alerts ---------------------------------------------------------------------


def _alerted(frequency: str) -> list[AbstractBaseUser]:
    """Active moderators with an address who chose this frequency."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, moderator_alerts__frequency=frequency)
        .exclude(email="")
    )
    return [user for user in users if user.has_perm(MODERATE)]


def _first_alert(user: AbstractBaseUser, comment: Comment) -> bool:
    """Record that this moderator is told about this comment; False if they were already."""
    try:
        with transaction.atomic():
            AlertSent.objects.create(user=user, comment=comment)
    except IntegrityError:
        return False
    return True


def _alert_context(comment: Comment) -> dict:
    return {
        "comment": comment,
        "review": comment.review,
        "why": comment.get_hold_reason_display() or "Awaiting moderation",
        "page_url": mail.absolute(comment.page_url(moderator=True)),
        "admin_url": mail.absolute(reverse("admin:comments_comment_change", args=[comment.pk])),
        "settings_url": mail.absolute(reverse("comments:alerts")),
    }


def moderators_alert(*, comment: Comment) -> int:
    """E-mail the moderators who asked for one message per comment that this one waits
    for them (held or hidden by reports); returns how many were queued.

    A moderator is told about a comment once, ever (AlertSent's unique pair): a comment
    held, approved, reported and hidden again sends nothing more.
    """
    sent = 0
    for user in _alerted(ModeratorAlerts.Frequency.EACH):
        if not _first_alert(user, comment):
            continue
        mail.send(
            to=user.email,
            subject=f"Waiting for a moderator: {comment.name} on {comment.review.headline}",
            template="moderator_alert",
            context=_alert_context(comment),
        )
        sent += 1
    return sent


def moderation_digest(*, frequency: str) -> int:
    """One message to each moderator on this digest (hourly or daily) listing the comments
    waiting that they have not been told about; returns how many messages were queued."""
    sent = 0
    now = timezone.now()
    for user in _alerted(frequency):
        waiting = (
            Comment.objects.filter(status=Comment.Status.PENDING)
            .exclude(pk__in=AlertSent.objects.filter(user=user).values("comment_id"))
            .select_related("review")
            .order_by("created_at")
        )
        fresh = [comment for comment in waiting if _first_alert(user, comment)]
        ModeratorAlerts.objects.filter(user=user).update(last_digest_at=now)
        if not fresh:
            continue
        mail.send(
            to=user.email,
            subject=f"{len(fresh)} comment{'s' if len(fresh) > 1 else ''} waiting for a "
            f"moderator on {settings.SITE_NAME}",
            template="moderator_digest",
            context={
                "comments": [_alert_context(comment) for comment in fresh],
                "settings_url": mail.absolute(reverse("comments:alerts")),
            },
        )
        sent += 1
    return sent


def moderator_alerts_set(
    *, user: AbstractBaseUser, frequency: str, email: str | None = None
) -> ModeratorAlerts:
    """Save a moderator's alert choice, and the account's e-mail address if given."""
    _check_moderator(user)
    if email is not None and email != user.email:
        user.email = email
        user.save(update_fields=["email"])
    alerts, _ = ModeratorAlerts.objects.update_or_create(
        user=user, defaults={"frequency": ModeratorAlerts.Frequency(frequency)}
    )
    return alerts


# --- Moderation ---------------------------------------------------------------------------

#: The fields a moderation action changes; everything else about a comment is the reader's.
#: Who acted, when and why is recorded only in the moderation log (ModerationAction).
MODERATION_FIELDS = ["status", "hold_reason"]


def _check_moderator(user: AbstractBaseUser) -> None:
    # The views and the admin check too; this makes the rule impossible to bypass.
    if not user.has_perm(MODERATE):
        raise PermissionDenied("Only moderators can moderate comments.")


def _locked(comment: Comment) -> Comment:
    """The comment's current row, locked until the transaction ends, so two moderators
    (or a double click) acting at once are applied one after the other."""
    return Comment.objects.select_for_update().get(pk=comment.pk)


def _apply(comment: Comment, current: Comment, **changes) -> None:
    """Save the moderation fields on the locked row and mirror them on the caller's copy."""
    for field, value in changes.items():
        setattr(current, field, value)
    current.save(update_fields=list(changes))
    for field in MODERATION_FIELDS:
        setattr(comment, field, getattr(current, field))


def _log(
    *,
    comment: Comment,
    action: Action,
    by: AbstractBaseUser | None,
    by_name: str = "",
    reason: str = "",
    note: str = "",
    keep_link: bool = True,
) -> ModerationAction:
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
    _check_moderator(by)
    reason = Reason(reason)
    with transaction.atomic():
        current = _locked(comment)
        if current.status in (Comment.Status.REMOVED, Comment.Status.DELETED):
            return None
        was = current.status
        _apply(comment, current, status=Comment.Status.REMOVED)
        _resolve_reports(current, timezone.now())
        if tell_author:
            decision_notify(comment=current, was=was, reason=reason)
        return _log(comment=current, action=Action.REMOVE, by=by, reason=reason, note=note)


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


PIN = "comments.pin_comment"


def comment_pin(*, comment: Comment, by: AbstractBaseUser, pinned: bool) -> bool:
    """Pin a published comment as an editor's pick (shown first, labelled), or unpin it;
    False when nothing changed. Replies cannot be picks: threads are what is ordered."""
    if not by.has_perm(PIN):
        raise PermissionDenied("Only editors and moderators can pin comments.")
    with transaction.atomic():
        current = _locked(comment)
        if current.parent_id is not None or current.pinned == pinned:
            return False
        if pinned and current.status != Comment.Status.PUBLISHED:
            return False
        current.pinned = pinned
        current.save(update_fields=["pinned"])
        comment.pinned = pinned
        return True


def comment_restore(*, comment: Comment, by: AbstractBaseUser) -> ModerationAction | None:
    """Put a removed comment back on the page; its rating counts again.

    The removal's who/when/why stay where they were recorded, in the moderation log.
    Returns the log entry, or None when the comment was not removed.
    """
    _check_moderator(by)
    with transaction.atomic():
        current = _locked(comment)
        if current.status != Comment.Status.REMOVED:
            return None
        _apply(comment, current, status=Comment.Status.PUBLISHED)
        return _log(comment=current, action=Action.RESTORE, by=by)


def comment_approve(*, comment: Comment, by: AbstractBaseUser) -> ModerationAction | None:
    """Publish a comment that was awaiting moderation (spam rules or readers' reports).

    Its open reports count as dealt with, so it is not hidden again until new reports
    reach the threshold. Returns the log entry, or None when it was not pending.
    """
    _check_moderator(by)
    with transaction.atomic():
        current = _locked(comment)
        if current.status != Comment.Status.PENDING:
            return None
        _apply(comment, current, status=Comment.Status.PUBLISHED)
        _resolve_reports(current, timezone.now())
        reply_notify(reply=current)
        return _log(comment=current, action=Action.APPROVE, by=by)


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
    _check_moderator(by)
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
        _log(
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
    _check_moderator(by)
    return bool(Ban.objects.active().filter(pk=ban.pk).update(lifted_at=timezone.now()))


def comment_report(
    *,
    comment: Comment,
    reader: str,
    reason: str,
    note: str = "",
    ip_address: str | None = None,
) -> Report:
    """Record a reader's report; enough open reports hide the comment and queue it.

    The (comment, reader) unique constraint is what prevents a second report from the
    same reader: hitting it raises AlreadyReported and nothing is written. At
    COMMENT_REPORT_THRESHOLD open reports a published comment becomes pending (hidden,
    first in the admin queue) and the log says "hidden by reports".
    """
    reason = Reason(reason)
    try:
        with transaction.atomic():
            current = _locked(comment)
            report = Report.objects.create(
                comment=current, reader=reader, reason=reason, note=note, ip_address=ip_address
            )
            open_reports = Report.objects.filter(comment=current, resolved_at__isnull=True).count()
            if (
                current.status == Comment.Status.PUBLISHED
                and open_reports >= settings.COMMENT_REPORT_THRESHOLD
            ):
                _apply(
                    comment, current, status=Comment.Status.PENDING, hold_reason=HoldReason.REPORTS
                )
                _log(
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
        current = _locked(comment)
        replies = current.replies.count()
        if replies:
            raise PurgeRefused(
                f"Comment {current.pk} has {replies} repl{'y' if replies == 1 else 'ies'}: "
                "purge those first, or remove the comment instead (the thread is kept)."
            )
        entry = _log(comment=current, action=Action.PURGE, by=by, note=note, keep_link=False)
        current.delete()  # its reports go with it (CASCADE); older log lines keep their copy
        return entry


# --- Privacy ------------------------------------------------------------------------------


def comments_purge_personal_data(*, older_than: timedelta) -> int:
    """Clear the IP address and user agent of comments older than this; returns how many.

    They are kept only as long as moderators may need them to trace abuse. Reports'
    IP addresses go after the same time.
    """
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        Report.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(
            ip_address=None
        )
        return (
            Comment.objects.filter(created_at__lt=cutoff)
            .filter(Q(ip_address__isnull=False) | ~Q(user_agent=""))
            .update(ip_address=None, user_agent="")
        )


def commenter_erase(*, email: str, remove_text: bool) -> int:
    """Anonymise every comment posted with this email address; returns how many.

    Name becomes "Anonymous"; email, IP address, user agent and the reader id are
    cleared (the reader id becomes a per-comment placeholder, so the one-rating rule
    still holds). With remove_text the body is replaced and the comment removed from
    the page, so its rating stops counting too; each removal goes in the moderation log
    (reason "personal data", by erase_commenter).
    """
    changes = {
        "name": ANONYMOUS,
        "email": "",
        "ip_address": None,
        "user_agent": "",
        "reader": Concat(Value("erased:"), Cast("pk", output_field=CharField())),
    }
    comments = Comment.objects.filter(email__iexact=email.strip())
    with transaction.atomic():
        # Names and texts shown on these pages change: their cached comments go stale.
        comments_changed(comments.values_list("review_id", flat=True).distinct())
        if not remove_text:
            return comments.update(**changes)
        newly_removed = list(
            comments.exclude(status=Comment.Status.REMOVED).values_list("pk", flat=True)
        )
        count = comments.update(**changes, body=REMOVED_TEXT, status=Comment.Status.REMOVED)
        for comment in Comment.objects.filter(pk__in=newly_removed):
            _log(
                comment=comment,
                action=Action.REMOVE,
                by=None,
                by_name="erase_commenter",
                reason=Reason.PERSONAL_DATA,
            )
        return count
