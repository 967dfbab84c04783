from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Sqrt
from django.utils import timezone

from infra.dates import when
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


def comments_open(review: Review) -> bool:
    """Whether readers may comment on this review now: it is live, not closed by hand,
    and not older than settings.COMMENTS_CLOSE_AFTER days (0: no limit)."""
    if not review.is_live or review.comments_closed:
        return False
    closing = review.comments_close_at
    return closing is None or timezone.now() < closing


class Reason(models.TextChoices):
    """Why a comment is reported or removed; readers and moderators pick from the same list."""

    SPAM = "spam", "Spam"
    ABUSE = "abuse", "Abuse"
    OFF_TOPIC = "off-topic", "Off-topic"
    PERSONAL_DATA = "personal-data", "Personal data"
    ILLEGAL = "illegal", "Illegal content"
    OTHER = "other", "Other"


class HoldReason(models.TextChoices):
    """Why a comment waits for a moderator: what the queue shows beside it."""

    LINKS = "links", "Too many links"
    SUSPECT_WORD = "suspect-word", "A suspect word"
    NEWCOMER = "newcomer", "A new commenter"
    REPORTS = "reports", "Reported by readers"
    EDIT = "edit", "An edit waiting"


#: A reader's rating with no words (comments.ratings): it counts among the ratings, and
#: is no comment: lists, comment counts and threads leave it out.
RATING_ALONE = Q(body="")

#: How readers may sort a review's comments (?sort=); pinned comments come first in each.
SORTS = {"newest": "Newest", "oldest": "Oldest", "best": "Best"}

#: The moderation queue's order (the admin's changelist uses it too).
QUEUE_ORDER = [
    "queue_rank",
    "-open_reports",
    F("queue_since").asc(nulls_last=True),
    "-created_at",
    "-pk",
]


def _thread_order(sort: str):
    """A sort key that puts threads in for_review_page's order for this sort."""

    def key(top: "Comment"):
        when = (top.created_at.timestamp(), top.pk)
        if sort == "oldest":
            return (not top.pinned, *when)
        if sort == "best":  # the database's own figures (with_best_score), so no rounding differs
            return (
                not top.pinned,
                -top.best_score,
                -top.reaction_count,
                top.rating is None,
                -(top.rating or 0),
                -top.published_replies,
                -when[0],
                -when[1],
            )
        return (not top.pinned, -when[0], -when[1])

    return key


#: The confidence of "Best"'s lower bound: 1.96 standard deviations, 95%.
BEST_Z = 1.96


def wilson_lower_bound(positive, total):
    """The lower bound of the Wilson score interval for positive successes in total
    trials (total >= 1), as a database expression: the share of readers who would
    approve that we can be 95% sure of, so a few reactions on a little-read comment
    do not outrank many on a much-read one (Evan Miller, "How Not To Sort By Average
    Rating"). tests/comments/test_reactions.py checks it against the formula in Python.
    """
    n = Cast(total, FloatField())
    p = Cast(positive, FloatField()) / n
    z2 = Value(BEST_Z * BEST_Z)
    spread = Value(BEST_Z) * Sqrt((p * (Value(1.0) - p) + z2 / (Value(4.0) * n)) / n)
    return (p + z2 / (Value(2.0) * n) - spread) / (Value(1.0) + z2 / n)


def _count_of(rows: models.QuerySet, column: str):
    """COUNT of rows pointing at the outer comment through column, as a subquery in the
    same SELECT (no join: two counts joined would multiply each other)."""
    counted = rows.filter(**{column: OuterRef("pk")}).order_by().values(column)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1]), 0)


