from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from infra import httpcache
from polls import services
from polls.forms import NOT_A_CHOICE, VoteForm
from polls.messages import IN_POLL
from polls.models import Poll
from polls.templatetags.polls_tags import poll_context
from readers.clientip import client_ip
from readers.identity import ensure_reader_id, remember_vote
from readers.ratelimit import hit, too_many_requests
from readers.sameorigin import reader_form
from reviews.models import Review, published_and_due


@require_POST
@reader_form
def vote(request, slug):
    """Count one reader's vote, then go back to the poll (POST-redirect-GET).

    Anything wrong (no answer, an answer of another poll, a closed poll, a second vote)
    is said in a message beside the poll and nothing is counted.
    """
    # The poll and its review's address in one query; the review alone only when it has
    # no poll.
    poll = Poll.objects.for_vote(slug)
    review = poll.review if poll else get_object_or_404(Review.objects.published(), slug=slug)
    back = review.get_absolute_url() + "#poll"
    wait = hit("vote-ip", client_ip(request))
    if wait is not None:
        return too_many_requests(request, wait, action="voted", back=back)

    if poll is None:
        messages.error(request, "This review has no poll to vote in.")
        return redirect(review.get_absolute_url())
    if not poll.has_opened:
        messages.error(request, "This poll is not open yet.", extra_tags=IN_POLL)
        return redirect(back)
    if poll.has_closed:
        messages.error(
            request, "This poll is closed; your vote was not counted.", extra_tags=IN_POLL
        )
        return redirect(back)

    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["choice"][0], extra_tags=IN_POLL)
        return redirect(back)
    voter = ensure_reader_id(request)
    try:
        counted = services.vote_cast(poll=poll, choice_id=form.cleaned_data["choice"], voter=voter)
    except services.NotAChoice:
        messages.error(request, NOT_A_CHOICE, extra_tags=IN_POLL)
        return redirect(back)
    choice = form.cleaned_data["choice"]
    if counted:
        messages.success(request, "Thanks: your vote is counted.", extra_tags=IN_POLL)
    else:
        messages.info(
            request, "You have already voted; your first vote stands.", extra_tags=IN_POLL
        )
        choice = services.counted_choice(poll=poll, voter=voter)
    return remember_vote(redirect(back), review.get_absolute_url(), choice)


@require_safe
def fragment(request, slug):
    """The review page's poll as this reader sees it (their vote, or the form): what a
    cache that assembles ESI puts into the shared page. Two queries.

    Templates: polls/includes/review_poll.html
    """
    return _poll_part(request, slug)


@require_safe
def voted_fragment(request, slug, choice):
    """The poll as every reader whose vote counted `choice` sees it: the results, their
    answer marked. One copy for all of them: Varnish sends a returning reader's poll
    include here when their "voted" cookie names that answer (varnish/reviewsite.vcl).
    Two queries. An answer that is not this poll's shows the poll as to a reader who has
    not voted, so a stale or edited cookie shows nothing wrong.

    Templates: polls/includes/review_poll.html
    """
    return _poll_part(request, slug, chosen=choice)


def _poll_part(request, slug, *, chosen: int | None = None):
    poll = (
        Poll.objects.filter(published_and_due("review__"), review__slug=slug)
        .select_related("review")
        .first()
    )
    if poll is None:
        raise Http404("No published review with a poll at this address.")
    reader = request if chosen is None else None  # the shared copy is nobody's own
    context = poll_context(reader, poll.review, poll, chosen=chosen)
    response = render(request, "polls/includes/review_poll.html", context)
    return httpcache.shared(
        response, [poll.cache_key, poll.review.cache_key], until=poll.next_change
    )


@require_safe
def results_json(request, slug):
    """The poll's numbers for scripts and widgets; the same figures the page shows.

    {"question", "open", "total", "choices": [{"id", "text", "votes", "percent"}]}
    """
    poll = (
        Poll.objects.with_results().filter(published_and_due("review__"), review__slug=slug).first()
    )
    if poll is None:
        return JsonResponse(
            {"error": "No published review with a poll at this address."}, status=404
        )
    return httpcache.shared(
        JsonResponse(poll.results().as_json()),
        [poll.cache_key, Review.cache_key_for(poll.review_id)],
        until=poll.next_change,
    )
