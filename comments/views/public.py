"""What readers do with comments: post them, report them, react to them, edit and delete
their own."""

import functools

from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, Q, Subquery
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comments import services
from comments.forms import ALREADY_RATED, CommentEditForm, CommentForm, NoticeForm, ReportForm
from comments.messages import MESSAGE_TAG, tags_for
from comments.models import OWN_EDITABLE, Comment, MailAddress, comments_open
from comments.section import held_context, reader_state, will_wait
from comments.views.ratings import is_rating_alone, rate
from infra import httpcache
from infra.database import DATABASE_UNAVAILABLE
from readers.clientip import client_ip
from readers.identity import ensure_reader_id, reader_id, remember_name, remember_own_page
from readers.ratelimit import hit, humane_duration
from readers.sameorigin import reader_form
from reviews.episodes import keep_upto, parse_upto
from reviews.models import Review
from reviews.views import published_review_or_404, render_review

ALREADY_REPORTED = "You have already reported this comment. Thank you: a moderator will look at it."
OWN_REPORT = "This is your own comment: you can edit or delete it instead of reporting it."


def notify(request, level: int, message: str, *, comment: Comment | None = None) -> None:
    """A message the comment section shows, inside the comment when one is given (the
    page comes back scrolled to it, so that is where the reader is looking)."""
    messages.add_message(request, level, message, extra_tags=tags_for(comment))


def _refused(request, review, form, *, status=400):
    """The review page again, the reader's text in the form and the errors beside it.

    400 rather than 200: nothing was saved, and logs and monitors can tell a refused post
    from a page view; browsers show the page all the same.
    """
    return render_review(request, review, context={"comment_form": form}, status=status)


