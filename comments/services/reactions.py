"""Readers react to comments ("Respect"): one reaction per reader per comment."""

from django.db import IntegrityError, transaction

from comments.models import Comment, Reaction
from infra import freshness


class OwnComment(Exception):
    """Nobody reacts to their own comment; nothing was written."""


def reaction_set(*, comment: Comment, reader: str, on: bool) -> bool:
    """Give (on) or take back this reader's reaction; True if anything changed.

    The form says which it wants, so a double click or a replayed request changes
    nothing the second time. The (comment, reader) unique constraint is what keeps it to
    one per reader: an insert that hits it changed nothing, and the count is COUNT(*) of
    the rows, never a number read and written back. The comment section's cached
    fragments and pages are renewed (freshness.comments_changed).
    """
    if comment.reader == reader:
        raise OwnComment
    if on:
        try:
            with transaction.atomic():
                Reaction.objects.create(comment=comment, reader=reader)
        except IntegrityError:
            return False
    elif not Reaction.objects.filter(comment=comment, reader=reader).delete()[0]:
        return False
    freshness.comments_changed(comment.review_id)
    return True
