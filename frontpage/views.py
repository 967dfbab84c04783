from datetime import timedelta

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from frontpage.models import Page, front_chosen, most_discussed
from infra import httpcache
from reviews.models import Review
from reviews.views import REVIEWS_PER_PAGE, listing_keys

#: The front page's own surrogate key: front_page_changed purges it.
FRONT = "front"
#: "Most discussed this week" moves with every comment anywhere: the shared page is
#: kept at most this long (a comment on a listed review purges it at once).
DISCUSSED_FRESH_FOR = timedelta(minutes=10)


@require_safe
def home(request):
    """The front page: the editors' lead and picks, then the latest reviews, and the
    reviews most discussed this week. With nothing chosen, the latest reviews lead.

    Templates: frontpage/home.html
    Context: lead, picks (first page only), page, reviews, discussed
    """
    lead, picks = front_chosen()
    chosen = [review.pk for review in (lead, *picks) if review]
    latest = Review.objects.published().exclude(pk__in=chosen).for_listing().with_rating()
    page = Paginator(latest, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    first = page.number == 1
    discussed = list(most_discussed()) if first else []
    response = render(
        request,
        "frontpage/home.html",
        {
            "lead": lead if first else None,
            "picks": picks if first else [],
            "page": page,
            "reviews": page.object_list,
            "discussed": discussed,
            "title": "Latest reviews",
            "description": "The newest reviews of TV seasons and films.",
        },
    )
    shown = [*page.object_list, *(r for r in (lead, *picks) if r and first), *discussed]
    moments = [Review.objects.next_publication(since=httpcache.started_at(request))]
    if discussed:
        moments.append(timezone.now() + DISCUSSED_FRESH_FOR)
    return httpcache.shared(
        response,
        [FRONT, *listing_keys(shown)],
        until=min((m for m in moments if m), default=None),
    )


@require_safe
def page(request, kind):
    """About, Contact, Privacy, Community guidelines or Corrections, as editors wrote it."""
    kept = get_object_or_404(Page, kind=kind)
    response = render(request, "frontpage/page.html", {"page": kept})
    return httpcache.shared(response, [FRONT])
