"""The comment section of a review page: what a request sees, as a template context.

The template tag `{% comment_section review %}` only hands the request here. What the
section holds depends on who asks (a moderator sees every comment with its controls; a
reader sees their own comments' Edit and Delete and what they reported), so it is built
from the request, with the reader's own rows in one query and the threads read only when
the cached list is missing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.paginator import Paginator
from django.db.models import Case, CharField, F, PositiveSmallIntegerField, Q, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from comments.forms import CommentForm
from comments.messages import placed
from comments.models import (
    COMMENTS_PER_PAGE,
    RATING_ALONE,
    SORTS,
    Comment,
    Reaction,
    Reason,
    Report,
    comments_open,
)
from comments.services import MODERATE, PIN, is_newcomer
from infra import httpcache
from readers.identity import reader_id
from reviews.episodes import keep_upto, parse_upto
from reviews.models import Review

#: The kinds own_and_reported() gives a comment the reader reported or reacted to (not
#: statuses).
REPORTED = "reported"
REACTED = "reacted"
#: The kind own_and_reported() gives the reader's rating alone (comments.ratings).
RATED_ALONE = "rated-alone"


def own_and_reported(review: Review, reader: str) -> list[tuple[int, int | None, str]]:
    """(comment id, rating, status) of the reader's comments on the review (RATED_ALONE
    for a rating alone), (comment id, None, REPORTED) of those they reported and
    (comment id, None, REACTED) of those they reacted to, in one UNION query, read once
    per page (the rating form and the comment section share it)."""
    memo = review.__dict__.setdefault("_own_and_reported", {})
    if reader not in memo:
        memo[reader] = _own_and_reported(review, reader)
    return memo[reader]


def _own_and_reported(review: Review, reader: str) -> list[tuple[int, int | None, str]]:
    # No ORDER BY in either part: SQLite refuses one inside a compound statement.
    comments = (
        Comment.objects.filter(review=review, reader=reader)
        .annotate(
            kind=Case(When(RATING_ALONE, then=Value(RATED_ALONE)), default=F("status")),
        )
        .order_by()
        .values_list("pk", "rating", "kind")
    )
    # A report a moderator closed stops counting once the comment is edited (may_report).
    still = Q(resolved_at__isnull=True) | Q(comment__edited_at__isnull=True)
    still |= Q(comment__edited_at__lte=F("resolved_at"))
    reports = (
        Report.objects.filter(still, reader=reader, comment__review=review)
        .annotate(
            no_rating=Value(None, output_field=PositiveSmallIntegerField()),
            kind=Value(REPORTED, output_field=CharField()),
        )
        .order_by()
        .values_list("comment_id", "no_rating", "kind")
    )
    reactions = (
        Reaction.objects.filter(reader=reader, comment__review=review)
        .annotate(
            no_rating=Value(None, output_field=PositiveSmallIntegerField()),
            kind=Value(REACTED, output_field=CharField()),
        )
        .order_by()
        .values_list("comment_id", "no_rating", "kind")
    )
    return list(comments.union(reports, reactions, all=True))


class CountedPaginator(Paginator):
    """A paginator told how many items there are (from the cached summary), so it never
    counts rows itself."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count


@dataclass(frozen=True)
class ReaderState:
    """What one reader did on one review, as the rating summary and the comment section
    show it: from one query, made once per request."""

    mine: frozenset[int] = frozenset()  # their comments (Edit and Delete)
    held: frozenset[int] = frozenset()  # theirs awaiting a moderator: shown to them alone
    reported: frozenset[int] = frozenset()  # comments they reported
    reacted: frozenset[int] = frozenset()  # comments they reacted to ("Respect")
    rated: int | None = None  # the stars they gave, whatever became of the comment
    rated_comment: int | None = None  # the comment that carries the rating
    rating_pending: bool = False  # that comment is not published yet: it does not count

    @property
    def personal(self) -> bool:
        """Whether the comment list shows this reader anything of their own."""
        return bool(self.mine or self.reported or self.reacted)


def reader_state(request: HttpRequest, review: Review) -> ReaderState:
    """This reader's comments and reports on the review (nothing for a new reader, and
    no query). Kept on the request, as both template tags of the page ask."""
    memo = request.__dict__.setdefault("_comments_reader_state", {})
    if review.pk in memo:
        return memo[review.pk]
    reader = reader_id(request)
    own = own_and_reported(review, reader) if reader else []
    rating = next(((pk, stars, kind) for pk, stars, kind in own if stars is not None), None)
    state = ReaderState(
        mine=frozenset(
            pk
            for pk, _, kind in own
            if kind not in (Comment.Status.DELETED, REPORTED, REACTED, RATED_ALONE)
        ),
        reacted=frozenset(pk for pk, _, kind in own if kind == REACTED),
        held=frozenset(pk for pk, _, kind in own if kind == Comment.Status.PENDING),
        reported=frozenset(pk for pk, _, kind in own if kind == REPORTED),
        rated=rating[1] if rating else None,
        rated_comment=rating[0] if rating else None,
        rating_pending=bool(rating) and rating[2] == Comment.Status.PENDING,
    )
    memo[review.pk] = state
    return state


def held_context(review: Review, reader: str | None, *, first_page: bool = True) -> dict:
    """Where a reader's held comments show (Comment.objects.held_apart, one query; none
    without a reader): the top-level ones above the list on its first page, newest first
    (held_top), and the replies by the comment they answer, oldest first (held_replies).
    Behind a cache that assembles ESI, comments:held carries the first and each comment's
    actions (comments:actions) the second."""
    rows = list(Comment.objects.held_apart(review, reader)) if reader else []
    replies: dict[int, list[Comment]] = {}
    for row in rows:
        if row.parent_id is not None:
            replies.setdefault(row.parent_id, []).append(row)
    top = [row for row in reversed(rows) if row.parent_id is None] if first_page else []
    return {"held_top": top, "held_replies": replies}


