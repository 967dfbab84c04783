"""RSS and Atom feeds of the latest published reviews, each with its lead image."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure

from reviews.models import Review, Series

FEED_LENGTH = 20


class LatestReviewsFeed(Feed):
    description = "The newest TV and film reviews."

    def title(self):
        return f"{settings.SITE_NAME}: latest reviews"

    def link(self):
        return reverse("reviews:list")

    def get_object(self, request, *args, **kwargs):
        # The feed object is shared by every thread; the request travels as "obj".
        return request

    def reviews(self, request):
        return Review.objects.published()

    def items(self, request):
        reviews = list(self.reviews(request).for_listing()[:FEED_LENGTH])
        for review in reviews:
            figure = review.lead_figure
            review.enclosures = []
            if figure is not None and figure.renditions:
                url = request.build_absolute_uri(figure.card_url)
                length = str(figure.feed_rendition()["bytes"])
                review.enclosures = [Enclosure(url, length, "image/webp")]
        return reviews

    def item_title(self, review):
        return review.headline

    def item_description(self, review):
        return review.standfirst

    def item_author_name(self, review):
        return review.byline

    def item_pubdate(self, review):
        return review.published_at

    def item_updateddate(self, review):
        return review.updated_at

    def item_categories(self, review):
        return (
            [review.kind_label]
            + ([review.platform.name] if review.platform else [])
            + ([review.series.name] if review.series else [])
        )

    def item_enclosures(self, review):
        return review.enclosures


class LatestReviewsAtomFeed(LatestReviewsFeed):
    feed_type = Atom1Feed
    subtitle = LatestReviewsFeed.description


class SeriesFeed(LatestReviewsFeed):
    """/series/<slug>/feed/: a show's seasons as they are reviewed."""

    def get_object(self, request, slug):
        published = Series.objects.filter(reviews__in=Review.objects.published()).distinct()
        request.feed_series = get_object_or_404(published, slug=slug)
        return request

    def title(self, request):
        return f"{settings.SITE_NAME}: {request.feed_series.name}, every season reviewed"

    def description(self, request):
        return request.feed_series.description or self.title(request)

    def link(self, request):
        return request.feed_series.get_absolute_url()

    def reviews(self, request):
        return Review.objects.published().filter(series=request.feed_series)
