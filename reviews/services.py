"""Editorial writes that touch more than the review row: the workflow and its log.

Each step is recorded in the content log (ReviewAction) and, when it changes what a
form would save, stored as a revision, so a form opened before it cannot silently undo it.
"""

from django.db import transaction

from reviews.models import Review, ReviewAction
from reviews.revisions import review_save_revision

Action = ReviewAction.Action


def publication_action(review: Review) -> str:
    return Action.PUBLISH if review.is_live else Action.SCHEDULE


def review_record_save(*, review: Review, by, created: bool, was: dict, changes: str) -> None:
    """After an admin save: a revision, and the log's create/edit/publish/unpublish lines.

    `was` holds status and published_at as the form had them before the save.
    """
    review_save_revision(review=review, by=by, comment=changes)
    ReviewAction.record(review=review, by=by, action=Action.CREATE if created else Action.EDIT)
    published = review.status == Review.Status.PUBLISHED
    if published and (
        was.get("status") != Review.Status.PUBLISHED
        or was.get("published_at") != review.published_at
    ):
        ReviewAction.record(review=review, by=by, action=publication_action(review))
    elif not published and was.get("status") == Review.Status.PUBLISHED:
        ReviewAction.record(review=review, by=by, action=Action.UNPUBLISH)


def review_submit(*, review: Review, by) -> None:
    """The writer hands the draft to the editors (their Submitted queue)."""
    with transaction.atomic():
        review.submit()
        ReviewAction.record(review=review, by=by, action=Action.SUBMIT)


def review_send_back(*, review: Review, by, note: str) -> None:
    """An editor returns a submitted draft to its writer, saying what to change."""
    with transaction.atomic():
        review.send_back(by=by, note=note)
        ReviewAction.record(review=review, by=by, action=Action.SEND_BACK, note=note)


def review_publish(*, review: Review, by) -> None:
    """Publish now (or at its future time: scheduled), from the list's action."""
    with transaction.atomic():
        review.publish()
        review_save_revision(review=review, by=by, comment="Published from the list.")
        ReviewAction.record(review=review, by=by, action=publication_action(review))


def review_unpublish(*, review: Review, by) -> None:
    with transaction.atomic():
        review.unpublish()
        review_save_revision(review=review, by=by, comment="Unpublished from the list.")
        ReviewAction.record(review=review, by=by, action=Action.UNPUBLISH)


def review_delete(*, review: Review, by) -> None:
    """Delete the review; its log lines stay, naming it (its revisions stay too)."""
    with transaction.atomic():
        ReviewAction.record(review=review, by=by, action=Action.DELETE)
        review.delete()
