"""The review pages' cached fragments: what keys them, and how freshness renews them.

Fragments (templates' `{% cache ... using="fragments" %}`, the rating summary) serve the
pages rendered per request; new readers' pages are in the HTTP cache. Each is keyed by
a version of what it shows, so it is never stale and its time to live only bounds
memory: a review's own content by `updated_at`, its comments by `comments_version`
(comments/fragments.py), and what shows other reviews (the masthead's lists, related
reviews, season links) by the catalogue's version. The freshness events
(infra/freshness.py) move these versions; nothing else does.
"""

import secrets

from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from infra import freshness

FRAGMENT_TTL = 24 * 3600

#: Names the current state of the catalogue. A new one is drawn whenever a list could
#: change (a freshness event), and at least every CATALOGUE_TTL seconds: a scheduled
#: review goes live with no write at all.
CATALOGUE_KEY = "catalogue-version"
CATALOGUE_TTL = 300


def catalogue_changed() -> None:
    """Key what lists show anew, now and again once the transaction commits (a reader in
    between may have cached what was there before)."""
    caches["fragments"].delete(CATALOGUE_KEY)
    transaction.on_commit(lambda: caches["fragments"].delete(CATALOGUE_KEY))


def catalogue_version() -> str:
    cache = caches["fragments"]
    version = cache.get(CATALOGUE_KEY)
    if version is None:
        cache.add(CATALOGUE_KEY, secrets.token_hex(8), CATALOGUE_TTL)
        version = cache.get(CATALOGUE_KEY, "")
    return version


def register() -> None:
    """What the freshness events renew here (called from ReviewsConfig.ready)."""
    from reviews.models import Review

    @freshness.renewer("review_changed")
    def review_pages(ids):
        Review.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        catalogue_changed()

    @freshness.renewer("listing_changed")
    def lists(ids):
        catalogue_changed()

    @freshness.renewer("critic_changed")
    def bylines(ids):
        Review.objects.filter(author__in=ids).update(updated_at=timezone.now())
        catalogue_changed()
