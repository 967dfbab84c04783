from csp.decorators import csp_replace
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from infra import httpcache
from infra.httpcache import LISTING
from reviews import episodes
from reviews import search as site_search
from reviews.models import (
    Genre,
    Platform,
    Review,
    Series,
    critic_slug,
    critic_url,
    display_name,
    profile_of,
)
from reviews.registry import PAGE_PARTS
from reviews.structured_data import as_script, series_json_ld

REVIEWS_PER_PAGE = 12
RESULTS_PER_PAGE = 10


def listing_keys(reviews) -> list[str]:
    """A list's surrogate keys: every list changes with a publication; each card with its
    review (headline, score, readers' rating)."""
    return [LISTING, *(review.cache_key for review in reviews)]


def _review_list(
    request, reviews, *, title, description, heading=None, template=None, keys=(), **context
):
    """A paginated page of review cards; the home page and every browsing page use it."""
    page = Paginator(reviews.with_rating(), REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    response = render(
        request,
        template or "reviews/review_list.html",
        {
            "page": page,
            "reviews": page.object_list,
            "title": title,
            "heading": heading or title,
            "description": description,
            **context,
        },
    )
    return httpcache.shared(
        response,
        [*listing_keys(page.object_list), *keys],
        until=Review.objects.next_publication(since=httpcache.started_at(request)),
    )


@require_safe
def review_list(request):
    """The home page: published reviews, newest first."""
    return _review_list(
        request,
        Review.objects.published().for_listing(),
        title="Latest reviews",
        description="The newest reviews of TV seasons and films.",
        featured=True,
    )


#: The masthead's TV and Film pages: URL name → (kind, title, description).
KINDS = {
    "tv": (Review.Kind.SEASON, "TV reviews", "Our reviews of TV seasons, newest first."),
    "films": (Review.Kind.FILM, "Film reviews", "Our reviews of films, newest first."),
}


@require_safe
def kind_list(request, kind):
    work_kind, title, description = KINDS[kind]
    return _review_list(
        request,
        Review.objects.published().filter(work_kind=work_kind).for_listing(),
        title=title,
        description=description,
    )


@require_safe
def genre_detail(request, slug):
    genre = get_object_or_404(Genre, slug=slug)
    return _review_list(
        request,
        Review.objects.published().filter(genres=genre).for_listing(),
        title=f"{genre.name} reviews",
        description=f"Our reviews of {genre.name.lower()} TV seasons and films, newest first.",
        intro=genre.description,
        keys=[f"genre-{genre.pk}"],
    )


@require_safe
def platform_detail(request, slug):
    platform = get_object_or_404(Platform, slug=slug)
    return _review_list(
        request,
        Review.objects.published().filter(platform=platform).for_listing(),
        title=f"{platform.name} reviews",
        description=f"Our reviews of what is on {platform.name}, newest first.",
        intro=platform.description,
        keys=[f"platform-{platform.pk}"],
    )


@require_safe
def series_detail(request, slug):
    """A show's hub: every published season's review, in order, with both scores.

    A series with no published season is 404, so a draft never shows through its show.
    """
    series = get_object_or_404(Series, slug=slug)
    seasons = list(Review.objects.seasons_of(series.pk).for_listing().with_rating())
    if not seasons:
        raise Http404("No published season of this series.")
    upto = episodes.parse_upto(request.GET.get("upto"))
    guides = episodes.series_guides(series.pk, upto=upto)
    for season in seasons:
        season.guide = guides.get(season.season_number)
    url = request.build_absolute_uri(series.get_absolute_url())
    response = render(
        request,
        "reviews/series_detail.html",
        {
            "series": series,
            "seasons": seasons,
            "structured_data": as_script(series_json_ld(series, seasons, url=url, request=request)),
            "upto": upto,
            "upto_numbers": range(1, max((g.last_number for g in guides.values()), default=0) + 1),
        },
    )
    recap_keys = [key for guide in guides.values() for key in guide.cache_keys]
    return httpcache.shared(
        response,
        [*listing_keys(seasons), f"series-{series.pk}", *recap_keys],
        until=Review.objects.next_publication(since=httpcache.started_at(request)),
    )


def _critic_at(slug: str):
    """The critic with published reviews whose author page is at this slug, or None.

    A profile's stored slug first; critics without one (a full name, no profile) are few,
    so they are matched here in Python rather than given a column of their own.
    """
    User = get_user_model()
    authors = User.objects.filter(pk__in=Review.objects.published().values("author_id"))
    found = authors.filter(profile__slug=slug).first()
    if found is not None:
        return found
    for user in authors.filter(Q(profile__isnull=True) | Q(profile__slug__isnull=True)):
        if critic_slug(user) == slug:
            return user
    return None


@require_safe
def author_detail(request, slug):
    """A critic's page, at a slug of their display name.

    An old address, by login name or by a display name since changed, answers 301 to the
    new one, so links keep working and no page shows a login name in its address.
    """
    author = _critic_at(slug)
    if author is None:
        published = Review.objects.published()
        old = (
            get_user_model()
            .objects.filter(
                Q(username=slug) | Q(former_critic_slugs__slug=slug), reviews__in=published
            )
            .first()
        )
        if old is None or critic_slug(old) == slug:
            raise Http404("No reviews by this author.")
        return httpcache.shared(
            HttpResponsePermanentRedirect(critic_url(old)), [f"author-{old.pk}"]
        )
    reviews = Review.objects.published().filter(author=author)
    name, profile = display_name(author), profile_of(author)
    bio = profile.bio if profile else ""
    return _review_list(
        request,
        reviews.for_listing(),
        title=f"Reviews by {name}",
        description=(bio[:150] if bio else f"Every TV and film review written by {name}."),
        critic=profile,
        author=author,
        keys=[f"author-{author.pk}"],
    )


@require_safe
def search(request):
    """Site search. The query stays in the box; an empty result says what to try."""
    query = site_search.clean_query(request.GET.get("q"))
    page = None
    if query:
        results = site_search.search(Review.objects.published().for_listing(), query)
        page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        for review in page.object_list:
            review.snippet_html = site_search.snippet_html(review)
    response = render(
        request,
        "reviews/search.html",
        {
            "query": query,
            "page": page,
            "genres": Genre.objects.filter(reviews__isnull=False).distinct(),
        },
    )
    return httpcache.shared(
        response,
        listing_keys(page.object_list if page else []),
        until=Review.objects.next_publication(since=httpcache.started_at(request)),
    )


def published_review_or_404(slug: str) -> Review:
    """The published review at this slug, with what its page shows; 404 otherwise."""
    return get_object_or_404(Review.objects.published().for_page(), slug=slug)


def render_review(request, review: Review, *, context=None, status: int = 200):
    """The review page. Forms posted from it (comments) re-render it through here, with
    their bound form in the context, when a post is refused.

    Templates: reviews/review_detail.html
    Context: review, plus whatever the caller adds
    """
    return render(
        request, "reviews/review_detail.html", {"review": review, **(context or {})}, status=status
    )


@require_safe
def review_detail(request, slug):
    """A published review. Drafts and scheduled reviews are 404 to everyone here.

    New readers share the page through the HTTP cache until something on it changes.
    """
    review = published_review_or_404(slug)
    guide = episodes.guide_for(review, upto=episodes.parse_upto(request.GET.get("upto")))
    keys = [*review.surrogate_keys(), *(guide.cache_keys if guide else ())]
    until = _changes_by_itself(review, since=httpcache.started_at(request))  # before it renders
    if guide and guide.folds_current:
        # A recap of an episode past the reader's: its title, grade and discussion are
        # the spoilers the shield is for. They choose to read it, or go back.
        page = render(request, "reviews/recap_folded.html", {"review": review, "guide": guide})
        return httpcache.shared(page, keys, until=until)
    return httpcache.shared(render_review(request, review), keys, until=until)


def _changes_by_itself(review: Review, *, since):
    """When the page next changes with no write: another app's part of it changing (its
    poll opening or closing), its comments closing REVIEWSITE_COMMENTS_CLOSE_AFTER days
    after publication, or a scheduled review coming due (the masthead and related
    reviews list it)."""
    closing = review.comments_close_at
    moments = [
        *(part.changes_at(review) for part in PAGE_PARTS),
        Review.objects.next_publication(since=since),
        closing if closing and closing > timezone.now() else None,
    ]
    return min((m for m in moments if m), default=None)


def framed_by_the_admin(view):
    """A preview: never cached, and shown beside the review form in the admin (a frame of
    our own pages only, in both X-Frame-Options and the CSP)."""
    return never_cache(
        xframe_options_sameorigin(csp_replace({"frame-ancestors": ["'self'"]})(view))
    )


@require_safe
@framed_by_the_admin
@staff_member_required
def review_preview(request, slug):
    """A review as readers will see it: editors may preview any, writers their own."""
    if not request.user.has_perm("reviews.view_review"):
        raise PermissionDenied
    review = get_object_or_404(Review.objects.previewable_by(request.user).for_page(), slug=slug)
    return render_review(request, review, context={"preview": True})
