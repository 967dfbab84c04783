"""A reader's rating alone: stars with no comment, from the review page's own small form
or from the comment form posted with a rating and an empty body."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from comments import ratings
from comments.messages import MESSAGE_TAG
from comments.models import STARS, comments_open
from comments.services import Banned
from infra import httpcache
from readers.clientip import client_ip
from readers.identity import ensure_reader_id, remember_own_page
from readers.ratelimit import hit, humane_duration
from readers.sameorigin import reader_form
from reviews.episodes import keep_upto, parse_upto
from reviews.views import published_review_or_404


def is_rating_alone(data) -> bool:
    """A comment form posted with stars (1–5) and no words, not as a reply. Anything else
    (no stars, stars out of range) is the comment form's to refuse, with its errors."""
    stars = data.get("rating", "")
    return (
        stars in {str(n) for n in STARS}
        and not data.get("body", "").strip()
        and not data.get("parent")
    )


@require_http_methods(["GET", "POST"])
@reader_form
def rate(request, slug):
    """Store or change the reader's rating alone; then back to the page's ratings, still
    shielded when the form was posted from a shielded page (?upto=N).

    Bad input writes nothing and says why; it never costs an error page.
    """
    review = published_review_or_404(slug)
    back = keep_upto(f"{review.get_absolute_url()}#ratings", parse_upto(request.GET.get("upto")))
    if request.method == "GET":
        return redirect(back)

    def told(level: int, message: str):
        messages.add_message(request, level, message, extra_tags=MESSAGE_TAG)
        return redirect(back)

    value = request.POST.get("rating", "")
    if not value.isdigit() or int(value) not in STARS:
        return told(messages.ERROR, "Choose from 1 to 5 stars: your rating was not saved.")
    if not comments_open(review):
        return told(messages.ERROR, "Ratings are closed on this review: yours was not saved.")
    ip = client_ip(request)
    wait = hit("vote-ip", ip or "")
    if wait:
        return told(
            messages.ERROR,
            f"Many ratings came from your address just now. Please wait {humane_duration(wait)} "
            "and rate again.",
        )
    stars = int(value)
    try:
        row, created = ratings.rating_set(
            review=review,
            reader=ensure_reader_id(request),
            stars=stars,
            ip_address=ip,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ratings.RatedInComment as rated:
        return told(
            messages.INFO,
            f"You rated this {rated.comment.rating} star{'s' if rated.comment.rating != 1 else ''} "
            "in your comment: your rating stays there.",
        )
    except Banned:
        return told(
            messages.ERROR, "Sorry: a moderator has suspended you, so your rating was not saved."
        )
    word = "saved" if created else "changed"
    answer = told(
        messages.SUCCESS,
        f"Thank you: your rating of {stars} star{'s' if stars != 1 else ''} is {word}.",
    )
    # The page now shows their stars: the HTTP cache asks the application for that part.
    return remember_own_page(request, answer, review.get_absolute_url(), row.pk, rated=True)


@require_safe
def mine(request, slug):
    """The ratings section's body as this reader sees it (readers' ratings, their own stars
    and the form to change them): what a cache that assembles ESI includes for a reader
    whose "mine" cookie names comments on the review. Two queries.

    Templates: comments/includes/reader_ratings.html
    """
    review = published_review_or_404(slug)
    response = render(request, "comments/includes/reader_ratings.html", {"review": review})
    return httpcache.shared(response, [review.cache_key])
