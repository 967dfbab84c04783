from dataclasses import dataclass
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from reviews.models import Review, star_average

STARS = range(1, 6)
#: Top-level comments per page of the review page's comment section.
COMMENTS_PER_PAGE = 20


@dataclass(frozen=True)
class StarCount:
    stars: int
    count: int
    percent: int


@dataclass(frozen=True)
class RatingSummary:
    """Readers' ratings of one review, as the page, the JSON-LD and the home page show them."""

    count: int
    average: Decimal | None
    distribution: list[StarCount]  # 5 stars first

    @property
    def stars(self) -> list[str]:
        """Five "full" / "half" / "empty" states, the average drawn to the nearest half."""
        return star_states(self.average)


def star_states(value: Decimal | int | None) -> list[str]:
    """Five "full" / "half" / "empty" states for drawing a rating to the nearest half star."""
    value = Decimal(value or 0)
    states = []
    for n in STARS:
        if value >= n - Decimal("0.25"):
            states.append("full")
        elif value >= n - Decimal("0.75"):
            states.append("half")
        else:
            states.append("empty")
    return states


class CommentQuerySet(models.QuerySet):
    def published(self):
        """What readers see: published comments whose parent (if any) is published too.

        A reply under a comment a moderator removed disappears with it rather than
        hanging in the thread without its context.
        """
        return self.filter(status=Comment.Status.PUBLISHED).filter(
            Q(parent__isnull=True) | Q(parent__status=Comment.Status.PUBLISHED)
        )

    def for_review_page(self, review: Review):
        """Top-level published comments of a review, newest first, their replies prefetched
        (oldest first, so a conversation reads down the page)."""
        replies = Comment.objects.filter(status=Comment.Status.PUBLISHED).order_by(
            "created_at", "pk"
        )
        return (
            self.published()
            .filter(review=review, parent__isnull=True)
            .order_by("-created_at", "-pk")
            .prefetch_related(Prefetch("replies", queryset=replies))
        )

    def rating_summary(self) -> RatingSummary:
        """Count, average and 5-to-1 distribution of published ratings, in one query."""
        per_star = {f"stars_{n}": Count("pk", filter=Q(rating=n)) for n in STARS}
        totals = (
            self.published()
            .filter(rating__isnull=False)
            .aggregate(count=Count("pk"), total=Sum("rating"), **per_star)
        )
        count = totals["count"]
        return RatingSummary(
            count=count,
            average=star_average(totals["total"], count),
            distribution=[
                StarCount(
                    stars=n,
                    count=totals[f"stars_{n}"],
                    percent=round(100 * totals[f"stars_{n}"] / count) if count else 0,
                )
                for n in reversed(STARS)
            ],
        )

    def rating_by(self, *, review: Review, reader: str | None) -> int | None:
        """The stars this reader gave this review, whatever became of the comment.

        Any status counts: the one-rating-per-reader constraint does not look at it.
        """
        if not reader:
            return None
        return (
            self.filter(review=review, reader=reader, rating__isnull=False)
            .values_list("rating", flat=True)
            .first()
        )


class Comment(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Awaiting moderation"
        REMOVED = "removed", "Removed"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The comment this one answers. Replies go one level deep and carry no rating.",
    )
    name = models.CharField(max_length=60, help_text="Shown with the comment.")
    email = models.EmailField(blank=True, help_text="Never shown publicly.")
    body = models.TextField(
        max_length=5000,
        help_text="Plain text: paragraphs and line breaks are kept, links are made "
        "nofollow, everything else is shown as typed.",
    )
    rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1–5 stars; one rating per reader per review.",
    )
    spoiler = models.BooleanField(
        "contains spoilers", default=False, help_text="Folded behind “Show spoiler”."
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.PUBLISHED,
        help_text="Only published comments are shown, and only their ratings count.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(
        "IP address", null=True, blank=True, help_text="Erased after 30 days."
    )
    user_agent = models.CharField(max_length=300, blank=True, help_text="Erased after 30 days.")
    reader = models.CharField(
        max_length=64,
        db_index=True,
        help_text="Who posted it (reviewsite.readers): the account, or a hash of the "
        "anonymous reader's cookie.",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["review", "status", "-created_at"], name="comment_review_page"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="comment_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(rating__isnull=True),
                name="comment_reply_has_no_rating",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["published", "pending", "removed"]),
                name="comment_status_known",
            ),
            models.UniqueConstraint(
                fields=["review", "reader"],
                condition=Q(rating__isnull=False),
                name="comment_one_rating_per_reader",
                violation_error_message="This reader has already rated this review.",
            ),
        ]

    def __str__(self):
        return f"{self.name} on {self.review}"

    def get_absolute_url(self):
        """The comment on its review's page, on the page of comments that shows it."""
        thread = self.parent or self
        newer = (
            Comment.objects.for_review_page(thread.review)
            .filter(
                Q(created_at__gt=thread.created_at)
                | Q(created_at=thread.created_at, pk__gt=thread.pk)
            )
            .count()
        )
        page = newer // COMMENTS_PER_PAGE + 1
        query = f"?comments={page}" if page > 1 else ""
        return f"{self.review.get_absolute_url()}{query}#comment-{self.pk}"
