"""When a review is saved published, queue its announcement for the moment it goes live.

A decoupled chore (reviews knows nothing of follows): the task runs after the commit at
published_at, and mailing_start decides whether anyone is e-mailed. A scheduled review
whose time comes without a save is picked up by `manage.py send_follow_mail` (cron).
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from follows.models import Follow, Mailing
from follows.tasks import announce
from reviews.models import Review


@receiver(post_save, sender=Review, dispatch_uid="follows.announce_on_publish")
def announce_on_publish(sender, instance: Review, raw=False, **kwargs):
    if raw or instance.status != Review.Status.PUBLISHED or instance.published_at is None:
        return
    # Nobody follows anything (a new site), or this review was mailed already: no task.
    if (
        not Follow.objects.exists()
        or Mailing.objects.filter(review=instance, started_at__isnull=False).exists()
    ):
        return
    when = max(instance.published_at, timezone.now())
    review_id = instance.pk
    transaction.on_commit(lambda: announce.using(run_after=when).enqueue(review_id=review_id))
