"""The moderators' part of the newsroom desk: what waits in the queue, in one query."""

from django import template
from django.db.models import Count, Q
from django.urls import reverse

from comments.models import Comment

register = template.Library()


@register.inclusion_tag("admin/comments/includes/desk.html", takes_context=True)
def moderation_desk(context) -> dict:
    """Comments held for moderation and comments with open reports, counted, each a link
    into the queue (the comment list, filtered)."""
    user = context["request"].user
    if not user.has_perm("comments.moderate_comment"):
        return {"show": False}
    counts = Comment.objects.aggregate(
        held=Count("pk", filter=Q(status=Comment.Status.PENDING), distinct=True),
        # reports__isnull=False: the join leaves NULLs for comments never reported.
        reported=Count(
            "pk",
            filter=Q(reports__isnull=False, reports__resolved_at__isnull=True),
            distinct=True,
        ),
    )
    queue = reverse("admin:comments_comment_changelist")
    return {
        "show": True,
        **counts,
        "queue_url": queue,
        "held_url": f"{queue}?status__exact={Comment.Status.PENDING}",
        "reported_url": f"{queue}?reported=yes",
    }
