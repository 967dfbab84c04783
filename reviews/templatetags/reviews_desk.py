"""The newsroom desk on the admin's first page, and the editors' count in its header.

Each list is one query of at most DESK_ROWS + 1 rows (the extra row says "see all"), so
the desk costs the same however many reviews there are (tests/reviews/test_desk.py).
"""

from django import template
from django.urls import reverse

from reviews.models import (
    PUBLISH,
    Review,
    ReviewAction,
    ScheduledChange,
    display_name,
    has_a_name,
)

register = template.Library()

#: Rows per list on the desk; the rest are one "See all" link away.
DESK_ROWS = 6
CHANGELIST = "admin:reviews_review_changelist"


def _rows(queryset) -> dict:
    rows = list(queryset[: DESK_ROWS + 1])
    return {"rows": rows[:DESK_ROWS], "more": len(rows) > DESK_ROWS}


def _list_url(query: str) -> str:
    return f"{reverse(CHANGELIST)}?{query}"


def awaiting_count() -> int:
    return Review.objects.awaiting_review().count()


@register.inclusion_tag("admin/reviews/includes/desk.html", takes_context=True)
def review_desk(context) -> dict:
    """The writer's or the editor's part of the desk, by what the account may do."""
    user = context["request"].user
    reviews = Review.objects.select_related("author__profile")
    if user.has_perm(PUBLISH):
        awaiting = awaiting_count()
        return {
            "role": "editor",
            "awaiting": _rows(reviews.awaiting_review()),
            "awaiting_count": awaiting,
            "awaiting_url": _list_url("workflow=submitted"),
            "scheduled": _rows(reviews.scheduled()),
            "changes": _rows(ScheduledChange.objects.select_related("review")),
            "scheduled_url": _list_url("workflow=scheduled"),
            "published": _rows(reviews.published().order_by("-published_at", "-pk")),
            "published_url": _list_url("status__exact=published"),
            "log": _rows(ReviewAction.objects.select_related("review", "user__profile")),
            "log_url": reverse("admin:reviews_reviewaction_changelist"),
            "critics_url": reverse("admin:reviews_profile_changelist"),
            "add_url": reverse("admin:reviews_review_add"),
        }
    if user.has_perm("reviews.add_review"):
        own = reviews.filter(author=user)
        return {
            "role": "writer",
            "drafts": _rows(
                own.filter(
                    status=Review.Status.DRAFT,
                    submitted_at__isnull=True,
                    sent_back_at__isnull=True,
                ).order_by("-updated_at", "-pk")
            ),
            "drafts_url": _list_url("workflow=draft"),
            "sent_back": _rows(own.sent_back().order_by("-sent_back_at", "-pk")),
            "sent_back_url": _list_url("workflow=sent_back"),
            "submitted": _rows(own.awaiting_review()),
            "submitted_url": _list_url("workflow=submitted"),
            "named": has_a_name(user),
            "add_url": reverse("admin:reviews_review_add"),
        }
    return {"role": None}


@register.filter(name="display_name")
def display_name_filter(user) -> str:
    """{{ revision.user|display_name|default:"—" }}: a colleague (or the admin's greeting,
    the person signed in) by the name they go by (reviews.models.display_name), never
    their login name when they have another; "" for nobody, so `default` says who instead."""
    return display_name(user) if user is not None else ""


@register.inclusion_tag("admin/reviews/includes/awaiting_link.html", takes_context=True)
def awaiting_review_link(context) -> dict:
    """ "N awaiting review" in every admin page's header, for those who may publish."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff or not user.has_perm(PUBLISH):
        return {"count": None}
    return {"count": awaiting_count(), "url": _list_url("workflow=submitted")}
