"""A poll's question, answers or dates show on its review's page: editing them marks the
page changed (the review's updated_at keys its cache). Votes move counters with
QuerySet.update(), which sends no signal: they change only the results, which are never
cached."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from polls.models import Choice, Poll
from reviews.models import Review


@receiver(post_save, sender=Poll)
@receiver(post_delete, sender=Poll)
@receiver(post_save, sender=Choice)
@receiver(post_delete, sender=Choice)
def touch_review(sender, instance, raw=False, **kwargs):
    if raw:
        return
    review_id = instance.review_id if sender is Poll else instance.poll.review_id
    Review.objects.filter(pk=review_id).touch()
