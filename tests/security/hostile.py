"""What the attack suite sends, and how it tells that nothing was written or leaked."""

from django.urls import reverse
from django.utils.html import escape

from comments.models import Comment, ModerationAction, Report
from polls.models import Choice, Vote
from reviews.models import Credit, Figure, Review, Section
from tests.comments.posting import page_form, post_url, stamp
from tests.forms import form_data

#: Markup that runs if a page prints it unescaped: a script element, and an attribute
#: break-out. Both fit the shortest text field they are put in (a commenter's name, 60).
SCRIPT = '<script>alert("x")</script>'
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = [SCRIPT, IMG]

#: What the 403 pages say (templates/403.html, 403_csrf.html) and the 404, 405, 400 pages.
FORBIDDEN = "You don’t have permission to do that"
CSRF_REFUSED = "Please send the form again"
NOT_FOUND = "We couldn’t find that page"
WRONG_METHOD = "That address doesn’t work that way"
UNREADABLE = "We couldn’t read that request"
#: What the 413 page says (a body larger than a reader form sends).
TOO_LARGE = "much larger than any form on this site sends"

TEXT = "My carefully written thoughts about episode four."


def assert_escaped(html: str, payload: str, where: str = "") -> None:
    """The payload is on the page, but only as text: never as markup."""
    assert payload not in html, f"unescaped payload on {where}"
    assert escape(payload) in html, f"payload not shown at all on {where} (the test proves nothing)"


def written() -> tuple:
    """Everything a reader or moderator request could change; equal tuples mean no write."""
    return (
        sorted(Comment.objects.values_list("pk", "status", "name", "body", "rating")),
        sorted(Report.objects.values_list("pk", "reason", "note")),
        ModerationAction.objects.count(),
        sorted(Vote.objects.values_list("poll_id", "choice_id", "voter")),
        sorted(Choice.objects.values_list("pk", "text", "vote_count")),
        sorted(Review.objects.values_list("pk", "status", "headline")),
        Section.objects.count(),
        Figure.objects.count(),
        Credit.objects.count(),
    )


def vote_url(review) -> str:
    return reverse("polls:vote", kwargs={"slug": review.slug})


def report_url(comment) -> str:
    return reverse("comments:report", args=[comment.pk])


def report_form(client, comment) -> dict:
    html = client.get(report_url(comment)).content.decode()
    return form_data(html[html.index('<div class="confirm">') :])


def reader_form(kind: str, client, review, comment) -> tuple[str, dict]:
    """The address and fields of a reader's form exactly as the page offers it."""
    if kind == "vote":
        html = client.get(review.get_absolute_url()).content.decode()
        start = html.index('<section id="poll"')
        data = form_data(html[start : html.index("</section>", start)])
        return vote_url(review), data | {"choice": str(review.poll.choices.first().pk)}
    if kind == "comment":
        data = page_form(client, review.get_absolute_url())
        return post_url(review), data | {"name": "Forged", "body": TEXT, "stamp": stamp()}
    return report_url(comment), report_form(client, comment) | {"reason": "spam"}