class CommentQuerySet(models.QuerySet):
    def same_as(self, *, review, name, body, parent, reader, ip_address, since):
        """Comments with this text, name and parent on review since then, from the same
        browser (reader) or address: what a resend or a double click would repeat."""
        sender = Q(reader=reader) if reader else Q(pk__in=[])
        if ip_address:
            sender |= Q(ip_address=ip_address)
        return self.filter(
            sender,
            review=review,
            name=name,
            body=body,
            parent=parent,
            created_at__gte=since,
        ).order_by("created_at", "pk")

    def published(self):
        """What readers see and what counts: published comments.

        A reply stays published when a moderator removes the comment it answers: the
        thread keeps a "Comment removed by a moderator" placeholder in its place.
        """
        return self.filter(status=Comment.Status.PUBLISHED)

    def with_reactions(self):
        """Annotate reaction_count: how many readers reacted ("Respect"), counted in the
        same query, so a page of comments costs no query more."""
        return self.annotate(reaction_count=_count_of(Reaction.objects.all(), "comment"))

    def with_best_score(self):
        """Annotate reaction_count, published_replies and best_score, what ?sort=best
        orders by: the Wilson lower bound of reactions out of (reactions + published
        replies + 1). There are no page views to divide by; a reply is a reader who
        engaged and answered rather than approved, and the 1 keeps a comment nobody
        answered or reacted to at 0. More reactions always raise a comment; the same
        reactions under a longer argument count for less."""
        replies = Comment.objects.filter(status=Comment.Status.PUBLISHED)
        return (
            self.with_reactions()
            .annotate(published_replies=_count_of(replies, "parent"))
            .annotate(
                best_score=wilson_lower_bound(
                    F("reaction_count"), F("reaction_count") + F("published_replies") + 1
                )
            )
        )

    def with_open_reports(self):
        """Annotate open_reports: readers' reports no moderator has acted on yet."""
        return self.annotate(
            open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True))
        )

    def with_removal(self):
        """Annotate what the latest removal recorded in the moderation log (the one place a
        removal is kept): removal_reason, removal_note, removed_at and removed_by_name (the
        moderator's username; None when the site removed it). Only meaningful on a removed
        comment: a restored one keeps its past removal in the log.

        Correlated subqueries in the same SELECT, so reading them costs no query.
        """
        latest = ModerationAction.objects.filter(
            comment=OuterRef("pk"), action=ModerationAction.Action.REMOVE
        ).order_by("-created_at", "-pk")
        columns = {
            "removal_reason": "reason",
            "removal_note": "note",
            "removed_at": "created_at",
            "removed_by_name": f"moderator__{get_user_model().USERNAME_FIELD}",
        }
        return self.annotate(
            **{name: Subquery(latest.values(column)[:1]) for name, column in columns.items()}
        )

    def for_review_page(self, review: Review, *, moderator: bool = False, sort: str = "newest"):
        """Top-level comments of a review, editor's picks first, then newest first (or
        oldest, or best: with_best_score, from readers' reactions): what the page lists (its
        threads are then read with threads()).

        Readers get published threads, plus a hidden comment's thread when it has
        published replies (shown under a placeholder); their own held comments are shown
        to them apart (comments.section.held_context). Moderators get every comment,
        whatever its status.
        """
        top = self if moderator else self.filter(self._reader_visible(review))
        top = top.filter(review=review, parent__isnull=True).exclude(RATING_ALONE)
        if sort == "oldest":
            return top.order_by("-pinned", "created_at", "pk")
        if sort == "best":
            # Where readers have not reacted, the highest-rated, then most replied first.
            return top.with_best_score().order_by(
                "-pinned",
                "-best_score",
                "-reaction_count",
                F("rating").desc(nulls_last=True),
                "-published_replies",
                "-created_at",
                "-pk",
            )
        return top.order_by("-pinned", "-created_at", "-pk")

    def held_apart(self, review: Review, reader: str):
        """This reader's comments on the review that wait for a moderator and that the list
        does not show, oldest first: shown to them alone, apart from it
        (comments.section.held_context). A top-level one hidden with published replies is
        left out: it keeps its place in the list (_reader_visible)."""
        return (
            self.filter(review=review, reader=reader, status=Comment.Status.PENDING)
            .exclude(RATING_ALONE)
            .exclude(Q(parent__isnull=True) & self._reader_visible(review))
            .order_by("created_at", "pk")
        )

    def moderation_queue(self):
        """Every comment, the moderation queue first (E's in_moderation()), by priority:
        comments with an undecided notice of illegal content, then reported comments (the
        most reported first), then the others awaiting moderation;
        within the queue the oldest first, as it has waited longest. The rest follow,
        newest first."""
        return (
            self.with_open_reports()
            .annotate(open_notices=_count_of(Notice.objects.open(), "comment"))
            .annotate(
                queue_rank=Case(
                    When(open_notices__gt=0, then=Value(0)),
                    When(open_reports__gt=0, then=Value(1)),
                    When(status=Comment.Status.PENDING, then=Value(2)),
                    default=Value(3),
                ),
                queue_since=Case(When(queue_rank__lt=3, then=F("created_at")), default=None),
            )
            .order_by(*QUEUE_ORDER)
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
            comments=Count("pk", filter=published & ~RATING_ALONE),
            threads=Count(
                "pk", filter=Q(parent__isnull=True) & ~RATING_ALONE & self._reader_visible()
            ),
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

    def threads(
        self, page_ids, *, moderator: bool = False, sort: str = "newest"
    ) -> list["Comment"]:
        """The top-level comments with these ids in for_review_page's order, each with its
        published replies (every reply for a moderator; oldest first) in .thread_replies:
        one query for the whole page. page_ids may be a sliced queryset of ids, which
        becomes a subquery.
        """
        if moderator:
            rows = self.with_open_reports().with_removal()
            replies = Q(parent__in=page_ids)
        else:
            rows = self
            replies = Q(parent__in=page_ids, status=Comment.Status.PUBLISHED)
        rows = rows.with_best_score() if sort == "best" else rows.with_reactions()
        rows = list(rows.filter(Q(pk__in=page_ids) | replies).order_by("created_at", "pk"))
        tops = [row for row in rows if row.parent_id is None]
        for top in tops:
            top.thread_replies = [row for row in rows if row.parent_id == top.pk]
        tops.sort(key=_thread_order(sort))
        return tops

    def name_last_used_by(self, reader: str | None) -> str | None:
        """The name this reader signed their latest comment with, on any review, published or
        awaiting moderation (its author sees it, marked "Awaiting review"): the comment
        form offers it again (the page of a reader with an id is never shared). Removed
        comments are left out: the name may be why."""
        if not reader:
            return None
        return self.names_signed_by(reader).values_list("name", flat=True).first()

    def names_signed_by(self, reader: str):
        """name_last_used_by's rows, latest first: also a subquery (comments:form)."""
        return (
            self.filter(
                reader=reader, status__in=[Comment.Status.PUBLISHED, Comment.Status.PENDING]
            )
            .exclude(RATING_ALONE)
            .order_by("-created_at")
            .values("name")
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


class CommentStatus(models.TextChoices):
    """A comment's status, spelled Comment.Status (module level so Meta can name it)."""

    PUBLISHED = "published", "Published"
    PENDING = "pending", "Awaiting moderation"
    REMOVED = "removed", "Removed"
    DELETED = "deleted", "Deleted by its author"


#: The statuses in which a comment's author may still edit it (within the window).
OWN_EDITABLE = frozenset({CommentStatus.PUBLISHED, CommentStatus.PENDING})


class Comment(models.Model):
    Status = CommentStatus

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
        help_text="Who posted it (readers.identity): the account, or a hash of the "
        "anonymous reader's cookie.",
    )
    hold_reason = models.CharField(
        max_length=20,
        choices=HoldReason,
        blank=True,
        help_text="Why it waits (or waited) for a moderator.",
    )
    held_when_removed = models.BooleanField(
        default=False,
        help_text="It was awaiting moderation when it was removed, so restoring it puts it "
        "back in the queue, not on the page.",
    )
    notify_replies = models.BooleanField(
        "e-mail replies",
        default=False,
        help_text="The author asked to be e-mailed when someone replies (once the address "
        "is confirmed).",
    )
    notified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the author of the comment this one answers was e-mailed about it "
        "(at most once).",
    )
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="Its author last changed it; earlier versions are kept."
    )
    pinned = models.BooleanField(
        "editor's pick",
        default=False,
        help_text="Shown first, labelled “Editor’s pick” (comments, not replies).",
    )
    by_staff = models.BooleanField(
        "by staff", default=False, help_text="Posted from a staff account: shown with a badge."
    )
    episode_number = models.PositiveSmallIntegerField(
        "discusses episode",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="The episode its author says it discusses: folded for readers who are "
        "not that far yet.",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("moderate_comment", "Can remove, restore and approve comments"),
            ("pin_comment", "Can pin a comment as an editor's pick"),
        ]
        indexes = [
            models.Index(fields=["review", "status", "-created_at"], name="comment_review_page"),
            # A page of threads, newest first, reads this in order and stops after 20.
            models.Index(
                fields=["review", "-pinned", "-created_at", "-id"],
                condition=Q(parent__isnull=True),
                name="comment_threads_picks_newest",
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
                condition=Q(status__in=CommentStatus.values),
                name="comment_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(body="") | Q(rating__isnull=False, parent__isnull=True),
                name="comment_without_body_is_a_rating",
                violation_error_message="A comment needs words, unless it is a rating alone.",
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
        newer = Q(created_at__gt=thread.created_at) | Q(
            created_at=thread.created_at, pk__gt=thread.pk
        )
        # Editor's picks come first: a pick follows the newer picks, the rest every pick.
        before = Q(pinned=True) & newer if thread.pinned else Q(pinned=True) | newer
        newer = (
            Comment.objects.for_review_page(thread.review, moderator=moderator)
            .filter(before)
            .count()
        )
        page = newer // COMMENTS_PER_PAGE + 1
        query = f"?comments={page}" if page > 1 else ""
        return f"{self.review.get_absolute_url()}{query}#comment-{self.pk}"

    @property
    def edit_until(self):
        """Until when its author may still edit it (they may delete it at any time)."""
        return self.created_at + timedelta(minutes=settings.COMMENT_EDIT_MINUTES)

    def is_editable(self, now=None) -> bool:
        return self.status in OWN_EDITABLE and (now or timezone.now()) < self.edit_until

    @property
    def removal_reason_label(self) -> str:
        """The latest removal's reason as moderators read it ("Spam"); needs with_removal()."""
        return Reason(self.removal_reason).label if self.removal_reason else ""


#: A reader this many of whose reports moderators dismissed as abusive no longer hides
#: comments: their reports still reach the queue, but do not count towards the threshold.
ABUSIVE_REPORTS_LIMIT = 2


class ReportQuerySet(models.QuerySet):
    def counting(self):
        """Reports that count towards hiding a comment: from readers with fewer than
        ABUSIVE_REPORTS_LIMIT reports dismissed as abusive."""
        distrusted = (
            Report.objects.filter(abusive=True)
            .values("reader")
            .annotate(n=Count("pk"))
            .filter(n__gte=ABUSIVE_REPORTS_LIMIT)
            .values("reader")
        )
        return self.exclude(reader__in=distrusted)


class Report(models.Model):
    """A reader's report that a comment breaks the rules. Enough open reports hide the
    comment until a moderator has looked (settings.COMMENT_REPORT_THRESHOLD)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reader = models.CharField(
        max_length=64, help_text="Who reported it (readers.identity); one report per reader."
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
    dismissed = models.BooleanField(
        default=False, help_text="A moderator found nothing wrong and kept the comment."
    )
    abusive = models.BooleanField(
        default=False,
        help_text="Dismissed as abusive: it counts against the reader who sent it (see "
        "docs/moderation.md).",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open report per reader; once it is closed the reader may report the
            # comment again only after it was edited (comments.services.may_report).
            models.UniqueConstraint(
                fields=["comment", "reader"],
                condition=Q(resolved_at__isnull=True),
                name="report_one_open_per_reader",
                violation_error_message="You have already reported this comment.",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=Reason.values), name="report_reason_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} report on comment {self.comment_id}"


class Reaction(models.Model):
    """One reader's reaction to a comment ("Respect", settings.REACTION_LABEL): a row per
    reader, so counts are exact under any number of simultaneous presses."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    reader = models.CharField(
        max_length=64, help_text="Who reacted (readers.identity); one reaction per reader."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader"], name="reaction_one_per_reader")
        ]

    def __str__(self):
        return f"Reaction to comment {self.comment_id}"


class NoticeCategory(models.TextChoices):
    """What a notifier says is illegal, spelled Notice.Category (module level so Meta can
    name it): the DSA's own broad categories, in a reader's words."""

    HATE = "hate", "Illegal hate speech, threats or incitement to violence"
    DEFAMATION = "defamation", "Defamation"
    PRIVACY = "privacy", "Personal data published unlawfully"
    COPYRIGHT = "copyright", "Copyright or other intellectual property infringement"
    OTHER = "other", "Other illegal content"


class NoticeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(decided_at__isnull=True)


class Notice(models.Model):
    """A notice that a comment is illegal (the EU Digital Services Act, Article 16): who
    sent it and why, and the moderator's decision, which is sent to them (and to the
    author when the comment is removed) as a statement of reasons (Article 17)."""

    Category = NoticeCategory

    class Decision(models.TextChoices):
        REMOVED = "removed", "The comment was removed"
        KEPT = "kept", "The comment was kept: not found illegal"

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    comment_number = models.PositiveBigIntegerField("comment no.")
    category = models.CharField(max_length=20, choices=Category)
    explanation = models.TextField(
        max_length=5000, help_text="Why the notifier believes the comment is illegal."
    )
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(help_text="Where the statement of reasons is sent.")
    reader = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(
        "IP address", null=True, blank=True, help_text="Erased after 30 days."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    decision = models.CharField(max_length=10, choices=Decision, blank=True)
    ground = models.TextField(
        "ground of the decision", max_length=2000, blank=True, help_text="Sent to the notifier."
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = [F("decided_at").desc(nulls_first=True), "created_at", "pk"]
        verbose_name = "notice of illegal content"
        verbose_name_plural = "notices of illegal content"
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=NoticeCategory.values),
                name="notice_category_known",
            ),
        ]

    def __str__(self):
        return f"Notice {self.pk} on comment {self.comment_number} ({self.category})"


