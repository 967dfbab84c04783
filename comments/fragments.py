"""The comment section's cached fragments: the comment pages and the rating summary are
keyed by the review's comments_version, which freshness.comments_changed moves."""

from django.db.models import F

from infra import freshness
from reviews.fragments import catalogue_changed
from reviews.models import Review


def register() -> None:
    """Called from CommentsConfig.ready."""
    freshness.renewer("comments_changed")(renew)


def renew(review_ids) -> None:
    """Comment pages and rating summary keyed anew; related cards elsewhere show these
    reviews' ratings (the catalogue)."""
    Review.objects.filter(pk__in=set(review_ids)).update(comments_version=F("comments_version") + 1)
    catalogue_changed()
