"""Shared set-up for the moderation tests: a review with comments in every state, and a
snapshot of everything a moderation action could change."""

from dataclasses import dataclass

from django.urls import reverse

from comments.models import Comment, ModerationAction, Report
from reviews.models import Review
from tests.factories import make_comment, make_review

CHANGELIST = reverse("admin:comments_comment_changelist")
LOG = reverse("admin:comments_moderationaction_changelist")


@dataclass
class Thread:
    review: Review
    published: Comment
    pending: Comment
    removed: Comment


def make_thread() -> Thread:
    """A review with a published 5-star, a pending 2-star and a removed 1-star comment."""
    review = make_review(headline="Ballard review")
    return Thread(
        review=review,
        published=make_comment(review, name="Marisol", body="Maggie Q carries it.", rating=5),
        pending=make_comment(
            review, name="Linky", body="Visit my site", rating=2, status=Comment.Status.PENDING
        ),
        removed=make_removed(
            review, name="Rude", body="You are all wrong.", rating=1, reason="abuse"
        ),
    )


#: Who removed make_removed's comments, before the test began.
EARLIER = "a former moderator"


def logged():
    """The moderation log's lines, but for those make_removed wrote before the test."""
    return ModerationAction.objects.exclude(moderator_name=EARLIER)


def make_removed(review: Review, *, reason: str, note: str = "", **fields) -> Comment:
    """A removed comment and the moderation log's line for its removal (where the queue
    reads its reason from), as comment_remove leaves them."""
    comment = make_comment(review, status=Comment.Status.REMOVED, **fields)
    ModerationAction.objects.create(
        action=ModerationAction.Action.REMOVE,
        moderator_name=EARLIER,
        comment=comment,
        comment_number=comment.pk,
        review=review,
        comment_name=comment.name,
        comment_excerpt=comment.body[:200],
        reason=reason,
        note=note,
    )
    return comment


def removal(comment: Comment) -> tuple:
    """(status, reason, note, moderator's username) of a comment and its latest removal,
    as the moderation queue reads them."""
    row = Comment.objects.with_removal().get(pk=comment.pk)
    return row.status, row.removal_reason, row.removal_note, row.removed_by_name


def snapshot() -> tuple:
    """Every comment's state, the log and the reports: equal snapshots mean nothing changed."""
    return (
        sorted(
            Comment.objects.with_removal().values_list(
                "pk", "status", "removal_reason", "removal_note"
            )
        ),
        ModerationAction.objects.count(),
        Report.objects.count(),
    )


def url(name: str, comment: Comment) -> str:
    return reverse(f"comments:{name}", args=[comment.pk])


def bulk(action: str, *comments: Comment, **extra) -> dict:
    """The POST the changelist sends for a bulk action on these comments."""
    return {"action": action, "_selected_action": [c.pk for c in comments], **extra}