class LoggedAction(models.TextChoices):
    """What a moderation log line records, spelled ModerationAction.Action."""

    REMOVE = "remove", "Removed"
    RESTORE = "restore", "Restored"
    APPROVE = "approve", "Approved"
    HIDE = "hide", "Hidden by reports"
    PURGE = "purge", "Purged"
    BAN = "ban", "Banned its author"
    DISMISS = "dismiss", "Reports dismissed"
    NOTICE = "notice", "Notice of illegal content decided"


class ModerationAction(models.Model):
    """One line of the moderation log: who did what to which comment, when and why.

    Written by comments.services in the same transaction as the change, never edited.
    The comment's id, author name and an excerpt are copied here so the line still says
    what it was about after a purge deletes the comment.
    """

    Action = LoggedAction

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
                condition=Q(action__in=LoggedAction.values),
                name="moderation_action_known",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} comment {self.comment_number} by {self.moderator_name}"


#: Confirmation e-mails an address gets in a day at most (following a show and a critic
#: and asking for replies on the same day), so a stranger typing it in the forms cannot
#: flood its inbox.
CONFIRMATIONS_A_DAY = 3
#: The day those are counted over, from the first of them.
CONFIRMATION_DAY = timedelta(days=1)


class MailAddressQuerySet(models.QuerySet):
    def active(self):
        """Addresses that may be sent reply e-mails: confirmed and not unsubscribed."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def locked(self, email: str) -> "MailAddress":
        """The address's row, made if new, locked until the transaction ends: its day's
        confirmations are counted one request at a time."""
        address, _ = self.get_or_create(email=email)
        return self.select_for_update().get(pk=address.pk)


class MailAddress(models.Model):
    """A reader's e-mail address and whether it may be sent reply notifications.

    Nothing is sent to an address before its owner confirmed it through a signed link;
    unsubscribing from every comment stops everything until they confirm again.
    """

    email = models.EmailField(unique=True, help_text="Stored lower-cased.")
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="The first confirmation e-mail of the current day."
    )
    confirmations_sent = models.PositiveSmallIntegerField(
        default=0, help_text="Confirmation e-mails sent in the day since then."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(
        null=True, blank=True, help_text="Unsubscribed from every comment; no mail is sent."
    )

    objects = MailAddressQuerySet.as_manager()

    class Meta:
        verbose_name = "reader e-mail address"
        verbose_name_plural = "reader e-mail addresses"

    def __str__(self):
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def confirmed_within_a_day(self, now) -> bool:
        """Has a confirmation e-mail gone to the address in the day counted from its first?"""
        sent = self.confirmation_sent_at
        return sent is not None and now - sent < CONFIRMATION_DAY

    def take_confirmation(self, now) -> bool:
        """Count one confirmation e-mail against the address's day; False when the day's
        CONFIRMATIONS_A_DAY are spent. On a row from MailAddress.objects.locked()."""
        if not self.confirmed_within_a_day(now):
            self.confirmation_sent_at, self.confirmations_sent = now, 1
        elif self.confirmations_sent < CONFIRMATIONS_A_DAY:
            self.confirmations_sent += 1
        else:
            return False
        self.save(update_fields=["confirmation_sent_at", "confirmations_sent"])
        return True


class CommentVersion(models.Model):
    """What a comment said before its author edited or deleted it: moderators see every
    version, readers only the current one (marked "edited")."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField(max_length=5000)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    spoiler = models.BooleanField(default=False)
    written_at = models.DateTimeField(help_text="When this version was posted or last edited.")
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self):
        return f"Version of comment {self.comment_id} from {self.written_at:%Y-%m-%d %H:%M}"