def will_wait(request: HttpRequest, *, trusted: bool | None = None) -> bool:
    """Whether this reader's next comment waits for a moderator because they are new
    (COMMENT_PREMODERATE): what the form says before they post. A new reader (no id) is
    new: the page every new reader shares says so to all of them. trusted: whether they
    are past it, when already read (comments:form reads services.trusted_comments with
    the review)."""
    if not settings.COMMENT_PREMODERATE or request.user.is_staff:
        return False
    reader = reader_id(request)
    if reader is None:
        return True
    return not trusted if trusted is not None else is_newcomer(reader=reader)


def section_context(
    request: HttpRequest, review: Review, *, form: CommentForm | None = None
) -> dict:
    """The comments of a review, 20 threads a page (?comments=N), and the form.

    A refused post passes its bound form (the reader's text and the errors show);
    otherwise a fresh form is made, offering a rating only to readers who have not rated
    yet (reader_id never creates an id). A reader's own held comments are shown to them
    and nobody else: above the list, and their replies under what they answer.
    """
    # What this reader did here, in one query: their comments (their rating, any status
    # counting as in rating_by; which get Edit and Delete) and the comments they reported
    # (marked "Reported"). Either makes their list their own, never cached for others.
    reader = reader_id(request)
    state = reader_state(request, review)
    mine, reported = state.mine, state.reported
    # Moderators see every comment with its moderation controls: their list is never
    # cached. Readers' lists are, keyed by the comments' version (see comment_list.html).
    moderator = request.user.has_perm(MODERATE)
    held = frozenset() if moderator else state.held
    sort = request.GET.get("sort")
    sort = sort if sort in SORTS else "newest"
    can_pin = request.user.has_perm(PIN)
    if form is None:
        user = request.user
        if user.is_authenticated:
            name = (user.get_full_name() or user.get_username())[:60]
        else:
            name = Comment.objects.name_last_used_by(reader)
        form = CommentForm(
            review=review,
            rated=state.rated,
            reply_to=request.GET.get("reply_to"),
            initial={"name": name} if name else None,
        )
    # A reader's held comments are not in the list: above it, and under what they answer.
    listed = Comment.objects.for_review_page(review, moderator=moderator, sort=sort)
    if moderator:
        paginator = Paginator(listed, COMMENTS_PER_PAGE)
    else:
        paginator = CountedPaginator(listed, COMMENTS_PER_PAGE, count=review.reader_rating.threads)
    page = paginator.get_page(request.GET.get("comments"))
    # Read only if the cached list is missing: one query for the threads and replies.
    threads = SimpleLazyObject(
        lambda: Comment.objects.threads(
            page.object_list.values("pk"), moderator=moderator, sort=sort
        )
    )
    notices, comment_notices = placed(get_messages(request))
    # Behind a cache that assembles ESI the page is shared, so the blank form (which may
    # greet a returning reader by name) is each reader's own fragment.
    form_esi = None
    if not (form.is_bound or form.reply_to or notices):
        form_url = reverse("comments:form", args=[review.slug])
        form_url = keep_upto(form_url, parse_upto(request.GET.get("upto")))
        form_esi = httpcache.esi_include(request, form_url)
    # Behind a cache that assembles ESI, a reader whose "mine" cookie names comments here
    # gets their held comments from comments:held; elsewhere they are rendered inline.
    own_esi = not moderator and httpcache.assembles_own_actions(request)
    held_parts = {"held_esi": None, "held_top": [], "held_replies": {}}
    if own_esi and page.number == 1:
        url = reverse("comments:held", args=[review.slug])
        held_parts["held_esi"] = httpcache.esi_include(request, url)
    elif not (own_esi or moderator) and state.held:
        held_parts |= held_context(review, reader, first_page=page.number == 1)
    return held_parts | {
        "review": review,
        "form": form,
        "form_esi": form_esi,
        # For a reader the cache knows has comments of their own here, each comment's
        # actions (Edit and Delete, "Reported") are included from comments:actions.
        "actions_esi": own_esi,
        "page": page,
        "threads": threads,
        "count": review.reader_rating.comments,
        # A reader's list is the same for everyone until the comments change; relative
        # dates ("5 minutes ago") are redrawn each minute.
        # Signed-in readers' forms carry their CSRF token: their list is their own too.
        "cache_list": not (
            moderator
            or can_pin
            or comment_notices
            or state.personal
            or form.reply_to
            or request.user.is_authenticated
        ),
        "mine": mine,
        "held": held,
        "reacted": state.reacted,
        "reaction_label": settings.REACTION_LABEL,
        "reader_state": state,
        "will_wait": will_wait(request),
        "review_hours": settings.COMMENT_REVIEW_HOURS,
        "premoderate": settings.COMMENT_PREMODERATE,
        "reported": reported,
        "sort": sort,
        "sorts": SORTS,
        "sort_query": "" if sort == "newest" else f"sort={sort}&",
        "can_pin": can_pin,
        "minute": timezone.now().strftime("%Y%m%d%H%M"),
        "open": comments_open(review),
        "live": review.is_live,
        "moderator": moderator,
        "reasons": Reason.choices,
        "Status": Comment.Status,  # templates compare comment.status with Status.REMOVED…
        "notices": notices,
        "comment_notices": comment_notices,
        "request": request,
    }
