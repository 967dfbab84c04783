from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from reviews.models import Review

REVIEWS_PER_PAGE = 12


def review_list(request):
    """The home page: published reviews, newest first."""
    page = Paginator(Review.objects.published().for_listing(), REVIEWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "reviews/review_list.html", {"page": page, "reviews": page.object_list})


def review_detail(request, slug):
    """A published review. Drafts and scheduled reviews are 404 to everyone here.

    Templates: reviews/review_detail.html
    Context: review
    """
    review = get_object_or_404(Review.objects.published().for_page(), slug=slug)
    return render(request, "reviews/review_detail.html", {"review": review})


@never_cache
@staff_member_required
def review_preview(request, slug):
    """Any review as readers will see it, for staff who may view reviews."""
    if not request.user.has_perm("reviews.view_review"):
        raise PermissionDenied
    review = get_object_or_404(Review.objects.for_page(), slug=slug)
    return render(request, "reviews/review_detail.html", {"review": review, "preview": True})
