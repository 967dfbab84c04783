"""Chores that follow edits and are not freshness: a deleted photo's files.

Connected in ReviewsConfig.ready(). What an edit changes on public pages is said by the
write path itself, with an event of infra/freshness.py (the admin's save_related, the
services, the model's publish/unpublish), never by a receiver per saved row.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from reviews.models import Figure


@receiver(post_delete, sender=Figure)
def release_figure_files(sender, instance, **kwargs):
    instance.release_files()
