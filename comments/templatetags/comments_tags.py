"""The review page's rating summary and comment section, and filters for comments."""

from datetime import datetime, timedelta

from crispy_forms.utils import render_crispy_form
from django import template
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.paginator import Paginator
from django.db.models import CharField, PositiveSmallIntegerField, Value
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from comments import text
from comments.forms import CommentForm
from comments.messages import in_comments, placed
from comments.models import (
    COMMENTS_PER_PAGE,
    SORTS,
    Comment,
    RatingSummary,
    Reason,
    Report,
    comments_open,
    star_states,
)
from comments.services import MODERATE, PIN
from readers.identity import reader_id
from reviews.models import Review

register = template.Library()
register.filter(in_comments)  # templates/includes/messages.html leaves these to comments


@register.inclusion_tag("comments/includes/rating_summary.html")
def rating_summary(review: Review) -> dict:
    """ "Rated 4.3 out of 5 stars · 12 ratings", stars and the 5-to-1 bars (or "No ratings yet")."""
    summary: RatingSummary = review.reader_rating
    return {"review": review, "summary": summary}


#: The kind own_and_reported() gives a comment the reader reported (not a status).
REPORTED = "reported"


def own_and_reported(review: Review, reader: str) -> list[tuple[int, int | None, str]]:
    """(comment id, rating, status) of the reader's comments on the review, and
    (comment id, None, REPORTED) of those they reported, in one UNION query."""
    # No ORDER BY in either part: SQLite refuses one inside a compound statement.
    comments = (
        Comment.objects.filter(review=review, reader=reader)
        .order_by()
        .values_list("pk", "rating", "status")
    )
    reports = (
        Report.objects.filter(reader=reader, comment__review=review)
        .annotate(
            no_rating=Value(None, output_field=PositiveSmallIntegerField()),
            kind=Value(REPORTED, output_field=CharField()),
        )
        .order_by()
        .values_list("comment_id", "no_rating", "kind")
    )
    return list(comments.union(reports, all=True))


@register.inclusion_tag("comments/includes/comment_section.html", takes_context=True)
def comment_section(context, review: Review) -> dict:
    """The comments of a review, 20 threads a page (?comments=N), and the form.

    A refused post puts its bound form in the page's context as comment_form, so the
    reader's text and the errors show here; otherwise a fresh form is made, offering a
    rating only to readers who have not rated yet (reader_id never creates an id).
    """
    request = context["request"]
    # What this reader did here, in one query: their comments (their rating, any status
    # counting as in rating_by; which get Edit and Delete) and the comments they reported
    # (marked "Reported"). Either makes their list their own, never cached for others.
    reader = reader_id(request)
    own = own_and_reported(review, reader) if reader else []
    rated = next((stars for _, stars, kind in own if stars is not None), None)
    mine = {pk for pk, _, kind in own if kind not in (Comment.Status.DELETED, REPORTED)}
    reported = {pk for pk, _, kind in own if kind == REPORTED}
    sort = request.GET.get("sort")
    sort = sort if sort in SORTS else "newest"
    can_pin = request.user.has_perm(PIN)
    form = context.get("comment_form")
    if form is None:
        user, reader = request.user, reader_id(request)
        if user.is_authenticated:
            name = (user.get_full_name() or user.get_username())[:60]
        else:
            name = Comment.objects.name_last_used_by(reader)
        form = CommentForm(
            review=review,
            rated=rated,
            reply_to=request.GET.get("reply_to"),
            initial={"name": name} if name else None,
        )
    # Moderators see every comment with its moderation controls: their list is never
    # cached. Readers' lists are, keyed by the comments' version (see comment_list.html).
    moderator = request.user.has_perm(MODERATE)
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
    return {
        "review": review,
        "form": form,
        "page": page,
        "threads": threads,
        "count": review.reader_rating.comments,
        # A reader's list is the same for everyone until the comments change; relative
        # dates ("5 minutes ago") are redrawn each minute.
        "cache_list": not (
            moderator or can_pin or comment_notices or mine or reported or form.reply_to
        ),
        "mine": mine,
        "reported": reported,
        "sort": sort,
        "sorts": SORTS,
        "sort_query": "" if sort == "newest" else f"sort={sort}&",
        "can_pin": can_pin,
        "edit_since": timezone.now() - timedelta(minutes=settings.COMMENT_EDIT_MINUTES),
        "minute": timezone.now().strftime("%Y%m%d%H%M"),
        "open": comments_open(review),
        "live": review.is_live,
        "moderator": moderator,
        "reasons": Reason.choices,
        "Status": Comment.Status,  # templates compare comment.status with Status.REMOVED…
        "notices": notices,
        "comment_notices": comment_notices,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


#: The crispy-forms HTML of a blank form, by whether it offers a rating. Every reader who
#: is not logged in gets the same, so it is rendered once per process (not in DEBUG,
#: where templates change under the server).
_BLANK_FIELDS: dict[bool, SafeString] = {}


@register.simple_tag(takes_context=True)
def comment_fields(context, form: CommentForm) -> SafeString:
    """The form's fields, through crispy-forms (errors and what was typed included)."""
    blank = not form.is_bound and not form.initial and not settings.DEBUG
    if blank and form.offers_rating in _BLANK_FIELDS:
        return _BLANK_FIELDS[form.offers_rating]
    html = render_crispy_form(form, context=context)
    if blank:
        _BLANK_FIELDS[form.offers_rating] = html
    return html


class CountedPaginator(Paginator):
    """A paginator told how many items there are (from the cached summary), so it never
    counts rows itself."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count


@register.filter
def comment_body(value: str) -> SafeString:
    """Comment text as safe HTML: escaped, paragraphs and line breaks, nofollow links."""
    return text.render(value or "")


@register.filter
def notices_for(comment_notices: dict, comment: Comment) -> list:
    """The messages about this comment (a moderator's action, a reader's report)."""
    return comment_notices.get(str(comment.pk), [])


@register.filter
def stars(value) -> list[str]:
    """Five "full" / "half" / "empty" states for a rating or an average."""
    return star_states(value)


@register.filter
def ago(value: datetime) -> str:
    """ "just now", "5 minutes ago", "3 days ago": the largest unit only."""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value, depth=1)} ago"
