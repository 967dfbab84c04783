from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, Q, Sum, Value, When
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
    """Readers' ratings of one review, as the page, the JSON-LD and the home page show them,
    with the comment counts the page's heading and paginator need (one query for all)."""

    count: int
    average: Decimal | None
    distribution: list[StarCount]  # 5 stars first
    comments: int = 0  # published comments, replies included: "12 comments"
    threads: int = 0  # top-level entries a reader's comment pages list

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


class Reason(models.TextChoices):
    """Why a comment is reported or removed; readers and moderators pick from the same list."""

    SPAM = "spam", "Spam"
    ABUSE = "abuse", "Abuse"
    OFF_TOPIC = "off-topic", "Off-topic"
    PERSONAL_DATA = "personal-data", "Personal data"
    OTHER = "other", "Other"


class CommentQuerySet(models.QuerySet):
    def published(self):
        """What readers see and what counts: published comments.

        A reply stays published when a moderator removes the comment it answers: the
        thread keeps a "Comment removed by a moderator" placeholder in its place.
        """
        return self.filter(status=Comment.Status.PUBLISHED)

    def with_open_reports(self):
        """Annotate open_reports: readers' reports no moderator has acted on yet."""
        return self.annotate(
            open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True))
        )

    def for_review_page(self, review: Review, *, moderator: bool = False):
        """Top-level comments of a review, newest first: what the page lists (its threads
        are then read with threads()).

        Readers get published threads, plus a hidden comment's thread when it has
        published replies (shown under a placeholder). Moderators get every comment,
        whatever its status.
        """
        top = self if moderator else self.filter(self._reader_visible(review))
        return top.filter(review=review, parent__isnull=True).order_by("-created_at", "-pk")

    def moderation_queue(self):
        """Every comment, the moderation queue first (E's in_moderation()): comments
        awaiting moderation, then the most reported, then the newest."""
        return (
            self.with_open_reports()
            .annotate(
                queue_rank=Case(
                    When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1)
                )
            )
            .order_by("queue_rank", "-open_reports", "-created_at", "-pk")
        )

    def rating_summary(self) -> RatingSummary:
        """Count, average and 5-to-1 distribution of published ratings, and the counts of
        published comments and of reader-visible threads, in one aggregate query."""
        published = Q(status=Comment.Status.PUBLISHED)
        rated = published & Q(rating__isnull=False)
        per_star = {f"stars_{n}": Count("pk", filter=rated & Q(rating=n)) for n in STARS}
        totals = self.aggregate(
            count=Count("pk", filter=rated),
            total=Sum("rating", filter=rated),
            comments=Count("pk", filter=published),
            threads=Count("pk", filter=Q(parent__isnull=True) & self._reader_visible()),
            **per_star,
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
            comments=totals["comments"],
            threads=totals["threads"],
        )

    def _reader_visible(self, review: Review | None = None) -> Q:
        """A top-level comment readers see: published, or hidden but with published
        replies (then shown as a placeholder, so the thread keeps its context).

        "Has published replies" is one IN (subquery) that the database evaluates once,
        not a correlated EXISTS per comment.
        """
        replies = (Comment.objects.filter(review=review) if review else self).filter(
            status=Comment.Status.PUBLISHED, parent__isnull=False
        )
        return Q(status=Comment.Status.PUBLISHED) | Q(pk__in=replies.values("parent_id"))

    def threads(self, page_ids, *, moderator: bool = False) -> list["Comment"]:
        """The top-level comments with these ids, newest first, each with its replies
        (oldest first) in .thread_replies: one query for the whole page.

        page_ids may be a sliced queryset of ids, which becomes a subquery.
        """
        if moderator:
            rows = self.with_open_reports().select_related("removed_by")
            replies = Q(parent__in=page_ids)
        else:
            rows = self
            replies = Q(parent__in=page_ids, status=Comment.Status.PUBLISHED)
        rows = list(rows.filter(Q(pk__in=page_ids) | replies).order_by("created_at", "pk"))
        tops = [row for row in rows if row.parent_id is None]
        for top in tops:
            top.thread_replies = [row for row in rows if row.parent_id == top.pk]
        tops.sort(key=lambda row: (row.created_at, row.pk), reverse=True)
        return tops

    def name_last_used_by(self, reader: str | None) -> str | None:
        """The name this reader signed their latest published comment with, on any review:
        the comment form offers it again (the page of a reader with an id is never shared).
        Held and removed comments are left out: their page shows nothing of them."""
        if not reader:
            return None
        return (
            self.published()
            .filter(reader=reader)
            .order_by("-created_at")
            .values_list("name", flat=True)
            .first()
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
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The moderator who removed it; the moderation log keeps every action.",
    )
    removal_reason = models.CharField(max_length=20, choices=Reason, blank=True)
    removal_note = models.CharField(max_length=500, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("moderate_comment", "Can remove, restore and approve comments")]
        indexes = [
            models.Index(fields=["review", "status", "-created_at"], name="comment_review_page"),
            # A page of threads, newest first, reads this in order and stops after 20.
            models.Index(
                fields=["review", "-created_at", "-id"],
                condition=Q(parent__isnull=True),
                name="comment_threads_newest",
            ),
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
        return self.page_url()

    def page_url(self, *, moderator: bool = False) -> str:
        """The comment on the page of comments that shows it to a reader, or to a
        moderator (who sees hidden threads too, so the pages differ)."""
        thread = self.parent or self
        newer = (
            Comment.objects.for_review_page(thread.review, moderator=moderator)
            .filter(
                Q(created_at__gt=thread.created_at)
                | Q(created_at=thread.created_at, pk__gt=thread.pk)
            )
            .count()
        )
        page = newer // COMMENTS_PER_PAGE + 1
        query = f"?comments={page}" if page > 1 else ""
        return f"{self.review.get_absolute_url()}{query}#comment-{self.pk}"


class Report(models.Model):
    """A reader's report that a comment breaks the rules. Enough open reports hide the
    comment until a moderator has looked (settings.COMMENT_REPORT_THRESHOLD)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reader = models.CharField(
        max_length=64, help_text="Who reported it (reviewsite.readers); one report per reader."
    )
    reason = models.CharField(max_length=20, choices=Reason)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(
        "IP address", null=True, blank=True, help_text="Erased after 30 days."
    )
    resolved_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a moderator acted on the comment. Open reports put a comment at "
        "the top of the queue and count towards hiding it.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reader"],
                name="report_one_per_reader",
                violation_error_message="You have already reported this comment.",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=Reason.values), name="report_reason_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} report on comment {self.comment_id}"


class ModerationAction(models.Model):
    """One line of the moderation log: who did what to which comment, when and why.

    Written by comments.services in the same transaction as the change, never edited.
    The comment's id, author name and an excerpt are copied here so the line still says
    what it was about after a purge deletes the comment.
    """

    class Action(models.TextChoices):
        REMOVE = "remove", "Removed"
        RESTORE = "restore", "Restored"
        APPROVE = "approve", "Approved"
        HIDE = "hide", "Hidden by reports"
        PURGE = "purge", "Purged"

    created_at = models.DateTimeField("when", default=timezone.now, db_index=True)
    action = models.CharField(max_length=10, choices=Action)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the site acted by itself (hidden by reports, a privacy command).",
    )
    moderator_name = models.CharField(
        "by", max_length=150, help_text="The username, kept if the account is deleted."
    )
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
    )
    comment_number = models.PositiveBigIntegerField("comment no.")
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment_name = models.CharField("comment by", max_length=60)
    comment_excerpt = models.CharField("excerpt", max_length=200)
    reason = models.CharField(max_length=20, choices=Reason, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "moderation log entry"
        verbose_name_plural = "moderation log"
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["remove", "restore", "approve", "hide", "purge"]),
                name="moderation_action_known",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} comment {self.comment_number} by {self.moderator_name}"
