"""Writes to comments: posting, and the privacy chores. Views and commands call these."""

import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from comments import text
from comments.models import Comment
from comments.signals import comments_changed
from reviews.models import Review

#: A comment with more links than this waits for a moderator.
MAX_LINKS = 2
USER_AGENT_MAX = Comment._meta.get_field("user_agent").max_length
REMOVED_TEXT = "[This comment was removed at its author's request.]"
ANONYMOUS = "Anonymous"


class AlreadyRated(Exception):
    """The reader rated this review in the meantime (another tab, a double click)."""


def _blocked_word(words: str) -> bool:
    # NFKC folds lookalikes such as full-width letters onto the plain ones.
    folded = unicodedata.normalize("NFKC", words).casefold()
    return any(
        re.search(rf"(?<!\w){re.escape(term)}(?!\w)", folded) for term in settings.COMMENT_BLOCKLIST
    )


def needs_moderation(*, name: str, body: str) -> bool:
    """Spam signals: too many links, or a word from REVIEWSITE_COMMENT_BLOCKLIST."""
    return text.count_links(body) > MAX_LINKS or _blocked_word(f"{name}\n{body}")


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
) -> Comment:
    """Save a reader's comment, published at once or held for moderation.

    Held ("pending") comments are not shown and their rating does not count until a
    moderator publishes them. The one-rating-per-reader constraint is the real guard
    against double rating; hitting it raises AlreadyRated and nothing is written.
    """
    status = (
        Comment.Status.PENDING
        if needs_moderation(name=name, body=body)
        else Comment.Status.PUBLISHED
    )
    try:
        with transaction.atomic():
            return Comment.objects.create(
                review=review,
                parent=parent,
                name=name,
                email=email,
                body=body,
                rating=None if parent else rating,
                spoiler=spoiler,
                status=status,
                reader=reader,
                ip_address=ip_address,
                user_agent=user_agent[:USER_AGENT_MAX],
            )
    except IntegrityError:
        if rating is not None and Comment.objects.rating_by(review=review, reader=reader):
            raise AlreadyRated from None
        raise


def comments_purge_personal_data(*, older_than: timedelta) -> int:
    """Clear the IP address and user agent of comments older than this; returns how many.

    They are kept only as long as moderators may need them to trace abuse.
    """
    cutoff = timezone.now() - older_than
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
    the page, so its rating stops counting too.
    """
    changes = {
        "name": ANONYMOUS,
        "email": "",
        "ip_address": None,
        "user_agent": "",
        "reader": Concat(Value("erased:"), Cast("pk", output_field=CharField())),
    }
    if remove_text:
        changes |= {"body": REMOVED_TEXT, "status": Comment.Status.REMOVED}
    with transaction.atomic():
        theirs = Comment.objects.filter(email__iexact=email.strip())
        reviews = list(theirs.values_list("review_id", flat=True).distinct())
        count = theirs.update(**changes)
        comments_changed(reviews)  # names and texts shown on those pages changed
        return count
