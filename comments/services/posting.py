"""A reader posts a comment: published at once or held for a moderator, never twice."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from comments import text
from comments.models import (
    Ban,
    Comment,
    HoldReason,
    MailAddress,
)
from comments.services.alerts import moderators_alert
from comments.services.reply_mail import reply_notify, subscription_request
from infra import freshness
from reviews.models import Review

#: A comment with more links than this waits for a moderator.
MAX_LINKS = 2


USER_AGENT_MAX = Comment._meta.get_field("user_agent").max_length


class AlreadyRated(Exception):
    """The reader rated this review in the meantime (another tab, a double click)."""


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
    return _published_words(who)[:needed].count() < needed


def trusted_comments(reader: str):
    """The comment that makes this reader no longer new (is_newcomer, by reader id alone),
    as a query for EXISTS: their COMMENT_PREMODERATE-th published one. Needs the setting."""
    needed = settings.COMMENT_PREMODERATE
    return _published_words(Q(reader=reader)).order_by("pk")[needed - 1 : needed]


def _published_words(who: Q):
    # A rating alone is published at once with no words to read: it earns no trust.
    return Comment.objects.filter(who, status=Comment.Status.PUBLISHED).exclude(body="")


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
    episode_number: int | None = None,
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
                episode_number=None if parent else episode_number,
            )
            freshness.comments_changed(review)
            #: Whether this post e-mailed a confirmation link (False: one went earlier today).
            comment.confirmation_sent = notify_replies and subscription_request(email=email)
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
