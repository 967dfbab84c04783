"""Keep the review's comments_version in step with its comments, and purge their pages.

Any saved or deleted comment bumps it inside the same transaction, so the cached comment
pages and rating summary (keyed by it) change exactly when a reader could see a
difference, whichever process made the change; the HTTP caches drop every page showing
the review once the transaction commits. Bulk updates in services.py call
comments_changed themselves, since they send no signals.
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from comments.models import Comment
from infra import httpcache
from reviews.models import Review, catalogue_changed


def comments_changed(review_ids) -> None:
    review_ids = set(review_ids)
    Review.objects.filter(pk__in=review_ids).update(comments_version=F("comments_version") + 1)
    httpcache.purge(map(Review.cache_key_for, review_ids))
    catalogue_changed()  # related cards elsewhere show these reviews' ratings


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def bump_comments_version(sender, instance, raw=False, **kwargs):
    if not raw:
        comments_changed([instance.review_id])