def keeps_the_shield(view):
    """A reader posting from a shielded page (?upto=N, carried by the form's address) is
    sent back to a shielded page: the redirect after the post keeps ?upto."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        upto = parse_upto(request.GET.get("upto"))
        if upto and response.status_code in (301, 302, 303):
            response["Location"] = keep_upto(response["Location"], upto)
        return response

    return wrapped


@require_http_methods(["GET", "POST"])
@reader_form
@keeps_the_shield
def post_comment(request, slug):
    """Post a comment (and maybe a rating) on a review; then back to it (POST-redirect-GET).

    Templates: the review page (reviews/review_detail.html) when the post is refused
    Context: review, comment_form (bound, with errors)
    """
    review = published_review_or_404(slug)
    if request.method == "GET":  # someone reloaded or bookmarked the form's address
        return redirect(f"{review.get_absolute_url()}#comments")
    if is_rating_alone(request.POST):  # stars and no words: a rating alone
        return rate(request, slug)
    reader = ensure_reader_id(request)
    form = CommentForm(
        request.POST,
        review=review,
        rated=Comment.objects.rating_by(review=review, reader=reader),
    )
    if not form.is_valid():
        return _refused(request, review, form)
    if not comments_open(review):
        form.add_error(None, "Comments are closed on this review: your comment was not posted.")
        return _refused(request, review, form, status=403)

    ip = client_ip(request)
    wait = max(hit("comment-ip", ip) or 0, hit("comment-voter", reader) or 0)
    if wait:
        form.add_error(
            None,
            "You have posted several comments in a short while. Please wait "
            f"{humane_duration(wait)} and post again; "
            "your comment is kept below.",
        )
        response = _refused(request, review, form, status=429)
        response["Retry-After"] = str(wait)
        return response

    data = form.cleaned_data
    try:
        comment = services.comment_post(
            review=review,
            name=data["name"],
            email=data["email"],
            body=data["body"],
            rating=data["rating"],
            spoiler=data["spoiler"],
            parent=data["parent"],
            reader=reader,
            ip_address=ip,
            user_agent=request.headers.get("User-Agent", ""),
            notify_replies=data["notify_replies"],
            by_staff=request.user.is_staff,
            episode_number=data.get("episode_number"),
        )
    except services.AlreadyRated:
        form.rated = Comment.objects.rating_by(review=review, reader=reader)
        form.add_error(None, ALREADY_RATED)
        return _refused(request, review, form)
    except services.Banned as banned:
        form.add_error(None, banned_message(banned.ban))
        return _refused(request, review, form, status=403)
    except services.Duplicate as duplicate:
        notify(
            request,
            messages.INFO,
            "You had already posted this comment: here it is. It was not posted twice.",
            comment=duplicate.comment,
        )
        return redirect(f"{review.get_absolute_url()}#comment-{duplicate.comment.pk}")
    # Stored: whatever fails from here on, the reader must hear that it was saved. The
    # review's page now holds their own comment: theirs, never the cache's shared copy.
    try:
        response = _posted(request, review, comment)
    except DATABASE_UNAVAILABLE:
        notify(request, messages.SUCCESS, "Thank you: your comment is saved.")
        response = redirect(f"{review.get_absolute_url()}#comments")
    return remember_name(_remember_own(request, response, comment))


def _remember_own(request, response, comment: Comment):
    """Tell the HTTP cache what of this page is now the reader's own, after they stored
    comment (readers.identity.remember_own_page): it, and the comment a held reply
    answers (it shows beneath), whether something of theirs waits, whether they rated."""
    held = comment.status == Comment.Status.PENDING
    ids = [comment.parent_id, comment.pk] if held and comment.parent_id else [comment.pk]
    page = comment.review.get_absolute_url()
    rated = comment.rating is not None
    return remember_own_page(request, response, page, *ids, held=held, rated=rated)


@require_safe
def comment_form(request, slug):
    """The blank comment form as this reader sees it (signed with the name of their last
    comment, "you rated it" once they have, and whether their next comment waits for a
    moderator): what a cache that assembles ESI puts into the shared review page. Two
    queries (two more on a season review with episodes: its guide, for the "Discusses
    episode" choice). Varnish asks for it only for a reader with the "named" cookie or
    an "r" in "mine"; every other reader's form is the blank one it keeps.

    Templates: comments/includes/comment_form.html
    """
    user = request.user
    reader = reader_id(request)
    reviews = Review.objects.published()
    if reader and not user.is_authenticated:
        names = Comment.objects.names_signed_by(reader)[:1]
        reviews = reviews.annotate(reader_name=Subquery(names))
    if reader and settings.COMMENT_PREMODERATE:
        reviews = reviews.annotate(reader_trusted=Exists(services.trusted_comments(reader)))
    review = get_object_or_404(reviews, slug=slug)
    if user.is_authenticated:
        name = (user.get_full_name() or user.get_username())[:60]
    else:
        name = getattr(review, "reader_name", None)
    state = reader_state(request, review)
    form = CommentForm(review=review, rated=state.rated, initial={"name": name} if name else None)
    context = {
        "review": review,
        "form": form,
        "count": review.reader_rating.comments,
        "reader_state": state,
        "will_wait": will_wait(request, trusted=getattr(review, "reader_trusted", None)),
        "review_hours": settings.COMMENT_REVIEW_HOURS,
        "premoderate": settings.COMMENT_PREMODERATE,
    }
    response = render(request, "comments/includes/comment_form.html", context)
    return httpcache.shared(response, [review.cache_key])


@require_safe
def held(request, slug):
    """This reader's comments on the review that wait for a moderator, marked "Awaiting
    review" with Edit and Delete: what a cache that assembles ESI puts above the shared
    list for a reader whose "mine" cookie names comments there (nothing for anyone else).
    Two queries.

    Templates: comments/includes/held_comments.html
    """
    review = published_review_or_404(slug)
    rows = held_context(review, reader_id(request))["held_top"]
    context = {
        "review": review,
        "held_top": rows,
        "held": frozenset(row.pk for row in rows),
        "review_hours": settings.COMMENT_REVIEW_HOURS,
    }
    response = render(request, "comments/includes/held_comments.html", context)
    return httpcache.shared(response, [review.cache_key])


def _posted(request, review, comment):
    """The redirect after a stored comment, with what the reader should know."""
    if comment.notify_replies and not comment_mail_active(comment.email):
        sent = getattr(comment, "confirmation_sent", False)
        messages.info(
            request,
            f"We have sent a link to {comment.email}: open it to confirm you want to be "
            "told about replies."
            if sent
            else f"We e-mailed a link to {comment.email} earlier today (one a day at most): "
            "open it to confirm you want to be told about replies (a link to confirm a "
            "follow does too).",
            extra_tags=MESSAGE_TAG,
        )
    if comment.status == Comment.Status.PENDING:
        # Shown above the form (which stays open); the comment itself, in its place,
        # is marked "Awaiting review" for its author alone.
        hours = settings.COMMENT_REVIEW_HOURS
        messages.info(
            request,
            "Your comment is awaiting moderation: only you can see it until a moderator "
            f"has read it, usually within {hours} hour{'s' if hours != 1 else ''}."
            + (" Your rating will count once it is published." if comment.rating else ""),
            extra_tags=MESSAGE_TAG,
        )
        return redirect(f"{review.get_absolute_url()}#comment-{comment.pk}")
    messages.success(request, "Thank you: your comment is posted.", extra_tags=MESSAGE_TAG)
    return redirect(comment)


def banned_message(
    ban, *, what: str = "your comment was not posted. Your text is kept below."
) -> str:
    return (
        f"Sorry: a moderator has suspended you from commenting {ban.length_label} "
        f"({ban.get_reason_display().lower()}), so {what}"
    )


def comment_mail_active(email: str) -> bool:
    return MailAddress.objects.active().filter(email__iexact=email).exists()


def _already_reported(comment: Comment, reader: str | None) -> bool:
    return not services.may_report(comment=comment, reader=reader)


def _over_report_limit(request, ip: str, form, template: str, context: dict, *, again="this one"):
    """Count a report or notice against the address's shared limit; over it, the form
    again (429, Retry-After) with what was typed and how long to wait, else None."""
    wait = hit("report-ip", ip)
    if not wait:
        return None
    form.add_error(
        None,
        "You have sent several reports in a short while. Please wait "
        f"{humane_duration(wait)} and send {again} again; what you wrote is kept below.",
    )
    response = render(request, template, context | {"form": form}, status=429)
    response["Retry-After"] = str(wait)
    return response


@require_http_methods(["GET", "POST"])
@reader_form
def report(request, pk):
    """Report a comment to the moderators: GET shows the form with the comment quoted,
    POST records the report and goes back to the review (POST-redirect-GET).

    Only published comments of published reviews can be reported (404 otherwise). A
    refused report comes back with the reader's choice and note kept: 400 for bad input,
    429 with Retry-After for the rate limit.

    Templates: comments/comment_report.html
    Context: comment, review, form, already_reported
    """
    comment = get_object_or_404(
        Comment.objects.published().filter(review__in=Review.objects.published()),
        pk=pk,
    )
    review = comment.review
    back = comment.get_absolute_url()
    context = {"comment": comment, "review": review, "back": back}
    reader = reader_id(request)
    if reader and comment.reader == reader:
        return _own_page(request, comment, "refused", status=403, why=OWN_REPORT)
    if request.method == "GET":
        if _already_reported(comment, reader):
            return render(request, "comments/comment_report.html", context | {"done": True})
        return render(request, "comments/comment_report.html", context | {"form": ReportForm()})

    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "comments/comment_report.html", context | {"form": form}, status=400)
    reader = ensure_reader_id(request)
    if _already_reported(comment, reader):
        notify(request, messages.INFO, ALREADY_REPORTED, comment=comment)
        return redirect(back)
    ip = client_ip(request)
    refused = _over_report_limit(request, ip, form, "comments/comment_report.html", context)
    if refused:
        return refused
    try:
        services.comment_report(
            comment=comment,
            reader=reader,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            ip_address=ip,
        )
    except services.AlreadyReported:
        notify(request, messages.INFO, ALREADY_REPORTED, comment=comment)
        return redirect(back)
    if comment.status != Comment.Status.PUBLISHED:
        notify(
            request,
            messages.SUCCESS,
            "Thank you for your report. The comment is hidden until a moderator has looked at it.",
        )
        response = redirect(f"{review.get_absolute_url()}#comments")
        return remember_own_page(request, response, review.get_absolute_url(), comment.pk)
    notify(
        request,
        messages.SUCCESS,
        "Thank you for your report: a moderator will look at this comment.",
        comment=comment,
    )
    # marked "Reported" for them
    return remember_own_page(request, redirect(back), review.get_absolute_url(), comment.pk)


# --- A reader's own comment ---------------------------------------------------------------


def _own_page(request, comment: Comment, action: str, *, status: int = 200, **context):
    """The edit form, the delete confirmation, or why neither is possible.

    Templates: comments/comment_own.html
    Context: comment, review, action ("edit" / "delete" / "refused"), back, form, why
    """
    context = {
        "comment": comment,
        "review": comment.review,
        "action": action,
        "back": comment.get_absolute_url(),
    } | context
    return render(request, "comments/comment_own.html", context, status=status)


NOT_YOURS = (
    "Only the reader who posted this comment can change it, from the browser or the "
    "account they posted it from."
)


def _own_comment(request, pk) -> tuple[Comment | None, str | None]:
    """The comment if this reader posted it (with its review published), else None."""
    comment = get_object_or_404(
        Comment.objects.select_related("review").filter(review__in=Review.objects.published()),
        pk=pk,
    )
    reader = reader_id(request)
    mine = bool(reader) and comment.reader == reader
    return comment, reader if mine else None


@reader_form
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """Edit one's own comment within the edit window: GET shows the form, POST saves it
    and goes back to the comment (POST-redirect-GET)."""
    comment, reader = _own_comment(request, pk)
    if reader is None:
        return _own_page(request, comment, "refused", status=403, why=NOT_YOURS)
    if not comment.is_editable():
        why = (
            "This comment can no longer be edited: the "
            f"{settings.COMMENT_EDIT_MINUTES} minutes after posting have passed. You can "
            "still delete it."
            if comment.status in OWN_EDITABLE
            else "This comment can no longer be edited."
        )
        return _own_page(request, comment, "refused", status=403, why=why)
    if request.method == "GET":
        return _own_page(request, comment, "edit", form=CommentEditForm(instance=comment))
    form = CommentEditForm(request.POST, instance=comment)
    if not form.is_valid():
        return _own_page(request, comment, "edit", status=400, form=form)
    data = form.cleaned_data
    try:
        edited = services.comment_edit(
            comment=comment,
            reader=reader,
            body=data["body"],
            rating=data.get("rating"),
            spoiler=data["spoiler"],
            episode_number=data.get("episode_number", comment.episode_number),
        )
    except services.EditClosed:
        return _own_page(request, comment, "refused", status=403, why="The edit window has closed.")
    except services.AlreadyRated:
        form.add_error("rating", "You have already rated this review in another comment.")
        return _own_page(request, comment, "edit", status=400, form=form)
    if edited.status == Comment.Status.PENDING:
        notify(
            request,
            messages.INFO,
            "Your edit is awaiting moderation: the comment will appear again once a "
            "moderator has read it."
            if comment.status == Comment.Status.PUBLISHED
            else "Your comment is updated. It is still awaiting review.",
            comment=edited,
        )
        back = redirect(f"{comment.review.get_absolute_url()}#comment-{comment.pk}")
        return _remember_own(request, back, edited)
    notify(request, messages.SUCCESS, "Your comment is updated.", comment=edited)
    return _remember_own(request, redirect(edited), edited)


@reader_form
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    """Delete one's own comment, at any time: GET asks, POST deletes (a soft delete) and
    goes back to the review."""
    comment, reader = _own_comment(request, pk)
    if reader is None:
        return _own_page(request, comment, "refused", status=403, why=NOT_YOURS)
    if comment.status == Comment.Status.DELETED:
        return _own_page(request, comment, "refused", status=403, why="You deleted this comment.")
    if request.method == "GET":
        return _own_page(request, comment, "delete")
    services.comment_delete(comment=comment, reader=reader)
    notify(request, messages.SUCCESS, "Your comment is deleted.")
    return redirect(f"{comment.review.get_absolute_url()}#comments")


# --- Reactions ----------------------------------------------------------------------------


def _reaction_answer(
    request, comment: Comment, *, reader: str | None = None, message: str = "", status: int = 200
):
    """What a reaction POST answers: JSON to the page's script (which asks for it), else
    the reader goes back to the comment (a refusal: the page again, the message at the
    comment, with the status that says why)."""
    if "application/json" in request.headers.get("Accept", ""):
        reader = reader or reader_id(request)
        body = {
            "on": bool(reader) and comment.reactions.filter(reader=reader).exists(),
            "count": comment.reactions.count(),
            "label": settings.REACTION_LABEL,
        }
        return JsonResponse(body | ({"error": message} if message else {}), status=status)
    if status >= 400:
        notify(request, messages.ERROR, message, comment=comment)
        return render_review(request, comment.review, status=status)
    return redirect(comment)


@require_POST
@reader_form
def react(request, pk):
    """Give or take back one's reaction ("Respect") to a comment: on=1 gives it, on=0
    takes it back (the button says which). Same guards as a comment: Fetch Metadata,
    rate limits, bans; never on one's own comment, only while comments are open."""
    comment = get_object_or_404(
        Comment.objects.published()
        .select_related("review")
        .filter(review__in=Review.objects.published()),
        pk=pk,
    )
    on = request.POST.get("on")
    if on not in ("0", "1"):
        return _reaction_answer(
            request, comment, status=400, message="Press the button again to react."
        )
    if not comments_open(comment.review):
        return _reaction_answer(
            request, comment, status=403, message="Comments are closed on this review."
        )
    reader = ensure_reader_id(request)
    ban = services.active_ban(reader=reader)
    if ban is not None:
        message = banned_message(ban, what="your reaction was not saved.")
        return _reaction_answer(request, comment, status=403, message=message)
    wait = max(hit("reaction-ip", client_ip(request)) or 0, hit("reaction-reader", reader) or 0)
    if wait:
        response = _reaction_answer(
            request,
            comment,
            status=429,
            message=f"You have reacted many times in a short while. Please wait "
            f"{humane_duration(wait)} and press it again.",
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        services.reaction_set(comment=comment, reader=reader, on=on == "1")
    except services.OwnComment:
        return _reaction_answer(
            request, comment, status=403, message="You can’t react to your own comment."
        )
    answer = _reaction_answer(request, comment, reader=reader)
    return remember_own_page(request, answer, comment.review.get_absolute_url(), comment.pk)


@require_safe
def actions(request, pk):
    """One comment's actions as this reader sees them (react, reply, report, or Edit and
    Delete on their own): what a cache that assembles ESI includes under each comment of
    the shared list. Varnish asks for a reader's own copy only for the comments their
    "mine" cookie names (readers.identity.remember_own_page), with their held replies to
    it beneath; everyone else shares one. Two queries.

    Templates: comments/includes/comment_actions.html
    """
    # The comment, and this reader's replies to it that wait for a moderator, in one query.
    wanted = Q(pk=pk)
    reader = reader_id(request)
    if reader:
        wanted |= Q(parent_id=pk, reader=reader, status=Comment.Status.PENDING)
    rows = list(
        Comment.objects.select_related("review")
        .filter(wanted, review__in=Review.objects.published())
        .order_by("created_at", "pk")
    )
    comment = next((row for row in rows if row.pk == pk), None)
    if comment is None:
        raise Http404("No such comment.")
    held_replies = [row for row in rows if row.pk != pk]
    review = comment.review
    state = reader_state(request, review)
    try:
        number = max(1, int(request.GET.get("comments", 1)))
    except ValueError:
        number = 1
    context = {
        "comment": comment,
        "review": review,
        "reply": comment.parent_id is not None,
        "page": {"number": number},
        "open": comments_open(review),
        "mine": state.mine,
        "reported": state.reported,
        "reacted": state.reacted,
        "reaction_label": settings.REACTION_LABEL,
        "held_replies": {comment.pk: held_replies} if held_replies else {},
        "held": frozenset(row.pk for row in held_replies),
        "review_hours": settings.COMMENT_REVIEW_HOURS,
        "Status": Comment.Status,
        "request": request,
    }
    response = render(request, "comments/includes/comment_actions.html", context)
    return httpcache.shared(response, [review.cache_key])


# --- Notices of illegal content -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@reader_form
def notice(request, pk):
    """Notify that a comment is illegal: GET shows the form with the comment quoted, POST
    stores the notice (it is acknowledged by e-mail) and goes back to the comment.

    A refused notice comes back with everything typed kept: 400 for bad input, 429 with
    Retry-After for the rate limit (shared with reports).

    Templates: comments/comment_notice.html
    Context: comment, review, form, back
    """
    comment = get_object_or_404(
        Comment.objects.published().filter(review__in=Review.objects.published()), pk=pk
    )
    context = {"comment": comment, "review": comment.review, "back": comment.get_absolute_url()}
    if request.method == "GET":
        return render(request, "comments/comment_notice.html", context | {"form": NoticeForm()})
    form = NoticeForm(request.POST)
    if not form.is_valid():
        return render(request, "comments/comment_notice.html", context | {"form": form}, status=400)
    ip = client_ip(request)
    refused = _over_report_limit(
        request, ip, form, "comments/comment_notice.html", context, again="this notice"
    )
    if refused:
        return refused
    data = form.cleaned_data
    services.notice_submit(
        comment=comment,
        category=data["category"],
        explanation=data["explanation"],
        email=data["email"],
        name=data["name"],
        reader=reader_id(request) or "",
        ip_address=ip,
    )
    notify(
        request,
        messages.SUCCESS,
        "Thank you: your notice is received and a moderator will decide on it. We have "
        f"e-mailed {data['email']} a confirmation, and will send the decision there.",
        comment=comment,
    )
    return redirect(context["back"])
