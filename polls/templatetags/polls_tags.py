from django import template
from django.contrib.messages import get_messages
from django.db.models import Exists, OuterRef
from django.urls import reverse

from infra import httpcache
from polls.messages import in_poll
from polls.models import Poll, Vote
from readers.identity import reader_id
from reviews.models import Review

register = template.Library()
register.filter(in_poll)  # templates/includes/messages.html leaves these to the poll


@register.inclusion_tag("polls/includes/review_poll.html", takes_context=True)
def review_poll(context, review: Review) -> dict:
    """The review's poll: the form, or the results once this reader has voted or it closed.

    Behind a cache that assembles ESI, an <esi:include> of polls:fragment instead, so the
    page stays the same for every reader and each reader's poll is their own.
    """
    poll = getattr(review, "poll", None)  # the review page's query brings it along
    if poll is None:
        return {"poll": None}
    request = context.get("request")
    esi = httpcache.esi_include(request, reverse("polls:fragment", args=[review.slug]))
    if esi:
        return {"esi": esi}
    return poll_context(request, review, poll)


def poll_context(request, review: Review, poll: Poll, *, chosen: int | None = None) -> dict:
    """What review_poll.html shows this reader: one query (the choices with their counts,
    and which one is this reader's). Reads the reader's id without creating one, so
    showing a poll never sets a cookie. With `chosen`, the poll as shown to any reader
    whose vote counted that answer (polls.views.voted_fragment), whoever asks."""
    voter = reader_id(request) if request is not None and chosen is None else None
    choices = poll.choices.with_votes()
    if voter:
        mine = Vote.objects.filter(poll=poll, voter=voter, choice=OuterRef("pk"))
        choices = choices.annotate(mine=Exists(mine))
    poll.counted_choices = list(choices)
    my_choice = next((c.pk for c in poll.counted_choices if getattr(c, "mine", False)), None)
    if chosen is not None and any(c.pk == chosen for c in poll.counted_choices):
        my_choice = chosen
    notes = []
    if request is not None:
        notes = [m for m in get_messages(request) if in_poll(m)]
    return {
        "poll": poll,
        "review": review,
        "results": poll.results(),
        "my_choice": my_choice,
        "show_results": my_choice is not None or poll.has_closed,
        # Staff previewing an unpublished review see the form, but cannot vote yet.
        "can_vote": review.is_live,
        "notes": notes,
        "request": request,
    }