class BanQuerySet(models.QuerySet):
    def active(self, now=None):
        """Bans in force: not lifted, and for good or not yet over."""
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gt=now))

    def covering(self, *, reader: str | None, email: str = ""):
        """Bans on this reader id (a cookie's hash, or "u:<pk>" for an account) or address."""
        who = Q(pk__in=[])
        if reader:
            who |= Q(reader=reader)
        if email:
            who |= Q(email=email.strip().lower())
        return self.filter(who)


class Ban(models.Model):
    """A commenter a moderator banned or suspended: their reader cookie, e-mail address
    and account (the reader id of a signed-in commenter is their account) may not post."""

    class Length(models.TextChoices):
        DAY = "1d", "1 day"
        WEEK = "7d", "7 days"
        FOREVER = "forever", "For good"

    reader = models.CharField(max_length=64, blank=True, db_index=True)
    email = models.EmailField(blank=True, db_index=True, help_text="Stored lower-cased.")
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bans",
        help_text="The comment the ban was issued from.",
    )
    reason = models.CharField(max_length=20, choices=Reason)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True, help_text="Empty: for good.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reader="") | ~Q(email=""), name="ban_names_someone"
            ),
        ]

    def __str__(self):
        return f"Ban of {self.email or self.reader} ({self.length_label})"

    @property
    def length_label(self) -> str:
        """ "for good" or "until 14 Dec 2026, 15:02 UTC": one wording for the banned reader,
        the moderator's message and the admin."""
        if self.until is None:
            return "for good"
        return f"until {when(self.until)} {timezone.localtime(self.until).tzname()}"


