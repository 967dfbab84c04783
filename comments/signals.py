"""Keep the review's comments_version in step with its comments.

Any saved or deleted comment bumps it inside the same transaction, so the cached comment
pages and rating summary (keyed by it) change exactly when a reader could see a
difference, whichever process made the change. Bulk updates in services.py bump it
themselves (comments_changed), since they send no signals.
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from comments.models import Comment
from reviews.models import Review
from reviews.signals import page_changed


def comments_changed(review_ids) -> None:
    reviews = Review.objects.filter(pk__in=set(review_ids))
    reviews.update(comments_version=F("comments_version") + 1)
    page_changed.send(sender=Comment, slugs=list(reviews.values_list("slug", flat=True)))


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def bump_comments_version(sender, instance, raw=False, **kwargs):
    if not raw:
        comments_changed([instance.review_id])
