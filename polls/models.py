from dataclasses import dataclass

from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from reviews.models import Review, published_and_due

DEFAULT_QUESTION = "Will you watch?"
#: An episode recap's: its readers have begun the show already.
RECAP_QUESTION = "Will you keep watching?"
DEFAULT_CHOICES = ("Yes", "No", "Maybe")


def percentages(counts: list[int]) -> list[int]:
    """Whole percentages that add up to exactly 100 (all 0 when nobody voted).

    Largest remainder: every share is rounded down, then the points still missing go to
    the shares that lost most in rounding (ties: more votes first, then list order), so
    no share is ever more than one point from its exact value.
    """
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    exact = [count * 100 / total for count in counts]
    result = [int(share) for share in exact]
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - result[i]), -counts[i], i))
    for i in order[: 100 - sum(result)]:
        result[i] += 1
    return result


@dataclass(frozen=True)
class ChoiceResult:
    id: int
    text: str
    votes: int
    percent: int


@dataclass(frozen=True)
class Results:
    """A poll's numbers, computed once so the page, the JSON, the admin and CSV agree."""

    question: str
    open: bool
    total: int
    choices: list[ChoiceResult]

    def as_json(self) -> dict:
        return {
            "question": self.question,
            "open": self.open,
            "total": self.total,
            "choices": [
                {"id": c.id, "text": c.text, "votes": c.votes, "percent": c.percent}
                for c in self.choices
            ],
        }


class PollQuerySet(models.QuerySet):
    def with_results(self) -> "PollQuerySet":
        """Polls with their choices and vote counts prefetched (see Poll.results)."""
        return self.prefetch_related(counted_choices())

    def for_vote(self, slug: str) -> "Poll | None":
        """The poll of the published, due review at `slug`, with what a vote needs (its
        dates, and review.slug for the way back), in one query."""
        found = (
            self.filter(published_and_due("review__"), review__slug=slug)
            .select_related("review")
            .only("review_id", "opens_at", "closes_at", "review__slug")[:1]
        )
        return found[0] if found else None


class Poll(models.Model):
    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="poll")
    question = models.CharField(max_length=200, default=DEFAULT_QUESTION)
    opens_at = models.DateTimeField(
        "opens at",
        null=True,
        blank=True,
        help_text="Leave empty to take votes as soon as the review is published.",
    )
    closes_at = models.DateTimeField(
        "closes at",
        null=True,
        blank=True,
        help_text="Leave empty to keep the poll open. Set it to now to close the poll; "
        "readers then see the final results.",
    )

    objects = PollQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="poll_closes_after_it_opens",
                violation_error_message="The poll must close after it opens.",
            )
        ]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return self.review.get_absolute_url() + "#poll"

    @property
    def has_opened(self) -> bool:
        return self.opens_at is None or self.opens_at <= timezone.now()

    @property
    def has_closed(self) -> bool:
        return self.closes_at is not None and self.closes_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        """Taking votes now: opened and not yet closed."""
        return self.has_opened and not self.has_closed

    @property
    def cache_key(self) -> str:
        return f"poll-{self.pk}"

    @property
    def next_change(self):
        """When the poll opens or closes next (its page changes by itself then), or None."""
        now = timezone.now()
        return min((m for m in (self.opens_at, self.closes_at) if m and m > now), default=None)

    def results(self) -> Results:
        """Counts and percentages, from the prefetched choices when with_results() ran."""
        choices = getattr(self, "counted_choices", None)
        if choices is None:
            choices = list(self.choices.with_votes())
        counts = [choice.vote_count for choice in choices]
        return Results(
            question=self.question,
            open=self.is_open,
            total=sum(counts),
            choices=[
                ChoiceResult(id=choice.pk, text=choice.text, votes=count, percent=percent)
                for choice, count, percent in zip(choices, counts, percentages(counts), strict=True)
            ],
        )


class ChoiceQuerySet(models.QuerySet):
    def with_votes(self) -> "ChoiceQuerySet":
        """Choices in order, each with its vote_count."""
        return self.order_by("order", "pk")


def counted_choices(prefix: str = "") -> Prefetch:
    """Prefetch a poll's choices with their counts into poll.counted_choices."""
    return Prefetch(
        f"{prefix}choices", queryset=Choice.objects.with_votes(), to_attr="counted_choices"
    )


class Choice(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=100)
    vote_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Votes for this answer, raised in the same transaction as each vote row.",
    )

    objects = ChoiceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "text"], name="choice_text_unique_in_poll")
        ]

    def __str__(self):
        return self.text


class Vote(models.Model):
    """One reader's answer. The unique (poll, voter) constraint is what stops a second vote.

    voter is the readers.identity id: "u:<pk>" for a user, "a:<hash>" for an anonymous
    reader (a hash of their cookie, never the cookie itself).
    """

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    # RESTRICT: a choice that has votes cannot be deleted on its own (the count would
    # silently vanish), but deleting the whole poll still takes its votes with it.
    choice = models.ForeignKey(Choice, on_delete=models.RESTRICT, related_name="votes")
    voter = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="one_vote_per_reader_per_poll")
        ]

    def __str__(self):
        return f"{self.voter} → {self.choice_id}"
