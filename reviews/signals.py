"""Chores that follow edits: the search document, the page's content version, files.

Connected in ReviewsConfig.ready(). The writes themselves stay in models and admin; these
only keep derived data (search text, updated_at that keys the page cache) in step,
inside the same transaction as the edit. A review's genres change only through its admin
form, which saves the review itself (auto_now) in the same transaction; no m2m signal
is used, because loaddata sends one too and a restore must keep updated_at as it was.
"""

import contextlib

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from reviews.models import CATALOGUE_KEY, Credit, Figure, Genre, Platform, Review, Section, Series

#: Sent (with slugs=[...]) whenever something readers see on these reviews' pages changed;
#: the page cache listens. Senders: this module, Review.touch(), the comments app.
page_changed = Signal()


@receiver(pre_save, sender=Review)
def remember_old_slug(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        instance._old_slug = (
            Review.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        )


@receiver(post_save, sender=Review)
@receiver(post_delete, sender=Review)
def review_page_changed(sender, instance, raw=False, **kwargs):
    """Publishing, unpublishing, editing or deleting a review changes its page (and its old
    address, if the slug changed)."""
    if not raw:
        old = getattr(instance, "_old_slug", None)
        page_changed.send(sender=Review, slugs=[instance.slug, *([old] if old else [])])


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def author_renamed(sender, instance, created, raw=False, **kwargs):
    """The byline shows the critic's name."""
    if not created and not raw:
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
        instance.reviews.all().touch()


@receiver(page_changed)
def catalogue_changed(sender, **kwargs):
    """Any review page changed: the masthead's lists and other pages' related reviews
    and season links may show it, so their fragments are keyed anew: now, and again once
    it commits (a reader in between may have cached what was there before)."""
    caches["fragments"].delete(CATALOGUE_KEY)
    transaction.on_commit(lambda: caches["fragments"].delete(CATALOGUE_KEY))


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