@dataclass(frozen=True)
class History:
    """A commenter's record, for the moderation queue."""

    counts: list[tuple[str, int]]  # (status label, how many), for the statuses that occur
    bans: list[Ban]


def commenter_history(*, comment: Comment) -> History:
    """Every comment by the same reader id or e-mail address (this one included), counted
    by status, and the bans on them: what the queue shows beside a held comment."""
    who = Q(reader=comment.reader)
    if comment.email:
        who |= Q(email__iexact=comment.email)
    rows = dict(
        Comment.objects.filter(who).values_list("status").annotate(n=Count("pk")).order_by()
    )
    counts = [(label, rows[value]) for value, label in Comment.Status.choices if rows.get(value)]
    bans = list(Ban.objects.covering(reader=comment.reader, email=comment.email))
    return History(counts=counts, bans=bans)


class ModeratorAlerts(models.Model):
    """A moderator's choice to be e-mailed about comments that need them (opt-in)."""

    class Frequency(models.TextChoices):
        OFF = "off", "No e-mails"
        EACH = "each", "An e-mail for each comment"
        HOURLY = "hourly", "An hourly digest"
        DAILY = "daily", "A daily digest"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_alerts"
    )
    frequency = models.CharField(max_length=10, choices=Frequency, default=Frequency.OFF)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "moderator alert setting"

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"


class AlertSent(models.Model):
    """One moderator was told about one comment: the unique pair is what keeps it to one
    message per comment, whatever happens to the comment afterwards."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="alert_one_per_comment")
        ]

    def __str__(self):
        return f"Alert to {self.user_id} about comment {self.comment_id}"
