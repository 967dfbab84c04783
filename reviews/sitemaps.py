from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from reviews.models import Review


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


SITEMAPS = {"home": HomeSitemap, "reviews": ReviewSitemap}
