"""The edited front page (a lead and up to six picks) and the pages a publication keeps
(About, Contact, Privacy, Community guidelines, Corrections)."""

from datetime import timedelta

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from reviews import markup
from reviews.models import Review

#: Picks shown beside the lead, at most.
MAX_PICKS = 6
#: Reviews in "Most discussed this week".
MOST_DISCUSSED = 5


class FrontPage(models.Model):
    """The one front page: which review leads it. Its picks are FrontPick rows.

    One row (pk 1), made on first use, so editors have a single place to edit.
    """

    lead = models.ForeignKey(
        Review,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Shown large at the top of the front page. Leave empty for the newest "
        "review. A review that is unpublished is left out until it is published again.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    ONE = 1  # the row's pk

    class Meta:
        verbose_name = "front page"
        verbose_name_plural = "front page"

    def __str__(self):
        return "Front page"

    def get_absolute_url(self):
        return reverse("reviews:list")

    @classmethod
    def load(cls) -> "FrontPage":
        return cls.objects.get_or_create(pk=cls.ONE)[0]

    def move(self, pick_id: int | None = None, direction: str = "") -> None:
        """Swap a pick with its neighbour above ("up") or below ("down"), and number the
        picks 1, 2, 3… (without a pick, only that)."""
        picks = list(self.picks.order_by("order", "pk"))
        for i, pick in enumerate(picks):
            if pick.pk == pick_id:
                j = i - 1 if direction == "up" else i + 1
                if 0 <= j < len(picks):
                    picks[i], picks[j] = picks[j], picks[i]
                break
        for order, pick in enumerate(picks, start=1):
            if pick.order != order:
                pick.order = order
                pick.save(update_fields=["order"])


class FrontPick(models.Model):
    front = models.ForeignKey(FrontPage, on_delete=models.CASCADE, related_name="picks")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(default=0, help_text="Picks are shown in this order.")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "pick"
        constraints = [
            models.UniqueConstraint(fields=["front", "review"], name="front_pick_once"),
        ]

    def __str__(self):
        return str(self.review)


def front_chosen() -> tuple[Review | None, list[Review]]:
    """The lead and the picks readers may see now (published and due), in order.

    One query for both (two when they have photos), with readers' ratings, as cards; no
    query writes, so reading the front page never creates its row.
    """
    picks = FrontPick.objects.filter(front_id=FrontPage.ONE)
    lead_id = FrontPage.objects.filter(pk=FrontPage.ONE).values("lead_id")
    chosen = (
        Review.objects.published()
        .filter(Q(pk__in=picks.values("review_id")) | Q(pk__in=lead_id))
        .annotate(
            is_lead=Exists(lead_id.filter(lead_id=OuterRef("pk"))),
            pick_order=Subquery(picks.filter(review_id=OuterRef("pk")).values("order")[:1]),
        )
        .for_listing()
        .with_rating()
    )
    lead, rest = None, []
    for review in chosen:
        if review.is_lead and lead is None:
            lead = review
        else:
            rest.append(review)
    rest.sort(key=lambda review: (review.pick_order, -review.published_at.timestamp()))
    return lead, rest[:MAX_PICKS]


def most_discussed(*, days: int = 7, limit: int = MOST_DISCUSSED):
    """Published reviews with the most published comments in the last `days` days.

    Counted from comments alone: nothing about readers is tracked for it, and a rating
    given without words is no comment (the review's own heading leaves it out too).
    """
    since = timezone.now() - timedelta(days=days)
    recent = Q(
        comments__status=Comment.Status.PUBLISHED,
        comments__created_at__gte=since,
    ) & ~Q(comments__body="")
    return (
        Review.objects.published()
        .annotate(recent_comments=Count("comments", filter=recent))
        .filter(recent_comments__gt=0)
        .order_by("-recent_comments", "-published_at", "-pk")
        .select_related("platform")[:limit]
    )


class Page(models.Model):
    """A page a publication keeps, written by editors in the admin.

    The five pages have fixed addresses (PAGES); the footer links them.
    """

    class Kind(models.TextChoices):
        ABOUT = "about", "About"
        CONTACT = "contact", "Contact"
        PRIVACY = "privacy", "Privacy"
        GUIDELINES = "community-guidelines", "Community guidelines"
        CORRECTIONS = "corrections", "Corrections"

    kind = models.CharField(max_length=30, choices=Kind, unique=True)
    title = models.CharField(
        max_length=200,
        help_text="Type straight quotes and -- or ---: they are shown as ‘curly’ quotes "
        "and dashes.",
    )
    body = models.TextField(
        help_text="Paragraphs separated by a blank line. *Emphasis*, **bold**, "
        "[links](https://…), lists (- item) and quotes (> text) are allowed; nothing else."
    )
    body_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The same Markdown subset and typographer as a review's sections.
        self.title = markup.typographic(self.title)
        self.body_html = markup.render(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(f"frontpage:{self.kind}")
