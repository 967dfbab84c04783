"""Chores that follow edits: the search document, the page's content version, HTTP cache
purges, files.

Connected in ReviewsConfig.ready(). The writes themselves stay in models and admin; these
only keep derived data (search text, updated_at that keys the cached fragments) in step,
inside the same transaction as the edit, and purge the HTTP caches once it commits. A
review's genres change only through its admin form, which saves the review itself
(auto_now) in the same transaction; no m2m signal is used, because loaddata sends one
too and a restore must keep updated_at as it was.
"""

import contextlib

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from infra import httpcache
from infra.httpcache import LISTING
from reviews.models import (
    Credit,
    Figure,
    Genre,
    Platform,
    Review,
    Section,
    Series,
    catalogue_changed,
)


@receiver(post_save, sender=Review)
@receiver(post_delete, sender=Review)
def review_page_changed(sender, instance, raw=False, **kwargs):
    """Publishing, unpublishing, editing or deleting a review changes its page (at its old
    address too: the key follows the review, not the slug) and the lists it is in."""
    if not raw:
        httpcache.purge([LISTING, *instance.surrogate_keys()])
        catalogue_changed()


def _shown_name(user) -> tuple[str, str]:
    return (user.get_full_name(), user.get_username())


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def remember_shown_name(sender, instance, raw=False, update_fields=None, **kwargs):
    # A login saves last_login alone: no query, and nothing readers see has changed.
    if instance.pk and not raw and not (update_fields and set(update_fields) <= {"last_login"}):
        old = sender.objects.filter(pk=instance.pk).first()
        instance._old_shown_name = _shown_name(old) if old else None


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def author_renamed(sender, instance, created, raw=False, **kwargs):
    """The byline shows the critic's name: only a change of that name changes the pages
    (a login must not move dateModified, the feed dates or the sitemap's lastmod)."""
    old = getattr(instance, "_old_shown_name", None)
    if not created and not raw and old is not None and old != _shown_name(instance):
        httpcache.purge([f"author-{instance.pk}"])
        Review.objects.filter(author=instance).touch()


@receiver(post_delete, sender=Figure)
def release_figure_files(sender, instance, **kwargs):
    instance.release_files()


@receiver(post_save, sender=Review)
@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
@receiver(post_save, sender=Credit)
@receiver(post_delete, sender=Credit)
def refresh_search_document(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the fixture carries the document already
        return
    review = instance if sender is Review else instance.review
    with contextlib.suppress(Review.DoesNotExist):  # the review itself is being deleted
        review.refresh_search_document()
        if sender is not Review:
            review.touch()


@receiver(post_save, sender=Figure)
@receiver(post_delete, sender=Figure)
def touch_for_figure(sender, instance, raw=False, **kwargs):
    if not raw:
        with contextlib.suppress(Review.DoesNotExist):
            instance.review.touch()


@receiver(post_save, sender=Genre)
@receiver(post_save, sender=Platform)
@receiver(post_save, sender=Series)
def touch_for_label(sender, instance, created, raw=False, **kwargs):
    """A renamed platform, genre or series shows on every page that names it."""
    if not created and not raw:
        httpcache.purge([f"{sender.__name__.lower()}-{instance.pk}"])
        instance.reviews.all().touch()


@receiver(pre_save, sender=Review)
def remember_old_series(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        instance._old_series_id = (
            Review.objects.filter(pk=instance.pk).values_list("series_id", flat=True).first()
        )


@receiver(post_save, sender=Review)
@receiver(post_delete, sender=Review)
def seasons_changed(sender, instance, raw=False, **kwargs):
    """A season's page links to the show's other seasons, and theirs to it: when one is
    published, edited, moved or deleted, the other seasons' pages change too."""
    if raw:
        return
    series = {instance.series_id, getattr(instance, "_old_series_id", None)} - {None}
    if series:
        Review.objects.filter(series_id__in=series).exclude(pk=instance.pk).touch()
