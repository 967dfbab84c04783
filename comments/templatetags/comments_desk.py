"""The moderators' part of the newsroom desk: what waits in the queue, in two queries."""

from django import template
from django.db.models import Count, Q
from django.urls import reverse

from comments.models import Comment, Notice

register = template.Library()


@register.inclusion_tag("admin/comments/includes/desk.html", takes_context=True)
def moderation_desk(context) -> dict:
    """Undecided notices of illegal content (first: the law expects them decided
    promptly), comments held for moderation and comments with open reports, counted, each
    a link into its list, filtered."""
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
        # Counted apart: a notice outlives its comment's purge and still needs a decision.
        "notices": Notice.objects.open().count(),
        "notices_url": f"{reverse('admin:comments_notice_changelist')}?decided_at__isempty=1",
        "queue_url": queue,
        "held_url": f"{queue}?status__exact={Comment.Status.PENDING}",
        "reported_url": f"{queue}?reported=yes",
    }
