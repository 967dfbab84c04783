from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.views.decorators.http import require_http_methods

from comments import services
from comments.forms import ALREADY_RATED, CommentForm
from comments.models import Comment
from reviews.views import published_review_or_404, render_review
from reviewsite.clientip import client_ip
from reviewsite.ratelimit import hit
from reviewsite.readers import ensure_reader_id

#: Messages with this tag are shown by the comment section, next to the form.
MESSAGE_TAG = "comments"


def _refused(request, review, form, *, status=400):
    """The review page again, the reader's text in the form and the errors beside it.

    400 rather than 200: nothing was saved, and logs and monitors can tell a refused post
    from a page view; browsers show the page all the same.
    """
    return render_review(request, review, context={"comment_form": form}, status=status)


@require_http_methods(["GET", "POST"])
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

    ip = client_ip(request)
    wait = max(hit("comment-ip", ip) or 0, hit("comment-voter", reader) or 0)
    if wait:
        form.add_error(
            None,
            "You have posted several comments in a short while. Please wait "
            f"{timeuntil(timezone.now() + timedelta(seconds=wait))} and post again; "
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
        )
    except services.AlreadyRated:
        form.rated = Comment.objects.rating_by(review=review, reader=reader)
        form.add_error(None, ALREADY_RATED)
        return _refused(request, review, form)

    if comment.status == Comment.Status.PENDING:
        messages.info(
            request,
            "Your comment is awaiting moderation: it will appear once a moderator has read it.",
            extra_tags=MESSAGE_TAG,
        )
        return redirect(f"{review.get_absolute_url()}#comment-form")
    messages.success(request, "Thank you: your comment is posted.", extra_tags=MESSAGE_TAG)
    return redirect(comment)
