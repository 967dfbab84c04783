"""Polls in the admin: edited inline on their review; results read-only; votes untouchable.

There is deliberately no admin for Vote: a single vote can be neither added, changed nor
deleted here by anyone. Deleting a whole poll (on its review) takes its votes with it.
"""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify

from infra import freshness
from polls.forms import PollForm
from polls.models import Poll, counted_choices
from reviews.forms import DATETIME_OVERRIDES
from reviews.models import PUBLISH

# One field a line: the admin labels the date and time of a field that shares a line badly.
POLL_FIELDS = ["question", "choices_text", "opens_at", "closes_at", "results"]


def state_label(poll: Poll) -> str:
    if poll.has_closed:
        return f"Closed {timezone.localtime(poll.closes_at):%d %b %Y %H:%M}"
    if not poll.has_opened:
        return f"Opens {timezone.localtime(poll.opens_at):%d %b %Y %H:%M}"
    if poll.closes_at:
        return f"Open until {timezone.localtime(poll.closes_at):%d %b %Y %H:%M}"
    return "Open"


def results_table(poll: Poll | None):
    """The poll's numbers as a small read-only table, with the CSV download link."""
    if poll is None or poll.pk is None:
        return "Results appear here once the poll is saved."
    results = poll.results()
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{} %</td></tr>",
        ((c.text, f"{c.votes:,}", c.percent) for c in results.choices),
    )
    return format_html(
        "<table><thead><tr><th>Answer</th><th>Votes</th><th>Share</th></tr></thead>"
        "<tbody>{}</tbody><tfoot><tr><th>Total</th><th>{}</th>"
        "<td></td></tr></tfoot></table><p>{} · <a href='{}'>Download results (CSV)</a></p>",
        rows,
        f"{results.total:,}",
        state_label(poll),
        reverse("admin:polls_poll_results_csv", args=[poll.pk]),
    )


def _cell(value) -> str:
    """Spreadsheet-safe text: a leading = + - @ would otherwise run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def results_csv(polls, filename: str) -> HttpResponse:
    """One row per answer of each poll, and a total row per poll."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["review", "question", "answer", "votes", "percent"])
    for poll in polls:
        results = poll.results()
        review, question = _cell(poll.review.slug), _cell(results.question)
        for choice in results.choices:
            writer.writerow([review, question, _cell(choice.text), choice.votes, choice.percent])
        writer.writerow([review, question, "(total)", results.total, 100 if results.total else 0])
    return response


class PollInlineFormSet(BaseInlineFormSet):
    def save_new(self, form, commit=True):
        # Saving a new review has just given it the default poll (polls.signals), so
        # the poll typed on the add page edits that poll instead of adding a second one.
        existing = Poll.objects.filter(review=self.instance).first()
        if existing is not None:
            form.instance.pk = existing.pk
            form.instance._state.adding = False
        return super().save_new(form, commit=commit)


class PollInline(admin.StackedInline):
    model = Poll
    formfield_overrides = DATETIME_OVERRIDES
    form = PollForm
    formset = PollInlineFormSet
    fields = POLL_FIELDS
    readonly_fields = ["results"]
    extra = 1
    verbose_name = "reader poll"
    verbose_name_plural = "reader poll"
    view_on_site = False  # the review's own link does it; this one sat unmarked in a heading

    @admin.display(description="Results")
    def results(self, poll):
        return results_table(poll)


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    """Every poll at a glance with its totals, and the CSV download; polls come with reviews."""

    form = PollForm
    fields = ["review_link", *POLL_FIELDS]
    readonly_fields = ["review_link", "results"]
    list_display = ["question", "review_link", "state", "summary", "total"]
    list_select_related = ["review"]
    search_fields = ["question", "review__headline"]
    ordering = ["-review__published_at", "-pk"]
    actions = ["download_csv"]

    def get_queryset(self, request):
        polls = (
            super()
            .get_queryset(request)
            .with_results()
            .annotate(vote_total=Sum("choices__vote_count"))
        )
        if not request.user.has_perm(PUBLISH):  # writers: the polls of their own reviews
            polls = polls.filter(review__author=request.user)
        return polls

    def has_change_permission(self, request, obj=None):
        # Writers edit a poll on their own draft's page, never here.
        return request.user.has_perm(PUBLISH) and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the answers, too
        freshness.review_changed(form.instance.review)

    def get_urls(self):
        view = self.admin_site.admin_view(self.results_csv_view)
        return [
            path("<int:pk>/results.csv", view, name="polls_poll_results_csv"),
            *super().get_urls(),
        ]

    def results_csv_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        poll = get_object_or_404(self.get_queryset(request).select_related("review"), pk=pk)
        if not self.has_view_permission(request, poll):
            raise PermissionDenied
        return results_csv([poll], f"poll-results-{slugify(poll.review.slug)}.csv")

    @admin.action(description="Download results of selected polls (CSV)", permissions=["view"])
    def download_csv(self, request, queryset):
        return results_csv(queryset.select_related("review"), "poll-results.csv")

    @admin.display(description="Review", ordering="review__published_at")
    def review_link(self, poll):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:reviews_review_change", args=[poll.review_id]),
            poll.review,
        )

    @admin.display(description="Votes", ordering="vote_total")
    def total(self, poll):
        return f"{poll.vote_total:,}"

    @admin.display(description="State")
    def state(self, poll):
        return state_label(poll)

    @admin.display(description="Results")
    def summary(self, poll):
        return results_summary(poll)

    @admin.display(description="Results")
    def results(self, poll):
        return results_table(poll)


def results_summary(poll: Poll | None):
    """Each answer's share on its own line, then the total, for a list column."""
    if poll is None:
        return "—"
    results = poll.results()
    if not results.total:
        return "No votes yet"
    return format_html(
        "{}<small>{} vote{}</small>",
        format_html_join(
            "",
            "{}&nbsp;{}%<br>",
            ((c.text, c.percent) for c in results.choices),
        ),
        f"{results.total:,}",
        "s" if results.total != 1 else "",
    )


@admin.display(description="Poll")
def review_poll_results(review) -> str:
    return results_summary(getattr(review, "poll", None))


#: What review_poll_results reads, prefetched once for every review listed (ReviewAdmin
#: also selects its "poll").
REVIEW_POLL_RESULTS_PREFETCH = counted_choices("poll__")
