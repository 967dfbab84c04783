"""Readers following the site, a series or a critic by e-mail, and what was sent to them.

An address is confirmed once, on comments' MailAddress (one confirmation covers reply
e-mails and follows). A Follow row exists only once its owner confirmed it through a
signed link: a stranger typing someone's address in a form stores nothing that mail
would ever go to. A Delivery row, unique per (review, follower), is claimed before its
message is handed to the mail server, so a review reaches each follower once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from comments.models import MailAddress
from reviews.models import Review, Series, display_name


def covering(review: Review, path: str = "") -> Q:
    """Follows that cover this review (site, its series, its critic); `path` reaches them
    from another model ("follows__" from Follower)."""
    covers = Q(**{f"{path}kind": "site"})
    if review.series_id:
        covers |= Q(**{f"{path}kind": "series", f"{path}series_id": review.series_id})
    if review.author_id:
        covers |= Q(**{f"{path}kind": "critic", f"{path}critic_id": review.author_id})
    return covers


class FollowerQuerySet(models.QuerySet):
    def reachable(self):
        """Followers mail may go to: address confirmed, not refused by its mail server."""
        return self.filter(address__confirmed_at__isnull=False, undeliverable_at__isnull=True)

    def following(self, review: Review, *, frequency: str):
        """Reachable followers with a follow that covers this review at this frequency;
        each once, however many of their follows match (site, series and critic)."""
        return (
            self.reachable()
            .filter(covering(review, "follows__"), follows__frequency=frequency)
            .values_list("pk", flat=True)
            .distinct()
        )


class Follower(models.Model):
    """An address that follows something (or did): the follows hang off it."""

    address = models.OneToOneField(MailAddress, on_delete=models.CASCADE, related_name="follower")
    created_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last time the reader stopped everything; older confirmation links no "
        "longer work.",
    )
    undeliverable_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The mail server refused this address for good (a 5xx answer); nothing is "
        "sent until the reader follows again.",
    )
    undeliverable_reason = models.CharField(max_length=300, blank=True)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        permissions = [("export_follower", "Can export followers as CSV")]

    def __str__(self):
        return f"Follower {self.pk}"

    @property
    def email(self) -> str:
        return self.address.email


class FollowQuerySet(models.QuerySet):
    def reasons(self, review: Review, followers: list[int]) -> dict[int, str]:
        """Why each of these followers gets this review, in words: their most specific
        follow that covers it (its series, else its critic, else everything). One query."""
        found = self.filter(
            covering(review), follower_id__in=followers, frequency=Follow.Frequency.EACH
        ).select_related("series", "critic__profile")
        reasons = {}
        for follow in sorted(found, key=Follow.specificity):
            reasons.setdefault(follow.follower_id, follow.label)
        return reasons


class Follow(models.Model):
    class Kind(models.TextChoices):
        SITE = "site", "Everything"
        SERIES = "series", "A series"
        CRITIC = "critic", "A critic"

    class Frequency(models.TextChoices):
        EACH = "each", "Each new review"
        WEEKLY = "weekly", "Weekly digest"

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=10, choices=Kind)
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    critic = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    frequency = models.CharField(max_length=10, choices=Frequency, default=Frequency.EACH)
    created_at = models.DateTimeField(default=timezone.now)

    objects = FollowQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                name="follow_kind_matches_target",
                condition=(
                    Q(kind="site", series__isnull=True, critic__isnull=True)
                    | Q(kind="series", series__isnull=False, critic__isnull=True)
                    | Q(kind="critic", series__isnull=True, critic__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["follower"], condition=Q(kind="site"), name="follow_site_once"
            ),
            models.UniqueConstraint(
                fields=["follower", "series"], condition=Q(kind="series"), name="follow_series_once"
            ),
            models.UniqueConstraint(
                fields=["follower", "critic"], condition=Q(kind="critic"), name="follow_critic_once"
            ),
        ]

    def __str__(self):
        return self.label

    def specificity(self) -> int:
        """A sort key, most specific first (a series, a critic, everything): the order in
        which messages name follows."""
        return ["series", "critic", "site"].index(self.kind)

    def covers(self, review: Review) -> bool:
        """Does this follow cover the review? In Python what covering() is in SQL."""
        if self.kind == self.Kind.SERIES:
            return self.series_id == review.series_id
        if self.kind == self.Kind.CRITIC:
            return self.critic_id == review.author_id
        return True

    @property
    def label(self) -> str:
        if self.kind == self.Kind.SERIES:
            return f"the series {self.series.name}"
        if self.kind == self.Kind.CRITIC:
            return f"reviews by {display_name(self.critic)}"
        return "every new review"


class Mailing(models.Model):
    """Whether a review was, or will be, e-mailed to its followers: one row per review,
    so publishing it again (or correcting it) never starts a second mailing."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="mailing")
    send = models.BooleanField(
        "e-mail followers",
        default=True,
        help_text="Off: the editor chose not to e-mail followers about this review.",
    )
    decided_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Mailing of {self.review}"


class Delivery(models.Model):
    """One review's message to one follower. Claimed (SENDING) before it goes to the mail
    server and marked SENT after; the unique pair is why there is never a second one."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        REFUSED = "refused", "Refused by the mail server"
        SKIPPED = "skipped", "Skipped (unfollowed meanwhile)"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="deliveries")
    # SET_NULL: an erased reader leaves the count of what was sent, not who it went to.
    follower = models.ForeignKey(
        Follower, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["review", "follower"], name="delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_status_due")]

    def __str__(self):
        return f"{self.review} → follower {self.follower_id}: {self.get_status_display()}"


class Digest(models.Model):
    """One weekly digest to one follower, claimed before it is sent (once a week)."""

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="digests")
    week = models.DateField(help_text="The Monday the digest's week starts.")
    reviews = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "week"], name="digest_once_a_week")
        ]

    def __str__(self):
        return f"Digest of {self.week} to follower {self.follower_id}"
