from django import template
from django.urls import reverse
from django.utils.http import urlencode

from comments.models import STARS, comments_open
from comments.section import RATED_ALONE, own_and_reported
from infra import httpcache
from readers.identity import reader_id
from reviews.episodes import parse_upto
from reviews.models import Review

register = template.Library()


@register.inclusion_tag("comments/includes/rating_form.html", takes_context=True)
def rating_form(context, review: Review) -> dict:
    """Stars with no comment (comments.ratings). A new reader's form is the same for
    everyone (the page is shared); a reader with an id sees their own stars checked (read
    with the comment section's own_and_reported, so it costs no query more). Left out
    while the reader writes a reply (?reply_to=, or a refused reply shown again): that form
    carries no rating."""
    request = context["request"]
    reader = reader_id(request)
    own = own_and_reported(review, reader) if reader else []
    refused = context.get("comment_form")  # a refused post's form, shown again
    replying = request.GET.get("reply_to") or (refused is not None and refused.reply_to)
    rated = next(((stars, kind) for _, stars, kind in own if stars is not None), (None, None))
    return {
        "review": review,
        "open": comments_open(review) and not replying,
        "stars": STARS,
        "mine": rated[0],
        "changeable": rated[0] is None or rated[1] == RATED_ALONE,
        "upto": parse_upto(request.GET.get("upto")),  # posted from a shielded page, back to one
    }


@register.simple_tag(takes_context=True)
def ratings_esi(context, review: Review) -> str | None:
    """The address a cache that assembles ESI includes the ratings section's body from, for
    a reader whose "mine" cookie names comments here (their stars are theirs); None for
    everyone else, whose section is the same for all and rendered inline."""
    request = context["request"]
    if context.get("comment_form") is not None or not httpcache.assembles_own_actions(request):
        return None
    url = reverse("comments:ratings", args=[review.slug])
    query = {}
    if replying := request.GET.get("reply_to"):  # the form to rate alone waits meanwhile
        query["reply_to"] = replying
    if upto := parse_upto(request.GET.get("upto")):  # the form posts back to a shielded page
        query["upto"] = upto
    if query:
        url += "?" + urlencode(query)
    return httpcache.esi_include(request, url)
