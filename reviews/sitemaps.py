from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from reviews.models import Review, Series


class ReviewSitemap(Sitemap):
    """Published reviews only; lastmod tells crawlers when a review was edited."""

    changefreq = "weekly"
    protocol = None  # the request's scheme

    def items(self):
        return Review.objects.published().only("slug", "updated_at").order_by("-published_at")

    def lastmod(self, review):
        return review.updated_at


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["reviews:list"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        latest = Review.objects.published().order_by("-updated_at").only("updated_at").first()
        return latest.updated_at if latest else None


class SeriesSitemap(Sitemap):
    """Series hubs with a published season; lastmod is their latest season's edit."""

    changefreq = "weekly"
    protocol = None

    def items(self):
        return (
            Series.objects.filter(reviews__in=Review.objects.published())
            .annotate(last_edit=Max("reviews__updated_at"))
            .order_by("name")
        )

    def lastmod(self, series):
        return series.last_edit


SITEMAPS = {"home": HomeSitemap, "series": SeriesSitemap, "reviews": ReviewSitemap}
