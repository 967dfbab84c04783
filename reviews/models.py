import dataclasses
import functools
import html
import logging
import math
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import slugify

from infra import freshness, media
from infra.httpcache import LISTING
from infra.media import STORAGE_ERRORS
from reviews import images, markup
from reviews.fragments import FRAGMENT_TTL
from reviews.registry import PAGE_PARTS, reader_ratings

logger = logging.getLogger(__name__)

#: Editors hold it (reviewsite.roles), writers do not: publish, schedule, edit anyone's.
PUBLISH = "reviews.publish_review"


def star_average(total: int | None, count: int) -> Decimal | None:
    """Readers' average star rating as every page shows it: one decimal, halves rounded up.

    Computed from the exact sum and count so the review page, the home page and the
    JSON-LD can never disagree by a rounding step.
    """
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


#: A common adult silent-reading speed for non-fiction (Brysbaert, 2019: 238).
WORDS_PER_MINUTE = 238


def count_words(texts) -> int:
    return sum(len(text.split()) for text in texts)


def display_name(user) -> str:
    """The name a critic is shown by: their profile's display name, else their full
    name, else their username."""
    profile = profile_of(user)
    return (profile and profile.display_name) or user.get_full_name() or user.get_username()


def account_label(user) -> str:
    """An account where staff pick one from a list: "Wren Hale (writer)", the login name
    in brackets to tell accounts apart; the login name alone when it is the only name."""
    login = user.get_username()
    return f"{display_name(user)} ({login})" if has_a_name(user) else login


def browsing_labels() -> dict[str, list[dict]]:
    """Platforms and genres that have published reviews, by name: the masthead's lists.

    One query (a UNION), however many there are.
    """
    published = Review.objects.published().values("pk")
    platforms = Platform.objects.filter(reviews__in=published).annotate(kind=Value("platform"))
    genres = Genre.objects.filter(reviews__in=published).annotate(kind=Value("genre"))
    rows = (
        platforms.values("kind", "name", "slug")
        .order_by()
        .union(genres.values("kind", "name", "slug").order_by())
        .order_by("kind", "name")
    )
    labels = {"platforms": [], "genres": []}
    for row in rows:
        labels[f"{row['kind']}s"].append({"name": row["name"], "slug": row["slug"]})
    return labels


class Label(models.Model):
    """A named, sluggable way to browse reviews (platforms, genres, series)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True,
        max_length=1000,
        help_text="A sentence or two at the top of its page: what readers will find there.",
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name)
        super().save(*args, **kwargs)


class Platform(Label):
    """Where the work streams or airs: Prime Video, HBO, a cinema release."""


class Genre(Label):
    pass


class Series(Label):
    """A show with one review per season: "Ballard". Its page lists every reviewed season."""

    class Meta(Label.Meta):
        verbose_name_plural = "series"

    def get_absolute_url(self):
        return reverse("reviews:series", kwargs={"slug": self.slug})


class EpisodeQuerySet(models.QuerySet):
    def of_season(self, series_id: int, season_number: int | None = None):
        """A show's episodes (of one season, when given), in order."""
        episodes = self.filter(series_id=series_id)
        if season_number is not None:
            episodes = episodes.filter(season_number=season_number)
        return episodes.order_by("season_number", "number")


