from django import template
from django.contrib.messages import get_messages

from polls.messages import in_poll
from polls.models import Vote
from readers.identity import reader_id
from reviews.models import Review

register = template.Library()
register.filter(in_poll)  # templates/includes/messages.html leaves these to the poll


@register.inclusion_tag("polls/includes/review_poll.html", takes_context=True)
def review_poll(context, review: Review) -> dict:
    """The review's poll: the form, or the results once this reader has voted or it closed.

    Reads the reader's id without creating one, so showing a poll never sets a cookie.
    Two queries at most: the choices with their counts, this reader's vote.
    """
    poll = getattr(review, "poll", None)  # the review page's query brings it along
    if poll is None:
        return {"poll": None}
    poll.counted_choices = list(poll.choices.with_votes())
    request = context.get("request")
    voter = reader_id(request) if request is not None else None
    my_choice = None
    if voter:
        my_choice = (
            Vote.objects.filter(poll=poll, voter=voter).values_list("choice_id", flat=True).first()
        )
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
