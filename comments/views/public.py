"""What readers do with comments: post them, report them, edit and delete their own."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_http_methods

from comments import services
from comments.forms import ALREADY_RATED, CommentEditForm, CommentForm, ReportForm
from comments.messages import MESSAGE_TAG, tags_for
from comments.models import OWN_EDITABLE, Comment, MailAddress, Report, comments_open
from infra.database import DATABASE_UNAVAILABLE
from readers.clientip import client_ip
from readers.identity import ensure_reader_id, reader_id
from readers.ratelimit import hit, humane_duration
from readers.sameorigin import reader_form
from reviews.models import Review
from reviews.views import published_review_or_404, render_review

ALREADY_REPORTED = "You have already reported this comment. Thank you: a moderator will look at it."


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


@require_http_methods(["GET", "POST"])
@reader_form
def post_comment(request, slug):
    """Post a comment (and maybe a rating) on a review; then back to it (POST-redirect-GET).

    Templates: the review page (reviews/review_detail.html) when the post is refused
    Context: review, comment_form (bound, with errors)
    """
    review = published_review_or_404(slug)
    if request.method == "GET":  # someone reloaded or bookmarked the form's address
        return redirect(f"{review.get_absolute_url()}#comments")
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
    # Stored: whatever fails from here on, the reader must hear that it was saved.
    try:
        return _posted(request, review, comment)
    except DATABASE_UNAVAILABLE:
        notify(request, messages.SUCCESS, "Thank you: your comment is saved.")
        return redirect(f"{review.get_absolute_url()}#comments")


def _posted(request, review, comment):
    """The redirect after a stored comment, with what the reader should know."""
    if comment.notify_replies and not comment_mail_active(comment.email):
        messages.info(
            request,
            f"We have sent a link to {comment.email}: open it to confirm you want to be "
            "told about replies.",
            extra_tags=MESSAGE_TAG,
        )
    if comment.status == Comment.Status.PENDING:
        messages.info(
            request,
            "Your comment is awaiting moderation: it will appear once a moderator has read it.",
            extra_tags=MESSAGE_TAG,
        )
        return redirect(f"{review.get_absolute_url()}#comment-form")
    messages.success(request, "Thank you: your comment is posted.", extra_tags=MESSAGE_TAG)
    return redirect(comment)


def banned_message(ban) -> str:
    when = (
        "for good"
        if ban.until is None
        else f"until {date_format(localtime(ban.until), 'DATETIME_FORMAT')}"
    )
    return (
        f"Sorry: a moderator has suspended you from commenting {when} "
        f"({ban.get_reason_display().lower()}), so your comment was not posted. "
        "Your text is kept below."
    )


def comment_mail_active(email: str) -> bool:
    return MailAddress.objects.active().filter(email__iexact=email).exists()


def _already_reported(comment: Comment, reader: str | None) -> bool:
    return bool(reader) and Report.objects.filter(comment=comment, reader=reader).exists()


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
    if request.method == "GET":
        if _already_reported(comment, reader_id(request)):
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
    wait = hit("report-ip", ip)
    if wait:
        form.add_error(
            None,
            "You have sent several reports in a short while. Please wait "
            f"{humane_duration(wait)} and send this one again; "
            "what you wrote is kept below.",
        )
        response = render(
            request, "comments/comment_report.html", context | {"form": form}, status=429
        )
        response["Retry-After"] = str(wait)
        return response
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
        return redirect(f"{review.get_absolute_url()}#comments")
    notify(
        request,
        messages.SUCCESS,
        "Thank you for your report: a moderator will look at this comment.",
        comment=comment,
    )
    return redirect(back)


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
            "moderator has read it.",
        )
        return redirect(f"{comment.review.get_absolute_url()}#comments")
    notify(request, messages.SUCCESS, "Your comment is updated.", comment=edited)
    return redirect(edited)


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
