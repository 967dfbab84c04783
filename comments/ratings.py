"""A rating alone: a reader gives a review (a season, a film, an episode's recap) 1–5
stars without writing a comment.

It is stored as a comment with no body, on purpose: the one-rating-per-reader constraint
(comment_one_rating_per_reader), the rule that only published comments' ratings count,
moderation, the aggregates every list and page shows and the cache events all apply to
it unchanged, where a separate ratings table would have to be merged into each of them
and kept from double-counting a reader who also rated in a comment. Lists of comments,
their counts and threads leave it out (models.RATING_ALONE).
"""

from django.db import IntegrityError, transaction

from comments.models import Comment
from comments.services import USER_AGENT_MAX, Banned, active_ban
from infra import freshness
from reviews.models import Review


class RatedInComment(Exception):
    """The reader's rating is part of a comment they wrote: they change it there."""

    def __init__(self, comment: Comment):
        super().__init__(comment)
        self.comment = comment


def rating_set(
    *,
    review: Review,
    reader: str,
    stars: int,
    ip_address: str | None,
    user_agent: str,
) -> tuple[Comment, bool]:
    """Store or change this reader's rating alone of this review; (row, created).

    Published at once: there are no words to moderate. A rating a moderator removed stays
    removed when changed. The review's row lock queues this behind any comment post on the
    review, and the unique constraint is the real guard: a concurrent insert from the same
    reader that loses turns into a change of the row that won.
    """
    ban = active_ban(reader=reader)
    if ban is not None:
        raise Banned(ban)
    with transaction.atomic():
        Review.objects.select_for_update().filter(pk=review.pk).exists()
        current = (
            Comment.objects.select_for_update()
            .filter(review=review, reader=reader, rating__isnull=False)
            .first()
        )
        if current is None:
            try:
                with transaction.atomic():
                    comment = Comment.objects.create(
                        review=review,
                        name="",
                        body="",
                        rating=stars,
                        reader=reader,
                        ip_address=ip_address,
                        user_agent=user_agent[:USER_AGENT_MAX],
                    )
                freshness.comments_changed(review)
                return comment, True
            except IntegrityError:
                current = Comment.objects.get(review=review, reader=reader, rating__isnull=False)
        if current.body:
            raise RatedInComment(current)
        if current.rating != stars:
            Comment.objects.filter(pk=current.pk).update(rating=stars)
            current.rating = stars
            freshness.comments_changed(review)
        return current, False


def rating_of(*, review: Review, reader: str | None) -> tuple[int | None, bool]:
    """This reader's stars for this review and whether they are a rating alone (so the
    rating form can change them), or (None, False)."""
    if not reader:
        return None, False
    row = (
        Comment.objects.filter(review=review, reader=reader, rating__isnull=False)
        .values_list("rating", "body")
        .first()
    )
    return (row[0], row[1] == "") if row else (None, False)
