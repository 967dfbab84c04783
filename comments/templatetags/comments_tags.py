"""The review page's rating summary and comment section, and filters for comments."""

import math
from datetime import datetime, timedelta

from crispy_forms.utils import render_crispy_form
from django import template
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from comments import text
from comments.forms import CommentForm
from comments.messages import in_comments
from comments.models import (
    Comment,
    RatingSummary,
    star_states,
)
from comments.section import reader_state, section_context
from reviews.models import Review

register = template.Library()
register.filter(in_comments)  # templates/includes/messages.html leaves these to comments


@register.inclusion_tag("comments/includes/rating_summary.html", takes_context=True)
def rating_summary(context, review: Review) -> dict:
    """ "Rated 4.3 out of 5 stars · 12 ratings", stars and the 5-to-1 bars (or "No ratings
    yet"), and "Add your rating", or what this reader gave."""
    summary: RatingSummary = review.reader_rating
    return {"review": review, "summary": summary, "state": reader_state(context["request"], review)}


@register.inclusion_tag("comments/includes/comment_section.html", takes_context=True)
def comment_section(context, review: Review) -> dict:
    """The comments of a review and the form (comments.section builds what they show).

    A refused post puts its bound form in the page's context as comment_form, so the
    reader's text and the errors show here.
    """
    return section_context(context["request"], review, form=context.get("comment_form")) | {
        "csrf_token": context.get("csrf_token")
    }


@register.simple_tag(takes_context=True)
def comment_fields(context, form: CommentForm) -> SafeString:
    """The form's fields, through crispy-forms (errors and what was typed included)."""
    return render_crispy_form(form, context=context)


@register.filter
def comment_body(value: str) -> SafeString:
    """Comment text as safe HTML: escaped, paragraphs and line breaks, nofollow links."""
    return text.render(value or "")


@register.filter
def notices_for(comment_notices: dict, comment: Comment) -> list:
    """The messages about this comment (a moderator's action, a reader's report); none
    where the context has no notices (the fragments a cache includes)."""
    return (comment_notices or {}).get(str(comment.pk), [])


@register.filter
def held_under(held_replies: dict, comment: Comment) -> list:
    """The reader's held replies to this comment (comments.section.held_context)."""
    return held_replies.get(comment.pk, [])


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


@register.filter
def edit_minutes_left(comment: Comment) -> int:
    """Whole minutes (rounded up) its author may still edit it; 0 once they may not."""
    if not comment.is_editable():
        return 0
    return math.ceil((comment.edit_until - timezone.now()).total_seconds() / 60)