class Episode(models.Model):
    """One episode of a season of a show. Its recap is a review tied to it (Review.episode),
    so a recap has a review's workflow, revisions, scheduling and page."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="episodes")
    season_number = models.PositiveSmallIntegerField(
        "season", validators=[MinValueValidator(1)], help_text="1 for the first season."
    )
    number = models.PositiveSmallIntegerField(
        "episode", validators=[MinValueValidator(1)], help_text="1 for the season's first."
    )
    title = models.CharField(max_length=200, help_text="As the show titles it: “Bones”.")
    first_aired = models.DateField(
        "first aired", null=True, blank=True, help_text="When it first aired or streamed."
    )
    platform = models.ForeignKey(
        Platform,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Only when it differs from the season's platform.",
    )

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["series", "season_number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "season_number", "number"],
                name="one_episode_per_number",
                violation_error_message="This season already has an episode with this number.",
            )
        ]

    def __str__(self):
        return f"{self.series.name}, {self.label}: {self.title}"

    @property
    def label(self) -> str:
        """ "Season 1, Episode 4": how pages name an episode."""
        return f"Season {self.season_number}, Episode {self.number}"


class Closeness(models.IntegerChoices):
    """Why a related review is offered, nearest first."""

    SAME_SERIES = 0, "Other seasons"
    SAME_CRITIC = 1, "By the same critic"
    SAME_PLATFORM = 2, "On the same platform"
    SAME_GENRE = 3, "In the same genre"


def published_and_due(prefix: str = "") -> Q:
    """The rule for what readers may see: published, and due (a future time means
    scheduled). prefix reaches a review through a relation: published_and_due("review__").

    Review.is_live is the same rule for a review already loaded.
    """
    now = timezone.now()
    return Q(**{f"{prefix}status": Review.Status.PUBLISHED, f"{prefix}published_at__lte": now})


class ReviewQuerySet(models.QuerySet):
    def published(self):
        """Reviews readers may see (see published_and_due)."""
        return self.filter(published_and_due())

    def previewable_by(self, user) -> "ReviewQuerySet":
        """Reviews a member of staff may preview: editors (who publish) any, writers only
        their own, so an unpublished draft stays with its author and the desk."""
        if user.has_perm(PUBLISH):
            return self
        if not user.has_perm("reviews.view_review"):
            return self.none()
        return self.filter(author=user)

    def title_of(self, series) -> str:
        """The title the series' reviews give the show (BALLARD), the latest one's, or the
        series' name when none has one yet: what a recap left without a title takes."""
        titles = self.filter(series=series).exclude(work_title="").order_by("-pk")
        return titles.values_list("work_title", flat=True).first() or series.name

    def for_listing(self):
        """What a list of review cards needs, in a fixed number of queries."""
        return self.select_related(
            "author__profile", "platform", "series", "episode"
        ).prefetch_related(
            Prefetch("figures", queryset=Figure.objects.filter(position=0), to_attr="lead")
        )

    def with_rating(self):
        """Annotate rating_count and rating_total from readers' ratings, as the app that
        keeps them counts them (ReaderRatings), inside this same query.

        Use review.rating_average for the rounded average.
        """
        ratings = reader_ratings()
        if ratings is None:
            no_total = Value(None, output_field=IntegerField())
            annotated = self.annotate(rating_count=Value(0), rating_total=no_total)
        else:
            annotated = self.annotate(rating_count=ratings.count, rating_total=ratings.total)
        # Django drops Meta.ordering from GROUP BY queries: keep the list newest first.
        return annotated if self.query.order_by else annotated.order_by(*Review._meta.ordering)

    def next_publication(self, *, since=None):
        """When the soonest scheduled review due after since (default now) comes due:
        lists change then. A page passes the moment its request began (started_at), so a
        review coming due while the page renders bounds it too (at a moment already past:
        that copy is not kept), instead of leaving it out for a full s-maxage."""
        return (
            self.filter(status=Review.Status.PUBLISHED, published_at__gt=since or timezone.now())
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def awaiting_review(self):
        """Drafts their writers have submitted: the editors' queue, oldest first."""
        return self.filter(status=Review.Status.DRAFT, submitted_at__isnull=False).order_by(
            "submitted_at", "pk"
        )

    def sent_back(self):
        """Drafts an editor returned to their writer with a note, not yet resubmitted."""
        return self.filter(
            status=Review.Status.DRAFT, submitted_at__isnull=True, sent_back_at__isnull=False
        )

    def scheduled(self):
        """Published reviews whose time has not come yet, soonest first."""
        due_later = Q(status=Review.Status.PUBLISHED, published_at__gt=timezone.now())
        return self.filter(due_later).order_by("published_at", "pk")

    def seasons_of(self, series_id: int):
        """A show's published seasons, in order (season number, then date)."""
        return (
            self.published()
            .filter(series_id=series_id, episode__isnull=True)
            .order_by("season_number", "published_at", "pk")
        )

    def recaps_of(self, series_id: int, season_number: int | None = None):
        """A show's published episode recaps (of one season, when given)."""
        recaps = self.published().filter(episode__series_id=series_id)
        if season_number is not None:
            recaps = recaps.filter(episode__season_number=season_number)
        return recaps

    def related_to(self, review: "Review", *, limit: int = 3):
        """Published reviews to read next: other seasons of the show first, then the same
        critic's, then the same platform's, then the same genres', newest first in each.

        One query (genres are matched by a subquery); each row carries its `closeness`.
        """
        links = Review.genres.through.objects
        same_genre = Q(
            pk__in=links.filter(
                genre_id__in=links.filter(review_id=review.pk).values("genre_id")
            ).values("review_id")
        )
        nearness = [
            (Closeness.SAME_SERIES, Q(series_id=review.series_id) if review.series_id else None),
            (Closeness.SAME_CRITIC, Q(author_id=review.author_id) if review.author_id else None),
            (
                Closeness.SAME_PLATFORM,
                Q(platform_id=review.platform_id) if review.platform_id else None,
            ),
            (Closeness.SAME_GENRE, same_genre),
        ]
        nearness = [(level, condition) for level, condition in nearness if condition]
        matching = Q()
        for _level, condition in nearness:
            matching |= condition
        return (
            self.published()
            .exclude(pk=review.pk)
            # Recaps are found through their season's episode list, behind its spoiler
            # shield; a card elsewhere would show an episode's title to anyone.
            .filter(matching, episode__isnull=True)
            .annotate(
                closeness=Case(
                    *(When(condition, then=Value(level.value)) for level, condition in nearness),
                    output_field=IntegerField(),
                )
            )
            .order_by("closeness", "-published_at", "-pk")
            .for_listing()
            .with_rating()[:limit]
        )

    def for_page(self):
        """The review row for its page, with its byline and platform.

        Sections, figures, credits and genres are not prefetched: the page reads them
        (through the *_list properties) only when its cached fragments are missing. Other
        apps' parts of the page (PAGE_PARTS: the poll) come along.
        """
        parts = [part.related for part in PAGE_PARTS]
        return self.select_related(
            "author__profile", "platform", "series", "episode__platform", *parts
        )


class Review(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Kind(models.TextChoices):
        SEASON = "season", "TV season"
        FILM = "film", "Film"

    headline = models.CharField(
        max_length=200,
        help_text="Type straight quotes and -- or ---: they are saved as ‘curly’ quotes and "
        "dashes.",
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        # No angle brackets: the admin shows help text as HTML, and would hide "<slug>".
        help_text="The last part of the review's address, as in "
        "/reviews/ballard-season-1-review/. Filled in from the headline as you type it.",
    )
    standfirst = models.CharField(
        max_length=300, help_text="One line under the headline that sums up the verdict."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
        help_text="The critic named in the byline (the display name of their profile, else "
        "their full name). Left empty on a new review, it is you.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="A draft is seen only by staff (View on site shows a preview). Published: "
        "readers see it from the time below.",
    )
    published_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        db_index=True,
        help_text="Readers see a published review once this time has passed; a future "
        "time schedules it. Left empty, publishing sets it to now.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    verdict = models.CharField(
        max_length=200, blank=True, help_text="The verdict in a line, shown in the verdict box."
    )
    score = models.DecimalField(
        "critic's score",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="Optional, out of 10.",
    )

    # The reviewed work.
    work_title = models.CharField("title", max_length=200, help_text="The show or film: BALLARD.")
    work_kind = models.CharField(
        "kind",
        max_length=10,
        choices=Kind,
        default=Kind.SEASON,
        help_text="A season of a TV show, or a film: it decides the kicker, the credits box "
        "and what search engines are told the review is about.",
    )
    season_number = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="For a TV season: 1 for the first. Leave empty for a film.",
    )
    platform = models.ForeignKey(
        Platform,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="Platform or network.",
    )
    premiere_date = models.DateField(
        null=True, blank=True, help_text="When the season or film first aired or opened."
    )
    based_on = models.CharField(
        max_length=300,
        blank=True,
        help_text="For example: Based on the novels by Michael Connelly.",
    )
    genres = models.ManyToManyField(
        Genre,
        blank=True,
        related_name="reviews",
        help_text="Each ticked genre lists the review on its page (/genres/…/).",
    )
    comments_closed = models.BooleanField(
        "close comments",
        default=False,
        help_text="Tick to stop new comments and replies on this review. The site may also "
        "close them by itself some days after publication (the form says how many).",
    )
    series = models.ForeignKey(
        Series,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="TV seasons only: the show this season belongs to, so its reviews link "
        "to each other and to the show's page. Pick it, or add it with +.",
    )
    episode = models.OneToOneField(
        Episode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recap",
        help_text="For an episode recap only: the episode it is about. Its series and season "
        "are then taken from the episode. Leave empty for a season or film review.",
    )
    comments_version = models.PositiveIntegerField(
        editable=False,
        default=0,
        help_text="Bumped with every change to the review's comments; keys their cache.",
    )
    search_document = models.TextField(
        editable=False,
        default="",
        help_text="All of the review's words in plain text, kept for site search.",
    )
    word_count = models.PositiveIntegerField(
        editable=False,
        default=0,
        help_text="Words in the sections, counted when they are saved; gives the reading time.",
    )
    submitted_at = models.DateTimeField(
        "submitted for review",
        null=True,
        blank=True,
        editable=False,
        help_text="Set when the writer submits the draft; cleared when it is sent back "
        "or published.",
    )
    editor_note = models.TextField(
        "note to the writer",
        blank=True,
        help_text="Why the review was sent back, and what to change. The writer sees it at "
        "the top of the review.",
    )
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_back_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=10),
                name="review_score_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="published_review_has_date",
            ),
            models.CheckConstraint(
                condition=Q(series__isnull=True) | Q(work_kind="season"),
                name="only_seasons_belong_to_a_series",
                violation_error_message="A film has no series: only a TV season belongs to one.",
            ),
        ]
        permissions = [
            ("publish_review", "Can publish, schedule and unpublish reviews, and edit anyone's"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED:
            if self.published_at is None:
                self.published_at = timezone.now()
            self.submitted_at = None  # published: out of the Submitted queue
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "submitted_at"}
        if self.episode_id:
            self.take_season_from_episode()
        # Typed with straight quotes, shown with curly ones: converted once, here.
        self.headline = markup.typographic(self.headline)
        self.standfirst = markup.typographic(self.standfirst)
        self.verdict = markup.typographic(self.verdict)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reviews:detail", kwargs={"slug": self.slug})

    def clean(self):
        # Publishing with no time means now. Set here, not only in save(): the admin checks
        # the published_review_has_date constraint before it saves.
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.episode_id:
            self.take_season_from_episode()
        if self.series_id and self.work_kind != self.Kind.SEASON:
            raise ValidationError(
                {"series": "A film has no series: only a TV season belongs to one."},
                code="film_in_series",
            )

    def take_season_from_episode(self) -> None:
        """A recap is of its episode's show and season: lists, feeds and the series page
        then find it like any review of the show."""
        episode = self.episode
        self.work_kind = self.Kind.SEASON
        self.series_id, self.season_number = episode.series_id, episode.season_number

    def get_preview_url(self):
        return reverse("reviews:preview", kwargs={"slug": self.slug})

    def publish(self, *, at=None):
        """Publish now, or at a later time (a scheduled review appears by itself)."""
        self.status = self.Status.PUBLISHED
        self.published_at = at or self.published_at or timezone.now()
        self.save(update_fields=["status", "published_at", "updated_at"])
        freshness.review_changed(self)

    def refresh_search_document(self) -> None:
        """Rebuild the plain text site search looks in, and the word count (after sections
        or credits change)."""
        sections = [
            (section.heading, html.unescape(strip_tags(section.body_html)))
            for section in self.sections.all()
        ]
        parts = [self.headline, self.standfirst, self.work_label, self.based_on, self.verdict]
        parts += [f"{heading}\n{text}" for heading, text in sections]
        parts += [f"{credit.person} {credit.role}" for credit in self.credits.all()]
        document = "\n\n".join(part for part in parts if part)
        document = "".join(ch for ch in document if ch.isprintable() or ch == "\n")
        words = count_words(text for _, text in sections)
        Review.objects.filter(pk=self.pk).update(search_document=document, word_count=words)
        self.search_document, self.word_count = document, words

    @staticmethod
    def cache_key_for(pk: int) -> str:
        """The surrogate key of every page that shows this review, its comments or ratings."""
        return f"review-{pk}"

    @property
    def cache_key(self) -> str:
        return self.cache_key_for(self.pk)

    def surrogate_keys(self) -> list[str]:
        """What the review's page shows: the review (with its comments, ratings and poll),
        its critic, its platform and series, and other reviews (the masthead's lists,
        related reviews, season links: `listing`)."""
        keys = [self.cache_key, LISTING]
        if self.series_id:
            keys.append(f"series-{self.series_id}")
        if self.author_id:
            keys.append(f"author-{self.author_id}")
        if self.platform_id:
            keys.append(f"platform-{self.platform_id}")
        return keys

    def unpublish(self):
        self.status = self.Status.DRAFT
        self.save(update_fields=["status", "updated_at"])
        freshness.review_changed(self)

    def submit(self) -> None:
        """The writer asks an editor to publish this draft (it joins the Submitted queue)."""
        self.submitted_at = timezone.now()
        self.save(update_fields=["submitted_at", "updated_at"])

    def send_back(self, *, by, note: str) -> None:
        """An editor returns the draft to its writer with a note of what to change."""
        self.submitted_at = None
        self.editor_note, self.sent_back_by, self.sent_back_at = note, by, timezone.now()
        fields = ["submitted_at", "editor_note", "sent_back_by", "sent_back_at", "updated_at"]
        self.save(update_fields=fields)

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.DRAFT and self.submitted_at is not None

    @property
    def is_live(self) -> bool:
        """Readers may see it: published_and_due, for a review already loaded."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def comments_close_at(self):
        """When comments close by age (REVIEWSITE_COMMENTS_CLOSE_AFTER days after
        publication), or None: no limit, closed by hand, or not published."""
        days = settings.COMMENTS_CLOSE_AFTER
        if not days or self.comments_closed or self.published_at is None:
            return None
        return self.published_at + timedelta(days=days)

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_live

    @property
    def author_url(self) -> str:
        """The byline's link: the critic's author page (empty without an author)."""
        return critic_url(self.author) if self.author_id else ""

    @property
    def byline(self) -> str:
        if self.author is None:
            return f"{settings.SITE_NAME} staff"
        return display_name(self.author)

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the sections at WORDS_PER_MINUTE, at least one."""
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    @property
    def kind_label(self) -> str:
        """What a card, a search result or a feed calls it: Episode recap, TV season, Film."""
        return "Episode recap" if self.episode_id else self.get_work_kind_display()

    @property
    def work_label(self) -> str:
        """BALLARD, Season 1 / BALLARD, Season 1, Episode 4 / OPPENHEIMER (film)."""
        if self.episode_id:
            return f"{self.work_title}, {self.episode.label}"
        if self.work_kind == self.Kind.SEASON and self.season_number:
            return f"{self.work_title}, Season {self.season_number}"
        return self.work_title

    @property
    def rating_average(self) -> Decimal | None:
        """The rounded average from with_rating()'s annotations."""
        return star_average(self.rating_total, self.rating_count)

    @cached_property
    def reader_rating(self):
        """Readers' ratings (count, average, distribution): one query, shared by every
        process through the cache until the comments change (comments_version)."""
        ratings = reader_ratings()
        if ratings is None:
            return None
        key = f"rating:{self.pk}:{self.comments_version}"
        summary = functools.partial(ratings.summary, self)
        return caches["fragments"].get_or_set(key, summary, FRAGMENT_TTL)

    # Each read once per request, and only if a cached fragment needs it.
    @cached_property
    def section_list(self) -> list["Section"]:
        return list(self.sections.all())

    @cached_property
    def figure_list(self) -> list["Figure"]:
        return list(self.figures.all())

    @cached_property
    def credit_list(self) -> list["Credit"]:
        return list(self.credits.all())

    def shown_with(self, *, sections, figures, credits) -> "Review":
        """This review with rows not saved (the review form's, for its preview), to be
        shown and never saved: each section's text rendered as saving it would."""
        for section in sections:
            section.body_html = markup.render(section.body)
        self.__dict__.update(section_list=sections, figure_list=figures, credit_list=credits)
        return self

    @cached_property
    def genre_list(self) -> list[Genre]:
        return list(self.genres.all())

    @cached_property
    def season_neighbours(self) -> tuple["Review | None", "Review | None"]:
        """The previous and next published seasons of the same show (one query), if any."""
        if not self.series_id:
            return None, None
        seasons = list(
            Review.objects.seasons_of(self.series_id).only(
                "slug",
                "headline",
                "season_number",
                "work_title",
                "work_kind",
                "published_at",
                "episode_id",
            )
        )
        index = next((i for i, r in enumerate(seasons) if r.pk == self.pk), None)
        if index is None:  # a draft or scheduled season, seen in preview
            return None, None
        before = seasons[index - 1] if index > 0 else None
        after = seasons[index + 1] if index + 1 < len(seasons) else None
        return before, after

    @property
    def lead_figure(self):
        if hasattr(self, "lead"):  # prefetched by for_listing()
            return self.lead[0] if self.lead else None
        return next((f for f in self.figure_list if f.position == 0), None)

    def body(self):
        """Sections in order: (section, its text in parts with the figures placed inside
        it, the figures placed after it).

        Figures placed after a section number the review does not have come last, so
        an editor who deletes a section never loses a photo from the page.
        """
        sections = self.section_list
        figures = [f for f in self.figure_list if f.position > 0]
        blocks = []
        for number, section in enumerate(sections, start=1):
            here = [f for f in figures if f.position == number]
            inside = [f for f in here if f.paragraph is not None]
            after = [f for f in here if f.paragraph is None]
            blocks.append((section, section.parts(inside), after))
        leftovers = [f for f in figures if f.position > len(sections)]
        if leftovers:
            blocks.append((None, [], leftovers))
        return blocks


class Section(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(default=0, help_text="Sections are shown in this order.")
    heading = models.CharField(
        max_length=200, blank=True, help_text="Leave empty for the intro paragraphs."
    )
    body = models.TextField(
        help_text="Paragraphs separated by a blank line. *Emphasis*, **bold**, "
        "[links](https://…), lists (- item) and quotes (> text) are allowed; nothing else."
    )
    body_html = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.heading or "(intro)"

    def save(self, *args, **kwargs):
        # Rendered once here, so no reader's request ever parses Markdown.
        self.body_html = markup.render(self.body)
        self.heading = markup.typographic(self.heading)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def paragraphs(self) -> list[str]:
        """Its rendered paragraphs (a list or a quote counts as one), in order."""
        return markup.blocks(self.body_html)

    def parts(self, figures) -> list[tuple[str, list]]:
        """Its text as (html, figures placed after it) pieces: a figure with paragraph N
        follows the N-th paragraph (0: between the heading and the first paragraph); one
        past the last paragraph ends the section, so an edit never loses a photo."""
        paragraphs = self.paragraphs()
        pieces = [("", [])] + [(html, []) for html in paragraphs]
        for figure in figures:
            pieces[min(figure.paragraph, len(paragraphs))][1].append(figure)
        return [(html, placed) for html, placed in pieces if html or placed]


class FigureQuerySet(models.QuerySet):
    def file_names(self) -> set[str]:
        """Every stored file these figures use: their originals and renditions."""
        names = set()
        for image, renditions in self.values_list("image", "renditions"):
            names.add(image)
            names.update(r["name"] for r in renditions)
        return names - {""}


class Figure(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveSmallIntegerField(
        "placement",
        default=0,
        help_text="0 is the lead photo under the headline; 1 after the first section, 2 after "
        "the second, and so on. The admin names each place by its section.",
    )
    paragraph = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Inside its section: after this many of its paragraphs (0 is between "
        "the heading and the first paragraph). Empty: after the whole section.",
    )
    order = models.PositiveIntegerField(
        default=0, help_text="Orders several photos in the same place."
    )
    image = models.FileField(
        upload_to=images.UPLOAD_DIR,
        max_length=200,
        help_text="A JPEG, PNG or WebP photo. Location and camera data are removed.",
    )
    alt_text = models.CharField(
        max_length=300,
        help_text="What is seen, for readers who cannot see the photo: “A woman in a "
        "business suit sits at a table, holding a file…”.",
    )
    caption = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who is shown: “Maggie Q (Renée Ballard) in BALLARD.”",
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Photographer/rights holder: “Tyler Golden/Prime Video”.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    renditions = models.JSONField(editable=False, default=list)

    objects = FigureQuerySet.as_manager()

    class Meta:
        ordering = ["position", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"],
                condition=Q(position=0),
                name="one_lead_figure_per_review",
                violation_error_message="A review has only one lead photo (placement 0).",
            )
        ]

    def __str__(self):
        return self.caption or self.alt_text

    def save(self, *args, **kwargs):
        # A new upload, not yet stored: Django's own test (docs/architecture.md).
        if self.image and not getattr(self.image, "_committed", True):
            self.process_image()
        self.caption = markup.typographic(self.caption)
        super().save(*args, **kwargs)
        replaced = self.__dict__.pop("_replaced", None)
        if replaced and replaced.image.name != self.image.name:
            replaced.release_files()

    def process_image(self):
        """Clean, store and cut the newly assigned upload.

        Raises ValidationError for a bad photo and images.StorageFailed when the media
        storage fails (having kept none of the photo's files). The admin form calls this
        while validating, so either becomes a message on the form.
        """
        prepared = images.prepare(self.image.file)
        renditions = images.store(self.image.storage, prepared)
        if self.pk:  # its files are released once the new ones are saved
            self._replaced = Figure.objects.filter(pk=self.pk).first()
        self.image = prepared.name  # a name, not a file: stored already, not again on save
        self.width, self.height = prepared.width, prepared.height
        self.renditions = [dataclasses.asdict(r) for r in renditions]

    @property
    def srcset(self) -> str:
        storage = self.image.storage
        return ", ".join(f"{storage.url(r['name'])} {r['width']}w" for r in self.renditions)

    @property
    def src(self) -> str:
        """The middle rendition: a fair default for browsers that ignore srcset."""
        if not self.renditions:
            return self.image.url
        fitting = [r for r in self.renditions if r["width"] <= 800] or self.renditions
        return self.image.storage.url(fitting[-1]["name"])

    def feed_rendition(self) -> dict:
        """The rendition feeds and social cards use: the widest up to 1200 px."""
        return [r for r in self.renditions if r["width"] <= 1200][-1]

    @property
    def card_url(self) -> str:
        return self.image.storage.url(self.feed_rendition()["name"]) if self.renditions else ""

    @property
    def thumbnail_url(self) -> str:
        if not self.renditions:
            return self.image.url
        return self.image.storage.url(self.renditions[0]["name"])

    def file_names(self) -> set[str]:
        return {self.image.name, *(r["name"] for r in self.renditions)} - {""}

    def release_files(self) -> None:
        """Once the transaction commits, delete this figure's files unless still used.

        Files are named by content, so two figures with the same photo share them, and a
        revision keeps the files it names. If the storage fails, the files stay for
        `manage.py media_orphans` to find.
        """
        name, names, storage = self.image.name, self.file_names(), self.image.storage

        def delete():
            from reviews.revisions import file_in_revisions

            # A revision that uses the photo can be restored, so its files must stay.
            if Figure.objects.filter(image=name).exists() or file_in_revisions(name):
                return
            try:
                for each in names:
                    storage.delete(each)
            except STORAGE_ERRORS as error:
                logger.warning("Could not delete %s: %s", sorted(names), media.reason(error))

        transaction.on_commit(delete)


class Credit(models.Model):
    class Kind(models.TextChoices):
        CAST = "cast", "Cast"
        CREW = "crew", "Crew"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="credits")
    order = models.PositiveIntegerField(
        default=0,
        help_text="Credits of each kind are listed in this order. Left at 0, a new credit "
        "goes after the others.",
    )
    kind = models.CharField(
        max_length=4,
        choices=Kind,
        default=Kind.CAST,
        help_text="Cast: an actor and the character played. Crew: a person and their job.",
    )
    person = models.CharField(max_length=150, help_text="Maggie Q")
    role = models.CharField(
        max_length=150, help_text="The character played (Renée Ballard) or the job (Creator)."
    )

    class Meta:
        ordering = ["kind", "order", "pk"]

    def __str__(self):
        return f"{self.person} — {self.role}"


class ReviewAction(models.Model):
    """One entry of the content audit log: who did what to which review, and when.

    The names are copied, so an entry still reads right after the review is deleted or
    the account is deactivated or removed.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        EDIT = "edit", "Edited"
        SUBMIT = "submit", "Submitted for review"
        SEND_BACK = "send_back", "Sent back to the writer"
        PUBLISH = "publish", "Published"
        SCHEDULE = "schedule", "Scheduled"
        UNPUBLISH = "unpublish", "Unpublished"
        RESTORE = "restore", "Restored a revision"
        DELETE = "delete", "Deleted"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=10, choices=Action)
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    review_headline = models.CharField("review", max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_actions",
        verbose_name="person",
    )
    username = models.CharField("person", max_length=150)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "content log entry"
        verbose_name_plural = "content log"

    def __str__(self):
        return f"{self.person} {self.get_action_display().lower()} “{self.review_headline}”"

    @property
    def person(self) -> str:
        """Who did it, as staff know them: the display name while the account exists
        (select_related "user__profile" for a list), else the login name kept here."""
        return display_name(self.user) if self.user_id else self.username

    @classmethod
    def record(cls, *, review: Review, by, action: str, note: str = "") -> "ReviewAction":
        return cls.objects.create(
            review=review if review.pk else None,
            review_headline=review.headline,
            user=by if by and by.pk else None,
            username=by.get_username() if by else "(system)",
            action=action,
            note=note,
        )


class ScheduledChange(models.Model):
    """Changes to a published review saved to go live later (an embargo lifting, a
    correction after a broadcast). Readers see the current version until go_live_at;
    then the task worker (reviews.tasks) replays the revision. The row goes once it is
    applied or cancelled; the content log and the revisions keep the story."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scheduled_changes")
    revision = models.ForeignKey(
        "reversion.Revision",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The review as it will read once the change goes live.",
    )
    base = models.ForeignKey(
        "reversion.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The live version the change was last made against: what the change "
        "itself edits is where it differs from this.",
    )
    go_live_at = models.DateTimeField("goes live at", db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["go_live_at", "pk"]

    def __str__(self):
        return f"{self.review} at {self.go_live_at:%Y-%m-%d %H:%M}"


class Profile(models.Model):
    """A critic as readers meet them: the name in the byline, a bio, a portrait.

    Every staff account edits its own (admin, "My profile"). Without a display name
    the byline falls back to the full name, then the username, and the account is
    asked for a name before its first review is published.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    display_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Your name as readers see it in the byline, the feeds and on your author "
        "page: “Dana Whitfield”.",
    )
    bio = models.TextField(
        max_length=600,
        blank=True,
        help_text="A few lines about you for your author page (up to 600 characters).",
    )
    portrait = models.FileField(
        upload_to=images.UPLOAD_DIR,
        max_length=200,
        blank=True,
        help_text="Optional: a JPEG, PNG or WebP photo of you. Location and camera data are "
        "removed.",
    )
    portrait_alt = models.CharField(
        "portrait description",
        max_length=300,
        blank=True,
        help_text="What the portrait shows, for readers who cannot see it: “Dana Whitfield, "
        "smiling, in front of a bookshelf”.",
    )
    portrait_width = models.PositiveIntegerField(editable=False, default=0)
    portrait_height = models.PositiveIntegerField(editable=False, default=0)
    portrait_renditions = models.JSONField(editable=False, default=list)
    # NULL, not "", for a critic with no display name: unique, and many have none.
    slug = models.SlugField(  # noqa: DJ001
        max_length=120,
        unique=True,
        null=True,
        editable=False,
        help_text="The author page's address, from the display name: /authors/dana-whitfield/.",
    )

    class Meta:
        verbose_name = "critic profile"
        verbose_name_plural = "critics"

    def __str__(self):
        return self.display_name or self.user.get_username()

    def save(self, *args, **kwargs):
        # The author page follows the display name; the address it had before answers
        # 301 to the new one (FormerCriticSlug), so links to it keep working.
        before = Profile.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
        self.slug = unique_critic_slug(self.display_name, exclude=self.user_id)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        super().save(*args, **kwargs)
        if before and before != self.slug:
            FormerCriticSlug.objects.update_or_create(
                slug=before, defaults={"user_id": self.user_id}
            )

    @property
    def portrait_url(self) -> str:
        """The smallest rendition: the author page shows the portrait small."""
        if not self.portrait:
            return ""
        if self.portrait_renditions:
            return self.portrait.storage.url(self.portrait_renditions[0]["name"])
        return self.portrait.url

    def file_names(self) -> set[str]:
        return {self.portrait.name, *(r["name"] for r in self.portrait_renditions)} - {""}


class FormerCriticSlug(models.Model):
    """An author page address a critic had before their display name changed."""

    slug = models.SlugField(max_length=120, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="former_critic_slugs"
    )

    def __str__(self):
        return self.slug


def profile_of(user) -> Profile | None:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def has_a_name(user) -> bool:
    """Whether the byline would show a name rather than the login (username)."""
    profile = profile_of(user)
    return bool((profile and profile.display_name) or user.get_full_name())


def unique_critic_slug(name: str, *, exclude=None) -> str | None:
    """A slug of the display name, numbered when another critic has it; None without one."""
    base = slugify(name)[:110]
    if not base:
        return None
    taken = set(
        Profile.objects.filter(slug__startswith=base)
        .exclude(user_id=exclude)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def critic_slug(user) -> str:
    """The part of a critic's author page address: never their login name.

    The profile's slug; else a slug of their full name; else "critic-<id>".
    """
    profile = profile_of(user)
    if profile is not None and profile.slug:
        return profile.slug
    return slugify(user.get_full_name()) or f"critic-{user.pk}"


def critic_url(user) -> str:
    return reverse("reviews:author", kwargs={"slug": critic_slug(user)})
