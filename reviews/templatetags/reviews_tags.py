from datetime import timedelta
from urllib.parse import urljoin

from django import template
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.urls import reverse
from django.utils.safestring import SafeString

from readers import ratelimit
from reviews import episodes
from reviews.fragments import FRAGMENT_TTL, catalogue_version
from reviews.models import Review, browsing_labels
from reviews.structured_data import as_script, breadcrumbs_json_ld, review_json_ld

register = template.Library()


@register.filter
def humane_duration(value: timedelta | None) -> str:
    """timedelta(minutes=15) → "15 minutes" (readers.ratelimit.humane_duration)."""
    return ratelimit.humane_duration(value.total_seconds()) if value else ""


@register.filter
def absolute_url(url: str, request=None) -> str:
    """A URL as crawlers and feed readers need it, on the site's configured address
    (REVIEWSITE_SITE_URL), never the request's host or scheme: it goes into fragments
    cached for every request. (`request`, once needed, is ignored.)"""
    return urljoin(settings.SITE_URL + "/", url) if url else ""


@register.simple_tag
def review_structured_data(review: Review) -> SafeString:
    """The review page's JSON-LD, with readers' ratings as the page shows them, and the
    breadcrumb trail home → platform → review."""
    url = absolute_url(review.get_absolute_url())
    lead = review.lead_figure
    image = absolute_url(lead.card_url) if lead and lead.renditions else ""
    trail = [(settings.SITE_NAME, absolute_url(reverse("reviews:list")))]
    if review.platform:
        platform_url = reverse("reviews:platform", args=[review.platform.slug])
        trail.append((review.platform.name, absolute_url(platform_url)))
    trail.append((review.headline, url))
    return as_script(
        review_json_ld(review, review.reader_rating, url=url, image=image)
    ) + as_script(breadcrumbs_json_ld(trail))


@register.simple_tag(name="catalogue_version")
def catalogue_version_tag() -> str:
    """{% catalogue_version as catalogue %}: a cache key part for fragments that show
    other reviews (see reviews.fragments)."""
    return catalogue_version()


@register.inclusion_tag("includes/masthead_nav.html", takes_context=True)
def masthead_nav(context) -> dict:
    """TV, Film, and the platforms and genres that have published reviews.

    Cached until any review page changes. Error pages carry the masthead too, so when
    the database cannot answer the lists are empty rather than the page an error.
    """
    version = catalogue_version()
    try:
        labels = caches["fragments"].get_or_set(
            f"masthead:{version}", browsing_labels, FRAGMENT_TTL
        )
    except DatabaseError:
        labels = {"platforms": [], "genres": []}
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return {
        "labels": labels,
        "current": (match.view_name, match.kwargs.get("slug")) if match else (None, None),
    }


@register.inclusion_tag("reviews/includes/related_reviews.html")
def related_reviews(review: Review) -> dict:
    """ "Read next" cards: other seasons, then the same critic, platform, genre."""
    return {"related": list(Review.objects.related_to(review))}


@register.simple_tag(takes_context=True)
def season_guide(context, review: Review) -> episodes.SeasonGuide | None:
    """{% season_guide review as guide %}: the season's episodes, recaps and arc, with the
    reader's ?upto= shield applied (the view has usually read it already, for its keys)."""
    request = context.get("request")
    upto = episodes.parse_upto(request.GET.get("upto")) if request else None
    return episodes.guide_for(review, upto=upto)
